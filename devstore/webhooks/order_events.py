"""Delivering order webhooks (``orders/*``, ``refunds/create``) in order, one shop at a time,
with injectable delivery faults as real Shopify shows them.

Every shop has one channel: a single worker thread that sends the shop's order events in
the order they were made. The control API submits and waits (synchronous: it answers after
sending) or submits and returns (``async``). Faults, set with ``POST /faults {"webhooks":
{"duplicate": p, "reorder": p, "drop": p, "seed": n}}``, draw three numbers per event from a
``random.Random(seed)``, so one seed and one sequence of events give the same deliveries:

- drop (first draw < ``drop``): never sent; logged ``sent: false, dropped: true``;
- reorder (second draw < ``reorder``, nothing held yet): held back and sent right after the
  next event (logged ``reordered: true``); ``flush`` sends anything still held;
- duplicate (third draw < ``duplicate``): sent twice with the same ``X-Shopify-Webhook-Id``
  and event id; the second send is logged ``duplicate: true``.
- delay (``delay_ms``): every delivery waits that long before it is sent (a slow Shopify).
- concurrency (``concurrency``: n > 1): the faults are still drawn in order on the channel, but the
  deliveries go out on n sender threads at once, so they reach the app concurrently and in any order
  (Shopify guarantees no ordering, shopify.dev "Best practices for webhooks"); a synchronous
  submission still answers after its own deliveries, and ``flush``/``drain`` wait for every send.

The events of one submission are one merchant action: they share one ``X-Shopify-Event-Id``
(shopify.dev "Webhooks delivery structure": shared across the deliveries of the same action).

Retries: a delivery the app did not acknowledge in time with a 2xx (an error, a timeout, a refused
connection) is sent again with the same webhook id, event id, trigger time and body on Shopify's
schedule (``devstore.webhooks.retries``: 8 retries over 4 hours, scaled by the stand-in's
``webhook_retry_scale``), on a timer (the channel goes on with the next events meanwhile). The
faults ``retries`` (n) and ``retry_ms`` (first wait; then doubling) replace that schedule for the
shop. Stats count ``retried``, ``retry_pending`` and ``failed`` (given up) over all its webhooks.
"""

from __future__ import annotations

import copy
import random
import threading
import time
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from devstore.config import DevstoreConfig
from devstore.store.state import Shop, Store
from devstore.webhooks import delivery, retries

Event = tuple[str, dict]
KEY = "order_channel"


@dataclass
class WebhookFaults:
    duplicate: float = 0.0
    reorder: float = 0.0
    drop: float = 0.0
    seed: int = 0
    delay_ms: float = 0.0
    retries: int | None = None  # None: Shopify's 8
    retry_ms: float | None = None  # None: Shopify's first wait (scaled)
    concurrency: int = 1  # deliveries sent at once (1: one after another, in order)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Channel:
    faults: WebhookFaults = field(default_factory=WebhookFaults)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    held: list = field(default_factory=list)
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="order-webhooks")
    )
    counts: dict = field(default_factory=lambda: {"sent": 0, "dropped": 0, "reordered": 0, "duplicated": 0})
    senders: ThreadPoolExecutor | None = None  # with concurrency > 1
    inflight: deque = field(default_factory=deque)  # the senders' futures not yet waited for, oldest first
    counts_lock: threading.Lock = field(default_factory=threading.Lock)


def channel(store: Store, shop: Shop) -> Channel:
    with store.lock:
        found = shop.extras.get(KEY)
        if found is None:
            found = shop.extras[KEY] = Channel()
        return found


def configure(store: Store, shop: Shop, spec: dict | None) -> WebhookFaults:
    """Set (or, with None, clear) the shop's webhook faults; the random sequence restarts."""
    chan = channel(store, shop)
    spec = spec or {}
    faults = WebhookFaults(
        duplicate=float(spec.get("duplicate", 0) or 0),
        reorder=float(spec.get("reorder", 0) or 0),
        drop=float(spec.get("drop", 0) or 0),
        seed=int(spec.get("seed", 0) or 0),
        delay_ms=float(spec.get("delay_ms", 0) or 0),
        retries=int(spec["retries"]) if spec.get("retries") is not None else None,
        retry_ms=float(spec["retry_ms"]) if spec.get("retry_ms") is not None else None,
        concurrency=max(1, min(int(spec.get("concurrency", 1) or 1), 32)),
    )
    retries.override(store, shop, faults.retries, faults.retry_ms)

    def apply() -> None:
        _wait_inflight(chan)
        if chan.senders is not None:
            chan.senders.shutdown(wait=True)
        chan.faults, chan.rng = faults, random.Random(faults.seed)
        chan.senders = (
            ThreadPoolExecutor(max_workers=faults.concurrency, thread_name_prefix="order-webhook-senders")
            if faults.concurrency > 1
            else None
        )

    chan.executor.submit(apply).result()
    return faults


def snapshot(events: list[Event]) -> list[Event]:
    """Copies of the bodies as they are now (call it while holding the store lock)."""
    return [(topic, copy.deepcopy(body)) for topic, body in events]


def submit(config: DevstoreConfig, store: Store, shop: Shop, events: list[Event]) -> Future:
    """Queue snapshotted events on the shop's channel; the future gives the deliveries' JSON."""
    chan = channel(store, shop)
    return chan.executor.submit(_run, chan, config, store, shop, events)


def send(
    config: DevstoreConfig, store: Store, shop: Shop, events: list[Event], background: bool = False
) -> list[dict]:
    """Send now and return what happened (or, ``background``, queue and return [])."""
    future = submit(config, store, shop, events)
    return [] if background else results(future)


def results(future: Future) -> list[dict]:
    """What a submission's deliveries gave, once sent (with concurrency, when its senders are done)."""
    out: list[dict] = []
    for item in future.result():
        out += item.result() if isinstance(item, Future) else [item]
    return out


def flush(config: DevstoreConfig, store: Store, shop: Shop) -> list[dict]:
    """Send any delivery held back by a reorder fault; waits for everything queued before."""
    chan = channel(store, shop)

    def run() -> list[dict]:
        out: list[dict] = []
        while chan.held:
            out += _deliver(chan, config, store, shop, *chan.held.pop(0), reordered=True)
        _wait_inflight(chan)
        return out

    return chan.executor.submit(run).result()


def drain(store: Store, shop: Shop) -> None:
    """Wait until everything queued so far has been sent."""
    chan = channel(store, shop)
    chan.executor.submit(_wait_inflight, chan).result()


def _wait_inflight(chan: Channel) -> None:
    """On the channel thread: wait for every send handed to the senders so far."""
    for future in chan.inflight:
        future.exception()  # waits; a failed send is in its own result, never raised here
    chan.inflight.clear()


def stats(store: Store, shop: Shop) -> dict:
    chan = channel(store, shop)
    with chan.counts_lock:
        counts = dict(chan.counts)
    return {
        **counts,
        **retries.counts(store, shop),
        "held": len(chan.held),
        "faults": chan.faults.to_json(),
    }


def _run(chan: Channel, config, store, shop, events: list[Event]) -> list:
    """The deliveries' JSON (with concurrency, futures of it: ``results`` waits for them)."""
    out: list = []
    event_id = str(uuid.uuid4())  # one action: one X-Shopify-Event-Id for all its webhooks
    for topic, body in events:
        drop, reorder, dup = chan.rng.random(), chan.rng.random(), chan.rng.random()
        duplicate = dup < chan.faults.duplicate
        if drop < chan.faults.drop:
            result = delivery.log_unsent(
                store,
                shop,
                topic,
                body,
                "dropped (devstore fault injection)",
                {"dropped": True, "event_id": event_id},
            )
            with chan.counts_lock:
                chan.counts["dropped"] += 1
            out.append({**result.to_json(), "topic": topic, "dropped": True})
            continue
        if reorder < chan.faults.reorder and not chan.held:
            chan.held.append((topic, body, duplicate, event_id))
            out.append({"topic": topic, "held": True})
            continue
        out += _dispatch(chan, config, store, shop, topic, body, duplicate, event_id)
        while chan.held:
            out += _dispatch(chan, config, store, shop, *chan.held.pop(0), reordered=True)
    return out


def _dispatch(chan, config, store, shop, *args, reordered=False) -> list:
    """Send now, or (concurrency) hand the send to a sender thread and give its future."""
    if chan.senders is None:
        return _deliver(chan, config, store, shop, *args, reordered=reordered)
    while chan.inflight and chan.inflight[0].done():
        chan.inflight.popleft()
    while len(chan.inflight) >= 4 * chan.faults.concurrency:  # a few queued per sender, no more
        chan.inflight.popleft().exception()
    future = chan.senders.submit(_deliver, chan, config, store, shop, *args, reordered=reordered)
    chan.inflight.append(future)
    return [future]


def _deliver(chan, config, store, shop, topic, body, duplicate, event_id, reordered=False) -> list[dict]:
    if chan.faults.delay_ms:
        time.sleep(chan.faults.delay_ms / 1000)
    flags = {"reordered": True} if reordered else {}
    first = delivery.deliver(config, shop, topic, body, store=store, extra=flags, event_id=event_id)
    out = [{**first.to_json(), "topic": topic, **flags}]
    with chan.counts_lock:
        chan.counts["sent"] += 1
        chan.counts["reordered"] += int(reordered)
    if duplicate:
        again = delivery.deliver(
            config,
            shop,
            topic,
            body,
            webhook_id=first.webhook_id,
            store=store,
            extra={**flags, "duplicate": True},
        )
        out.append({**again.to_json(), "topic": topic, "duplicate": True, **flags})
        with chan.counts_lock:
            chan.counts["duplicated"] += 1
    return out
