"""Garbage-collector settings for a long-running process (gunicorn workers, `shopify-roi worker` and `serve`).

Python's full collection walks every tracked object. Right after start-up a web process holds ~140,000 of
them (modules, SQLAlchemy's mappers and compiled statements, Flask), none of them ever garbage: a full
collection took 74 ms there and landed inside an ROI request now and then (bench/roi_queries.py: the
p95). `settle()` moves what exists at start-up out of the collector's sight (`gc.freeze`) and makes the
young-generation runs rarer, so a request pays for its own objects only.
"""

from __future__ import annotations

import gc

THRESHOLDS = (10_000, 10, 10)  # objects allocated before a young collection (700 by default), then as usual


def settle() -> None:
    """Call once, when the process has built its app or runtime and before it serves."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
