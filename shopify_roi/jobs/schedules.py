"""Periodic work, run by `shopify-roi worker` (and the in-process worker): the inbox sweeper.

An acknowledged webhook whose queue entry was lost (Redis restarted, enqueue failed) is still
`received` in the inbox; the sweeper re-enqueues it. Processing is idempotent, so a sweep that
races a slow worker only costs a no-op job.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from ..runtime import Runtime
from ..services import inbox
from .webhooks import process_delivery

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(seconds=30)


def sweep_inbox(rt: Runtime, older_than: timedelta = STALE_AFTER) -> int:
    """Re-enqueue deliveries still unprocessed after `older_than`; returns how many."""
    with rt.db.session() as session:
        ids = inbox.stale_received(session, older_than)
    for delivery_id in ids:
        rt.jobs.enqueue(process_delivery, delivery_id)
    if ids:
        log.info("sweeper re-enqueued %d webhook deliveries", len(ids))
    return len(ids)


class Ticker:
    """Runs the periodic work every `interval` seconds in a daemon thread."""

    def __init__(self, rt: Runtime, interval: float = 15.0):
        self.rt, self.interval = rt, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="schedules", daemon=True)

    def start(self) -> "Ticker":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                sweep_inbox(self.rt)
            except Exception:  # noqa: BLE001 - keep ticking through a database blip
                log.exception("sweep failed")
