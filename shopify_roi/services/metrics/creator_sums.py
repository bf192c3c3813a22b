"""Every additive sum of the ROI table per creator over a window, summed in SQL: orders, money, cohorts,
clicks and contested revenue from the rollup (rollup_months.rows_covering: whole months from the month
rows, the other days from the day rows), spend from the ledger, commission from the creator's rate.

Cohorts come from the facts kept on each first order (gap to the next order, LTV-N): a first order's
local day says whether it is mature as of the window's `as_of` (METRICS.md). Reads only: the caller
refreshes the rollup first (rollups.py says why reads do).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import BigInteger, case, func, select, type_coerce
from sqlalchemy.orm import Session

from shopify_roi.models import Campaign, Creator, OrderDay, OrderMonth, Shop, SpendEntry
from shopify_roi.models.rollup import COHORT_DAYS, SUM_COLUMNS, UNATTRIBUTED
from shopify_roi.models.spend import FEE, OTHER, SEEDING
from shopify_roi.services.metrics.campaign_orders import campaign_orders, campaign_window
from shopify_roi.services.metrics.figures import empty_row, money
from shopify_roi.services.metrics.rollup_months import rows_covering
from shopify_roi.services.metrics.window import Window
from shopify_roi.services.spend import periods

SPEND_SUMS = {FEE: "fees", SEEDING: "seeding", OTHER: "other_costs"}


def campaign_members(session: Session, shop_id: int, name: str) -> tuple[Campaign | None, set[int]]:
    """The shop's campaign of this name and its creators' ids (None and none for an unknown name)."""
    campaign = session.scalar(select(Campaign).where(Campaign.shop_id == shop_id, Campaign.name == name))
    return campaign, ({c.id for c in campaign.creators} if campaign else set())


def creator_sums(
    session: Session, shop: Shop, window: Window, campaign: str | None, only: Creator | None = None
) -> tuple[list, dict, Campaign | None]:
    """The creators in scope (the campaign's, or `only`), and their sums by creator id; key None holds the
    unattributed orders' sums and `shop_revenue`, every order's revenue in the window (the baseline's)."""
    creators = [only] if only is not None else shop_creators(session, shop.id)
    campaign_row, campaign_id = None, None
    if campaign:
        campaign_row, members = campaign_members(session, shop.id, campaign)
        creators = [c for c in creators if c.id in members]
        campaign_id = campaign_row.id if campaign_row else -1  # an unknown campaign has no spend
    rows: dict[int | None, dict] = {c.id: empty_row() for c in creators}
    rows[None] = empty_row()
    rows[None]["shop_revenue"] = Decimal(0)
    if campaign_row is None:
        _add_rollup_sums(session, shop.id, window, rows, only)
    elif creators:
        _add_campaign_sums(session, shop.id, window, rows, campaign_row, only)
    _add_spend(session, shop.id, window, rows, campaign_id)
    for creator in creators:
        row = rows[creator.id]
        row["commission"] = creator.commission_rate * (row["revenue"] - row["returns"])
    return creators, rows, campaign_row


def shop_creators(session: Session, shop_id: int) -> list:
    """The shop's creators as rows (id, handle, name, status, commission_rate), by name."""
    # Columns, not ORM objects (with their campaigns): 500 creators cost 20 ms as objects.
    return list(
        session.execute(
            select(Creator.id, Creator.handle, Creator.name, Creator.status, Creator.commission_rate)
            .where(Creator.shop_id == shop_id)
            .order_by(Creator.name)
        )
    )


def _rollup_query(shop_id: int, window: Window, only: Creator | None):
    """Per creator key: orders, revenue, discounts, returns, orders with a refund, first orders, code orders,
    customers acquired, those not yet 90 days old, clicks, contested revenue, then for each cohort length
    the mature customers, their repeaters and LTV sum."""
    # A month straddling a cohort cutoff is read by its days (rollup_months.split).
    cutoffs = [window.as_of - timedelta(days=n) for n in COHORT_DAYS]
    source = rows_covering(
        OrderDay,
        OrderMonth,
        shop_id,
        window.start,
        window.end,
        cutoffs,
        ["creator_key", *SUM_COLUMNS],
        [] if only is None else [("creator_key", only.id)],
    )
    day, c = source.c.d, source.c

    def when(condition, value):
        return func.sum(case((condition, value), else_=0))

    columns = [
        *(func.sum(x) for x in (c.orders, c.revenue, c.discounts, c.returns, c.with_refund, c.firsts)),
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
    return select(c.creator_key, *columns).group_by(c.creator_key)


def _add_rollup_sums(
    session: Session, shop_id: int, window: Window, rows: dict, only: Creator | None
) -> None:
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
    ) in session.execute(_rollup_query(shop_id, window, only)):
        rows[None]["shop_revenue"] += money(revenue)
        cid = None if key == UNATTRIBUTED else key
        if cid not in rows:
            continue  # a creator outside the campaign filter
        row = rows[cid]
        row["orders"] += int(n or 0)
        row["revenue"] += money(revenue)
        row["discounts_given"] += money(given)
        row["returns"] += money(returns)
        row["orders_with_refund"] += int(with_refund or 0)
        row["new_customers"] += int(firsts or 0)
        row["code_orders"] += int(by_code or 0)
        row["acquired"] += int(acquired or 0)
        row["immature_customers"] += int(immature or 0)
        row["clicks"] += int(clicks or 0)
        row["contested_revenue"] += money(
            contested
        )  # orders another creator won although this one had a signal
        for i, days in enumerate(COHORT_DAYS):
            mature, repeaters, ltv = cohort[3 * i : 3 * i + 3]
            row[f"mature_{days}"] += int(mature or 0)
            row[f"repeaters_{days}"] += int(repeaters or 0)
            row[f"ltv_{days}_sum"] += money(ltv)


def _add_campaign_sums(
    session: Session, shop_id: int, window: Window, rows: dict, campaign: Campaign, only: Creator | None
) -> None:
    """The campaign's orders one by one (campaign_orders.py: inside its dates, its own orders only); clicks
    and contested revenue, which belong to no order of the creator's, from the rollup over the campaign's
    days of the range."""
    start, end = campaign_window(window, campaign)
    if start > end:
        return
    days = Window(start, end, window.as_of, window.tz)
    scratch: dict = {cid: empty_row() for cid in rows}
    scratch[None]["shop_revenue"] = Decimal(0)
    _add_rollup_sums(session, shop_id, days, scratch, only)
    for cid in rows:
        if cid is not None:
            rows[cid]["clicks"] = scratch[cid]["clicks"]
            rows[cid]["contested_revenue"] = scratch[cid]["contested_revenue"]
    ids = {cid for cid in rows if cid is not None}
    for order in campaign_orders(session, shop_id, window, campaign, ids):
        row, s = rows[order.creator_id], order.sums
        row["orders"] += s["orders"]
        for key, column in (("revenue", "revenue"), ("discounts_given", "discounts"), ("returns", "returns")):
            row[key] += money(s[column])
        row["orders_with_refund"] += s["with_refund"]
        row["new_customers"] += s["firsts"]
        row["code_orders"] += s["code_orders"]
        row["acquired"] += s["acquired"]
        row["immature_customers"] += s["acquired"] if order.day > window.as_of - timedelta(days=90) else 0
        for n in COHORT_DAYS:
            if order.day <= window.as_of - timedelta(days=n):  # mature (METRICS.md)
                row[f"mature_{n}"] += s["acquired"]
                row[f"repeaters_{n}"] += s[f"repeat_{n}"]
                row[f"ltv_{n}_sum"] += money(s[f"ltv_{n}"])


def _add_spend(session: Session, shop_id: int, window: Window, rows: dict, campaign_id: int | None) -> None:
    """Fees, seeding and other costs in the window (the campaign's entries only when one is named): an
    entry without a period on its date, summed in SQL; one with a period by the share of its days inside
    the window (periods.py), summed exactly as Fractions and only then made Decimals."""
    of_shop = [SpendEntry.shop_id == shop_id]
    if campaign_id is not None:
        of_shop.append(SpendEntry.campaign_id == campaign_id)
    dated = (
        select(SpendEntry.creator_id, SpendEntry.kind, func.sum(type_coerce(SpendEntry.amount, BigInteger)))
        .where(*of_shop, SpendEntry.period_start.is_(None))
        .where(SpendEntry.spent_on >= window.start, SpendEntry.spent_on <= window.end)
        .group_by(SpendEntry.creator_id, SpendEntry.kind)
    )
    for cid, kind, raw in session.execute(dated):
        if cid in rows:
            rows[cid][SPEND_SUMS[kind]] += money(raw)
    spread = select(
        SpendEntry.creator_id,
        SpendEntry.kind,
        SpendEntry.amount,
        SpendEntry.period_start,
        SpendEntry.period_end,
    ).where(*of_shop, SpendEntry.period_start <= window.end, SpendEntry.period_end >= window.start)
    shares: dict[tuple, Fraction] = defaultdict(Fraction)
    for cid, kind, amount, start, end in session.execute(spread):
        if cid in rows:
            shares[cid, kind] += periods.share(amount, start, end, window.start, window.end)
    for (cid, kind), value in shares.items():
        rows[cid][SPEND_SUMS[kind]] += periods.as_decimal(value)


def no_spend_in_range(creators: list, rows: dict) -> list[str]:
    """Handles of the creators with orders in the range but no fee, seeding or other cost in it: their
    spend is commission alone (the page says so)."""
    return [
        c.handle
        for c in creators
        if rows[c.id]["orders"]
        and not (rows[c.id]["fees"] or rows[c.id]["seeding"] or rows[c.id]["other_costs"])
    ]
