"""Applying order and refund facts: idempotent, order-independent, newest version wins.

- An order version older than the stored one (`updated_at`) changes nothing; the same version
  again changes nothing; a newer one replaces the order and its lines (an edit).
- Refunds are stored by their own id with their order's id, so one that arrives before its order
  simply waits: returns are summed by order id when read.
- After a batch, `refresh_facts` brings the read facts up to date: the returns of the orders it
  touched (or whose refunds came), and each touched customer's first counted order with its cohort
  facts (gap to the next order, net revenue within 30/90/180/365 days).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, case, delete, exists, func, select, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shopify_roi.db import among, insert_new_rows, insert_rows, update_rows
from shopify_roi.models import (
    AttributionPolicy,
    Creator,
    CustomerHistory,
    DiscountCode,
    Order,
    OrderLine,
    Refund,
    RefundLine,
    Shop,
)
from shopify_roi.models.discount import PENDING
from shopify_roi.models.order import REDACTED_PREFIX
from shopify_roi.models.rollup import COHORT_DAYS
from shopify_roi.services.metrics import leaks, rollups
from shopify_roi.services.orders import attribution
from shopify_roi.services.orders.parse import OrderFacts, RefundFacts, anonymous_signals, signals_json

SEEDING_TAGS = {"creator-roi-seeding", "creator-roi:seeding"}


class Attributor:
    """The shop's creator codes, handles and precedence, loaded once per batch."""

    def __init__(self, session: Session, shop_id: int):
        self.code_owners = dict(
            session.execute(
                select(DiscountCode.attribution_key, DiscountCode.creator_id)
                .where(DiscountCode.shop_id == shop_id, DiscountCode.status != PENDING)
                .order_by(DiscountCode.id)
            ).all()
        )
        self.handle_owners = dict(
            session.execute(select(Creator.handle, Creator.id).where(Creator.shop_id == shop_id)).all()
        )
        self.handles = {cid: handle for handle, cid in self.handle_owners.items()}
        policy = session.get(AttributionPolicy, shop_id)
        self.precedence = attribution.parse_precedence(policy.precedence if policy else None)

    def __call__(self, signals: dict) -> attribution.Attribution:
        return attribution.attribute(signals, self.code_owners, self.handle_owners, self.precedence)

    def leak_signals(self, signals: dict, winner: int | None) -> tuple[str, bool, str]:
        """What the code-leak check reads of an order: the winner's code it used (else its first code),
        whether its ref or utm_content names the winner, and the referring site's host."""
        used = [str(c).strip().upper() for c in signals.get("codes") or []]
        code = next(
            (c for c in used if winner is not None and self.code_owners.get(c) == winner),
            used[0] if used else "",
        )
        named = {str(signals.get(k) or "").strip().lower() for k in ("ref", "utm_content")}
        has_link = winner is not None and self.handles.get(winner) in named
        return code[:64], has_link, leaks.host(signals.get("referring_site"))[:255]


class Known:
    """What the database already holds for a batch: its orders by Shopify id and its refund ids.

    Two queries per batch instead of one per order and per refund.
    """

    def __init__(self, session: Session, shop_id: int, order_ids: list[str], refund_ids: list[str]):
        self.orders: dict[str, Order] = {}
        self.refunds: set[str] = set()
        order_ids, refund_ids = sorted(set(order_ids)), sorted(set(refund_ids))
        for start in range(0, len(order_ids), 500):
            chunk = order_ids[start : start + 500]
            self.orders.update(
                (o.shopify_id, o)
                for o in session.scalars(
                    select(Order).where(Order.shop_id == shop_id, among(session, Order.shopify_id, chunk))
                )
            )
        for start in range(0, len(refund_ids), 500):
            self.refunds |= refund_ids_stored(session, shop_id, refund_ids[start : start + 500])


def apply_order(
    session: Session,
    shop_id: int,
    facts: OrderFacts,
    attributor: Attributor,
    source: str = "webhook",
    known: Known | None = None,
) -> str:
    """Store this version of the order if it is new or newer; returns inserted/replaced/unchanged/stale."""
    if known is not None:
        order = known.orders.get(facts.shopify_id)
    else:
        order = session.scalar(
            select(Order).where(Order.shop_id == shop_id, Order.shopify_id == facts.shopify_id)
        )
    outcome = None
    if order is None:
        order = _insert_new(session, shop_id, _fields(facts, attributor, source, forgotten_as=None))
        if order is not None:
            outcome = "inserted"
        else:  # another worker inserted it meanwhile (its orders/create and orders/paid drained side by side)
            order = session.scalar(
                select(Order)
                .where(Order.shop_id == shop_id, Order.shopify_id == facts.shopify_id)
                .with_for_update()
            )
        if known is not None:
            known.orders[facts.shopify_id] = order
    if outcome is None:
        if facts.updated_at < order.shopify_updated_at:
            outcome = "stale"
        elif facts.updated_at == order.shopify_updated_at:
            outcome = "unchanged"
        else:
            outcome = "replaced"
            forgotten = (order.customer_id or "").startswith(
                REDACTED_PREFIX
            )  # customers/redact: stays forgotten
            for name, value in _fields(
                facts, attributor, source, forgotten_as=order.customer_id if forgotten else None
            ).items():
                setattr(order, name, value)
            session.flush()
            session.execute(delete(OrderLine).where(OrderLine.order_id == order.id))
    if outcome in ("inserted", "replaced"):
        session.add_all(
            OrderLine(
                shop_id=shop_id,
                order_id=order.id,
                shopify_id=l.shopify_id,
                quantity=l.quantity,
                price=l.price,
                discount=l.discount,
                tax=l.tax,
            )
            for l in facts.lines
        )
    for refund in facts.refunds:  # a full order body carries its refunds: a missed refunds/create is repaired
        apply_refund(session, shop_id, refund, known)
    return outcome


def insert_new_orders(
    session: Session, shop_id: int, batch: list[OrderFacts], attributor: Attributor, source: str, known: Known
) -> dict[str, OrderFacts]:
    """Insert, set-based, the orders of `batch` the database does not hold yet (a backfill's usual case, and
    a drain's orders/create), each at its newest version in the batch, in order of their ids (two workers
    inserting the same orders wait for each other, never deadlock): one statement for the orders and one for
    their lines (db.insert_new_rows, db.insert_rows: COPY on PostgreSQL), instead of two statements per order.
    Returns Shopify id -> the version inserted;
    the caller applies the rest (held already, or inserted meanwhile by another worker: ON CONFLICT skips
    those) with `apply_order`. Their refunds are not stored here (`insert_new_refunds`)."""
    newest: dict[str, OrderFacts] = {}
    for facts in batch:
        if facts.shopify_id not in known.orders and (
            facts.shopify_id not in newest or facts.updated_at > newest[facts.shopify_id].updated_at
        ):
            newest[facts.shopify_id] = facts
    todo = sorted(newest.values(), key=lambda f: (len(f.shopify_id), f.shopify_id))
    rows = [{"shop_id": shop_id, **_fields(f, attributor, source, forgotten_as=None)} for f in todo]
    inserted: dict[str, int] = dict(
        insert_new_rows(session, Order.__table__, rows, ["shop_id", "shopify_id"], ["shopify_id", "id"])
    )
    insert_rows(
        session,
        OrderLine.__table__,
        [
            {
                "shop_id": shop_id,
                "order_id": inserted[f.shopify_id],
                "shopify_id": l.shopify_id,
                "quantity": l.quantity,
                "price": l.price,
                "discount": l.discount,
                "tax": l.tax,
            }
            for f in todo
            if f.shopify_id in inserted
            for l in f.lines
        ],
    )
    return {oid: newest[oid] for oid in inserted}


def replace_held_orders(
    session: Session, shop_id: int, batch: list[OrderFacts], attributor: Attributor, source: str, known: Known
) -> dict[str, tuple[datetime, OrderFacts | None]]:
    """`apply_order` for many orders the database holds (a drain's orders/paid, updated, cancelled of orders
    created in an earlier batch), set-based: their rows are locked in id order and read again (another worker
    may have stored a newer version since `known` was read), each one whose newest version in `batch` is newer
    than the stored one is rewritten set-based (db.update_rows), its lines replaced (one DELETE, one COPY).
    Returns Shopify id -> (the version stored now, the facts written or None when none was newer). The
    refunds the bodies carry are not stored here (`insert_new_refunds`)."""
    newest: dict[str, OrderFacts] = {}
    for facts in batch:
        if facts.shopify_id in known.orders and (
            facts.shopify_id not in newest or facts.updated_at > newest[facts.shopify_id].updated_at
        ):
            newest[facts.shopify_id] = facts
    row_ids = {known.orders[oid].id: oid for oid in newest}
    current: dict[str, tuple[datetime, str | None]] = {}
    ordered_ids = sorted(row_ids)
    for start in range(0, len(ordered_ids), 500):
        for row_id, updated_at, customer in session.execute(
            select(Order.id, Order.shopify_updated_at, Order.customer_id)
            .where(among(session, Order.id, ordered_ids[start : start + 500]))
            .order_by(Order.id)
            .with_for_update()
        ):
            current[row_ids[row_id]] = (updated_at, customer)
    out: dict[str, tuple[datetime, OrderFacts | None]] = {}
    rows, lines = [], []
    for oid in sorted(newest, key=lambda o: known.orders[o].id):
        facts, (stored_at, customer) = newest[oid], current[oid]
        if facts.updated_at <= stored_at:
            out[oid] = (stored_at, None)
            continue
        out[oid] = (facts.updated_at, facts)
        row_id = known.orders[oid].id
        forgotten = (customer or "").startswith(REDACTED_PREFIX)  # customers/redact: stays forgotten
        fields = _fields(facts, attributor, source, forgotten_as=customer if forgotten else None)
        del fields["shopify_id"]
        rows.append({"id": row_id, **fields})
        lines.extend(
            {
                "shop_id": shop_id,
                "order_id": row_id,
                "shopify_id": l.shopify_id,
                "quantity": l.quantity,
                "price": l.price,
                "discount": l.discount,
                "tax": l.tax,
            }
            for l in facts.lines
        )
    if rows:
        update_rows(session, Order.__table__, rows)
        written = [r["id"] for r in rows]
        for start in range(0, len(written), 500):
            session.execute(
                delete(OrderLine).where(among(session, OrderLine.order_id, written[start : start + 500])),
                execution_options={"synchronize_session": False},
            )
        insert_rows(session, OrderLine.__table__, lines)
        for row_id in written:  # the session's copies are out of date now
            session.expire(known.orders[row_ids[row_id]])
    return out


def _fields(facts: OrderFacts, attributor: Attributor, source: str, forgotten_as: str | None) -> dict:
    """The stored columns of this version of the order; `forgotten_as`: the placeholder of a customer
    forgotten by customers/redact (the order keeps it, and only the signals attribution reads)."""
    seeding = bool(SEEDING_TAGS & {t.lower() for t in facts.tags})
    won = attributor(facts.signals)
    code, has_link, host = attributor.leak_signals(facts.signals, won.creator_id)
    signals = signals_json(facts.signals)
    return dict(
        shopify_id=facts.shopify_id,
        name=facts.name,
        created_at=facts.created_at,
        shopify_updated_at=facts.updated_at,
        cancelled_at=facts.cancelled_at,
        financial_status=facts.financial_status,
        test=facts.test,
        seeding=seeding,
        taxes_included=facts.taxes_included,
        currency=facts.currency,
        counted=not (facts.test or facts.voided or seeding),
        customer_id=forgotten_as or facts.customer_id,
        gross=facts.gross,
        discounts=facts.discounts,
        line_tax=facts.line_tax,
        revenue=facts.revenue,
        signals=anonymous_signals(signals) if forgotten_as else signals,
        creator_id=won.creator_id,
        rule=won.rule,
        contested=json.dumps(list(won.contested)),
        signal_code=code,
        signal_link=has_link,
        referrer_host=host,
        source=source,
    )


def _insert_new(session: Session, shop_id: int, fields: dict) -> Order | None:
    """Insert a new order in one statement and return it (persistent in the session), or None when
    another worker holds that order already: ON CONFLICT waits for the other transaction, so neither
    batch fails on the unique key."""
    insert_ = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert_(Order)
        .values(shop_id=shop_id, **fields)
        .on_conflict_do_nothing(index_elements=["shop_id", "shopify_id"])
        .returning(Order)
    )
    return session.scalars(stmt).first()


def apply_refund(session: Session, shop_id: int, facts: RefundFacts, known: Known | None = None) -> str:
    """Store a refund once (refunds are immutable in Shopify); returns inserted/unchanged."""
    if known is not None:
        exists = facts.shopify_id in known.refunds
    else:
        exists = (
            session.scalar(
                select(Refund.id).where(Refund.shop_id == shop_id, Refund.shopify_id == facts.shopify_id)
            )
            is not None
        )
    if exists:
        return "unchanged"
    if known is not None:
        known.refunds.add(facts.shopify_id)
    # ON CONFLICT: another worker may be storing the same refund (from refunds/create, or inside an
    # order body) right now; the second waits for the first and stores nothing.
    insert_ = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    refund_id = session.execute(
        insert_(Refund)
        .values(
            shop_id=shop_id,
            shopify_id=facts.shopify_id,
            order_shopify_id=facts.order_shopify_id,
            created_at=facts.created_at,
            subtotal=sum((l.subtotal for l in facts.lines), start=0),
            line_tax=sum((l.tax for l in facts.lines), start=0),
            has_lines=bool(facts.lines),
        )
        .on_conflict_do_nothing(index_elements=["shop_id", "shopify_id"])
        .returning(Refund.id)
    ).scalar()
    if refund_id is None:
        return "unchanged"
    session.add_all(
        RefundLine(
            shop_id=shop_id,
            refund_id=refund_id,
            shopify_id=l.shopify_id,
            line_shopify_id=l.line_shopify_id,
            quantity=l.quantity,
            subtotal=l.subtotal,
            tax=l.tax,
        )
        for l in facts.lines
    )
    return "inserted"


def insert_new_refunds(session: Session, shop_id: int, refunds: list[RefundFacts], known: Known) -> set[str]:
    """`apply_refund` for many refunds at once (a backfill's new orders carry theirs): the ones not held yet
    are inserted in one executemany with their lines in another; ON CONFLICT skips one another worker
    stored meanwhile. Returns the Shopify ids of the ones inserted."""
    todo = {r.shopify_id: r for r in refunds if r.shopify_id not in known.refunds}
    if not todo:
        return set()
    known.refunds |= set(todo)
    ids = dict(
        insert_new_rows(
            session,
            Refund.__table__,
            [
                {
                    "shop_id": shop_id,
                    "shopify_id": r.shopify_id,
                    "order_shopify_id": r.order_shopify_id,
                    "created_at": r.created_at,
                    "subtotal": sum((l.subtotal for l in r.lines), start=0),
                    "line_tax": sum((l.tax for l in r.lines), start=0),
                    "has_lines": bool(r.lines),
                }
                for r in todo.values()
            ],
            ["shop_id", "shopify_id"],
            ["shopify_id", "id"],
        )
    )
    insert_rows(
        session,
        RefundLine.__table__,
        [
            {
                "shop_id": shop_id,
                "refund_id": ids[r.shopify_id],
                "shopify_id": l.shopify_id,
                "line_shopify_id": l.line_shopify_id,
                "quantity": l.quantity,
                "subtotal": l.subtotal,
                "tax": l.tax,
            }
            for r in todo.values()
            if r.shopify_id in ids
            for l in r.lines
        ],
    )
    return set(ids)


def refresh_facts(
    session: Session, shop_id: int, customer_ids: set[str], order_ids: set[str] = frozenset()
) -> None:
    """Bring the read facts up to date after a batch: `order_ids` (Shopify ids of orders applied or
    refunded) get their returns summed again; their customers and `customer_ids` get their first
    counted order (by created_at, then id) marked, with its cohort facts, and the rest unmarked.

    Rows are locked in id order before they are written, so two workers refreshing the same
    customers wait for each other instead of deadlocking.
    """
    customers = {c for c in customer_ids if c}
    touched = sorted({o for o in order_ids if o})
    moments = []  # created_at of every order whose rollup contribution may have changed
    for start in range(0, len(touched), 500):
        chunk = touched[start : start + 500]
        _refresh_returns(session, shop_id, chunk)
        for customer, created in session.execute(
            select(Order.customer_id, Order.created_at).where(
                Order.shop_id == shop_id, among(session, Order.shopify_id, chunk)
            )
        ):
            moments.append(created)
            if customer:
                customers.add(customer)
    ids = sorted(customers)
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        rows = session.execute(
            select(
                Order.id,
                Order.customer_id,
                Order.created_at,
                Order.counted,
                Order.revenue,
                Order.returns,
                Order.is_first,
                Order.next_gap_us,
                Order.ltv_30,
                Order.ltv_90,
                Order.ltv_180,
                Order.ltv_365,
            )
            .where(Order.shop_id == shop_id, among(session, Order.customer_id, batch))
            .order_by(Order.id)
            .with_for_update()
        ).all()
        by_customer: dict[str, list] = {}
        for row in rows:
            by_customer.setdefault(row.customer_id, []).append(row)
        counted_by_shopify = shopify_counts(session, shop_id, batch)
        changes = []
        for customer, history in by_customer.items():
            returning = customer in counted_by_shopify and is_returning(
                *counted_by_shopify[customer], [r.created_at for r in history]
            )
            wanted = (
                {}
                if returning
                else cohort_facts(
                    [(r.id, r.created_at, r.counted, r.revenue - (r.returns or 0)) for r in history]
                )
            )
            for row in history:
                facts = wanted.get(row.id, _NOT_FIRST)
                if (row.is_first, row.next_gap_us, row.ltv_30, row.ltv_90, row.ltv_180, row.ltv_365) != facts:
                    changes.append(
                        {
                            "id": row.id,
                            "is_first": facts[0],
                            "next_gap_us": facts[1],
                            **{f"ltv_{n}": v for n, v in zip(COHORT_DAYS, facts[2:], strict=False)},
                        }
                    )
                    moments.append(row.created_at)
        update_rows(session, Order.__table__, changes)
    if moments:
        rollups.mark(session, shop_id, rollups.local_days(_zone(session, shop_id), moments))


def shopify_counts(
    session: Session, shop_id: int, customer_ids: list[str]
) -> dict[str, tuple[int | None, datetime]]:
    """customer id -> (Shopify's lifetime order count, when it was read), for the checked ones among these
    (services/orders/customer_checks.py)."""
    return {
        c: (n, at)
        for c, n, at in session.execute(
            select(
                CustomerHistory.customer_id, CustomerHistory.shopify_orders, CustomerHistory.checked_at
            ).where(
                CustomerHistory.shop_id == shop_id, among(session, CustomerHistory.customer_id, customer_ids)
            )
        )
    }


def is_returning(shopify_orders: int | None, checked_at: datetime, held_created: list[datetime]) -> bool:
    """A customer has orders the app cannot see (older than its 60 days) while Shopify counted more of
    their orders up to `checked_at` than the app holds from up to then; none of their held orders is
    then a first order (METRICS.md: "New customer order")."""
    return shopify_orders is not None and shopify_orders > sum(
        1 for created in held_created if created <= checked_at
    )


def returning_customers(session: Session, shop_id: int, customer_ids: list[str]) -> set[str]:
    """Of these customers, the checked ones that are returning by `is_returning`."""
    counts = shopify_counts(session, shop_id, customer_ids)
    held: dict[str, list[datetime]] = {}
    for customer, created in session.execute(
        select(Order.customer_id, Order.created_at).where(
            Order.shop_id == shop_id, among(session, Order.customer_id, counts)
        )
    ):
        held.setdefault(customer, []).append(created)
    return {c for c, (n, at) in counts.items() if is_returning(n, at, held.get(c, []))}


def _zone(session: Session, shop_id: int) -> ZoneInfo:
    return ZoneInfo(session.scalar(select(Shop.iana_timezone).where(Shop.id == shop_id)) or "UTC")


_NOT_FIRST = (False, None, None, None, None, None)


def cohort_facts(history: list[tuple]) -> dict[int, tuple]:
    """One customer's orders as (id, created_at, counted, net) -> {first order id: (True, gap to the next
    counted order in microseconds or None, net revenue within 30, 90, 180, 365 days, the first included)}.
    A repeat is a counted order strictly after the first; LTV-N takes every counted order at most N days
    after it (METRICS.md)."""
    counted = sorted((created, oid, net) for oid, created, is_counted, net in history if is_counted)
    if not counted:
        return {}
    first_at, first_id, _ = counted[0]
    later = [created for created, _, _ in counted if created > first_at]
    gap = (later[0] - first_at) // timedelta(microseconds=1) if later else None
    ltv = tuple(
        sum((net for created, _, net in counted if created <= first_at + timedelta(days=n)), Decimal(0))
        for n in COHORT_DAYS
    )
    return {first_id: (True, gap, *ltv)}


def _refresh_returns(session: Session, shop_id: int, order_ids: list[str]) -> None:
    of_order = (Refund.shop_id == Order.shop_id, Refund.order_shopify_id == Order.shopify_id)
    net = type_coerce(Refund.subtotal, BigInteger) - case(
        (Order.taxes_included, type_coerce(Refund.line_tax, BigInteger)), else_=0
    )
    returns = select(func.coalesce(func.sum(net), 0)).where(*of_order).scalar_subquery()
    with_lines = exists().where(*of_order, Refund.has_lines.is_(True))
    any_refund = exists().where(*of_order)
    # Only orders with a refund, or with returns to clear: an order without refunds is not written again.
    session.execute(
        update(Order)
        .where(
            Order.shop_id == shop_id,
            among(session, Order.shopify_id, order_ids),
            any_refund | (type_coerce(Order.returns, BigInteger) != 0) | Order.refunded_lines.is_(True),
        )
        .values(returns=type_coerce(returns, BigInteger), refunded_lines=with_lines),
        execution_options={"synchronize_session": False},
    )


def reattribute(session: Session, shop_id: int, batch_size: int = 2000) -> int:
    """Recompute every order's attribution from its stored signals (codes or policy changed)."""
    attributor = Attributor(session, shop_id)
    changed, last_id, tz = 0, 0, _zone(session, shop_id)
    while True:
        rows = session.execute(
            select(
                Order.id,
                Order.created_at,
                Order.signals,
                Order.creator_id,
                Order.rule,
                Order.contested,
                Order.signal_code,
                Order.signal_link,
                Order.referrer_host,
            )
            .where(Order.shop_id == shop_id, Order.id > last_id)
            .order_by(Order.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return changed
        moved = []
        for oid, created, raw, creator_id, rule, contested, *leak in rows:
            signals = json.loads(raw or "{}")
            won = attributor(signals)
            new = (won.creator_id, won.rule, json.dumps(list(won.contested)))
            new_leak = attributor.leak_signals(signals, won.creator_id)
            if new != (creator_id, rule, contested) or new_leak != tuple(leak):
                session.execute(
                    update(Order)
                    .where(Order.id == oid)
                    .values(
                        creator_id=new[0],
                        rule=new[1],
                        contested=new[2],
                        signal_code=new_leak[0],
                        signal_link=new_leak[1],
                        referrer_host=new_leak[2],
                    )
                )
                changed += new != (creator_id, rule, contested)
                moved.append(created)
        rollups.mark(session, shop_id, rollups.local_days(tz, moved))
        last_id = rows[-1][0]


def order_count(session: Session, shop_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Order).where(Order.shop_id == shop_id))


def refund_ids_stored(session: Session, shop_id: int, ids: list[str]) -> set[str]:
    """Which of these refunds are already stored."""
    if not ids:
        return set()
    return set(
        session.scalars(
            select(Refund.shopify_id).where(Refund.shop_id == shop_id, among(session, Refund.shopify_id, ids))
        )
    )


def precedence_of(session: Session, shop_id: int) -> tuple[str, ...]:
    policy = session.get(AttributionPolicy, shop_id)
    return attribution.parse_precedence(policy.precedence if policy else None)


def set_precedence(session: Session, shop_id: int, steps) -> tuple[str, ...]:
    """Store the shop's rule order; it must name each of code and link once."""
    from shopify_roi.services.errors import Invalid

    if (
        not isinstance(steps, list)
        or not all(isinstance(s, str) for s in steps)
        or sorted(steps) != sorted(attribution.DEFAULT_PRECEDENCE)
    ):
        raise Invalid(
            'precedence must list "code" and "link", once each, in the order they apply.',
            {"precedence": "code, link"},
        )
    policy = session.get(AttributionPolicy, shop_id) or AttributionPolicy(shop_id=shop_id)
    policy.precedence = ",".join(steps)
    session.add(policy)
    session.flush()
    return tuple(steps)
