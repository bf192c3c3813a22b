"""Per-creator figures over a date range, exactly as METRICS.md defines them.

Sums happen in SQL on exact integer money (amount x 10,000), over the daily rollup (services/metrics/rollups.py:
per creator and local day, recomputed from the orders before it is read), so a year costs ~365 rows
per creator, not its orders. Cohorts come from the facts kept on each first order (gap to the next
order, LTV-N): a first order's local day says whether it is mature as of `as_of`. Python only walks
the contested orders. Ratios are exact Decimals (None where undefined), rounded only for display.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, case, false, func, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session

from shopify_roi.models import (
    Campaign,
    CodeDay,
    CodeMonth,
    Creator,
    DiscountCode,
    Order,
    OrderDay,
    OrderMonth,
    Shop,
    SpendEntry,
)
from shopify_roi.models.rollup import COHORT_DAYS, SUM_COLUMNS, UNATTRIBUTED
from shopify_roi.models.spend import FEE, OTHER, SEEDING
from shopify_roi.money import SCALE
from shopify_roi.services.creators import codes as discounts
from shopify_roi.services.metrics import leaks, rollups
from shopify_roi.services.shops import settings as shop_settings

ADDITIVE = (
    "orders",
    "revenue",
    "returns",
    "net_revenue",
    "orders_with_refund",
    "spend",
    "fees",
    "seeding",
    "commission",
    "other_costs",
    "new_customers",
    "immature_customers",
    "clicks",
    "code_orders",
    "discounts_given",
    "contested_revenue",
)


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    as_of: date
    tz: ZoneInfo

    def bounds(self) -> tuple[datetime, datetime]:
        """UTC instants of local midnight on `start` and the day after `end` (both days included)."""
        lo = datetime.combine(self.start, time(0), self.tz).astimezone(UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time(0), self.tz).astimezone(UTC)
        return lo, hi

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()


def _raw(column):
    return type_coerce(column, BigInteger)


def _money(raw) -> Decimal:
    return Decimal(int(raw or 0)) / SCALE


def _div(a: Decimal | int, b: Decimal | int) -> Decimal | None:
    return None if not b else Decimal(a) / Decimal(b)


def _rows(
    session: Session, shop: Shop, window: Window, campaign: str | None, only: Creator | None = None
) -> tuple[list[Creator], dict, Campaign | None]:
    """Every additive figure per creator id (None = unattributed), summed in SQL; `only`: that creator alone."""
    start, end = window.start, window.end
    # Columns, not ORM objects (with their campaigns): 500 creators cost 20 ms as objects.
    creators = (
        [only]
        if only is not None
        else list(
            session.execute(
                select(Creator.id, Creator.handle, Creator.name, Creator.status, Creator.commission_rate)
                .where(Creator.shop_id == shop.id)
                .order_by(Creator.name)
            )
        )
    )
    campaign_row = None
    if campaign:
        campaign_row = session.scalar(
            select(Campaign).where(Campaign.shop_id == shop.id, Campaign.name == campaign)
        )
        member_ids = {c.id for c in campaign_row.creators} if campaign_row else set()
        creators = [c for c in creators if c.id in member_ids]
    ids = {c.id for c in creators}
    rows: dict[int | None, dict] = {cid: _empty() for cid in ids}
    rows[None] = _empty()
    rows[None]["shop_revenue"] = Decimal(
        0
    )  # every order in range, whoever it belongs to (the baseline's period)

    rollups.ensure(session, shop)
    # Whole months from the month rows, the rest from the day rows: a year is ~12 + ~120 rows per creator,
    # not 365. The cohort conditions compare a row's date with these cutoffs; a month straddling one is read
    # by its days (rollups.split).
    cutoffs = [window.as_of - timedelta(days=n) for n in COHORT_DAYS]
    source = _rollup_rows(
        OrderDay,
        OrderMonth,
        shop.id,
        start,
        end,
        cutoffs,
        ["creator_key", *SUM_COLUMNS],
        [] if only is None else [("creator_key", only.id)],
    )
    day, c = source.c.d, source.c

    def when(condition, value):
        return func.sum(case((condition, value), else_=0))

    columns = [
        func.sum(c.orders),
        func.sum(c.revenue),
        func.sum(c.discounts),
        func.sum(c.returns),
        func.sum(c.with_refund),
        func.sum(c.firsts),
        func.sum(c.code_orders),
        func.sum(c.acquired),
        when(day > window.as_of - timedelta(days=90), c.acquired),
        func.sum(c.clicks),
        func.sum(c.contested),
    ]
    for n in COHORT_DAYS:  # mature customers (first order at least n days before as_of), repeaters, LTV sum
        mature = day <= window.as_of - timedelta(days=n)
        columns += [
            when(mature, c.acquired),
            when(mature, getattr(c, f"repeat_{n}")),
            when(mature, getattr(c, f"ltv_{n}")),
        ]
    query = select(c.creator_key, *columns).group_by(c.creator_key)
    for (
        key,
        n,
        revenue,
        given,
        returns,
        with_refund,
        firsts,
        by_code,
        acquired,
        immature,
        clicks,
        contested,
        *cohort,
    ) in session.execute(query):
        cid = None if key == UNATTRIBUTED else key
        rows[None]["shop_revenue"] += _money(revenue)
        if cid is not None and cid not in ids:
            continue  # a creator outside the campaign filter
        row = rows[cid]
        row["orders"] += int(n or 0)
        row["revenue"] += _money(revenue)
        row["discounts_given"] += _money(given)
        row["returns"] += _money(returns)
        row["orders_with_refund"] += int(with_refund or 0)
        row["new_customers"] += int(firsts or 0)
        row["code_orders"] += int(by_code or 0)
        row["acquired"] += int(acquired or 0)
        row["immature_customers"] += int(immature or 0)
        row["clicks"] += int(clicks or 0)
        row["contested_revenue"] += _money(
            contested
        )  # orders another creator won although this one had a signal
        for i, days in enumerate(COHORT_DAYS):
            mature, repeaters, ltv = cohort[3 * i : 3 * i + 3]
            row[f"mature_{days}"] += int(mature or 0)
            row[f"repeaters_{days}"] += int(repeaters or 0)
            row[f"ltv_{days}_sum"] += _money(ltv)

    spend = select(SpendEntry.creator_id, SpendEntry.kind, func.sum(_raw(SpendEntry.amount))).where(
        SpendEntry.shop_id == shop.id, SpendEntry.spent_on >= start, SpendEntry.spent_on <= end
    )
    if campaign:
        spend = spend.where(SpendEntry.campaign_id == (campaign_row.id if campaign_row else -1))
    for cid, kind, raw in session.execute(spend.group_by(SpendEntry.creator_id, SpendEntry.kind)):
        if cid in rows:
            rows[cid][{FEE: "fees", SEEDING: "seeding", OTHER: "other_costs"}[kind]] += _money(raw)

    for creator in creators:
        row = rows[creator.id]
        row["commission"] = creator.commission_rate * (row["revenue"] - row["returns"])
    return creators, rows, campaign_row


def _rollup_rows(
    day_table,
    month_table,
    shop_id: int,
    start: date,
    end: date,
    cutoffs: list[date],
    names: list[str],
    equal: list[tuple[str, object]] = (),
    day_extra: dict | None = None,
):
    """A subquery of the rollup rows covering `start`..`end`: whole months (as rollups.split allows with these
    cutoffs) from `month_table`, the other days from `day_table`; column `d` is the row's day (a month's
    first day), then `names`. `equal`: (column, value) filters; `day_extra`: name -> the day table's
    expression for a name only the month table has as a column."""
    intervals, months = rollups.split(start, end, cutoffs)
    parts = []
    day_extra = day_extra or {}
    if intervals:
        parts.append(
            select(
                day_table.day.label("d"),
                *(day_extra.get(n, getattr(day_table, n, None)).label(n) for n in names),
            ).where(
                day_table.shop_id == shop_id,
                or_(*(day_table.day.between(a, b) for a, b in intervals)),
                *(getattr(day_table, k) == v for k, v in equal),
            )
        )
    if months:
        parts.append(
            select(month_table.month.label("d"), *(getattr(month_table, n).label(n) for n in names)).where(
                month_table.shop_id == shop_id,
                month_table.month.in_(months),
                *(getattr(month_table, k) == v for k, v in equal),
            )
        )
    if not parts:  # an empty range
        parts.append(
            select(
                day_table.day.label("d"),
                *(day_extra.get(n, getattr(day_table, n, None)).label(n) for n in names),
            ).where(false())
        )
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()


def _window(shop: Shop, start: date, end: date, as_of: date) -> Window:
    return Window(start, end, as_of, ZoneInfo(shop.iana_timezone or "UTC"))


def compute(
    session: Session, shop: Shop, start: date, end: date, as_of: date, campaign: str | None = None
) -> dict:
    """The ROI table: creators, unattributed, totals (all rows) and attributed_totals (creators only),
    with the shop's targets and each creator's scorecard and code-leak warning."""
    window = _window(shop, start, end, as_of)
    creators, rows, campaign_row = _rows(session, shop, window, campaign)
    config = shop_settings.load(session, shop.id)
    codes = discounts.current_code_refs(session, shop.id)
    warnings = _leak_warnings(session, shop, window, creators, every_creator=campaign is None)
    ids = [c.id for c in creators]
    out_rows = [
        _creator_row(creator, rows[creator.id], codes.get(creator.id), warnings.get(creator.id), config)
        for creator in creators
    ]
    unattributed = _finish(
        rows[None], {"handle": None, "name": "Unattributed"}, with_spend=False, config=config
    )
    attributed = _total([rows[c] for c in ids])
    totals = _finish(
        _total([rows[c] for c in ids] + [rows[None]]),
        {"handle": None, "name": "All orders"},
        with_spend=bool(ids),
        config=config,
    )
    # Conversion is attributed orders per click, and only creators' links have clicks: the all-orders row
    # takes the creators' rate, not all orders (unattributed ones included) over the creators' clicks.
    totals["conversion_rate"] = _str(_div(attributed["orders"], attributed["clicks"]))
    totals["scores"]["conversion_rate"] = scores(
        {
            **{k: None for k in ("roas", "redemption_rate", "aov", "repeat_rate_90d")},
            "conversion_rate": _div(attributed["orders"], attributed["clicks"]),
        },
        config.targets,
    )["conversion_rate"]
    return {
        "currency": shop.currency,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat(),
        "campaign": campaign,
        "creators": sorted(out_rows, key=lambda r: r["handle"]),
        "unattributed": unattributed,
        "attributed_totals": _finish(
            attributed, {"handle": None, "name": "Creators"}, with_spend=True, config=config
        ),
        "totals": totals,
        **config.as_json(),
        "baseline": baseline(
            session,
            shop,
            start,
            end,
            campaign_row,
            revenue=rows[None]["shop_revenue"] if campaign is None else None,
        ),
        "history_note": history_note(shop),
    }


def _creator_row(creator: Creator, row: dict, code, warning: dict | None, config) -> dict:
    head = {
        "handle": creator.handle,
        "name": creator.name,
        "status": creator.status,
        "code": code.code if code is not None else None,
        "code_id": code.id if code is not None else None,
    }
    out = _finish(row, head, with_spend=True, config=config)
    out["leak_warning"] = warning
    return out


def creator_detail(
    session: Session, shop: Shop, creator: Creator, start: date, end: date, as_of: date
) -> dict:
    """One creator's row (same figures as the table) and its cohort curve: repeat share and LTV at 30/90/180/365 days."""
    window = _window(shop, start, end, as_of)
    _, rows, _ = _rows(session, shop, window, None, only=creator)
    config = shop_settings.load(session, shop.id)
    code = discounts.current_code(session, shop.id, creator.id)
    warning = _leak_warnings(session, shop, window, [creator]).get(creator.id)
    row = rows[creator.id]
    cohort = [
        {
            "days": n,
            "mature_customers": row[f"mature_{n}"],
            "immature_customers": row["acquired"] - row[f"mature_{n}"],
            "repeat_customers": row[f"repeaters_{n}"],
            "repeat_rate": _str(_div(row[f"repeaters_{n}"], row[f"mature_{n}"])),
            "ltv": _str(_div(row[f"ltv_{n}_sum"], row[f"mature_{n}"])),
        }
        for n in COHORT_DAYS
    ]
    return {
        "currency": shop.currency,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat(),
        "creator": _creator_row(creator, row, code, warning, config),
        "targets": config.as_json()["targets"],
        "gross_margin": config.as_json()["gross_margin"],
        "cohort": cohort,
    }


def history_note(shop: Shop) -> str | None:
    if "read_all_orders" in shop.scope_set:
        return None
    return (
        "Without the read_all_orders permission Shopify shows the app only the last 60 days of orders. The app asks "
        "Shopify how many orders each customer it sees for the first time has placed in all, and one with older orders "
        "is not counted as new: new customers, CAC and repeat rates rest on that count (a customer is checked within "
        "minutes of their first order)."
    )


def baseline(
    session: Session,
    shop: Shop,
    start: date,
    end: date,
    campaign: Campaign | None = None,
    revenue: Decimal | None = None,
) -> dict:
    """Shop revenue in the period (the campaign's dates when it has both, else the range) against the same days of
    the week just before it: the period moved back by whole weeks, at least its own length (METRICS.md).
    `revenue`: the shop's revenue over `start`..`end` when the caller has summed it already (the ROI table)."""
    if (
        campaign is not None
        and campaign.starts_on
        and campaign.ends_on
        and campaign.starts_on <= campaign.ends_on
    ):
        start, end, revenue = campaign.starts_on, campaign.ends_on, None
    length = (end - start).days + 1
    shift = timedelta(days=-(-length // 7) * 7)
    rollups.ensure(session, shop)

    hi = end - shift if revenue is not None else end
    # The prior period's last day and the day before the period split no month read whole (rollups.split).
    source = _rollup_rows(
        OrderDay,
        OrderMonth,
        shop.id,
        start - shift,
        hi,
        [end - shift, start - timedelta(days=1)],
        ["revenue"],
    )
    before, now = (
        _money(v)
        for v in session.execute(
            select(
                func.sum(case((source.c.d <= end - shift, source.c.revenue), else_=0)),
                func.sum(case((source.c.d >= start, source.c.revenue), else_=0)),
            )
        ).one()
    )
    now = revenue if revenue is not None else now
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "baseline_from": (start - shift).isoformat(),
        "baseline_to": (end - shift).isoformat(),
        "revenue": str(now),
        "baseline_revenue": str(before),
        "incremental_revenue": str(now - before),
    }


def _leak_warnings(
    session: Session, shop: Shop, window: Window, creators: list, every_creator: bool = False
) -> dict[int, dict]:
    """creator id -> its code-leak warning over the range (only creators with enough code orders);
    `every_creator`: `creators` are all of the shop's (no filter on them in SQL)."""
    if not creators:
        return {}
    ids = [c.id for c in creators]
    handles = {c.id: c.handle.lower() for c in creators}
    code_ids: dict[tuple[int, str], int] = {}
    for cid, code, code_id in session.execute(
        select(DiscountCode.creator_id, DiscountCode.code, DiscountCode.id)
        .where(DiscountCode.shop_id == shop.id, DiscountCode.creator_id.in_(ids))
        .order_by(DiscountCode.id)
    ):
        code_ids[(cid, code.strip().upper())] = code_id  # the newest row of that code wins
    recent_from = window.end - timedelta(days=leaks.SURGE_DAYS - 1)
    summaries: dict[int, leaks.Summary] = {}
    activity: dict[
        int, date
    ] = {}  # the creator's last local day with a link order, a click, or a code order with its link
    source = _rollup_rows(
        CodeDay,
        CodeMonth,
        shop.id,
        window.start,
        window.end,
        [recent_from - timedelta(days=1)],
        ["creator_key", "code", "has_link", "referrer_host", "orders", "last_day"],
        day_extra={"last_day": CodeDay.day},
    )
    c = source.c
    query = select(
        c.creator_key,
        c.code,
        c.has_link,
        c.referrer_host,
        func.sum(c.orders),
        func.sum(case((c.d >= recent_from, c.orders), else_=0)),
        func.max(case((c.has_link.is_(True), c.last_day))),
    ).group_by(c.creator_key, c.code, c.has_link, c.referrer_host)
    if not every_creator:
        query = query.where(c.creator_key.in_(ids))
    for cid, code, has_link, host, n, recent, last_linked in session.execute(query):
        if cid not in handles:
            continue  # a creator deleted since (its days are recomputed without it)
        summaries.setdefault(cid, leaks.Summary()).add(code, bool(has_link), host, int(n), int(recent or 0))
        if last_linked is not None and (cid not in activity or last_linked > activity[cid]):
            activity[cid] = last_linked
    if not summaries:
        return {}
    # Last link order or click: the last weeks first (a creator active then is not quiet), all time for the rest.
    recent_enough = recent_from - timedelta(days=leaks.QUIET_DAYS)
    for since in (recent_enough, None):
        pending = [cid for cid in summaries if cid not in activity or activity[cid] < recent_enough]
        if not pending:
            break
        last_active = (
            select(OrderDay.creator_key, func.max(OrderDay.day))
            .where(
                OrderDay.shop_id == shop.id,
                OrderDay.creator_key.in_(pending),
                (OrderDay.link_orders > 0) | (OrderDay.clicks > 0),
                *([OrderDay.day >= since] if since else []),
            )
            .group_by(OrderDay.creator_key)
        )
        for cid, day in session.execute(last_active):
            if day is not None and (cid not in activity or day > activity[cid]):
                activity[cid] = day
    out = {}
    for cid, summary in summaries.items():
        warning = leaks.judge(handles[cid], summary, window.start, window.end, activity.get(cid))
        if warning is None:
            continue
        out[cid] = {**warning, "code_id": code_ids.get((cid, warning["code"]))}
    return out


def _empty() -> dict:
    row = {
        k: Decimal(0)
        for k in (
            "revenue",
            "returns",
            "fees",
            "seeding",
            "commission",
            "other_costs",
            "discounts_given",
            "contested_revenue",
            *(f"ltv_{n}_sum" for n in COHORT_DAYS),
        )
    }
    row.update(
        {
            k: 0
            for k in (
                "orders",
                "orders_with_refund",
                "new_customers",
                "immature_customers",
                "acquired",
                "clicks",
                "code_orders",
                *(f"mature_{n}" for n in COHORT_DAYS),
                *(f"repeaters_{n}" for n in COHORT_DAYS),
            )
        }
    )
    return row


def _total(rows: list[dict]) -> dict:
    out = _empty()
    for row in rows:
        for key in out:
            out[key] += row[key]
    return out


def _str(value):
    return str(value) if isinstance(value, Decimal) else value


def _finish(row: dict, head: dict, with_spend: bool, config: shop_settings.Settings) -> dict:
    net = row["revenue"] - row["returns"]
    spend = row["fees"] + row["seeding"] + row["commission"] + row["other_costs"]
    has_spend = with_spend and spend != 0
    aov = _div(row["revenue"], row["orders"])
    figures = {
        "orders": row["orders"],
        "revenue": row["revenue"],
        "returns": row["returns"],
        "net_revenue": net,
        "return_rate": _div(row["returns"], row["revenue"]),
        "refund_order_rate": _div(row["orders_with_refund"], row["orders"]),
        "aov": aov,
        "spend": spend if with_spend else None,
        "fees": row["fees"],
        "seeding": row["seeding"],
        "commission": row["commission"],
        "other_costs": row["other_costs"],
        "roas": _div(net, spend) if has_spend else None,
        "gross_roas": _div(row["revenue"], spend) if has_spend else None,
        "roi": _div(net - spend, spend) if has_spend else None,
        "new_customers": row["new_customers"],
        "cac": _div(spend, row["new_customers"]) if has_spend else None,
        "cpa": _div(spend, row["orders"]) if has_spend else None,
        "repeat_rate_90d": _div(row["repeaters_90"], row["mature_90"]),
        "mature_customers": row["mature_90"],
        "immature_customers": row["immature_customers"],
        **{f"ltv_{n}d": _div(row[f"ltv_{n}_sum"], row[f"mature_{n}"]) for n in COHORT_DAYS},
        "breakeven_cac": config.gross_margin * aov
        if config.gross_margin is not None and aov is not None
        else None,
        "clicks": row["clicks"],
        "conversion_rate": _div(row["orders"], row["clicks"]),
        "redemption_rate": _div(row["code_orders"], row["clicks"]),
        "discounts_given": row["discounts_given"],
        "contested_revenue": row["contested_revenue"],
    }
    out = {**head, **{k: _str(v) for k, v in figures.items()}}
    out["scores"] = scores(figures, config.targets)
    return out


def scores(figures: dict, targets: dict[str, Decimal]) -> dict:
    """Each scorecard figure against its target: "good" at or above the minimum, "poor" below, None without data.
    (A conversion or redemption rate above the typical range is better than the range, so it is good too.)"""

    def judge(value, minimum):
        return None if value is None else ("good" if value >= minimum else "poor")

    return {
        "roas": judge(figures["roas"], targets["roas_min"]),
        "conversion_rate": judge(figures["conversion_rate"], targets["conversion_rate_min"]),
        "redemption_rate": judge(figures["redemption_rate"], targets["redemption_rate_min"]),
        "aov": judge(figures["aov"], targets["aov_min"]),
        "repeat_rate_90d": judge(figures["repeat_rate_90d"], targets["repeat_rate_90d_min"]),
    }


CSV_FIGURES = (
    "orders",
    "revenue",
    "returns",
    "net_revenue",
    "return_rate",
    "refund_order_rate",
    "aov",
    "spend",
    "fees",
    "seeding",
    "commission",
    "other_costs",
    "roas",
    "gross_roas",
    "roi",
    "new_customers",
    "cac",
    "cpa",
    "repeat_rate_90d",
    "mature_customers",
    "immature_customers",
    "ltv_30d",
    "ltv_90d",
    "ltv_180d",
    "ltv_365d",
    "breakeven_cac",
    "clicks",
    "conversion_rate",
    "redemption_rate",
    "discounts_given",
    "contested_revenue",
)


def to_csv(table: dict) -> str:
    """The same table as CSV: one row per creator, then unattributed and totals (exact values)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["handle", "name", *CSV_FIGURES])
    for row in [*table["creators"], table["unattributed"], table["totals"]]:
        writer.writerow(
            [
                row.get("handle") or "",
                row.get("name") or "",
                *("" if row[k] is None else row[k] for k in CSV_FIGURES),
            ]
        )
    return out.getvalue()


def orders_behind(session: Session, shop: Shop, creator: Creator, start: date, end: date) -> list[dict]:
    """The orders behind a creator's numbers: attributed to it or contested by it, with signals and rule."""
    window = Window(start, end, end, ZoneInfo(shop.iana_timezone or "UTC"))
    lo, hi = window.bounds()
    query = (
        select(Order)
        .where(
            Order.shop_id == shop.id,
            Order.created_at >= lo,
            Order.created_at < hi,
            (Order.creator_id == creator.id) | Order.contested.contains(str(creator.id)),
        )
        .order_by(Order.created_at)
    )
    out = []
    for order in session.scalars(query):
        contested = json.loads(order.contested)
        if order.creator_id != creator.id and creator.id not in contested:
            continue  # the text match above is a pre-filter only
        out.append(
            {
                "order_id": order.shopify_id,
                "name": order.name,
                "created_at": order.created_at.isoformat(),
                "local_date": window.local_date(order.created_at).isoformat(),
                "counted": order.counted,
                "revenue": str(order.revenue),
                "discounts": str(order.discounts),
                "returns": str(order.returns),
                "new_customer": bool(order.is_first),
                "rule": order.rule,
                "attributed": order.creator_id == creator.id,
                "contested_by_this_creator": creator.id in contested,
                "signals": json.loads(order.signals),
            }
        )
    return out
