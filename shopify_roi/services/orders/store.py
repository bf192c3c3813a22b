"""The one write path of orders and refunds: a batch, applied set-based, idempotent and order-independent.

- An order the database does not hold is inserted at the newest version the batch carries (one statement
  for the orders, one for their lines: COPY on PostgreSQL); one it holds, or another worker inserted
  meanwhile, is rewritten with its lines (an edit) only where the batch's newest version is newer
  (`updated_at`): the same version again, or an older one, changes nothing. A reconciliation's version
  with the same `updated_at` but other figures (facts.FIGURES) replaces the one held: Shopify's whole
  seconds let an order placed and edited within one second tie, and the bulk read is Shopify's now.
- A customer forgotten by customers/redact stays forgotten when a newer version of their order comes.
- Refunds are stored once (refunds.py); a full order body carries its refunds, so a missed refunds/create
  is repaired.
- A single order is a batch of one (`apply_order`): the inbox drain's fallback, which isolates a value
  the database refuses, applies each of its deliveries that way.

Rows are written in the order of their keys (Shopify ids inserted, row ids rewritten), so two workers
writing the same orders wait for each other instead of deadlocking. After a batch, read_facts.refresh_for
brings the read facts (returns, first orders, cohorts, rollup days) up to date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shopify_roi.db_rows import among, chunked, insert_or_ignore, insert_rows, update_rows
from shopify_roi.models import Order, OrderLine
from shopify_roi.models.order import REDACTED_PREFIX
from shopify_roi.services.orders import cohorts, customer_locks, seeding_tags
from shopify_roi.services.orders import refunds as stored_refunds
from shopify_roi.services.orders.attribution_policy import Attributor
from shopify_roi.services.orders.facts import FIGURES, OrderFacts, RefundFacts, figures_of
from shopify_roi.services.orders.pixel_signal import pixel_touches, with_pixel
from shopify_roi.services.orders.signals import anonymous_signals, signals_json


class Known:
    """What the database holds of a batch: its orders' row ids by Shopify id, and its refund ids (two
    queries a batch instead of one per order and per refund). A batch's write keeps it current."""

    def __init__(self, session: Session, shop_id: int, order_ids: list[str], refund_ids: list[str]):
        self.orders: dict[str, int] = {}
        self.refunds: set[str] = stored_refunds.stored(session, shop_id, refund_ids)
        self.read_orders(session, shop_id, order_ids)

    def read_orders(self, session: Session, shop_id: int, order_ids: list[str]) -> None:
        """Note the row ids of those of these orders the database holds."""
        for chunk in chunked(sorted(set(order_ids))):
            self.orders.update(
                session.execute(
                    select(Order.shopify_id, Order.id).where(
                        Order.shop_id == shop_id, among(session, Order.shopify_id, chunk)
                    )
                ).all()
            )


@dataclass
class Written:
    """What a batch stored: new orders (id -> the version inserted), held ones (id -> the version stored
    now and the facts written, None when none was newer), and the refunds inserted from refund bodies and
    from order bodies."""

    inserted: dict[str, OrderFacts]
    rewritten: dict[str, tuple[datetime, OrderFacts | None]]
    refunds: set[str]
    carried_refunds: set[str]

    def outcome(self, facts: OrderFacts) -> str:
        """inserted/replaced when these facts were written; unchanged for the same version as the one stored
        now, stale for an older one."""
        if facts.shopify_id in self.inserted:
            stored_at, written = self.inserted[facts.shopify_id].updated_at, self.inserted[facts.shopify_id]
            applied = "inserted"
        else:
            (stored_at, written), applied = self.rewritten[facts.shopify_id], "replaced"
        if written is facts:
            return applied
        return "unchanged" if facts.updated_at == stored_at else "stale"

    def refund_outcome(self, facts: RefundFacts) -> str:
        """inserted for the first refund body of an id inserted here, else unchanged."""
        if facts.shopify_id in self.refunds:
            self.refunds.discard(facts.shopify_id)  # a duplicate in the same batch is "unchanged"
            return "inserted"
        return "unchanged"

    @property
    def orders_repaired(self) -> int:
        """Orders inserted or rewritten with a newer version."""
        return len(self.inserted) + sum(1 for _, written in self.rewritten.values() if written is not None)


def apply_batch(
    session: Session,
    shop_id: int,
    orders: list[OrderFacts],
    refunds: list[RefundFacts] = (),
    attributor: Attributor | None = None,
    source: str = "webhook",
    known: Known | None = None,
) -> Written:
    """Store a batch of order versions and refund bodies of one shop (see the module's docstring); `known`:
    what the caller read of the batch already (read here otherwise), kept current. Flushes, never commits."""
    if known is None:
        carried = [r.shopify_id for f in orders for r in f.refunds]
        known = Known(
            session, shop_id, [f.shopify_id for f in orders], [r.shopify_id for r in refunds] + carried
        )
    if attributor is None and orders:
        attributor = Attributor(session, shop_id)
    customer_locks.lock(session, shop_id, [f.customer_id for f in orders])
    newest: dict[str, OrderFacts] = {}
    for facts in orders:
        if facts.shopify_id not in newest or facts.updated_at > newest[facts.shopify_id].updated_at:
            newest[facts.shopify_id] = facts
    for oid, handle in pixel_touches(session, shop_id, list(newest)).items():
        newest[oid].signals = with_pixel(newest[oid].signals, handle)
    new = [facts for oid, facts in newest.items() if oid not in known.orders]
    inserted = _insert_orders(session, shop_id, new, attributor, source, known)
    held = {oid: facts for oid, facts in newest.items() if oid not in inserted}
    known.read_orders(
        session, shop_id, [oid for oid in held if oid not in known.orders]
    )  # inserted meanwhile
    rewritten = _rewrite_newer(session, shop_id, held, attributor, source, known)
    carried = stored_refunds.insert_once(
        session, shop_id, [r for f in orders for r in f.refunds], known.refunds
    )
    sent = stored_refunds.insert_once(session, shop_id, list(refunds), known.refunds)
    return Written(inserted, rewritten, sent, carried)


def apply_order(
    session: Session,
    shop_id: int,
    facts: OrderFacts,
    attributor: Attributor | None = None,
    source: str = "webhook",
    known: Known | None = None,
) -> str:
    """One order version, as a batch of one; returns inserted/replaced/unchanged/stale."""
    return apply_batch(session, shop_id, [facts], (), attributor, source, known).outcome(facts)


def apply_refund(session: Session, shop_id: int, facts: RefundFacts, known: Known | None = None) -> str:
    """One refund body, as a batch of one; returns inserted/unchanged."""
    return apply_batch(session, shop_id, [], [facts], known=known).refund_outcome(facts)


def _insert_orders(
    session: Session, shop_id: int, new: list[OrderFacts], attributor: Attributor, source: str, known: Known
) -> dict[str, OrderFacts]:
    """Insert these orders (one version each) in order of their ids, with their lines; ON CONFLICT skips one
    another worker holds (its insert waits for that worker). Returns id -> the version inserted."""
    todo = sorted(new, key=lambda f: (len(f.shopify_id), f.shopify_id))
    rows = [{"shop_id": shop_id, **_columns(f, attributor, source, forgotten_as=None)} for f in todo]
    firsts = cohorts.new_customers_first_orders(session, shop_id, todo, rows)
    for index, row in enumerate(rows):  # written with the row: the refresh after the batch finds them right
        row.update(zip(cohorts.FIRST_ORDER_COLUMNS, firsts.get(index, cohorts.NOT_FIRST), strict=True))
    ids = dict(
        insert_or_ignore(session, Order.__table__, rows, ["shop_id", "shopify_id"], ["shopify_id", "id"])
    )
    known.orders.update(ids)
    insert_rows(
        session,
        OrderLine.__table__,
        [line for f in todo if f.shopify_id in ids for line in _line_rows(shop_id, ids[f.shopify_id], f)],
    )
    return {f.shopify_id: f for f in todo if f.shopify_id in ids}


def _rewrite_newer(
    session: Session,
    shop_id: int,
    held: dict[str, OrderFacts],
    attributor: Attributor,
    source: str,
    known: Known,
) -> dict[str, tuple[datetime, OrderFacts | None]]:
    """Lock the held orders' rows in id order and read their version again (another worker may have stored a
    newer one since `known` was read); rewrite each one `held` has a newer version of, its lines replaced
    (from a reconciliation, one with the same version but other figures too).
    Returns id -> (the version stored now, the facts written or None)."""
    row_ids = {oid: known.orders[oid] for oid in held}
    figures = FIGURES if source == "backfill" else ()  # a tie is broken by Shopify's own read only
    current, stored_figures = _lock_held(session, shop_id, sorted(row_ids.values()), figures)
    out: dict[str, tuple[datetime, OrderFacts | None]] = {}
    rows, lines, untagged = [], [], []
    for oid in sorted(held, key=row_ids.get):
        facts, row_id = held[oid], row_ids[oid]
        stored_at, customer, marked, tagged = current[row_id]
        tie_differs = (
            figures and facts.updated_at == stored_at and figures_of(facts, figures) != stored_figures[row_id]
        )
        if facts.updated_at <= stored_at and not tie_differs:
            out[oid] = (stored_at, None)
            continue
        out[oid] = (facts.updated_at, facts)
        forgotten = (customer or "").startswith(REDACTED_PREFIX)  # customers/redact: stays forgotten
        columns = _columns(
            facts, attributor, source, forgotten_as=customer if forgotten else None, marked=marked
        )
        if tagged and not marked and not columns["seeding"]:
            untagged.append(row_id)
        del columns["shopify_id"]
        rows.append({"id": row_id, **columns})
        lines.extend(_line_rows(shop_id, row_id, facts))
    if rows:
        update_rows(session, Order.__table__, shop_id, rows)
        for chunk in chunked([row["id"] for row in rows]):
            session.execute(
                delete(OrderLine).where(
                    OrderLine.shop_id == shop_id, among(session, OrderLine.order_id, chunk)
                ),
                execution_options={"synchronize_session": False},
            )
        insert_rows(session, OrderLine.__table__, lines)
    seeding_tags.drop_untagged(session, shop_id, untagged)
    return out


def _lock_held(session: Session, shop_id: int, row_ids: list[int], figures: tuple) -> tuple[dict, dict]:
    """Lock these order rows in id order; their version, customer and seeding marks, and `figures`."""
    current, stored_figures = {}, {}
    held = (Order.id, Order.shopify_updated_at, Order.customer_id, Order.seeding_marked, Order.seeding)
    for chunk in chunked(row_ids):
        for row in session.execute(
            select(*held, *(getattr(Order, name) for name in figures))
            .where(Order.shop_id == shop_id, among(session, Order.id, chunk))
            .order_by(Order.id)
            .with_for_update()
        ):
            current[row[0]] = tuple(row[1:5])
            stored_figures[row[0]] = tuple(row[5:])
    return current, stored_figures


def _columns(
    facts: OrderFacts, attributor: Attributor, source: str, forgotten_as: str | None, marked: bool = False
) -> dict:
    """The stored columns of this version of the order; `forgotten_as`: the placeholder of a customer
    forgotten by customers/redact (the order keeps it, and only the signals attribution reads); `marked`:
    staff marked it as seeding in the app (a mark the order's later versions keep)."""
    seeding, seeding_handle = seeding_tags.seeding_tag(facts.tags)
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
        seeding_handle=seeding_handle,
        taxes_included=facts.taxes_included,
        currency=facts.currency,
        counted=not (facts.test or facts.voided or seeding or marked),
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


def _line_rows(shop_id: int, order_row_id: int, facts: OrderFacts) -> list[dict]:
    return [
        {
            "shop_id": shop_id,
            "order_id": order_row_id,
            "shopify_id": line.shopify_id,
            "quantity": line.quantity,
            "price": line.price,
            "discount": line.discount,
            "tax": line.tax,
            "product_id": line.product_id,
            "title": line.title,
        }
        for line in facts.lines
    ]
