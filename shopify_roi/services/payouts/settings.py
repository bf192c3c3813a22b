"""A shop's payout settings: the return window (`hold_days`, 0-365, default 30) during which an order's
commission is held, not payable. Shown and saved in `/api/settings` as `"payouts": {"hold_days": 30}`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shopify_roi.models import PayoutSettings
from shopify_roi.models.payout import DEFAULT_HOLD_DAYS, MAX_HOLD_DAYS


def hold_days(session: Session, shop_id: int) -> int:
    """The shop's return window in days (the default until the merchant sets one)."""
    row = session.get(PayoutSettings, shop_id)
    return DEFAULT_HOLD_DAYS if row is None else row.hold_days


def check(data, errors: dict) -> int | None:
    """`{"hold_days": 0-365}`: the number, or None with the reason in `errors`."""
    days = data.get("hold_days") if isinstance(data, dict) and set(data) == {"hold_days"} else None
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_HOLD_DAYS:
        errors["payouts.hold_days"] = f"must be a whole number of days from 0 to {MAX_HOLD_DAYS}"
        return None
    return days


def save(session: Session, shop_id: int, days: int) -> int:
    """Store the return window; the next run (or a draft recomputed) uses it, paid runs keep theirs."""
    row = session.get(PayoutSettings, shop_id)
    if row is None:
        row = PayoutSettings(shop_id=shop_id)
        session.add(row)
    row.hold_days = days
    session.flush()
    return days
