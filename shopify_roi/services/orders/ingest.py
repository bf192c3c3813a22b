"""Order webhooks from the inbox into facts, in batches (one transaction per batch, the caller's).

Workers claim received deliveries with FOR UPDATE SKIP LOCKED (PostgreSQL), so several workers drain the
inbox side by side without taking the same row. A batch goes through named steps: its bodies decoded,
what the database holds of them read (`_prefetch`), parsed (a bad body fails alone, with its reason and
no fact changed), written per shop as one batch (store.apply_batch) and, only when the database refuses
a value in that, written again one delivery at a time (each a batch of one in its own savepoint) so the
bad one fails alone; then each delivery is finished with its outcome, and the read facts refreshed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import Shop, WebhookDelivery
from shopify_roi.models.delivery import FAILED, PROCESSED, RECEIVED, SKIPPED
from shopify_roi.services.orders import read_facts, store
from shopify_roi.services.orders.attribution_policy import Attributor
from shopify_roi.services.orders.facts import OrderFacts, RefundFacts
from shopify_roi.services.orders.parse import shopify_id
from shopify_roi.services.orders.parse_webhook import parse_body
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

    @property
    def installed(self) -> bool:
        return self.shop is not None and self.shop.is_installed


def claim(session: Session, limit: int, ids: list[int] | None = None) -> list[WebhookDelivery]:
    """Up to `limit` received order deliveries (of `ids` only, when given), locked for this transaction."""
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.status == RECEIVED, WebhookDelivery.topic.in_(ORDER_TOPICS))
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


def process_ids(session: Session, ids: list[int]) -> Counter:
    """Process these deliveries if they are still received (the sweeper's path for a stuck row)."""
    return process(session, claim(session, len(ids), ids))


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
    attributors: dict[int, Attributor] = {}
    for item in items:
        if item.installed:
            if item.shop.id not in attributors:  # once per shop and batch
                attributors[item.shop.id] = Attributor(session, item.shop.id)
            item.facts = _parse(item)
    written = _write_set_based(session, items, attributors, known)
    counts: Counter = Counter()
    applied: dict[int, list] = {}
    for item in items:
        outcome = _finish_item(session, item, written, attributors, known)
        counts[outcome] += 1
        if outcome not in ("skipped", "failed", "noted"):
            applied.setdefault(item.shop.id, []).append(item.facts)
    for shop_id in sorted(applied):
        read_facts.refresh_for(session, shop_id, applied[shop_id])
    return counts


def _parse(item: _Item) -> OrderFacts | RefundFacts | PayloadError | None:
    if isinstance(item.body, PayloadError):
        return item.body
    try:
        return parse_body(item.delivery.topic, item.body)
    except PayloadError as exc:
        return exc


def _write_set_based(session: Session, items: list[_Item], attributors: dict, known: dict) -> dict | None:
    """Every shop's orders and refunds as one batch each (store.apply_batch), in one savepoint: shop id ->
    what was written; None when the database refused a value (the savepoint undid it all)."""
    orders: dict[int, list[OrderFacts]] = {}
    refunds: dict[int, list[RefundFacts]] = {}
    for item in items:
        if isinstance(item.facts, (OrderFacts, RefundFacts)):
            into = orders if isinstance(item.facts, OrderFacts) else refunds
            into.setdefault(item.shop.id, []).append(item.facts)
    shop_ids = sorted(set(orders) | set(refunds))
    if not shop_ids:
        return {}
    try:
        with session.begin_nested():
            return {
                shop_id: store.apply_batch(
                    session,
                    shop_id,
                    orders.get(shop_id, []),
                    refunds.get(shop_id, []),
                    attributors[shop_id],
                    "webhook",
                    known.setdefault(shop_id, store.Known(session, shop_id, [], [])),
                )
                for shop_id in shop_ids
            }
    except DataError:
        for shop_id in shop_ids:
            known.pop(shop_id, None)  # the savepoint undid what it noted
        return None


def _finish_item(session: Session, item: _Item, written: dict | None, attributors: dict, known: dict) -> str:
    """Finish the item's delivery with its outcome (applied alone first when the batch was refused)."""
    delivery, facts = item.delivery, item.facts
    if not item.installed:
        _finish(delivery, SKIPPED, result="shop not installed")
        return "skipped"
    if isinstance(facts, PayloadError):
        _finish(delivery, FAILED, error=f"{delivery.topic}: {facts}")
        return "failed"
    if facts is None:
        # orders/edited carries no money: the orders/updated Shopify sends with the edit (and the nightly
        # reconciliation) brings the edited order.
        _finish(delivery, PROCESSED, result="noted")
        return "noted"
    shop_id = item.shop.id
    if written is None:  # the batch was refused: this delivery alone, as a batch of one
        try:
            written = {
                shop_id: _apply_alone(session, shop_id, facts, attributors[shop_id], known.get(shop_id))
            }
        except DataError as exc:
            # A value the database refuses (too long, out of range) that parsing let through; the savepoint
            # undid this delivery's writes, the rest of the batch goes on.
            known.pop(shop_id, None)  # it may hold rows the savepoint undid: read from the database again
            _finish(delivery, FAILED, error=f"{delivery.topic}: a value the database refuses ({exc.orig})")
            return "failed"
    done = written[shop_id]
    outcome = done.outcome(facts) if isinstance(facts, OrderFacts) else done.refund_outcome(facts)
    _finish(delivery, PROCESSED, result=outcome)
    return outcome


def _apply_alone(
    session: Session, shop_id: int, facts, attributor: Attributor, known: store.Known | None
) -> store.Written:
    orders, refunds = ([facts], []) if isinstance(facts, OrderFacts) else ([], [facts])
    with session.begin_nested():
        return store.apply_batch(session, shop_id, orders, refunds, attributor, "webhook", known)


def _finish(
    delivery: WebhookDelivery, status: str, result: str | None = None, error: str | None = None
) -> None:
    delivery.status, delivery.result, delivery.error = status, result, error
    delivery.attempts += 1
    delivery.processed_at = utcnow()


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
