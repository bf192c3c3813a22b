"""Bulk jobs never hold every worker: fair between shops.

A bulk job (a history import, a creators CSV import) can keep a worker busy for minutes. All the app's
jobs share one queue, taken oldest first by every worker; so that one shop's import never leaves the
other shops' webhooks waiting behind it, a bulk job runs only while it holds one of `BULK_JOB_SLOTS`
slots (default 1) in Redis. With two workers or more and one slot, at least one worker is always free
for order webhooks and the small jobs of every shop (README, "Fair between shops"; bench/fairness.py
measures the delay). A bulk job that finds every slot taken is queued again a little later and returns.

A slot is a Redis key with a short expiry that the running job renews, so a worker killed mid-import
frees its slot within `SLOT_TTL` seconds.
"""

from __future__ import annotations

import functools
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from shopify_roi.runtime import Runtime, current

log = logging.getLogger(__name__)
SLOT_TTL = 60  # seconds a slot lives without renewal
RENEW_EVERY = 15
RETRY_AFTER = 20  # seconds before a bulk job that found no free slot tries again
BULK_JOB_TIMEOUT = 3600


def _key(rt: Runtime, n: int) -> str:
    return f"shopify-roi:bulk-slot:{rt.settings.queue_name}:{n}"


def take_slot(rt: Runtime) -> str | None:
    """The key of a free slot, now held by this job, or None when every slot is taken."""
    token = uuid.uuid4().hex
    for n in range(max(1, rt.settings.bulk_job_slots)):
        key = _key(rt, n)
        if rt.jobs.redis.set(key, token, nx=True, ex=SLOT_TTL):
            return f"{key}|{token}"
    return None


def give_back(rt: Runtime, held: str) -> None:
    key, token = held.split("|", 1)
    if rt.jobs.redis.get(key) in (token, token.encode()):
        rt.jobs.redis.delete(key)


def _renew(rt: Runtime, held: str, done: threading.Event) -> None:
    key, token = held.split("|", 1)
    while not done.wait(RENEW_EVERY):
        try:
            if rt.jobs.redis.get(key) in (token, token.encode()):
                rt.jobs.redis.expire(key, SLOT_TTL)
        except Exception as exc:  # noqa: BLE001 - a Redis blip: the next renewal tries again
            log.warning("could not renew bulk slot %s: %s", key, exc)


@contextmanager
def held_slot(rt: Runtime) -> Iterator[str | None]:
    """A bulk slot held (and renewed) for the block, or None when every slot is taken."""
    held = take_slot(rt)
    if held is None:
        yield None
        return
    done = threading.Event()
    renewer = threading.Thread(target=_renew, args=(rt, held, done), name="bulk-slot-renewal", daemon=True)
    renewer.start()
    try:
        yield held
    finally:
        done.set()
        renewer.join(timeout=5)
        give_back(rt, held)


def bulk_job(func):
    """Run `func` only while holding a bulk slot; without one, queue it again in RETRY_AFTER seconds."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        rt = current()
        if rt.jobs.in_process:  # the embedded mode's one worker thread: nothing to share
            return func(*args, **kwargs)
        with held_slot(rt) as held:
            if held is not None:
                return func(*args, **kwargs)
        rt.jobs.enqueue_in(RETRY_AFTER, run, *args, job_timeout=BULK_JOB_TIMEOUT, **kwargs)
        return f"waiting: every bulk slot ({rt.settings.bulk_job_slots}) is taken; again in {RETRY_AFTER} s"

    return run
