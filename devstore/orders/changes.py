"""What happens to an order after it is placed: refunds (the ``refunds/create`` body,
exactly Shopify's shape), cancellation, and edits (the ``orders/edited`` body).

Each function changes the stored record in place (the caller holds the store lock) and
returns the events to send as ``[(topic, body), ...]``; a refused change raises
``OrderError`` and changes nothing.
"""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal

from devstore.orders import lines, totals
from devstore.orders.money import ZERO, amt, big_id, cents, currency_of, dec, gid
from devstore.store.state import Shop, Store
from devstore.store.times import local_iso, parse_time

PAID = ("paid", "partially_refunded")
STAFF_USER_ID = 548380009  # the staff member who refunds, as in Shopify's example


class OrderError(ValueError):
    """The change is not possible on this order (answered 422)."""


def _unsettled() -> dict:
    zero = {"amount": "0.0", "currency": "XXX"}
    return {"presentment_money": dict(zero), "shop_money": dict(zero)}


def _transaction(store: Store, rest: dict, amount: Decimal, cur, when: str) -> dict:
    tid = big_id(store)
    return {
        "id": tid,
        "order_id": rest["id"],
        "kind": "refund",
        "gateway": "bogus",
        "status": "success",
        "message": "Refunded",
        "created_at": when,
        "test": rest["test"],
        "authorization": None,
        "location_id": None,
        "user_id": None,
        "parent_id": None,
        "processed_at": when,
        "device_id": None,
        "error_code": None,
        "source_name": "web",
        "receipt": {},
        "amount": cur.present(amount),
        "currency": None,
        "payment_id": f"{rest['name']}.1",
        "total_unsettled_set": _unsettled(),
        "manual_payment_gateway": False,
        "amount_rounding": None,
        "admin_graphql_api_id": gid("OrderTransaction", tid),
    }


def _refund_line(store: Store, cur, line: dict, quantity: int, done: dict, live: int) -> dict:
    """Refund ``quantity`` of ``line`` (``live``: its units not removed by an edit): its discounted
    price × quantity and that share of its tax (the last units take whatever is left of the live
    units' share, so a line refunded in parts adds up to exactly its discounted total)."""
    qty = line["quantity"]
    net = dec(line["price"]) * qty - sum(
        (dec(a["amount_set"]["shop_money"]["amount"]) for a in line["discount_allocations"]), ZERO
    )
    tax = sum((dec(t["price_set"]["shop_money"]["amount"]) for t in line["tax_lines"]), ZERO)
    if done["quantity"] + quantity >= live:
        subtotal = totals.share(net, live, qty) - done["subtotal"]
        total_tax = totals.share(tax, live, qty) - done["tax"]
    else:
        subtotal, total_tax = cents(net * quantity / qty), cents(tax * quantity / qty)
    done["quantity"] += quantity
    done["subtotal"] += subtotal
    done["tax"] += total_tax
    return {
        "id": big_id(store),
        "quantity": quantity,
        "line_item_id": line["id"],
        "location_id": None,
        "restock_type": "no_restock",
        "subtotal": float(subtotal),
        "total_tax": float(total_tax),
        "subtotal_set": cur.money_set(subtotal),
        "total_tax_set": cur.money_set(total_tax),
        "line_item": copy.deepcopy(line),
    }


def _when(shop: Shop, store: Store, spec: dict) -> datetime:
    return parse_time(spec.get("created_at"), store.clock())


def refund(store: Store, shop: Shop, record: dict, spec: dict) -> list[tuple[str, dict]]:
    """Refund ``line_items`` [{line_item_id, quantity}] and ``shipping`` ("5.00" or "all")."""
    rest = record["rest"]
    if rest["financial_status"] not in PAID:
        raise OrderError(f"order {rest['name']} is {rest['financial_status']}: nothing to refund")
    when = local_iso(shop, _when(shop, store, spec))
    body = _build_refund(
        store, record, spec.get("line_items") or [], spec.get("shipping"), when, spec.get("note")
    )
    _apply(record, body, when)
    return [("refunds/create", body), ("orders/updated", rest)]


def _build_refund(store, record, items, shipping, when, note) -> dict:
    rest, cur = record["rest"], currency_of(record)
    by_id = {li["id"]: li for li in rest["line_items"]}
    refunded = totals.refunded_by_line(rest)
    removed = totals.removed_by_line(record)
    refund_id = big_id(store)
    rlis = []
    for item in items:
        line = by_id.get(int(item.get("line_item_id", 0)))
        if line is None:
            raise OrderError(f"unknown line_item_id {item.get('line_item_id')}")
        done = refunded.setdefault(line["id"], {"quantity": 0, "subtotal": ZERO, "tax": ZERO})
        quantity = int(item.get("quantity", 1))
        live = line["quantity"] - removed.get(line["id"], 0)
        if quantity < 1 or done["quantity"] + quantity > live:
            raise OrderError(f"line {line['id']}: {quantity} exceeds the refundable quantity")
        rlis.append(_refund_line(store, cur, line, quantity, done, live))
    left = cents(record["meta"]["shipping"]) - totals.refunded_shipping(rest)
    ship = left if shipping == "all" else cents(shipping or "0")
    if ship > left:
        raise OrderError(f"shipping {ship} exceeds the refundable {left}")
    if not rlis and ship <= 0:
        raise OrderError("a refund needs line_items or shipping")
    goods = sum((dec(r["subtotal_set"]["shop_money"]["amount"]) for r in rlis), ZERO)
    tax = sum((dec(r["total_tax_set"]["shop_money"]["amount"]) for r in rlis), ZERO)
    money = goods + ship + (ZERO if record["meta"]["taxes_included"] else tax)
    ship_lines, adjustments = _shipping_refund(store, rest, cur, ship, refund_id) if ship > 0 else ([], [])
    return {
        "id": refund_id,
        "order_id": rest["id"],
        "created_at": when,
        "note": note or "",
        "user_id": STAFF_USER_ID,
        "processed_at": when,
        "duties": [],
        "total_duties_set": cur.money_set(ZERO),
        "return": None,
        "refund_shipping_lines": ship_lines,
        "restock": False,
        "admin_graphql_api_id": gid("Refund", refund_id),
        "order_adjustments": adjustments,
        "refund_line_items": rlis,
        "transactions": [_transaction(store, rest, money, cur, when)] if money > 0 else [],
    }


def _shipping_refund(store: Store, rest: dict, cur, ship: Decimal, refund_id: int) -> tuple[list, list]:
    """Refunded shipping as Shopify records it: a refund shipping line and an order adjustment."""
    shipping_line = rest["shipping_lines"][0]
    line = {
        "id": big_id(store),
        "shipping_line_id": shipping_line["id"],
        "subtotal_amount_set": cur.money_set(ship),
        "tax_amount_set": cur.money_set(ZERO),
        "shipping_line": copy.deepcopy(shipping_line),
    }
    adjustment = {
        "id": big_id(store),
        "order_id": rest["id"],
        "refund_id": refund_id,
        "kind": "shipping_refund",
        "reason": "Shipping refund",
        "amount": amt(-ship),
        "amount_set": cur.money_set(-ship),
        "tax_amount": "0.00",
        "tax_amount_set": cur.money_set(ZERO),
    }
    return [line], [adjustment]


def _apply(record: dict, body: dict, when: str) -> None:
    rest = record["rest"]
    rest["refunds"].append(body)
    rest["updated_at"] = when
    totals.recompute(record)
    fully = all(li["current_quantity"] == 0 for li in rest["line_items"])
    left_ship = cents(record["meta"]["shipping"]) - totals.refunded_shipping(rest)
    rest["financial_status"] = "refunded" if fully and left_ship <= 0 else "partially_refunded"
    totals.recompute(record)


def cancel(store: Store, shop: Shop, record: dict, spec: dict) -> list[tuple[str, dict]]:
    """Cancel (``reason`` default customer); ``refund: true`` refunds every remaining unit and
    the shipping. An unpaid order is voided instead, with no refund."""
    rest = record["rest"]
    if rest["cancelled_at"]:
        raise OrderError(f"order {rest['name']} is already cancelled")
    when = local_iso(shop, _when(shop, store, spec))
    events: list[tuple[str, dict]] = []
    rest["cancelled_at"] = when
    rest["cancel_reason"] = spec.get("reason") or "customer"
    rest["closed_at"] = when
    rest["updated_at"] = when
    if rest["financial_status"] in ("pending", "authorized", "partially_paid"):
        rest["financial_status"] = "voided"
    elif spec.get("refund") and rest["financial_status"] in PAID:
        items = [{"line_item_id": li["id"], "quantity": li["current_quantity"]} for li in rest["line_items"]]
        items = [i for i in items if i["quantity"] > 0]
        left = cents(record["meta"]["shipping"]) - totals.refunded_shipping(rest)
        if items or left > 0:
            body = _build_refund(store, record, items, "all", when, "Order cancelled")
            _apply(record, body, when)
            events.append(("refunds/create", body))
    totals.recompute(record)
    return [("orders/cancelled", rest), *events, ("orders/updated", rest)]


def edit(store: Store, shop: Shop, record: dict, spec: dict) -> list[tuple[str, dict]]:
    """Add lines (``add``: line specs, undiscounted) and remove units (``remove``: line ids, each
    removing all its units left, or ``{line_item_id, quantity}``). As in Shopify, a line keeps
    ``quantity`` (the units ordered), its discount allocations and tax lines (they include removed
    units); its ``current_quantity`` drops (totals.py)."""
    rest, cur = record["rest"], currency_of(record)
    if rest["cancelled_at"]:
        raise OrderError(f"order {rest['name']} is cancelled")
    by_id = {li["id"]: li for li in rest["line_items"]}
    refunded = totals.refunded_by_line(rest)
    removed = totals.removed_by_line(record)
    removals: dict[int, int] = {}
    for raw in spec.get("remove") or []:
        wanted = raw if isinstance(raw, dict) else {"line_item_id": raw}
        line = by_id.get(int(wanted.get("line_item_id", 0)))
        if line is None:
            raise OrderError(f"unknown line_item_id {wanted.get('line_item_id')}")
        if line["id"] in refunded:
            raise OrderError(f"line {line['id']} has refunds; refund the rest instead")
        left = line["quantity"] - removed.get(line["id"], 0) - removals.get(line["id"], 0)
        units = int(wanted.get("quantity", left))
        if left == 0 or not 1 <= units <= left:
            raise OrderError(f"line {line['id']}: cannot remove {units} of the {left} units left")
        removals[line["id"]] = removals.get(line["id"], 0) + units
    when = local_iso(shop, _when(shop, store, spec))
    additions = [lines.make_line(store, cur, s, ZERO, record["meta"]) for s in spec.get("add") or []]
    if not additions and not removals:
        raise OrderError("an edit needs add or remove")
    edit_body = {
        "id": big_id(store),
        "app_id": None,
        "created_at": when,
        "committed_at": when,
        "notify_customer": False,
        "order_id": rest["id"],
        "staff_note": "",
        "user_id": None,
        "line_items": {
            "additions": [{"id": li["id"], "delta": li["quantity"]} for li in additions],
            "removals": [{"id": line_id, "delta": units} for line_id, units in removals.items()],
        },
        "discounts": {"line_item": {"additions": [], "removals": []}},
        "shipping_lines": {"additions": [], "removals": []},
    }
    kept = record["meta"].setdefault("removed", {})
    for line_id, units in removals.items():
        kept[str(line_id)] = kept.get(str(line_id), 0) + units
    rest["line_items"].extend(additions)
    rest["updated_at"] = when
    totals.recompute(record)
    return [("orders/edited", {"order_edit": edit_body}), ("orders/updated", rest)]


def retag(store: Store, shop: Shop, record: dict, spec: dict) -> list[tuple[str, dict]]:
    """Tags added (``add``) or removed (``remove``) in the admin: ``orders/updated`` with the new ``tags`` (a
    comma-separated string). As Shopify's tag actions, exact: "tags are case sensitive" (Flow's Add/Remove
    order tags), so removing "Gift" leaves "gift"."""
    rest = record["rest"]
    tags = [t.strip() for t in (rest["tags"] or "").split(",") if t.strip()]
    gone = {str(t).strip() for t in spec.get("remove") or []}
    kept = [t for t in tags if t not in gone]
    kept += [t for t in dict.fromkeys(str(t).strip() for t in spec.get("add") or []) if t and t not in kept]
    if kept == tags:
        raise OrderError("the tags are unchanged")
    rest["tags"] = ", ".join(kept)
    rest["updated_at"] = local_iso(shop, _when(shop, store, spec))
    return [("orders/updated", rest)]
