"""A shop's code discounts (``DiscountCodeBasic``) as Shopify keeps them: the records and
every state change (validation lives in ``devstore.discounts.validation``).

Both the GraphQL resolvers (the app's side) and the control API (the merchant's side, "in
the Shopify admin") go through this module, so both see the same rules: a code is unique
per shop case-insensitively across every redeem code of every live discount; a
percentage is 0..1; ``endsAt`` may not precede ``startsAt``. Records live in
``store.records(shop, "discounts")`` (deleted ones keep a ``deleted_at`` tombstone and are
invisible); every function that changes one holds the store lock and returns a deep copy,
so callers render without racing other requests.

Internal record keys (epoch seconds for times): ``id``, ``title``, ``active``,
``starts_at``, ``ends_at``, ``usage_limit``, ``applies_once_per_customer``,
``combines_with`` {orderDiscounts, productDiscounts, shippingDiscounts}, ``minimum``
(None | {"subtotal": "50.00"} | {"quantity": "2"}), ``value`` ({"percentage": 0.15} |
{"amount": "10.00", "appliesOnEachItem": False}), ``tags``, ``recurring_cycle_limit``,
``created_at``, ``updated_at``, ``codes`` [{id, code, created_at}], ``created_by``
("app" | "admin"), ``deleted_at``.
"""

from __future__ import annotations

import copy

from devstore.discounts.validation import apply_input, code_errors, user_error
from devstore.store.state import Shop, Store

KIND = "discounts"
NOT_FOUND_MESSAGE = "Discount does not exist"


def node_gid(discount_id: int) -> str:
    return f"gid://shopify/DiscountCodeNode/{discount_id}"


def redeem_code_gid(code_id: int) -> str:
    return f"gid://shopify/DiscountRedeemCode/{code_id}"


def parse_gid(gid: str, *types: str) -> int | None:
    """The numeric id of ``gid://shopify/<Type>/<n>`` when Type is one of ``types``, else None."""
    prefix, _, tail = str(gid or "").rpartition("/")
    if not tail.isdigit() or prefix not in {f"gid://shopify/{t}" for t in types}:
        return None
    return int(tail)


def status(record: dict, now: float) -> str:
    """ACTIVE, EXPIRED (deactivated, or past ``ends_at``) or SCHEDULED (before ``starts_at``)."""
    if not record["active"] or (record["ends_at"] is not None and now >= record["ends_at"]):
        return "EXPIRED"
    if now < record["starts_at"]:
        return "SCHEDULED"
    return "ACTIVE"


# lookups -----------------------------------------------------------------------------
def live(store: Store, shop: Shop) -> list[dict]:
    """Snapshots of the shop's discounts that are not deleted, oldest first."""
    with store.lock:
        return [copy.deepcopy(d) for d in _live(store, shop)]


def get(store: Store, shop: Shop, discount_id: int | None) -> dict | None:
    """A snapshot of one live discount, or None (unknown, deleted or another shop's)."""
    with store.lock:
        record = _find(store, shop, discount_id)
        return copy.deepcopy(record) if record else None


def by_code(store: Store, shop: Shop, code: str) -> dict | None:
    """A snapshot of the live discount owning ``code`` (case-insensitive), or None."""
    wanted = str(code or "").casefold()
    with store.lock:
        for record in _live(store, shop):
            if any(c["code"].casefold() == wanted for c in record["codes"]):
                return copy.deepcopy(record)
    return None


def codes_in_use(store: Store, shop: Shop, ignore_code_id: int | None = None) -> set[str]:
    """Every live redeem code of the shop, case-folded (optionally leaving one code out)."""
    with store.lock:
        return {
            c["code"].casefold() for d in _live(store, shop) for c in d["codes"] if c["id"] != ignore_code_id
        }


def _live(store: Store, shop: Shop) -> list[dict]:
    return [d for d in shop.records.get(KIND, {}).values() if d.get("deleted_at") is None]


def _find(store: Store, shop: Shop, discount_id: int | None) -> dict | None:
    record = shop.records.get(KIND, {}).get(discount_id) if discount_id else None
    return record if record and record.get("deleted_at") is None else None


# changes -----------------------------------------------------------------------------
def _blank(now: float, created_by: str) -> dict:
    return {
        "id": None,
        "title": None,
        "active": True,
        "starts_at": now,
        "ends_at": None,
        "usage_limit": None,
        "applies_once_per_customer": False,
        "combines_with": {
            "orderDiscounts": False,
            "productDiscounts": False,
            "shippingDiscounts": False,
        },
        "minimum": None,
        "value": None,
        "tags": [],
        "recurring_cycle_limit": None,
        "created_at": now,
        "updated_at": now,
        "codes": [],
        "created_by": created_by,
        "deleted_at": None,
    }


def create(store: Store, shop: Shop, data: dict, created_by: str = "app") -> tuple[dict | None, list[dict]]:
    """Validate a ``DiscountCodeBasicInput`` and record the discount: (snapshot, []) or (None, errors).

    The title defaults to the code. Nothing is stored when there are errors."""
    with store.lock:
        now = store.clock()
        record = _blank(now, created_by)
        errors = apply_input(record, data, codes_in_use(store, shop))
        if errors:
            return None, errors
        record["id"] = store.next_id()
        code = record["codes"][0]
        code.update(id=store.next_id(), created_at=now)
        record["title"] = record["title"] or code["code"]
        store.put_record(shop, KIND, record["id"], record)
        return copy.deepcopy(record), []


def update(
    store: Store, shop: Shop, discount_id: int | None, data: dict
) -> tuple[dict | None, list[dict], dict | None]:
    """Apply a partial ``DiscountCodeBasicInput``: (snapshot, [], renamed) or (None, errors, None).

    ``renamed`` is ``{"id", "old", "new"}`` when the first redeem code's text changed (same id)."""
    with store.lock:
        current = _find(store, shop, discount_id)
        if current is None:
            return None, [user_error(["id"], "INVALID", NOT_FOUND_MESSAGE)], None
        candidate = copy.deepcopy(current)
        first = candidate["codes"][0] if candidate["codes"] else None
        taken = codes_in_use(store, shop, ignore_code_id=first["id"] if first else None)
        errors = apply_input(candidate, data, taken)
        if errors:
            return None, errors, None
        renamed = None
        if first and current["codes"][0]["code"] != first["code"]:
            renamed = {
                "id": first["id"],
                "old": current["codes"][0]["code"],
                "new": first["code"],
            }
        candidate["title"] = candidate["title"] or candidate["codes"][0]["code"]
        candidate["updated_at"] = store.clock()
        current.clear()
        current.update(candidate)
        return copy.deepcopy(current), [], renamed


def set_active(
    store: Store, shop: Shop, discount_id: int | None, active: bool
) -> tuple[dict | None, list[dict]]:
    """discountCodeActivate / discountCodeDeactivate: (snapshot, []) or (None, [not found]).

    Deactivating ends the discount now (``ends_at`` = now, EXPIRED). Activating clears a past
    ``ends_at`` and moves a future ``starts_at`` to now, so the discount is ACTIVE."""
    with store.lock:
        record = _find(store, shop, discount_id)
        if record is None:
            return None, [user_error(["id"], "INVALID", NOT_FOUND_MESSAGE)]
        now = store.clock()
        if active:
            if record["ends_at"] is not None and record["ends_at"] <= now:
                record["ends_at"] = None
            record["starts_at"] = min(record["starts_at"], now)
        elif record["active"] and status(record, now) != "EXPIRED":
            record["ends_at"] = now
        record["active"] = active
        record["updated_at"] = now
        return copy.deepcopy(record), []


def delete(store: Store, shop: Shop, discount_id: int | None) -> tuple[dict | None, list[dict]]:
    """Delete for good (tombstone): (snapshot with ``deleted_at``, []) or (None, [not found])."""
    with store.lock:
        record = _find(store, shop, discount_id)
        if record is None:
            return None, [user_error(["id"], "INVALID", NOT_FOUND_MESSAGE)]
        record["deleted_at"] = store.clock()
        return copy.deepcopy(record), []


def add_codes(store: Store, shop: Shop, discount_id: int, texts: list[str]) -> list[dict]:
    """Add redeem codes to a live discount, each checked against the shop and the batch.

    Returns one result per text, in order: ``{"code", "id" (None if failed), "errors"}``.
    Raises KeyError if the discount is not live."""
    with store.lock:
        record = _find(store, shop, discount_id)
        if record is None:
            raise KeyError(discount_id)
        taken = codes_in_use(store, shop)
        now = store.clock()
        results = []
        for text in texts:
            errors = code_errors(text, ["code"], taken)
            result = {"code": text, "id": None, "errors": errors}
            if not errors:
                taken.add(text.casefold())
                result["id"] = store.next_id()
                record["codes"].append({"id": result["id"], "code": text, "created_at": now})
            results.append(result)
        if any(r["id"] for r in results):
            record["updated_at"] = now
        return results
