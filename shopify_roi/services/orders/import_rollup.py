"""A history import keeps its own rollup work in its own worker (README "Fair between shops").

Every order an import writes marks a day of its shop's rollup dirty, hundreds of days a minute, and the
periodic rollup pass (jobs/schedules.py, every 30 s) runs in a thread of a worker process: the one the
other shops' drains run in, since the import holds the other. So while a shop imports (a Redis mark
renewed after every batch, gone IMPORTING_TTL seconds after the last one), that pass skips it, and the
import job recomputes its shop's dirty days itself every OWN_ROLLUP_EVERY seconds, between batches. Once
the import ends, done or raised, the pass takes the shop again with its last dirty days. A read of the
importing shop's page still refreshes before it reads, as always.

An import that slept between batches while another shop's webhooks waited was tried and taken out: it
did not lower the other shop's delays (bench/README.md, 2026-12-06), and a sleeping worker is a worker
not draining anyone's webhooks.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from shopify_roi.services.metrics import rollups

IMPORTING_TTL = 120  # seconds the importing mark outlives the last batch (a killed worker's mark expires)
OWN_ROLLUP_EVERY = 30.0  # seconds between the import's refreshes of its own shop's rollup


def importing_key(rt, shop_id: int) -> str:
    return f"shopify-roi:importing:{rt.settings.queue_name}:{shop_id}"


def importing(rt, shop_ids: list[int]) -> set[int]:
    """Those of these shops whose history import is under way in a worker (renewed after every batch)."""
    if rt.jobs.in_process or not shop_ids:
        return set()
    marks = rt.jobs.redis.mget([importing_key(rt, shop_id) for shop_id in shop_ids])
    return {shop_id for shop_id, mark in zip(shop_ids, marks, strict=True) if mark is not None}


def for_job(rt, shop_id: int) -> Callable[[], None] | None:
    """What the import job does after each full batch: mark its shop as
    importing and, every OWN_ROLLUP_EVERY seconds, bring the shop's rollup up to date in its own worker.
    None in the embedded mode: one worker thread does everything there."""
    if rt.jobs.in_process:
        return None
    last = [time.monotonic()]

    def between_batches() -> None:
        rt.jobs.redis.set(importing_key(rt, shop_id), 1, ex=IMPORTING_TTL)
        if time.monotonic() - last[0] >= OWN_ROLLUP_EVERY:
            with rt.db.session() as session:
                rollups.refresh_shop(session, shop_id)
            last[0] = time.monotonic()

    return between_batches


def import_ended(rt, shop_id: int) -> None:
    """The periodic pass may take the shop again: its last dirty days (at most OWN_ROLLUP_EVERY seconds of
    the import's writes) are recomputed there, as any writer's are. Not here: the run is already marked
    done, and a job still working after it says so would look abandoned."""
    if not rt.jobs.in_process:
        rt.jobs.redis.delete(importing_key(rt, shop_id))
