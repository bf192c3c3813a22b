"""Applying order and refund facts: idempotent, order-independent, newest version wins.

- An order version older than the stored one (`updated_at`) changes nothing; the same version
  again changes nothing; a newer one replaces the order and its lines (an edit).
- Refunds are stored by their own id with their order's id, so one that arrives before its order
  simply waits: returns are summed by order id when read.
- After a batch, the customers it touched get their first counted order marked again.
"""
from __future__ import annotations

import json

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..models import AttributionPolicy, Creator, DiscountCode, Order, OrderLine, Refund, RefundLine
from ..models.discount import PENDING
from ..models.order import REDACTED_PREFIX
from . import attribution
from .order_facts import OrderFacts, RefundFacts, anonymous_signals, signals_json

SEEDING_TAGS = {"creator-roi-seeding", "creator-roi:seeding"}


class Attributor:
    """The shop's creator codes, handles and precedence, loaded once per batch."""

    def __init__(self, session: Session, shop_id: int):
        self.code_owners = dict(session.execute(
            select(DiscountCode.attribution_key, DiscountCode.creator_id)
            .where(DiscountCode.shop_id == shop_id, DiscountCode.status != PENDING).order_by(DiscountCode.id)).all())
        self.handle_owners = dict(session.execute(select(Creator.handle, Creator.id).where(Creator.shop_id == shop_id)).all())
        policy = session.get(AttributionPolicy, shop_id)
        self.precedence = attribution.parse_precedence(policy.precedence if policy else None)

    def __call__(self, signals: dict) -> attribution.Attribution:
        return attribution.attribute(signals, self.code_owners, self.handle_owners, self.precedence)


class Known:
    """What the database already holds for a batch: its orders by Shopify id and its refund ids.

    Two queries per batch instead of one per order and per refund.
    """

    def __init__(self, session: Session, shop_id: int, order_ids: list[str], refund_ids: list[str]):
        self.orders: dict[str, Order] = {}
        self.refunds: set[str] = set()
        order_ids, refund_ids = sorted(set(order_ids)), sorted(set(refund_ids))
        for start in range(0, len(order_ids), 500):
            chunk = order_ids[start:start + 500]
            self.orders.update((o.shopify_id, o) for o in session.scalars(
                select(Order).where(Order.shop_id == shop_id, Order.shopify_id.in_(chunk))))
        for start in range(0, len(refund_ids), 500):
            self.refunds |= refund_ids_stored(session, shop_id, refund_ids[start:start + 500])


def apply_order(session: Session, shop_id: int, facts: OrderFacts, attributor: Attributor, source: str = "webhook",
                known: Known | None = None) -> str:
    """Store this version of the order if it is new or newer; returns inserted/replaced/unchanged/stale."""
    if known is not None:
        order = known.orders.get(facts.shopify_id)
    else:
        order = session.scalar(select(Order).where(Order.shop_id == shop_id, Order.shopify_id == facts.shopify_id))
    if order is not None and facts.updated_at < order.shopify_updated_at:
        outcome = "stale"
    elif order is not None and facts.updated_at == order.shopify_updated_at:
        outcome = "unchanged"
    else:
        outcome = "replaced" if order is not None else "inserted"
        if order is None:
            order = Order(shop_id=shop_id, shopify_id=facts.shopify_id)
            session.add(order)
            if known is not None:
                known.orders[facts.shopify_id] = order
        seeding = bool(SEEDING_TAGS & {t.lower() for t in facts.tags})
        won = attributor(facts.signals)
        order.name, order.created_at, order.shopify_updated_at = facts.name, facts.created_at, facts.updated_at
        order.cancelled_at, order.financial_status, order.test = facts.cancelled_at, facts.financial_status, facts.test
        order.seeding, order.taxes_included, order.currency = seeding, facts.taxes_included, facts.currency
        order.counted = not (facts.test or facts.voided or seeding)
        forgotten = (order.customer_id or "").startswith(REDACTED_PREFIX)  # customers/redact: stays forgotten
        if not forgotten:
            order.customer_id = facts.customer_id
        order.gross, order.discounts, order.line_tax, order.revenue = facts.gross, facts.discounts, facts.line_tax, facts.revenue
        order.signals = anonymous_signals(signals_json(facts.signals)) if forgotten else signals_json(facts.signals)
        order.creator_id, order.rule, order.contested = won.creator_id, won.rule, json.dumps(list(won.contested))
        order.source = source
        session.flush()
        session.execute(delete(OrderLine).where(OrderLine.order_id == order.id))
        session.add_all(OrderLine(shop_id=shop_id, order_id=order.id, shopify_id=l.shopify_id, quantity=l.quantity,
                                  price=l.price, discount=l.discount, tax=l.tax) for l in facts.lines)
    for refund in facts.refunds:  # a full order body carries its refunds: a missed refunds/create is repaired
        apply_refund(session, shop_id, refund, known)
    return outcome


def apply_refund(session: Session, shop_id: int, facts: RefundFacts, known: Known | None = None) -> str:
    """Store a refund once (refunds are immutable in Shopify); returns inserted/unchanged."""
    if known is not None:
        exists = facts.shopify_id in known.refunds
    else:
        exists = session.scalar(select(Refund.id).where(Refund.shop_id == shop_id, Refund.shopify_id == facts.shopify_id)) is not None
    if exists:
        return "unchanged"
    if known is not None:
        known.refunds.add(facts.shopify_id)
    refund = Refund(shop_id=shop_id, shopify_id=facts.shopify_id, order_shopify_id=facts.order_shopify_id,
                    created_at=facts.created_at, subtotal=sum((l.subtotal for l in facts.lines), start=0),
                    line_tax=sum((l.tax for l in facts.lines), start=0), has_lines=bool(facts.lines))
    session.add(refund)
    session.flush()
    session.add_all(RefundLine(shop_id=shop_id, refund_id=refund.id, shopify_id=l.shopify_id, line_shopify_id=l.line_shopify_id,
                               quantity=l.quantity, subtotal=l.subtotal, tax=l.tax) for l in facts.lines)
    return "inserted"


def refresh_first_orders(session: Session, shop_id: int, customer_ids: set[str]) -> None:
    """Mark each customer's first counted order (by created_at, then id) and unmark the rest."""
    ids = [c for c in customer_ids if c]
    for start in range(0, len(ids), 500):
        batch = ids[start:start + 500]
        rows = session.execute(select(Order.id, Order.customer_id, Order.created_at, Order.counted)
                               .where(Order.shop_id == shop_id, Order.customer_id.in_(batch))).all()
        first: dict[str, tuple] = {}
        for oid, cid, created, counted in rows:
            if counted and (cid not in first or (created, oid) < first[cid]):
                first[cid] = (created, oid)
        firsts = {v[1] for v in first.values()}
        session.execute(update(Order).where(Order.shop_id == shop_id, Order.customer_id.in_(batch))
                        .values(is_first=Order.id.in_(firsts) if firsts else False))


def reattribute(session: Session, shop_id: int, batch_size: int = 2000) -> int:
    """Recompute every order's attribution from its stored signals (codes or policy changed)."""
    attributor = Attributor(session, shop_id)
    changed, last_id = 0, 0
    while True:
        rows = session.execute(select(Order.id, Order.signals, Order.creator_id, Order.rule, Order.contested)
                               .where(Order.shop_id == shop_id, Order.id > last_id).order_by(Order.id).limit(batch_size)).all()
        if not rows:
            return changed
        for oid, signals, creator_id, rule, contested in rows:
            won = attributor(json.loads(signals or "{}"))
            new = (won.creator_id, won.rule, json.dumps(list(won.contested)))
            if new != (creator_id, rule, contested):
                session.execute(update(Order).where(Order.id == oid).values(creator_id=new[0], rule=new[1], contested=new[2]))
                changed += 1
        last_id = rows[-1][0]


def order_count(session: Session, shop_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Order).where(Order.shop_id == shop_id))


def refund_ids_stored(session: Session, shop_id: int, ids: list[str]) -> set[str]:
    """Which of these refunds are already stored."""
    if not ids:
        return set()
    return set(session.scalars(select(Refund.shopify_id).where(Refund.shop_id == shop_id, Refund.shopify_id.in_(ids))))


def precedence_of(session: Session, shop_id: int) -> tuple[str, ...]:
    policy = session.get(AttributionPolicy, shop_id)
    return attribution.parse_precedence(policy.precedence if policy else None)


def set_precedence(session: Session, shop_id: int, steps) -> tuple[str, ...]:
    """Store the shop's rule order; it must name each of code and link once."""
    from .errors import Invalid

    if (not isinstance(steps, list) or not all(isinstance(s, str) for s in steps)
            or sorted(steps) != sorted(attribution.DEFAULT_PRECEDENCE)):
        raise Invalid('precedence must list "code" and "link", once each, in the order they apply.', {"precedence": "code, link"})
    policy = session.get(AttributionPolicy, shop_id) or AttributionPolicy(shop_id=shop_id)
    policy.precedence = ",".join(steps)
    session.add(policy)
    session.flush()
    return tuple(steps)
