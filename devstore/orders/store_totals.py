"""The stand-in's own figures for a shop, from its state, with METRICS.md's definitions, so a
test can compare the app's numbers with what really happened.

Counted orders: not test, not voided (cancelled before payment). Per order, in shop money:
revenue = Σ line price × quantity − Σ line discount allocations (minus the line tax when
prices include tax), each line as the edits left it: the units not removed, with their share of
the line's discount and tax (totals.py); returns = Σ refund line items'
``subtotal_set`` (minus their tax when prices include tax; refunded shipping and tax never
count). Grouped by the order's first discount code, upper-cased and trimmed.
"""

from __future__ import annotations

from decimal import Decimal

from devstore.orders import order_records
from devstore.orders import totals as order_totals
from devstore.orders.money import ZERO, dec
from devstore.store.state import Shop, Store

NO_CODE = ""


def _shop(node: dict) -> Decimal:
    return dec(node["shop_money"]["amount"])


def order_figures(record: dict) -> dict:
    """revenue, discounts, returns of one order record (shop money, exact)."""
    rest = record["rest"]
    included = rest["taxes_included"]
    removed = order_totals.removed_by_line(record)
    gross = discounts = tax = ZERO
    for li in rest["line_items"]:
        units, discount, line_tax = order_totals.edited_line(li, removed)
        gross += _shop(li["price_set"]) * units
        discounts += discount
        tax += line_tax
    returns = ZERO
    for refund in rest["refunds"]:
        for rli in refund["refund_line_items"]:
            returns += _shop(rli["subtotal_set"]) - (_shop(rli["total_tax_set"]) if included else ZERO)
    revenue = gross - discounts - (tax if included else ZERO)
    return {"gross_sales": gross, "discounts": discounts, "revenue": revenue, "returns": returns}


def counted(rest: dict) -> bool:
    return not rest["test"] and rest["financial_status"] != "voided"


def totals(store: Store, shop: Shop) -> dict:
    """``{"currency", "overall": {...}, "by_code": {"ANNA15": {...}, "": {...no code}}}``;
    each group: orders, orders_with_refunds, gross_sales, discounts, revenue, returns,
    net_revenue (exact decimal strings)."""
    groups: dict[str, dict] = {}
    overall = _empty()
    excluded = {"test": 0, "voided": 0}
    with store.lock:
        for record in shop.records.get(order_records.KIND, {}).values():
            rest = record["rest"]
            if not counted(rest):
                excluded["test" if rest["test"] else "voided"] += 1
                continue
            codes = rest["discount_codes"]
            key = codes[0]["code"].strip().upper() if codes else NO_CODE
            figures = order_figures(record)
            for group in (overall, groups.setdefault(key, _empty())):
                group["orders"] += 1
                group["orders_with_refunds"] += any(r["refund_line_items"] for r in rest["refunds"])
                for name, value in figures.items():
                    group[name] += value
    return {
        "currency": shop.currency,
        "excluded": excluded,
        "overall": _out(overall),
        "by_code": {k: _out(v) for k, v in sorted(groups.items())},
    }


def _empty() -> dict:
    return {
        "orders": 0,
        "orders_with_refunds": 0,
        "gross_sales": ZERO,
        "discounts": ZERO,
        "revenue": ZERO,
        "returns": ZERO,
    }


def _out(group: dict) -> dict:
    out = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in group.items()}
    out["net_revenue"] = str(group["revenue"] - group["returns"])
    return out
