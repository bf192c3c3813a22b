"""Draining order webhooks from the inbox in batches; re-attribution. Jobs take ids."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from shopify_roi.db_connections import is_database_failure, is_transient
from shopify_roi.jobs.customers import request_customer_check
from shopify_roi.jobs.flow import request_flow_triggers
from shopify_roi.jobs.metafields import request_metafield_write
from shopify_roi.jobs.seeding import request_seeding_records
from shopify_roi.process_local import PerProcess
from shopify_roi.runtime import Runtime, current
from shopify_roi.services.flow import triggers
from shopify_roi.services.orders import attribution_policy, customer_checks, ingest, metafield_sync

log = logging.getLogger(__name__)
DRAIN_FLAG = "shopify-roi:orders-drain-requested"


def drain_flag(rt: Runtime) -> str:
    """The flag of this app's queue: two apps (or test runs) sharing a Redis database never block each
    other."""
    return f"{DRAIN_FLAG}:{rt.settings.queue_name}"


BATCH = 500


DEBOUNCE_SECONDS = 1.0  # under a sustained burst, a process asks for a drain at least this often


class DrainRequests:
    """One process's drain requests, coalesced while a burst of order webhooks is being handled.

    Asking is a Redis `SET NX` of DRAIN_FLAG (plus one enqueue when it was not set). A delivery is
    covered by a request made *after* its row was committed: if the flag was free, a new drain job
    is queued; if it was set, a queued drain has not started yet (drain_orders deletes the flag when
    it starts, before claiming). So a request may be deferred, never dropped:

    - every order webhook request runs inside `section()`; after storing its row it calls
      `request()`. Alone in the section (a quiet shop, a test posting one webhook at a time) it asks
      Redis now, before answering, as before. With other order requests of this process still in
      the section, and a request made less than DEBOUNCE_SECONDS ago, it only marks a request as
      owed and answers at once (no Redis round trip);
    - whoever leaves the section while a request is owed asks Redis, if it is the last one out, or
      if the last request is DEBOUNCE_SECONDS old (a burst that never pauses). The owed mark is
      cleared under the lock *before* that request is made, so the request follows every commit
      that marked it; a mark made later is asked for by a later exit.

    The last webhook of a burst is therefore always followed by a request, at the latest when the
    last request of the burst leaves the section (before its answer is written). Only a process
    that dies with a request owed loses it; the inbox row is durable and the sweeper re-enqueues it.
    """

    def __init__(self, rt: Runtime, clock=time.monotonic):
        self._rt = weakref.ref(rt)
        self._clock = clock
        self._lock = threading.Lock()
        self.inside = 0  # order webhook requests of this process being handled now
        self.owed = False  # a committed delivery waits for a request
        self.asked_at = float("-inf")  # when Redis was last asked (monotonic)

    @contextmanager
    def section(self) -> Iterator[None]:
        with self._lock:
            self.inside += 1
        try:
            yield
        finally:
            with self._lock:
                self.inside -= 1
                ask = self.owed and (self.inside == 0 or self._clock() - self.asked_at >= DEBOUNCE_SECONDS)
                if ask:
                    self._mark_asked()
            if ask:
                self._ask()

    def request(self) -> None:
        """Call after the delivery's row is committed."""
        with self._lock:
            if self.inside > 1 and self._clock() - self.asked_at < DEBOUNCE_SECONDS:
                self.owed = True  # a later exit from the section asks for it
                return
            self._mark_asked()
        self._ask()

    def _mark_asked(self) -> None:  # under the lock
        self.owed = False
        self.asked_at = self._clock()

    def _ask(self) -> None:
        rt = self._rt()
        if rt is None:
            return
        try:
            if rt.jobs.redis.set(drain_flag(rt), 1, nx=True, ex=60):
                rt.jobs.enqueue(drain_orders)
        except Exception as exc:  # noqa: BLE001 - the inbox row is durable; the sweeper drains it later
            log.warning("could not request an orders drain: %s", exc)


_requests: PerProcess = PerProcess()  # rt.jobs -> its DrainRequests (which holds the runtime weakly)


def drain_requests(rt: Runtime) -> DrainRequests:
    """The runtime's DrainRequests in this process."""
    return _requests.get(rt.jobs, lambda: DrainRequests(rt))


def request_drain(rt: Runtime) -> None:
    """Ask for one drain job unless one is already waiting (webhooks arrive in bursts); deferred to
    the end of the burst when called inside `drain_requests(rt).section()` (see DrainRequests)."""
    drain_requests(rt).request()


DRAIN_BUDGET_SECONDS = 120.0  # under RQ's default job timeout (180 s): a longer backlog goes on in a new job
MAX_TRANSIENT_RETRIES = 5


def drain_orders(batch_size: int | None = None) -> dict:
    """Process received order deliveries, a batch per transaction, until none is left (or the time
    budget is spent: then a new drain job takes the rest).

    Two workers draining side by side may deadlock on a customer both batches touch; the database
    rolls one batch back, and it is claimed and processed again at once (not failed to RQ's retry). A
    batch that raises anything else goes one delivery at a time (`_one_by_one`): one delivery never
    stops the drain, whichever its place in line.
    """
    rt = current()
    batch_size = batch_size or rt.settings.orders_batch
    rt.jobs.redis.delete(drain_flag(rt))
    total: Counter = Counter()
    started, retries = time.monotonic(), 0
    domains: set[str] = set()
    while True:
        if time.monotonic() - started > DRAIN_BUDGET_SECONDS:
            rt.jobs.enqueue(drain_orders, batch_size)
            total["continued_in_a_new_job"] += 1
            break
        try:
            with rt.db.session() as session:  # a transaction per batch
                drained = ingest.drain_batch(session, batch_size)
        except Exception as exc:
            if is_transient(exc) and retries < MAX_TRANSIENT_RETRIES:
                retries += 1
                total["batches_retried"] += 1
                log.warning("order batch rolled back (%s), claiming it again", type(exc.orig).__name__)
                continue
            if is_database_failure(exc) or is_transient(exc):
                raise
            drained = _one_by_one(rt, batch_size, exc)
        if drained is None:
            break
        total.update(drained[0])
        domains.update(drained[1])
    _request_customer_checks(rt, domains)
    _request_metafield_writes(rt, domains)
    _request_flow_triggers(rt, domains)
    request_seeding_records(rt, domains)
    return dict(total)


def _one_by_one(rt: Runtime, batch_size: int, exc: Exception) -> tuple[Counter, set[str]] | None:
    """The batch raised outside any one delivery's steps (ingest.py isolates those): each of its
    deliveries again, alone, in a transaction of its own, so only the one that raises fails (a failed
    attempt: tried again later, then quarantined) and the drain goes on."""
    log.warning("order batch failed (%s); its deliveries go one by one", type(exc).__name__)
    with rt.db.session() as session:
        ids = [d.id for d in ingest.claim(session, batch_size)]
    if not ids:
        return None
    counts: Counter = Counter()
    domains: set[str] = set()
    for delivery_id in ids:
        try:
            with rt.db.session() as session:
                drained = ingest.drain_ids(session, [delivery_id])
            counts.update(drained[0])
            domains.update(drained[1])
        except Exception as alone:
            if is_database_failure(alone) or is_transient(alone):
                raise
            with rt.db.session() as session:
                counts[ingest.fail_attempt(session, delivery_id, alone)] += 1
    return counts, domains


def _request_customer_checks(rt: Runtime, domains: set[str]) -> None:
    """New orders may bring new customers to check against Shopify (shops without read_all_orders)."""
    if not domains:
        return
    try:
        with rt.db.session() as session:
            todo = customer_checks.shops_to_check(session, domains)
        for domain in todo:
            request_customer_check(rt, domain)
    except Exception as exc:  # noqa: BLE001 - the periodic check queues it later
        log.warning("could not request a customer check: %s", exc)


def process_order_deliveries(ids: list[int]) -> dict:
    """Process the given deliveries (the sweeper's path for one stuck row)."""
    rt = current()
    with rt.db.session() as session:
        return dict(ingest.process_ids(session, ids))


def reattribute_shop(shop_id: int) -> int:
    """Recompute attribution for every order of the shop (a code or the policy changed)."""
    rt = current()
    with rt.db.session() as session:
        changed = attribution_policy.reattribute(session, shop_id)
    with rt.db.session() as session:
        domains = metafield_sync.shops_writing(session, shop_id=shop_id)
    for domain in domains:  # the new attribution goes to Shopify's metafields too
        request_metafield_write(rt, domain, full=False)
    return changed


def _request_flow_triggers(rt: Runtime, domains: set[str]) -> None:
    """Orders just attributed become "Creator order attributed" Flow events (shops that turned it on)."""
    if not domains:
        return
    try:
        with rt.db.session() as session:
            todo = triggers.shops_sending(session, domains)
        for domain in todo:
            request_flow_triggers(rt, domain)
    except Exception as exc:  # noqa: BLE001 - the next drain of the shop asks again
        log.warning("could not request the Flow triggers: %s", exc)


def _request_metafield_writes(rt: Runtime, domains: set[str]) -> None:
    """New and changed attributions go to Shopify's metafields (shops that turned it on)."""
    if not domains:
        return
    try:
        with rt.db.session() as session:
            todo = metafield_sync.shops_writing(session, domains)
        for domain in todo:
            request_metafield_write(rt, domain, full=False)
    except Exception as exc:  # noqa: BLE001 - the periodic write queues it later
        log.warning("could not request a metafield write: %s", exc)
