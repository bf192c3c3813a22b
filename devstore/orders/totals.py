"""An order's totals, recomputed from its lines and refunds (``recompute``):

- ``total_line_items_price`` = Σ price × quantity; ``total_discounts`` = Σ discount allocations;
  ``subtotal_price`` = the difference; ``total_tax`` = Σ line tax lines;
  ``total_price`` = subtotal + shipping (+ tax unless ``taxes_included``).
- An edit changes the order itself, as in Shopify: a line keeps ``quantity`` (the units ordered),
  its discount allocations and its tax lines, which cover removed units too ("The number of units
  ordered, including refunded and removed units"; discountAllocations and taxLines "including ...
  refunded and removed quantities": Admin GraphQL LineItem,
  https://shopify.dev/docs/api/admin-graphql/latest/objects/LineItem), while ``current_quantity``
  drops ("excluding refunded and removed units"). The removed units are kept in the record's
  ``meta["removed"]``; the totals count the units an edit left, with that share of each line's
  discount and tax, and ``current_*`` are those figures minus what refunds took back.
"""

from __future__ import annotations

from decimal import Decimal

from devstore.orders.lines import tax_line
from devstore.orders.money import ZERO, amt, cents, currency_of, dec


def _sum_set(items, key: str) -> Decimal:
    return sum((dec(i[key]["shop_money"]["amount"]) for i in items), ZERO)


def refunded_by_line(rest: dict) -> dict[int, dict]:
    """Per line item id: refunded ``quantity``, ``subtotal`` and ``tax`` (shop money)."""
    out: dict[int, dict] = {}
    for refund in rest["refunds"]:
        for rli in refund["refund_line_items"]:
            acc = out.setdefault(rli["line_item_id"], {"quantity": 0, "subtotal": ZERO, "tax": ZERO})
            acc["quantity"] += rli["quantity"]
            acc["subtotal"] += dec(rli["subtotal_set"]["shop_money"]["amount"])
            acc["tax"] += dec(rli["total_tax_set"]["shop_money"]["amount"])
    return out


def removed_by_line(record: dict) -> dict[int, int]:
    """Per line item id: the units order edits removed."""
    return {int(k): v for k, v in record["meta"].get("removed", {}).items()}


def share(amount: Decimal, units: int, quantity: int) -> Decimal:
    """The part of a line's ``amount`` (for ``quantity`` units) that ``units`` of them carry, in cents."""
    if units >= quantity:
        return amount
    return cents(amount * units / quantity) if units > 0 else ZERO


def edited_line(li: dict, removed: dict[int, int]) -> tuple[int, Decimal, Decimal]:
    """A line as the edits left it: (units, their discount, their tax), in shop money."""
    units = li["quantity"] - removed.get(li["id"], 0)
    discount = _sum_set(li["discount_allocations"], "amount_set")
    tax = _sum_set(li["tax_lines"], "price_set")
    return units, share(discount, units, li["quantity"]), share(tax, units, li["quantity"])


def refunded_shipping(rest: dict) -> Decimal:
    return sum((_sum_set(r["refund_shipping_lines"], "subtotal_amount_set") for r in rest["refunds"]), ZERO)


def recompute(record: dict) -> None:
    """Set every total and ``current_*`` field of ``record["rest"]`` from its lines and refunds."""
    rest, meta, cur = record["rest"], record["meta"], currency_of(record)
    lines = rest["line_items"]
    removed = removed_by_line(record)
    edited = {li["id"]: edited_line(li, removed) for li in lines}
    gross = sum((dec(li["price"]) * edited[li["id"]][0] for li in lines), ZERO)
    discounts = sum((e[1] for e in edited.values()), ZERO)
    tax = sum((e[2] for e in edited.values()), ZERO)
    shipping = cents(meta["shipping"])
    included = meta["taxes_included"]
    subtotal = gross - discounts
    total = subtotal + shipping + (ZERO if included else tax)
    refunded = refunded_by_line(rest)
    back_sub = sum((r["subtotal"] for r in refunded.values()), ZERO)
    back_tax = sum((r["tax"] for r in refunded.values()), ZERO)
    back_ship = refunded_shipping(rest)
    back_gross = ZERO
    for li in lines:
        done = refunded.get(li["id"], {}).get("quantity", 0)
        li["current_quantity"] = max(edited[li["id"]][0] - done, 0)
        li["fulfillable_quantity"] = 0 if rest["cancelled_at"] else li["current_quantity"]
        back_gross += dec(li["price"]) * min(done, edited[li["id"]][0])
    cur_sub, cur_tax, cur_ship = subtotal - back_sub, tax - back_tax, shipping - back_ship
    figures = {
        "total_line_items_price": gross,
        "total_discounts": discounts,
        "subtotal_price": subtotal,
        "total_tax": tax,
        "total_price": total,
        "current_subtotal_price": cur_sub,
        "current_total_discounts": discounts - (back_gross - back_sub),
        "current_total_tax": cur_tax,
        "current_total_price": cur_sub + cur_ship + (ZERO if included else cur_tax),
    }
    for key, value in figures.items():
        rest[key] = amt(value)
        rest[key + "_set"] = cur.money_set(value)
    zero = cur.money_set(ZERO)
    rest["current_shipping_price_set"] = cur.money_set(cur_ship)
    rest["total_shipping_price_set"] = cur.money_set(shipping)
    rest["current_total_additional_fees_set"] = None
    rest["current_total_duties_set"] = None
    rest["total_cash_rounding_payment_adjustment_set"] = zero
    rest["total_cash_rounding_refund_adjustment_set"] = zero
    unpaid = rest["financial_status"] in ("pending", "authorized", "partially_paid")
    rest["total_outstanding"] = amt(total if unpaid else ZERO)
    by_rate: dict[str, Decimal] = {}
    for li in lines:
        units = edited[li["id"]][0]
        for t in li["tax_lines"]:
            part = share(dec(t["price"]), units, li["quantity"])
            by_rate[repr(t["rate"])] = by_rate.get(repr(t["rate"]), ZERO) + part
    rest["tax_lines"] = [tax_line(cur, v, dec(k)) for k, v in by_rate.items()]
    for code in rest["discount_codes"]:
        code["amount"] = amt(discounts)
