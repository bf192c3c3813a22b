"""Another process that runs the app's queued jobs, as a worker would, until its stop file appears
(`tests/integration/drain_support.py` starts it). Not a test module: run as a script, with the app's
environment (support.app_environment). Under the shop filter audit (ROI_SHOP_FILTER_AUDIT) its
statements are audited too, in a file of its own."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # shop_filter_audit, beside this file

import shop_filter_audit  # noqa: E402

from shopify_roi.config import from_env  # noqa: E402
from shopify_roi.runtime import Runtime  # noqa: E402


def main(stop_file: str) -> None:
    audit = shop_filter_audit.start(f"drainer-{os.getpid()}")
    runtime = Runtime.build(from_env())
    try:
        while not Path(stop_file).exists():
            runtime.jobs.drain()
            time.sleep(0.2)
        runtime.jobs.drain()  # what was queued before the stop
    finally:
        runtime.close()
        if audit:
            shop_filter_audit.write(*audit)


if __name__ == "__main__":
    main(sys.argv[1])
