"""Creators' discount codes: the rules for a code, and keeping the app's copy true to the shop.

The Admin API calls live in shopify_client/discounts.py; this module decides what to call and
what the answer means for the stored rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import Creator, DiscountCode
from shopify_roi.models.discount import ACTIVE, DELETED, LIVE, PAUSED, PENDING, REMOVED, ROTATED
from shopify_roi.services import fields
from shopify_roi.services.errors import Conflict, Invalid, NotFound
from shopify_roi.shopify_client.discounts import CodeSpec, RemoteDiscount

CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{1,254}")
APP_TAG = "creator-roi"


def code_key(code: str) -> str:
    """How codes are compared: trimmed, case-insensitive (Shopify's own rule)."""
    return code.strip().upper()


def creator_tag(handle: str) -> str:
    return f"{APP_TAG}:{handle}"


@dataclass(frozen=True)
class CodeInput:
    code: str
    value_type: str
    value: Decimal
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    usage_limit: int | None = None
    once_per_customer: bool = False
    combines_with_order: bool = False
    combines_with_product: bool = False
    combines_with_shipping: bool = True
    min_subtotal: Decimal | None = None

    def spec(self, handle: str, name: str) -> CodeSpec:
        shown = f"{self.value * 100:g}% off" if self.value_type == "percentage" else f"{self.value} off"
        return CodeSpec(
            code=self.code,
            value_type=self.value_type,
            value=self.value,
            title=f"{self.code} · @{handle} ({shown})",
            tags=(APP_TAG, creator_tag(handle)),
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            usage_limit=self.usage_limit,
            once_per_customer=self.once_per_customer,
            combines_with_order=self.combines_with_order,
            combines_with_product=self.combines_with_product,
            combines_with_shipping=self.combines_with_shipping,
            min_subtotal=self.min_subtotal,
        )


def _bool(value, default: bool) -> bool:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "y", "on"}


def _when(value, name: str, errors: dict, end: bool = False) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):
            raise ValueError("not text")
        text = value.strip()
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time(23, 59, 59) if end else time(0), tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        # in UTC now: a time whose UTC form leaves the calendar (year 1 or 9999) is refused here
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        errors[name] = "must be a date (YYYY-MM-DD) or an ISO time"
        return None


def parse_code(data: dict) -> CodeInput:
    """Validate a code request: `code` plus `percent_off` (1-100) or `amount_off` (money)."""
    if not isinstance(data, dict):
        raise Invalid("Send the discount as a JSON object.", {"discount": "an object"})
    errors: dict[str, str] = {}
    code = data.get("code")
    code = code.strip() if isinstance(code, str) else ""
    if not CODE_RE.fullmatch(code):
        errors["code"] = "use 2-255 letters, digits, - or _ (no spaces)"
    value_type, value = "percentage", Decimal(0)
    if data.get("amount_off") not in (None, ""):
        value_type = "fixed_amount"
        value = fields.amount(data["amount_off"], "amount_off", errors, positive=True, places=2) or Decimal(0)
    else:
        raw = data.get("percent_off", "")
        percent = fields.decimal(
            raw.strip().rstrip("%") if isinstance(raw, str) else raw,
            "percent_off",
            errors,
            "must be a number between 0 and 100",
        )
        if percent is not None:
            if not (0 < percent <= 100) or percent != percent.quantize(Decimal("0.01")):
                errors["percent_off"] = "must be between 0 and 100, at most 2 decimals"
            else:
                value = percent / 100  # the Admin API wants a 0-1 fraction
    starts = _when(data.get("starts_at"), "starts_at", errors)
    ends = _when(data.get("ends_at"), "ends_at", errors, end=True)
    if starts and ends and ends <= starts:
        errors["ends_at"] = "must be after the start"
    usage_limit = fields.whole(data.get("usage_limit"), "usage_limit", errors, low=1)
    min_subtotal = fields.amount(data.get("min_subtotal"), "min_subtotal", errors, places=2)
    if errors:
        raise Invalid("Please correct the discount code.", errors)
    return CodeInput(
        code=code,
        value_type=value_type,
        value=value,
        starts_at=starts,
        ends_at=ends,
        usage_limit=usage_limit,
        once_per_customer=_bool(data.get("once_per_customer"), False),
        combines_with_order=_bool(data.get("combines_with_order"), False),
        combines_with_product=_bool(data.get("combines_with_product"), False),
        combines_with_shipping=_bool(data.get("combines_with_shipping"), True),
        min_subtotal=min_subtotal,
    )


def live_code(session: Session, shop_id: int, code: str) -> DiscountCode | None:
    """The app's code with this text that still exists in the shop (any case), if any."""
    return session.scalar(
        select(DiscountCode).where(DiscountCode.shop_id == shop_id, DiscountCode.code_key == code_key(code))
    )


def codes_of(session: Session, shop_id: int, creator_id: int) -> list[DiscountCode]:
    return list(
        session.scalars(
            select(DiscountCode)
            .where(DiscountCode.shop_id == shop_id, DiscountCode.creator_id == creator_id)
            .order_by(DiscountCode.id.desc())
        )
    )


def current_code(session: Session, shop_id: int, creator_id: int) -> DiscountCode | None:
    """The creator's code in use: active, paused or pending (the newest)."""
    return session.scalar(
        select(DiscountCode)
        .where(
            DiscountCode.shop_id == shop_id,
            DiscountCode.creator_id == creator_id,
            DiscountCode.alias_of_id.is_(None),
            DiscountCode.status.in_((ACTIVE, PAUSED, PENDING)),
        )
        .order_by(DiscountCode.id.desc())
        .limit(1)
    )


def get_code(session: Session, shop_id: int, creator: Creator, code_id: int) -> DiscountCode:
    row = session.scalar(
        select(DiscountCode).where(
            DiscountCode.shop_id == shop_id, DiscountCode.creator_id == creator.id, DiscountCode.id == code_id
        )
    )
    if row is None:
        raise NotFound("No such code for this creator.")
    return row


def reserve(session: Session, shop_id: int, creator: Creator, data: CodeInput) -> DiscountCode:
    """Write a `pending` row for the code, refusing one the app already uses (case-insensitively)."""
    clash = live_code(session, shop_id, data.code)
    if clash is not None:
        owner = session.get(Creator, clash.creator_id)
        raise Conflict(
            f"The code {clash.code} is already @{owner.handle}'s code in Creator ROI.",
            {"code": "already used"},
        )
    row = DiscountCode(
        shop_id=shop_id,
        creator_id=creator.id,
        code=data.code,
        code_key=code_key(data.code),
        attribution_key=code_key(data.code),
        status=PENDING,
        value_type=data.value_type,
        value=data.value,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        usage_limit=data.usage_limit,
        once_per_customer=data.once_per_customer,
        combines_with_order=data.combines_with_order,
        combines_with_product=data.combines_with_product,
        combines_with_shipping=data.combines_with_shipping,
        min_subtotal=data.min_subtotal,
    )
    session.add(row)
    session.flush()
    return row


def confirm(row: DiscountCode, remote: RemoteDiscount) -> None:
    """The shop now has the discount: record its ids and status."""
    row.shopify_discount_id = remote.id
    row.shopify_code_id = remote.first_code[0]
    row.shopify_status = remote.status
    row.status = ACTIVE
    row.synced_at = utcnow()


def is_ours(remote: RemoteDiscount, handle: str) -> bool:
    """Whether a discount found in the shop was made by this app for this creator (a resumed run)."""
    return creator_tag(handle) in remote.tags


def forget(row: DiscountCode, status: str, note: str) -> None:
    """The code no longer exists in the shop: free the code text, keep the row for history and attribution."""
    row.status = status
    row.code_key = None
    row.note = note


def reconcile(session: Session, row: DiscountCode, remote: RemoteDiscount | None) -> str | None:
    """Make a stored code match the shop's copy; returns what changed, in words, or None.

    Deleted in the admin -> removed; renamed -> the old text is kept for attribution history and
    a new row carries the new text; deactivated/expired -> paused; re-activated -> active.
    """
    row.synced_at = utcnow()
    if row.status not in LIVE or row.status == PENDING:
        return None
    if remote is None:
        forget(row, REMOVED, "deleted in the Shopify admin")
        return f"{row.code} was deleted in the Shopify admin"
    row.shopify_status = remote.status
    codes = [c for _, c in remote.codes]
    if codes and code_key(row.code) not in {code_key(c) for c in codes}:
        new_text = codes[0]
        forget(row, REMOVED, f"renamed in the Shopify admin to {new_text}")
        session.flush()
        if live_code(session, row.shop_id, new_text) is None:
            session.add(
                DiscountCode(
                    shop_id=row.shop_id,
                    creator_id=row.creator_id,
                    code=new_text,
                    code_key=code_key(new_text),
                    attribution_key=code_key(new_text),
                    status=ACTIVE if remote.status == "ACTIVE" else PAUSED,
                    shopify_discount_id=row.shopify_discount_id,
                    shopify_code_id=remote.codes[0][0],
                    shopify_status=remote.status,
                    value_type=row.value_type,
                    value=row.value,
                    note=f"renamed from {row.code} in the Shopify admin",
                    synced_at=utcnow(),
                )
            )
        return f"{row.code} was renamed to {new_text} in the Shopify admin"
    if row.status == ROTATED:
        return None
    if remote.status == "ACTIVE" and row.status == PAUSED:
        row.status, row.note = ACTIVE, "re-activated in the Shopify admin"
        return f"{row.code} was re-activated in the Shopify admin"
    if remote.status in ("EXPIRED",) and row.status == ACTIVE:
        row.status, row.note = PAUSED, "deactivated or expired in the Shopify admin"
        return f"{row.code} was deactivated or expired in the Shopify admin"
    return None


def attribution_keys(session: Session, shop_id: int) -> dict[str, int]:
    """Every code text a creator ever had in the shop (upper-cased) -> creator id.

    Paused, rotated and removed codes still attribute the orders that used them (METRICS.md).
    """
    rows = session.execute(
        select(DiscountCode.attribution_key, DiscountCode.creator_id, func.max(DiscountCode.id))
        .where(DiscountCode.shop_id == shop_id, DiscountCode.status != PENDING)
        .group_by(DiscountCode.attribution_key, DiscountCode.creator_id)
    )
    return {key: creator for key, creator, _ in rows}


def deleted(row: DiscountCode) -> None:
    forget(row, DELETED, "deleted from Creator ROI")


def current_code_refs(session: Session, shop_id: int) -> dict[int, Row]:
    """creator id -> (id, code) of its code in use, as `current_codes` picks it, without loading the rows."""
    rows = session.execute(
        select(DiscountCode.creator_id, DiscountCode.id, DiscountCode.code)
        .where(
            DiscountCode.shop_id == shop_id,
            DiscountCode.alias_of_id.is_(None),
            DiscountCode.status.in_((ACTIVE, PAUSED, PENDING)),
        )
        .order_by(DiscountCode.id)
    )
    return {row.creator_id: row for row in rows}


def current_codes(session: Session, shop_id: int) -> dict[int, DiscountCode]:
    """creator id -> its code in use (newest active, paused or pending), in one query."""
    rows = session.scalars(
        select(DiscountCode)
        .where(
            DiscountCode.shop_id == shop_id,
            DiscountCode.alias_of_id.is_(None),
            DiscountCode.status.in_((ACTIVE, PAUSED, PENDING)),
        )
        .order_by(DiscountCode.id)
    )
    return {row.creator_id: row for row in rows}
