"""Per-creator figures over a date range, exactly as METRICS.md defines them.

Sums happen in SQL on exact integer money (amount x 10,000); Python only walks the contested
orders and the acquired customers' cohorts, never every order of the range. Ratios are exact
Decimals (None where undefined), rounded only for display.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, case, func, select, type_coerce
from sqlalchemy.orm import Session

from ..models import Campaign, Click, Creator, Order, Refund, Shop, SpendEntry
from ..models.spend import FEE, OTHER, SEEDING
from ..money import SCALE

ADDITIVE = ("orders", "revenue", "returns", "net_revenue", "orders_with_refund", "spend", "fees", "seeding", "commission",
            "other_costs", "new_customers", "immature_customers", "clicks", "code_orders", "discounts_given",
            "contested_revenue")


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    as_of: date
    tz: ZoneInfo

    def bounds(self) -> tuple[datetime, datetime]:
        """UTC instants of local midnight on `start` and the day after `end` (both days included)."""
        lo = datetime.combine(self.start, time(0), self.tz).astimezone(timezone.utc)
        hi = datetime.combine(self.end + timedelta(days=1), time(0), self.tz).astimezone(timezone.utc)
        return lo, hi

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()


def _raw(column):
    return type_coerce(column, BigInteger)


def _money(raw) -> Decimal:
    return Decimal(int(raw or 0)) / SCALE


def _div(a: Decimal | int, b: Decimal | int) -> Decimal | None:
    return None if not b else Decimal(a) / Decimal(b)


def _returns_by_order(shop_id: int):
    """Per order id: returns in raw units (tax apart where prices include it is handled by the caller)."""
    return (select(Refund.order_shopify_id.label("oid"), func.sum(_raw(Refund.subtotal)).label("sub"),
                   func.sum(_raw(Refund.line_tax)).label("tax"),
                   func.max(case((Refund.has_lines, 1), else_=0)).label("any_line"))
            .where(Refund.shop_id == shop_id).group_by(Refund.order_shopify_id).subquery())


def compute(session: Session, shop: Shop, start: date, end: date, as_of: date, campaign: str | None = None) -> dict:
    """The ROI table: creators, unattributed, totals (all rows) and attributed_totals (creators only)."""
    window = Window(start, end, as_of, ZoneInfo(shop.iana_timezone or "UTC"))
    lo, hi = window.bounds()
    creators = list(session.scalars(select(Creator).where(Creator.shop_id == shop.id).order_by(Creator.name)))
    campaign_row = None
    if campaign:
        campaign_row = session.scalar(select(Campaign).where(Campaign.shop_id == shop.id, Campaign.name == campaign))
        member_ids = {c.id for c in campaign_row.creators} if campaign_row else set()
        creators = [c for c in creators if c.id in member_ids]
    ids = {c.id for c in creators}
    rows: dict[int | None, dict] = {cid: _empty() for cid in ids}
    rows[None] = _empty()

    ret = _returns_by_order(shop.id)
    returns_raw = func.coalesce(ret.c.sub, 0) - case((Order.taxes_included, func.coalesce(ret.c.tax, 0)), else_=0)
    in_range = (Order.shop_id == shop.id, Order.counted.is_(True), Order.created_at >= lo, Order.created_at < hi)
    query = (select(Order.creator_id, func.count(), func.sum(_raw(Order.revenue)), func.sum(_raw(Order.discounts)),
                    func.sum(returns_raw), func.sum(case((ret.c.any_line == 1, 1), else_=0)),
                    func.sum(case((Order.is_first.is_(True), 1), else_=0)), func.sum(case((Order.rule == "code", 1), else_=0)))
             .outerjoin(ret, ret.c.oid == Order.shopify_id).where(*in_range).group_by(Order.creator_id))
    for cid, n, revenue, discounts, returns, with_refund, first, by_code in session.execute(query):
        if cid is not None and cid not in ids:
            continue  # a creator outside the campaign filter
        row = rows[cid]
        row["orders"] += n
        row["revenue"] += _money(revenue)
        row["discounts_given"] += _money(discounts)
        row["returns"] += _money(returns)
        row["orders_with_refund"] += int(with_refund or 0)
        row["new_customers"] += int(first or 0)
        row["code_orders"] += int(by_code or 0)

    # Contested revenue: the in-range orders another creator won although this one had a signal.
    contested = select(Order.contested, Order.revenue).where(*in_range, Order.contested != "[]")
    for losers, revenue in session.execute(contested):
        for cid in json.loads(losers):
            if cid in rows:
                rows[cid]["contested_revenue"] += revenue

    clicks = select(Click.creator_id, func.count()).where(Click.shop_id == shop.id, Click.clicked_at >= lo,
                                                          Click.clicked_at < hi).group_by(Click.creator_id)
    for cid, n in session.execute(clicks):
        if cid in rows:
            rows[cid]["clicks"] = n

    spend = select(SpendEntry.creator_id, SpendEntry.kind, func.sum(_raw(SpendEntry.amount))).where(
        SpendEntry.shop_id == shop.id, SpendEntry.spent_on >= start, SpendEntry.spent_on <= end)
    if campaign:
        spend = spend.where(SpendEntry.campaign_id == (campaign_row.id if campaign_row else -1))
    for cid, kind, raw in session.execute(spend.group_by(SpendEntry.creator_id, SpendEntry.kind)):
        if cid in rows:
            rows[cid][{FEE: "fees", SEEDING: "seeding", OTHER: "other_costs"}[kind]] += _money(raw)

    _cohorts(session, shop.id, window, rows, in_range)
    by_id = {c.id: c for c in creators}
    out_rows = []
    for cid in ids:
        row = rows[cid]
        row["commission"] = by_id[cid].commission_rate * (row["revenue"] - row["returns"])
        out_rows.append(_finish(row, {"handle": by_id[cid].handle, "name": by_id[cid].name}, with_spend=True))
    unattributed = _finish(rows[None], {"handle": None, "name": "Unattributed"}, with_spend=False)
    attributed = _total([rows[c] for c in ids])
    totals = _total([rows[c] for c in ids] + [rows[None]])
    return {"currency": shop.currency, "from": start.isoformat(), "to": end.isoformat(), "as_of": as_of.isoformat(),
            "campaign": campaign, "creators": sorted(out_rows, key=lambda r: r["handle"]), "unattributed": unattributed,
            "attributed_totals": _finish(attributed, {"handle": None, "name": "Creators"}, with_spend=True),
            "totals": _finish(totals, {"handle": None, "name": "All orders"}, with_spend=bool(ids))}


def _cohorts(session: Session, shop_id: int, window: Window, rows: dict, in_range: tuple) -> None:
    """Repeat rate and LTV from the customers each creator acquired in range (first order in range)."""
    firsts = session.execute(select(Order.creator_id, Order.customer_id, Order.created_at)
                             .where(*in_range, Order.is_first.is_(True), Order.customer_id.is_not(None))).all()
    cohort = {cust: (cid, created) for cid, cust, created in firsts if cid in rows}
    if not cohort:
        return
    ret = _returns_by_order(shop_id)
    returns_raw = func.coalesce(ret.c.sub, 0) - case((Order.taxes_included, func.coalesce(ret.c.tax, 0)), else_=0)
    history: dict[str, list[tuple[datetime, Decimal]]] = defaultdict(list)
    customers = list(cohort)
    for start in range(0, len(customers), 500):
        batch = customers[start:start + 500]
        query = (select(Order.customer_id, Order.created_at, _raw(Order.revenue) - returns_raw)
                 .outerjoin(ret, ret.c.oid == Order.shopify_id)
                 .where(Order.shop_id == shop_id, Order.counted.is_(True), Order.customer_id.in_(batch)))
        for cust, created, net in session.execute(query):
            history[cust].append((created, _money(net)))
    for cust, (cid, first_at) in cohort.items():
        row = rows[cid]
        if (window.as_of - window.local_date(first_at)).days < 90:
            row["immature_customers"] += 1
            continue
        row["mature_customers"] += 1
        later = [t for t, _ in history[cust] if first_at < t <= first_at + timedelta(days=90)]
        row["repeaters_90d"] += 1 if later else 0
        row["ltv_90d_sum"] += sum((net for t, net in history[cust] if first_at <= t <= first_at + timedelta(days=90)), Decimal(0))


def _empty() -> dict:
    row = {k: Decimal(0) for k in ("revenue", "returns", "fees", "seeding", "commission", "other_costs", "discounts_given",
                                   "contested_revenue", "ltv_90d_sum")}
    row.update({k: 0 for k in ("orders", "orders_with_refund", "new_customers", "immature_customers", "mature_customers",
                               "repeaters_90d", "clicks", "code_orders")})
    return row


def _total(rows: list[dict]) -> dict:
    out = _empty()
    for row in rows:
        for key in out:
            out[key] += row[key]
    return out


def _finish(row: dict, head: dict, with_spend: bool) -> dict:
    net = row["revenue"] - row["returns"]
    spend = row["fees"] + row["seeding"] + row["commission"] + row["other_costs"]
    has_spend = with_spend and spend != 0
    figures = {
        "orders": row["orders"], "revenue": row["revenue"], "returns": row["returns"], "net_revenue": net,
        "return_rate": _div(row["returns"], row["revenue"]), "refund_order_rate": _div(row["orders_with_refund"], row["orders"]),
        "aov": _div(row["revenue"], row["orders"]), "spend": spend if with_spend else None,
        "fees": row["fees"], "seeding": row["seeding"], "commission": row["commission"], "other_costs": row["other_costs"],
        "roas": _div(net, spend) if has_spend else None, "gross_roas": _div(row["revenue"], spend) if has_spend else None,
        "roi": _div(net - spend, spend) if has_spend else None, "new_customers": row["new_customers"],
        "cac": _div(spend, row["new_customers"]) if has_spend else None, "cpa": _div(spend, row["orders"]) if has_spend else None,
        "repeat_rate_90d": _div(row["repeaters_90d"], row["mature_customers"]), "immature_customers": row["immature_customers"],
        "ltv_90d": _div(row["ltv_90d_sum"], row["mature_customers"]), "clicks": row["clicks"],
        "conversion_rate": _div(row["orders"], row["clicks"]), "redemption_rate": _div(row["code_orders"], row["clicks"]),
        "discounts_given": row["discounts_given"], "contested_revenue": row["contested_revenue"],
    }
    return {**head, **{k: (str(v) if isinstance(v, Decimal) else v) for k, v in figures.items()}}


CSV_FIGURES = ("orders", "revenue", "returns", "net_revenue", "return_rate", "refund_order_rate", "aov", "spend", "fees",
               "seeding", "commission", "other_costs", "roas", "gross_roas", "roi", "new_customers", "cac", "cpa",
               "repeat_rate_90d", "immature_customers", "ltv_90d", "clicks", "conversion_rate", "redemption_rate",
               "discounts_given", "contested_revenue")


def to_csv(table: dict) -> str:
    """The same table as CSV: one row per creator, then unattributed and totals (exact values)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["handle", "name", *CSV_FIGURES])
    for row in [*table["creators"], table["unattributed"], table["totals"]]:
        writer.writerow([row.get("handle") or "", row.get("name") or "", *("" if row[k] is None else row[k] for k in CSV_FIGURES)])
    return out.getvalue()


def orders_behind(session: Session, shop: Shop, creator: Creator, start: date, end: date) -> list[dict]:
    """The orders behind a creator's numbers: attributed to it or contested by it, with signals and rule."""
    window = Window(start, end, end, ZoneInfo(shop.iana_timezone or "UTC"))
    lo, hi = window.bounds()
    ret = _returns_by_order(shop.id)
    returns_raw = func.coalesce(ret.c.sub, 0) - case((Order.taxes_included, func.coalesce(ret.c.tax, 0)), else_=0)
    query = (select(Order, returns_raw).outerjoin(ret, ret.c.oid == Order.shopify_id)
             .where(Order.shop_id == shop.id, Order.created_at >= lo, Order.created_at < hi,
                    (Order.creator_id == creator.id) | Order.contested.contains(str(creator.id)))
             .order_by(Order.created_at))
    out = []
    for order, returns in session.execute(query):
        contested = json.loads(order.contested)
        if order.creator_id != creator.id and creator.id not in contested:
            continue  # the text match above is a pre-filter only
        out.append({"order_id": order.shopify_id, "name": order.name, "created_at": order.created_at.isoformat(),
                    "local_date": window.local_date(order.created_at).isoformat(), "counted": order.counted,
                    "revenue": str(order.revenue), "discounts": str(order.discounts), "returns": str(_money(returns)),
                    "new_customer": bool(order.is_first), "rule": order.rule,
                    "attributed": order.creator_id == creator.id, "contested_by_this_creator": creator.id in contested,
                    "signals": json.loads(order.signals)})
    return out
