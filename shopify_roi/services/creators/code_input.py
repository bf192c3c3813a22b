"""The discount code a merchant asks for: checked, then labelled as the discount the app makes in the
shop (its title, and the tags by which the app knows its own discounts again)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal

from shopify_roi.services import fields
from shopify_roi.services.errors import Invalid
from shopify_roi.shopify_client.discounts import CodeSpec, RemoteDiscount

CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{1,254}")
APP_TAG = "creator-roi"


def creator_tag(handle: str) -> str:
    return f"{APP_TAG}:{handle}"


def labelled(spec: CodeSpec, handle: str) -> CodeSpec:
    """The spec with the title the merchant sees in the Shopify admin and the app's tags."""
    shown = f"{spec.value * 100:g}% off" if spec.value_type == "percentage" else f"{spec.value} off"
    return replace(spec, title=f"{spec.code} · @{handle} ({shown})", tags=(APP_TAG, creator_tag(handle)))


def is_ours(remote: RemoteDiscount, handle: str) -> bool:
    """Whether a discount found in the shop was made by this app for this creator (a resumed run)."""
    return creator_tag(handle) in remote.tags


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


def _value(data: dict, errors: dict) -> tuple[str, Decimal]:
    """(value type, value): `amount_off` (money) or `percent_off` (1-100, sent as a 0-1 fraction)."""
    if data.get("amount_off") not in (None, ""):
        amount = fields.amount(data["amount_off"], "amount_off", errors, positive=True, places=2)
        return "fixed_amount", amount or Decimal(0)
    raw = data.get("percent_off", "")
    percent = fields.decimal(
        raw.strip().rstrip("%") if isinstance(raw, str) else raw,
        "percent_off",
        errors,
        "must be a number between 0 and 100",
    )
    if percent is None:
        return "percentage", Decimal(0)
    if not (0 < percent <= 100) or percent != percent.quantize(Decimal("0.01")):
        errors["percent_off"] = "must be between 0 and 100, at most 2 decimals"
        return "percentage", Decimal(0)
    return "percentage", percent / 100  # the Admin API wants a 0-1 fraction


def parse_code(data: dict) -> CodeSpec:
    """Validate a code request: `code` plus `percent_off` (1-100) or `amount_off` (money); raises
    Invalid naming every bad field. The spec is not labelled yet (`labelled`)."""
    if not isinstance(data, dict):
        raise Invalid("Send the discount as a JSON object.", {"discount": "an object"})
    errors: dict[str, str] = {}
    code = data.get("code")
    code = code.strip() if isinstance(code, str) else ""
    if not CODE_RE.fullmatch(code):
        errors["code"] = "use 2-255 letters, digits, - or _ (no spaces)"
    value_type, value = _value(data, errors)
    starts = _when(data.get("starts_at"), "starts_at", errors)
    ends = _when(data.get("ends_at"), "ends_at", errors, end=True)
    if starts and ends and ends <= starts:
        errors["ends_at"] = "must be after the start"
    usage_limit = fields.whole(data.get("usage_limit"), "usage_limit", errors, low=1)
    min_subtotal = fields.amount(data.get("min_subtotal"), "min_subtotal", errors, places=2)
    if errors:
        raise Invalid("Please correct the discount code.", errors)
    return CodeSpec(
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
