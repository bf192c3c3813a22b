"""Shopify's validation of ``DiscountCodeBasicInput`` (and of redeem code texts), merged
into devstore's discount records (keys described in ``devstore.discounts.code_discounts``).

Failures are ``DiscountUserError`` dicts, as Shopify answers them in ``userErrors``; codes
come from the schema's ``DiscountErrorCode`` enum.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

MAX_CODE_LENGTH = 255
TAKEN_MESSAGE = "Code must be unique. Please try a different code."


class NotImplementedInput(Exception):
    """The input asks for something devstore does not model (products, segments, ...)."""


def user_error(field: list[str] | None, code: str, message: str) -> dict:
    """A ``DiscountUserError`` as the schema shapes it."""
    return {"field": field, "code": code, "message": message, "extraInfo": None}


def parse_time(value) -> float | None:
    """Epoch seconds from an ISO 8601 DateTime (``Z`` or an offset; naive means UTC); None stays None.

    Raises ValueError for anything else."""
    if value is None:
        return None
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def code_errors(code, field: list[str], taken: set[str]) -> list[dict]:
    """Shopify's checks of one code text: BLANK, TOO_LONG, TAKEN (``taken`` is case-folded)."""
    text = "" if code is None else str(code)
    if not text.strip():
        return [user_error(field, "BLANK", "Code can't be blank")]
    if len(text) > MAX_CODE_LENGTH:
        return [
            user_error(
                field,
                "TOO_LONG",
                f"Code is too long (maximum is {MAX_CODE_LENGTH} characters)",
            )
        ]
    if text.casefold() in taken:
        return [user_error(field, "TAKEN", TAKEN_MESSAGE)]
    return []


def _money(value) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not a decimal")
    cents = amount.quantize(Decimal("0.01"))
    return f"{cents if cents == amount else amount:f}"  # "10" -> "10.00", "0.125" kept


def apply_input(record: dict, data: dict, taken: set[str], root: str = "basicCodeDiscount") -> list[dict]:
    """Merge a ``DiscountCodeBasicInput`` (only the keys given) into ``record``; return user errors.

    ``record`` is changed even when errors are returned, so callers pass a copy. Raises
    NotImplementedInput for inputs devstore does not model (product/collection items,
    customer/segment/market contexts, discountOnQuantity, minimum quantity is fine).
    """
    errors = _apply_code_and_title(record, data, taken, root)
    errors += _apply_dates(record, data, root)
    if "usageLimit" in data:
        if data["usageLimit"] is not None and data["usageLimit"] < 1:
            errors.append(
                user_error(
                    [root, "usageLimit"],
                    "GREATER_THAN",
                    "Usage limit must be greater than 0",
                )
            )
        record["usage_limit"] = data["usageLimit"]
    if "appliesOncePerCustomer" in data:
        record["applies_once_per_customer"] = bool(data["appliesOncePerCustomer"])
    if "recurringCycleLimit" in data:
        record["recurring_cycle_limit"] = data["recurringCycleLimit"]
    if "tags" in data:
        record["tags"] = list(data["tags"] or [])
    if data.get("combinesWith"):
        for key in ("orderDiscounts", "productDiscounts", "shippingDiscounts"):
            if data["combinesWith"].get(key) is not None:
                record["combines_with"][key] = bool(data["combinesWith"][key])
    errors += _apply_context(data)
    gets_errors = _apply_customer_gets(record, data.get("customerGets"), root)
    errors += gets_errors
    if record["value"] is None and not gets_errors:
        errors.append(user_error([root, "customerGets"], "BLANK", "Customer gets can't be blank"))
    errors += _apply_minimum(record, data, root)
    return errors


def _apply_code_and_title(record: dict, data: dict, taken: set[str], root: str) -> list[dict]:
    """``code`` (unique in the shop, case-insensitively: ``taken``) and ``title``."""
    errors: list[dict] = []
    if "code" in data:
        errors += code_errors(data["code"], [root, "code"], taken)
        if not errors:
            if record["codes"]:
                record["codes"][0]["code"] = data["code"]
            else:
                record["codes"].append({"id": None, "code": data["code"], "created_at": None})
    elif not record["codes"]:
        errors.append(user_error([root, "code"], "BLANK", "Code can't be blank"))
    if "title" in data:
        if data["title"] is not None and not str(data["title"]).strip():
            errors.append(user_error([root, "title"], "BLANK", "Title can't be blank"))
        record["title"] = data["title"]
    return errors


def _apply_dates(record: dict, data: dict, root: str) -> list[dict]:
    """``startsAt`` and ``endsAt`` (epoch seconds in the record); the end may not precede the start."""
    errors: list[dict] = []
    for key, field in (("startsAt", "starts_at"), ("endsAt", "ends_at")):
        if key in data:
            try:
                parsed = parse_time(data[key])
            except ValueError:
                errors.append(user_error([root, key], "INVALID", f"{key} is invalid"))
                continue
            if key == "startsAt" and parsed is None:
                errors.append(user_error([root, key], "BLANK", "Starts at can't be blank"))
                continue
            record[field] = parsed
    if record["ends_at"] is not None and record["ends_at"] < record["starts_at"]:
        errors.append(
            user_error(
                [root, "endsAt"],
                "END_DATE_BEFORE_START_DATE",
                "Ends at needs to be after starts_at",
            )
        )
    return errors


def _apply_context(data: dict) -> list[dict]:
    context = data.get("context") or {}
    if any(context.get(k) for k in ("customers", "customerSegments", "markets")):
        raise NotImplementedInput("devstore: only context {all: ALL} is implemented")
    selection = data.get("customerSelection") or {}
    if selection.get("customers") or selection.get("customerSegments"):
        raise NotImplementedInput("devstore: only customerSelection {all: true} is implemented")
    return []


def _apply_customer_gets(record: dict, gets: dict | None, root: str) -> list[dict]:
    if not gets:
        return []
    items = gets.get("items") or {}
    if items.get("products") or items.get("collections"):
        raise NotImplementedInput("devstore: only customerGets.items {all: true} is implemented")
    value = gets.get("value")
    if value is None:
        return []
    field = [root, "customerGets", "value"]
    if value.get("discountOnQuantity"):
        raise NotImplementedInput("devstore: discountOnQuantity is not implemented")
    given = [k for k in ("percentage", "discountAmount") if value.get(k) is not None]
    if len(given) != 1:
        return [
            user_error(
                field,
                "INVALID",
                "Value must have exactly one of percentage or discountAmount",
            )
        ]
    if given == ["percentage"]:
        percentage = float(value["percentage"])
        if not 0.0 <= percentage <= 1.0:
            return [
                user_error(
                    field + ["percentage"],
                    "VALUE_OUTSIDE_RANGE",
                    "Value must be between 0.0 and 1.0",
                )
            ]
        record["value"] = {"percentage": value["percentage"]}
        return []
    amount = value["discountAmount"]
    try:
        text = _money(amount.get("amount"))
    except ValueError:
        return [user_error(field + ["discountAmount", "amount"], "INVALID", "Amount is invalid")]
    if Decimal(text) <= 0:
        return [
            user_error(
                field + ["discountAmount", "amount"],
                "VALUE_OUTSIDE_RANGE",
                "Value must be greater than 0",
            )
        ]
    record["value"] = {
        "amount": text,
        "appliesOnEachItem": bool(amount.get("appliesOnEachItem")),
    }
    return []


def _apply_minimum(record: dict, data: dict, root: str) -> list[dict]:
    if "minimumRequirement" not in data:
        return []
    minimum = data["minimumRequirement"] or {}
    subtotal = (minimum.get("subtotal") or {}).get("greaterThanOrEqualToSubtotal")
    quantity = (minimum.get("quantity") or {}).get("greaterThanOrEqualToQuantity")
    field = [root, "minimumRequirement"]
    if subtotal is not None and quantity is not None:
        return [
            user_error(
                field,
                "MINIMUM_SUBTOTAL_AND_QUANTITY_RANGE_BOTH_PRESENT",
                "Minimum subtotal and quantity can't both be present",
            )
        ]
    try:
        record["minimum"] = (
            {"subtotal": _money(subtotal)}
            if subtotal is not None
            else ({"quantity": str(int(quantity))} if quantity is not None else None)
        )
    except ValueError:
        return [user_error(field, "INVALID", "Minimum requirement is invalid")]
    return []
