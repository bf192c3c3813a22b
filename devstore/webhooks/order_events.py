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
import time
import uuid
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
    )
    retries.override(store, shop, faults.retries, faults.retry_ms)

    def apply() -> None:
        chan.faults, chan.rng = faults, random.Random(faults.seed)

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
    return [] if background else future.result()


def flush(config: DevstoreConfig, store: Store, shop: Shop) -> list[dict]:
    """Send any delivery held back by a reorder fault; waits for everything queued before."""
    chan = channel(store, shop)

    def run() -> list[dict]:
        out: list[dict] = []
        while chan.held:
            out += _deliver(chan, config, store, shop, *chan.held.pop(0), reordered=True)
        return out

    return chan.executor.submit(run).result()


def drain(store: Store, shop: Shop) -> None:
    """Wait until everything queued so far has been sent."""
    channel(store, shop).executor.submit(lambda: None).result()


def stats(store: Store, shop: Shop) -> dict:
    chan = channel(store, shop)
    with store.lock:
        counts = dict(chan.counts)
    return {
        **counts,
        **retries.counts(store, shop),
        "held": len(chan.held),
        "faults": chan.faults.to_json(),
    }


def _run(chan: Channel, config, store, shop, events: list[Event]) -> list[dict]:
    out: list[dict] = []
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
            chan.counts["dropped"] += 1
            out.append({**result.to_json(), "topic": topic, "dropped": True})
            continue
        if reorder < chan.faults.reorder and not chan.held:
            chan.held.append((topic, body, duplicate, event_id))
            out.append({"topic": topic, "held": True})
            continue
        out += _deliver(chan, config, store, shop, topic, body, duplicate, event_id)
        while chan.held:
            out += _deliver(chan, config, store, shop, *chan.held.pop(0), reordered=True)
    return out


def _deliver(chan, config, store, shop, topic, body, duplicate, event_id, reordered=False) -> list[dict]:
    if chan.faults.delay_ms:
        time.sleep(chan.faults.delay_ms / 1000)
    flags = {"reordered": True} if reordered else {}
    first = delivery.deliver(config, shop, topic, body, store=store, extra=flags, event_id=event_id)
    out = [{**first.to_json(), "topic": topic, **flags}]
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
        chan.counts["duplicated"] += 1
    return out
