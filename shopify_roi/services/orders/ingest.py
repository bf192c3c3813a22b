"""Order webhooks from the inbox into facts, in batches (one transaction per batch, the caller's).

Workers claim received deliveries whose attempt is due, oldest first, with FOR UPDATE SKIP LOCKED
(PostgreSQL), so several workers drain the inbox side by side without taking the same row. A batch goes
through named steps: its bodies decoded, what the database holds of them read (`_prefetch`), each shop's
rules read (`_attributors`), parsed (a bad body fails alone, with its reason and no fact changed), written
with their read facts per shop as one batch and, only where that raised, one delivery at a time, each in
its own savepoint (ingest_writes.py); then each delivery is finished with its outcome.

One delivery never fails its batch, nor holds back the deliveries after it: a body the app cannot use is
`failed` with its reason; a delivery whose step raised anything else (its shop's rules, its parse, its
write) has nothing of it stored, and is tried again alone later, then quarantined with its reason
(services/webhooks/retries.py). Only the database failing (a lost connection, a deadlock) fails the batch,
which is rolled back whole and claimed again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import Shop, WebhookDelivery
from shopify_roi.models.delivery import FAILED, PROCESSED, QUARANTINED, RECEIVED, SKIPPED
from shopify_roi.services.orders import ingest_writes, store
from shopify_roi.services.orders.attribution_policy import Attributor
from shopify_roi.services.orders.facts import OrderFacts, RefundFacts
from shopify_roi.services.orders.parse import shopify_id
from shopify_roi.services.orders.parse_webhook import parse_body
from shopify_roi.services.webhooks import retries
from shopify_roi.services.webhooks.inbox import PayloadError, parse_payload

ORDER_TOPICS = (
    "orders/create",
    "orders/updated",
    "orders/paid",
    "orders/cancelled",
    "orders/edited",
    "refunds/create",
)


@dataclass
class _Item:
    """One delivery of the batch as it goes through the steps."""

    delivery: WebhookDelivery
    shop: Shop | None
    body: dict | PayloadError | None = None
    facts: OrderFacts | RefundFacts | PayloadError | None = None
    key: tuple = ()
    failure: ingest_writes.Attempt | None = None  # what made its attempt fail before its write

    @property
    def installed(self) -> bool:
        return self.shop is not None and self.shop.is_installed


def claim(session: Session, limit: int, ids: list[int] | None = None) -> list[WebhookDelivery]:
    """Up to `limit` received order deliveries whose attempt is due (of `ids` only, when given), oldest
    first, locked for this transaction."""
    query = (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.status == RECEIVED,
            WebhookDelivery.topic.in_(ORDER_TOPICS),
            retries.due(utcnow()),
        )
        .order_by(WebhookDelivery.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(WebhookDelivery.id.in_(ids))
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def drain_batch(session: Session, limit: int) -> tuple[Counter, set[str]] | None:
    """Claim and process one batch; None when nothing is left, else its outcome counts and shop domains."""
    batch = claim(session, limit)
    if not batch:
        return None
    return process(session, batch), {d.shop_domain for d in batch}


def drain_ids(session: Session, ids: list[int]) -> tuple[Counter, set[str]]:
    """Process these deliveries if they are still received and due: outcome counts and shop domains."""
    batch = claim(session, len(ids), ids)
    return process(session, batch), {d.shop_domain for d in batch}


def process_ids(session: Session, ids: list[int]) -> Counter:
    """Process these deliveries if they are still received and due (the path of a single delivery)."""
    return drain_ids(session, ids)[0]


def process(session: Session, deliveries: list[WebhookDelivery]) -> Counter:
    """Apply a batch of order-topic deliveries (see the module's docstring); returns counts of outcomes."""
    domains = {d.shop_domain for d in deliveries}
    shops = {s.domain: s for s in session.scalars(select(Shop).where(Shop.domain.in_(domains)))}
    items = [_Item(d, shops.get(d.shop_domain)) for d in deliveries]
    for item in items:  # each body decoded once, for the prefetch and the parse
        try:
            item.body = parse_payload(item.delivery.payload)
        except PayloadError as exc:
            item.body = exc
    known = _prefetch(session, items)
    # In order of the order they concern (applying is order-independent): two workers draining batches
    # that share orders (an order's create in one, its paid in the next) then take those orders' locks in
    # the same order and wait for each other instead of deadlocking.
    items.sort(key=lambda it: it.key)
    attributors = _attributors(session, items)
    for item in items:
        if item.installed and item.failure is None:
            item.facts = _parse(item)
    batch: dict[int, list] = {}
    for item in items:
        if _set_based(item):
            batch.setdefault(item.shop.id, []).append(item.facts)
    written = ingest_writes.write_set_based(session, batch, attributors, known)
    counts: Counter = Counter()
    for item in items:
        counts[_finish_item(session, item, written, attributors, known)] += 1
    return counts


def _attributors(session: Session, items: list[_Item]) -> dict[int, Attributor]:
    """Each installed shop's Attributor, made once per batch; a shop whose rules cannot be read fails its
    own deliveries (each a failed attempt), never another shop's."""
    attributors: dict[int, Attributor] = {}
    for item in items:
        if not item.installed or item.shop.id in attributors:
            continue
        try:
            attributors[item.shop.id] = Attributor(session, item.shop.id)
        except Exception as exc:  # noqa: BLE001 - judged: the database's failure is raised again
            attempt = ingest_writes.attempt_of(exc)
            for other in items:
                if other.shop is item.shop:
                    other.failure = attempt
    return attributors


def _parse(item: _Item) -> OrderFacts | RefundFacts | PayloadError | None:
    if isinstance(item.body, PayloadError):
        return item.body
    try:
        return parse_body(item.delivery.topic, item.body)
    except PayloadError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - judged: a bug in parsing is a failed attempt
        item.failure = ingest_writes.attempt_of(exc)
        return None


def _set_based(item: _Item) -> bool:
    """Written with its batch: a first attempt with facts to write (a delivery tried again goes alone)."""
    return (
        item.installed
        and item.failure is None
        and isinstance(item.facts, (OrderFacts, RefundFacts))
        and item.delivery.attempts == 0
    )


def _finish_item(session: Session, item: _Item, written: dict | None, attributors: dict, known: dict) -> str:
    """Finish the item's delivery with its outcome (written alone first when it was not in the batch's
    set-based write, or that write failed)."""
    delivery, facts = item.delivery, item.facts
    if not item.installed:
        _finish(delivery, SKIPPED, result="shop not installed")
        return "skipped"
    if item.failure is not None:
        return _failed(delivery, item.failure)
    if isinstance(facts, PayloadError):
        _finish(delivery, FAILED, error=f"{delivery.topic}: {facts}")
        return "failed"
    if facts is None:
        # orders/edited carries no money: the orders/updated Shopify sends with the edit (and the nightly
        # reconciliation) brings the edited order.
        _finish(delivery, PROCESSED, result="noted")
        return "noted"
    shop_id = item.shop.id
    if written is not None and _set_based(item):
        outcome = ingest_writes.outcome_of(written[shop_id], facts)
    else:
        outcome = ingest_writes.write_alone(session, shop_id, facts, attributors[shop_id], known)
        if isinstance(outcome, ingest_writes.Attempt):
            return _failed(delivery, outcome)
    _finish(delivery, PROCESSED, result=outcome)
    return outcome


def _failed(delivery: WebhookDelivery, attempt: ingest_writes.Attempt) -> str:
    """A delivery whose write failed: refused at once, or tried again later (then quarantined)."""
    if attempt.kind == "refused":
        _finish(delivery, FAILED, error=f"{delivery.topic}: {attempt.reason}")
        return "failed"
    return "quarantined" if retries.retry_later(delivery, attempt.reason) == QUARANTINED else "retried"


def fail_attempt(session: Session, delivery_id: int, exc: Exception) -> str:
    """Count a failed attempt of a delivery whose processing raised `exc` outside its own steps (the
    drain's last resort, after its batch failed and each delivery was tried alone); the database's own
    failure is raised again. Returns its status."""
    attempt = ingest_writes.attempt_of(exc)
    found = claim(session, 1, [delivery_id])
    if not found:
        return "gone"
    return _failed(found[0], attempt)


def _finish(
    delivery: WebhookDelivery, status: str, result: str | None = None, error: str | None = None
) -> None:
    delivery.status, delivery.result, delivery.error = status, result, error
    delivery.attempts += 1
    delivery.processed_at, delivery.retry_at = utcnow(), None


def _prefetch(session: Session, items: list[_Item]) -> dict[int, store.Known]:
    """What the database holds, per shop, of the orders and refunds the batch names (ids read from the
    decoded, unchecked bodies by the parser's own id rule: an order it missed would be inserted twice);
    and each item's sort key: (shop, the order's id as a zero-padded number, delivery id)."""
    order_ids: dict[int, list[str]] = {}
    refund_ids: dict[int, list[str]] = {}
    for item in items:
        delivery, body = item.delivery, item.body
        item.key = (delivery.shop_domain, "", delivery.id)
        if item.shop is None or isinstance(body, PayloadError):
            continue  # reported when the item is finished
        topic = delivery.topic
        order_id = body.get("order_id") if topic == "refunds/create" else body.get("id")
        if isinstance(body.get("order_edit"), dict):
            order_id = body["order_edit"].get("order_id")
        item.key = (delivery.shop_domain, (shopify_id(order_id) or "").rjust(24, "0"), delivery.id)
        if topic == "refunds/create":
            refund_ids.setdefault(item.shop.id, []).extend(_ids([body.get("id")]))
        elif topic != "orders/edited":
            order_ids.setdefault(item.shop.id, []).extend(_ids([body.get("id")]))
            carried = body.get("refunds") if isinstance(body.get("refunds"), list) else []
            refund_ids.setdefault(item.shop.id, []).extend(
                _ids(r.get("id") for r in carried if isinstance(r, dict))
            )
    return {
        shop_id: store.Known(session, shop_id, order_ids.get(shop_id, []), refund_ids.get(shop_id, []))
        for shop_id in set(order_ids) | set(refund_ids)
    }


def _ids(values) -> list[str]:
    return [i for i in (shopify_id(v) for v in values) if i is not None]
