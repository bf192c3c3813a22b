"""Payout runs: create a draft for a period, compute it again, delete it, mark it paid with the merchant's
reference. A shop has at most one draft; a paid run, its statements and its lines never change again
(every change is refused with 409). The view owns the transaction; this flushes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import PayoutLine, PayoutRun, PayoutStatement, Shop
from shopify_roi.models.payout import DRAFT, PAID
from shopify_roi.services import fields
from shopify_roi.services.errors import Conflict, Invalid, NotFound
from shopify_roi.services.metrics.window import local_midnight, shop_zone
from shopify_roi.services.payouts import reads
from shopify_roi.services.payouts.commission import Statement, run_statements
from shopify_roi.services.payouts.settings import hold_days

MAX_REFERENCE = 128


def get_run(session: Session, shop_id: int, run_id: int, *, lock: bool = False) -> PayoutRun:
    """The shop's run (404 for any other id); `lock`: held for update until the transaction ends."""
    query = select(PayoutRun).where(PayoutRun.id == run_id, PayoutRun.shop_id == shop_id)
    run = session.scalar(query.with_for_update() if lock else query)
    if run is None:
        raise NotFound("No such payout run.")
    return run


def _draft(session: Session, shop_id: int, run_id: int) -> PayoutRun:
    run = get_run(session, shop_id, run_id, lock=True)
    if run.status != DRAFT:
        raise Conflict(
            "This run is paid: a paid run never changes. Later refunds are clawed back in the next run."
        )
    return run


def _period_end(shop: Shop, data, now: datetime) -> date:
    """`period_end` (YYYY-MM-DD, a local date of the shop, not after today there), else 400."""
    errors: dict[str, str] = {}
    raw = data.get("period_end") if isinstance(data, dict) else None
    day = fields.day(raw, "period_end", errors)
    today = now.astimezone(shop_zone(shop)).date()
    if day is None and not errors:
        errors["period_end"] = "is required (YYYY-MM-DD)"
    elif day is not None and day > today:
        errors["period_end"] = f"must not be after today ({today.isoformat()} in the shop's time zone)"
    if errors:
        raise Invalid("Run not made: " + "; ".join(f"{k} {v}" for k, v in errors.items()), errors)
    return day


def _fill(session: Session, shop: Shop, run: PayoutRun) -> dict[int, Statement]:
    """Compute the run's statements and lines as of `run.created_at` and store them."""
    lines = reads.paid_lines(session, shop.id)
    statements = run_statements(
        reads.order_facts(session, shop.id),
        reads.rates(session, shop.id),
        lines,
        reads.brought_forward(reads.paid_to_date(session, shop.id), lines),
        local_midnight(shop_zone(shop), run.period_end + timedelta(days=1)),
        run.created_at,
        run.hold_days,
    )
    for s in statements.values():
        first = s.first_paid
        session.add(
            PayoutStatement(
                shop_id=shop.id,
                run_id=run.id,
                creator_id=s.creator_id,
                orders=len(first),
                revenue=sum((x.order.revenue for x in first), 0),
                returns=sum((x.order.returns for x in first), 0),
                accrued=s.accrued,
                clawed_back=s.clawed_back,
                brought_forward=s.brought_forward,
                payable=s.payable,
                carried_forward=s.carried_forward,
                held=s.held,
                held_orders=s.held_orders,
            )
        )
    rows = [_line_row(shop.id, run.id, x) for s in statements.values() for x in s.lines]
    if rows:
        session.execute(insert(PayoutLine), rows)
    session.flush()
    return statements


def _line_row(shop_id: int, run_id: int, line) -> dict:
    o = line.order
    return {
        "shop_id": shop_id,
        "run_id": run_id,
        "creator_id": line.creator_id,
        "order_id": o.id,
        "kind": line.kind,
        "amount": line.amount,
        "commission": line.commission,
        "order_name": o.name[:64],
        "order_created_at": o.created_at,
        "revenue": o.revenue,
        "returns": o.returns,
        "rate": line.rate,
    }


def create_run(session: Session, shop_id: int, data, now: datetime | None = None) -> PayoutRun:
    """A draft run for `{"period_end": "YYYY-MM-DD"}`, computed now; 409 while another draft exists."""
    shop = session.get(Shop, shop_id)
    now = now or utcnow()
    period_end = _period_end(shop, data, now)
    if session.scalar(select(PayoutRun.id).where(PayoutRun.shop_id == shop_id, PayoutRun.status == DRAFT)):
        raise Conflict("A draft run is waiting: mark it paid or delete it before making another.")
    run = PayoutRun(
        shop_id=shop_id,
        period_end=period_end,
        hold_days=hold_days(session, shop_id),
        created_at=now,
        status=DRAFT,
        reference="",
    )
    session.add(run)
    try:
        session.flush()
    except IntegrityError:  # another request made a draft meanwhile (the one-draft index)
        raise Conflict("A draft run is waiting: mark it paid or delete it before making another.") from None
    _fill(session, shop, run)
    return run


def _clear(session: Session, shop_id: int, run_id: int) -> None:
    for model in (PayoutLine, PayoutStatement):
        session.execute(delete(model).where(model.shop_id == shop_id, model.run_id == run_id))


def recompute(session: Session, shop_id: int, run_id: int, data, now: datetime | None = None) -> PayoutRun:
    """A draft computed again now (with the shop's return window now, and `period_end` if given)."""
    run = _draft(session, shop_id, run_id)
    shop = session.get(Shop, shop_id)
    now = now or utcnow()
    if isinstance(data, dict) and data.get("period_end") is not None:
        run.period_end = _period_end(shop, data, now)
    _clear(session, shop_id, run_id)
    run.created_at, run.hold_days = now, hold_days(session, shop_id)
    session.flush()
    _fill(session, shop, run)
    return run


def delete_run(session: Session, shop_id: int, run_id: int) -> None:
    """Delete a draft with its statements and lines; 409 for a paid run."""
    run = _draft(session, shop_id, run_id)
    _clear(session, shop_id, run_id)
    session.delete(run)
    session.flush()


def mark_paid(session: Session, shop_id: int, run_id: int, data, now: datetime | None = None) -> PayoutRun:
    """`{"reference": "PayPal batch 123", "computed_at"?: the run's created_at as shown}`: the draft becomes
    paid for good. With `computed_at`, a draft computed again since the merchant looked at it is refused."""
    run = _draft(session, shop_id, run_id)
    errors: dict[str, str] = {}
    data = data if isinstance(data, dict) else {}
    reference = fields.text(data.get("reference"), "reference", errors, max_len=MAX_REFERENCE, required=True)
    if errors:
        raise Invalid("Not marked paid: reference " + errors["reference"], errors)
    seen = data.get("computed_at")
    if seen is not None and seen != run.created_at.isoformat():
        raise Conflict("This draft was computed again since you looked at it: check it, then mark it paid.")
    done = session.execute(
        update(PayoutRun)
        .where(PayoutRun.id == run_id, PayoutRun.shop_id == shop_id, PayoutRun.status == DRAFT)
        .values(status=PAID, paid_at=now or utcnow(), reference=reference)
    )
    if done.rowcount != 1:
        raise Conflict("This run is paid already.")
    session.refresh(run)
    return run
