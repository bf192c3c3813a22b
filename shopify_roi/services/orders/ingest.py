"""Order webhooks from the inbox into facts, in batches (one transaction per batch).

Workers claim received deliveries with FOR UPDATE SKIP LOCKED (PostgreSQL), so several workers
drain the inbox side by side without taking the same row. A bad body fails alone (savepoint)
with a readable reason and changes no fact.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import Shop, WebhookDelivery
from shopify_roi.models.delivery import FAILED, PROCESSED, RECEIVED, SKIPPED
from shopify_roi.services.orders import store as orders
from shopify_roi.services.orders.parse import OrderFacts, RefundFacts, parse_order, parse_refund, shopify_id
from shopify_roi.services.webhooks.inbox import PayloadError, parse_payload

ORDER_TOPICS = (
    "orders/create",
    "orders/updated",
    "orders/paid",
    "orders/cancelled",
    "orders/edited",
    "refunds/create",
)


def claim(session: Session, limit: int, ids: list[int] | None = None) -> list[WebhookDelivery]:
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


def _finish(
    delivery: WebhookDelivery, status: str, result: str | None = None, error: str | None = None
) -> None:
    delivery.status, delivery.result, delivery.error = status, result, error
    delivery.attempts += 1
    delivery.processed_at = utcnow()


def parse_body(topic: str, body: dict) -> OrderFacts | RefundFacts | None:
    """The facts of an order-topic body (decoded by inbox.parse_payload); PayloadError for anything malformed,
    whatever its shape.

    The body is untrusted until parsed: a list where an object belongs, a string where a number
    does, must fail this delivery readably and never the batch it is in.
    """
    try:
        if topic == "refunds/create":
            return parse_refund(body)
        if topic == "orders/edited":
            if not isinstance(body.get("order_edit"), dict):
                raise PayloadError("`order_edit` is missing")
            return None
        return parse_order(body)
    except PayloadError:
        raise
    except (
        ValueError,
        TypeError,
        AttributeError,
        KeyError,
        IndexError,
        ArithmeticError,
        RecursionError,
    ) as exc:
        raise PayloadError(f"unexpected shape ({type(exc).__name__}: {str(exc)[:200]})") from None


def process(session: Session, deliveries: list[WebhookDelivery]) -> Counter:
    """Apply a batch of order-topic deliveries; returns counts of outcomes.

    Bodies are parsed first (a bad one fails alone, with its reason); then the orders and refunds are applied
    set-based (`_apply_set_based`: new orders inserted and held ones rewritten at the newest version the batch
    carries, refunds inserted once); only when the database refuses a value in that is every delivery
    applied one by one in a savepoint, so that the bad one fails alone.
    """
    counts: Counter = Counter()
    domains = {d.shop_domain for d in deliveries}
    shops = {s.domain: s for s in session.scalars(select(Shop).where(Shop.domain.in_(domains)))}
    attributors: dict[int, orders.Attributor] = {}
    customers: dict[int, set[str]] = {}
    touched: dict[int, set[str]] = {}  # Shopify order ids applied or refunded, per shop
    bodies: dict[int, dict | PayloadError] = {}  # each body decoded once, for the prefetch and the parse
    for delivery in deliveries:
        try:
            bodies[delivery.id] = parse_payload(delivery.payload)
        except PayloadError as exc:
            bodies[delivery.id] = exc
    known, keys = _known(session, shops, deliveries, bodies)
    # In order of the order they concern (apply is order-independent): two workers draining batches that
    # share orders (an order's create in one, its paid in the next) then take those orders' locks in the
    # same order and wait for each other instead of deadlocking.
    ordered = sorted(deliveries, key=lambda d: keys.get(d.id, (d.shop_domain, "", d.id)))
    parsed: dict[int, OrderFacts | RefundFacts | None | PayloadError] = {}
    for delivery in ordered:
        shop = shops.get(delivery.shop_domain)
        if shop is None or not shop.is_installed:
            continue
        if shop.id not in attributors:  # once per shop and batch (setdefault would build one per delivery)
            attributors[shop.id] = orders.Attributor(session, shop.id)
        body = bodies[delivery.id]
        try:
            parsed[delivery.id] = body if isinstance(body, PayloadError) else parse_body(delivery.topic, body)
        except PayloadError as exc:
            parsed[delivery.id] = exc
    done = _apply_set_based(session, shops, ordered, parsed, attributors, known)
    for delivery in ordered:
        shop = shops.get(delivery.shop_domain)
        if shop is None or not shop.is_installed:
            _finish(delivery, SKIPPED, result="shop not installed")
            counts["skipped"] += 1
            continue
        facts = parsed[delivery.id]
        if isinstance(facts, PayloadError):
            _finish(delivery, FAILED, error=f"{delivery.topic}: {facts}")
            counts["failed"] += 1
            continue
        if delivery.topic == "orders/edited":
            # {"order_edit": {...}} carries no money: the orders/updated Shopify sends with the edit (and
            # the nightly reconciliation) brings the edited order.
            _finish(delivery, PROCESSED, result="noted")
            counts["noted"] += 1
            continue
        outcome = done.outcome(shop.id, facts)
        if outcome is not None:  # applied set-based above
            if isinstance(facts, RefundFacts):
                touched.setdefault(shop.id, set()).add(facts.order_shopify_id)
            else:
                customers.setdefault(shop.id, set()).add(facts.customer_id)
                touched.setdefault(shop.id, set()).add(facts.shopify_id)
            _finish(delivery, PROCESSED, result=outcome)
            counts[outcome] += 1
            continue
        try:
            with session.begin_nested():
                if delivery.topic == "refunds/create":
                    outcome = orders.apply_refund(session, shop.id, facts, known.get(shop.id))
                    touched.setdefault(shop.id, set()).add(facts.order_shopify_id)
                else:
                    outcome = orders.apply_order(
                        session, shop.id, facts, attributors[shop.id], known=known.get(shop.id)
                    )
                    customers.setdefault(shop.id, set()).add(facts.customer_id)
                    touched.setdefault(shop.id, set()).add(facts.shopify_id)
        except (PayloadError, DataError) as exc:
            if isinstance(exc, PayloadError):
                _finish(delivery, FAILED, error=f"{delivery.topic}: {exc}")
                counts["failed"] += 1
                continue
            # A value the database refuses (too long, out of range) that parsing let through; the
            # savepoint undid this delivery's writes, the rest of the batch goes on.
            known.pop(shop.id, None)  # it may hold rows the savepoint undid: read from the database again
            _finish(delivery, FAILED, error=f"{delivery.topic}: a value the database refuses ({exc.orig})")
            counts["failed"] += 1
            continue
        _finish(delivery, PROCESSED, result=outcome)
        counts[outcome] += 1
    for shop_id in sorted(set(customers) | set(touched)):
        orders.refresh_facts(session, shop_id, customers.get(shop_id, set()), touched.get(shop_id, set()))
    return counts


class _SetBased:
    """What `_apply_set_based` stored: new orders (key -> the version inserted), held orders (key -> the version
    stored now and the facts written, None when none was newer) and the refunds/create refunds inserted."""

    def __init__(self):
        self.inserted: dict[tuple[int, str], OrderFacts] = {}
        self.replaced: dict[tuple[int, str], tuple] = {}
        self.refunds: set[tuple[int, str]] = set()
        self.refunds_seen: set[tuple[int, str]] = set()  # refund ids whose refunds/create it answers

    def outcome(self, shop_id: int, facts) -> str | None:
        """The delivery's outcome if it was applied here, else None (it goes the one-by-one way)."""
        if isinstance(facts, RefundFacts):
            key = (shop_id, facts.shopify_id)
            if key not in self.refunds_seen:
                return None
            if key in self.refunds:
                self.refunds.discard(key)  # a duplicate in the same batch is "unchanged"
                return "inserted"
            return "unchanged"
        key = (shop_id, facts.shopify_id)
        if key in self.inserted:
            fresh = self.inserted[key]
            return (
                "inserted"
                if fresh is facts
                else ("unchanged" if facts.updated_at == fresh.updated_at else "stale")
            )
        if key in self.replaced:
            stored_at, written = self.replaced[key]
            return (
                "replaced"
                if written is facts
                else ("unchanged" if facts.updated_at == stored_at else "stale")
            )
        return None


def _apply_set_based(
    session: Session,
    shops: dict,
    ordered: list[WebhookDelivery],
    parsed: dict,
    attributors: dict,
    known: dict,
) -> _SetBased:
    """Apply the batch's order and refund bodies set-based, per shop: the orders the database does not hold
    inserted at the newest version the batch has (orders.insert_new_orders: ON CONFLICT skips one another
    worker holds), the held ones rewritten where the batch has a newer version (orders.replace_held_orders),
    then the refunds the bodies carry and the refunds/create refunds (orders.insert_new_refunds). Should the
    database refuse a value, the savepoint undoes it all and every delivery goes the one-by-one way, where
    that one fails alone."""
    new: dict[int, list[OrderFacts]] = {}
    held_versions: dict[int, list[OrderFacts]] = {}
    refunds: dict[int, list[RefundFacts]] = {}
    for delivery in ordered:
        facts = parsed.get(delivery.id)
        if isinstance(facts, (OrderFacts, RefundFacts)):
            shop_id = shops[delivery.shop_domain].id
            held = known.get(shop_id)
            if isinstance(facts, RefundFacts):
                refunds.setdefault(shop_id, []).append(facts)
            elif held is None or facts.shopify_id not in held.orders:
                new.setdefault(shop_id, []).append(facts)
            else:
                held_versions.setdefault(shop_id, []).append(facts)
    out = _SetBased()
    if not (new or held_versions or refunds):
        return out
    try:
        with session.begin_nested():
            for shop_id in sorted(set(new) | set(held_versions) | set(refunds)):
                held = known.setdefault(shop_id, orders.Known(session, shop_id, [], []))
                attributor = attributors[shop_id]
                stored = orders.insert_new_orders(
                    session, shop_id, new.get(shop_id, []), attributor, "webhook", held
                )
                out.inserted.update(((shop_id, oid), facts) for oid, facts in stored.items())
                versions = held_versions.get(shop_id, [])
                replaced = orders.replace_held_orders(session, shop_id, versions, attributor, "webhook", held)
                out.replaced.update(((shop_id, oid), v) for oid, v in replaced.items())
                # A full order body carries its refunds: a missed refunds/create is repaired (every version's).
                carried = [r for f in stored.values() for r in f.refunds] + [
                    r for f in versions for r in f.refunds
                ]
                orders.insert_new_refunds(session, shop_id, carried, held)
                own = refunds.get(shop_id, [])
                out.refunds |= {
                    (shop_id, rid) for rid in orders.insert_new_refunds(session, shop_id, own, held)
                }
                out.refunds_seen |= {(shop_id, r.shopify_id) for r in own}
    except DataError:
        for shop_id in set(new) | set(held_versions) | set(refunds):
            known.pop(shop_id, None)  # the savepoint undid what it noted
        return _SetBased()
    return out


def _ids(values) -> list[str]:
    """The values that are Shopify ids, by the parser's own rule: the prefetch must agree with it, or
    an order it missed would be inserted twice (anything else is reported when its delivery is parsed)."""
    return [i for i in (shopify_id(v) for v in values) if i is not None]


def _known(
    session: Session, shops: dict, deliveries: list[WebhookDelivery], bodies: dict
) -> tuple[dict[int, orders.Known], dict]:
    """Prefetch, per shop, the orders and refunds the batch names (ids read from the decoded, unchecked bodies);
    and each delivery's sort key: (shop, the order's id as a zero-padded number, delivery id)."""
    order_ids: dict[int, list[str]] = {}
    refund_ids: dict[int, list[str]] = {}
    keys: dict[int, tuple] = {}
    for delivery in deliveries:
        shop = shops.get(delivery.shop_domain)
        if shop is None:
            continue
        body = bodies[delivery.id]
        if isinstance(body, PayloadError):
            continue  # reported in the main loop
        order_id = body.get("order_id") if delivery.topic == "refunds/create" else body.get("id")
        if isinstance(body.get("order_edit"), dict):
            order_id = body["order_edit"].get("order_id")
        (number,) = _ids([order_id]) or [""]
        keys[delivery.id] = (delivery.shop_domain, number.rjust(24, "0"), delivery.id)
        if delivery.topic == "refunds/create":
            refund_ids.setdefault(shop.id, []).extend(_ids([body.get("id")]))
        elif delivery.topic != "orders/edited":
            order_ids.setdefault(shop.id, []).extend(_ids([body.get("id")]))
            refunds = body.get("refunds") if isinstance(body.get("refunds"), list) else []
            refund_ids.setdefault(shop.id, []).extend(
                _ids(r.get("id") for r in refunds if isinstance(r, dict))
            )
    return {
        sid: orders.Known(session, sid, order_ids.get(sid, []), refund_ids.get(sid, []))
        for sid in set(order_ids) | set(refund_ids)
    }, keys
