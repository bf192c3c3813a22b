"""Field checks shared by the services that take a merchant's input (JSON bodies, CSV rows).

Each check records a readable reason in `errors[name]` and returns None when the value is
refused, so a service can name every bad field in one 400. Nothing here raises on odd types:
hostile input (objects where text belongs, NaN, 1e999, control characters) is just refused.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from shopify_roi.money import MAX_AMOUNT, in_range

# C0 controls but tab, newline and carriage return; DEL and C1 controls; lone surrogates.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_WHOLE = 2**31 - 1  # INTEGER columns on PostgreSQL


def has_bad_chars(value: str) -> bool:
    """Control characters or invalid Unicode, which no field may hold (nor a database store)."""
    return bool(_BAD_CHARS.search(value))


def text(
    value, name: str, errors: dict, *, max_len: int, required: bool = False, default: str = ""
) -> str | None:
    """A string (numbers are taken as their text), trimmed, within `max_len`, without control characters."""
    if value is None or value == "":
        if required:
            errors[name] = "is required"
            return None
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        errors[name] = "must be text"
        return None
    out = str(value).strip()
    if required and not out:
        errors[name] = "is required"
        return None
    if len(out) > max_len:
        errors[name] = f"is longer than {max_len} characters"
        return None
    if has_bad_chars(out):
        errors[name] = "contains control characters"
        return None
    return out


def decimal(value, name: str, errors: dict, message: str) -> Decimal | None:
    """A finite Decimal from a string or an int (floats through their repr); None with `message` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        errors[name] = message
        return None
    raw = repr(value) if isinstance(value, float) else str(value)
    try:
        number = Decimal(raw.strip())
    except InvalidOperation:
        errors[name] = message
        return None
    if not number.is_finite():
        errors[name] = message
        return None
    return number


def amount(
    value, name: str, errors: dict, *, required: bool = False, positive: bool = False, places: int = 4
) -> Decimal | None:
    """Money: a non-negative amount with at most `places` decimals, at most MAX_AMOUNT."""
    if value is None or value == "":
        if required:
            errors[name] = "is required"
        return None
    number = decimal(value, name, errors, "must be an amount such as 300.00")
    if number is None:
        return None
    if not in_range(number) or (positive and number == 0):
        errors[name] = f"must be {'a positive' if positive else 'an'} amount up to {MAX_AMOUNT:,}"
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        errors[name] = f"has more than {places} decimals"
        return None
    return number


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # a merchant's dates: campaigns, spend


def day(value, name: str, errors: dict) -> date | None:
    """A date YYYY-MM-DD from FIRST_DAY to LAST_DAY (a year 1 or 9999 moved every figure read from it out
    of the calendar); None when absent or refused."""
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        out = date.fromisoformat(value)
    except ValueError:
        errors[name] = "must be a date YYYY-MM-DD"
        return None
    if not FIRST_DAY <= out <= LAST_DAY:
        errors[name] = f"must be a date from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
        return None
    return out


def whole(value, name: str, errors: dict, *, low: int = 0, high: int = MAX_WHOLE) -> int | None:
    """A whole number within [low, high] from an int or its digits ('48,000' and '48_000' too)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        errors[name] = "must be a whole number"
        return None
    digits = str(value).replace(",", "").replace("_", "").strip()
    if not re.fullmatch(r"-?[0-9]{1,12}", digits):
        errors[name] = "must be a whole number"
        return None
    number = int(digits)
    if not low <= number <= high:
        errors[name] = f"must be between {low:,} and {high:,}"
        return None
    return number
