"""The figures of a row of the ROI table from its additive sums, exactly as METRICS.md defines them.

A row's sums (orders, money, cohorts, clicks, spend) add up across creators, so totals are sums of rows;
the ratios are worked out last from those exact sums (Decimals, None where a division is by zero) and
sent as decimal strings.
"""

from __future__ import annotations

from decimal import Decimal

from shopify_roi.models.rollup import COHORT_DAYS
from shopify_roi.money import SCALE
from shopify_roi.services.metrics.scorecard import scores
from shopify_roi.services.shops.settings import Settings

MONEY_SUMS = (
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
COUNT_SUMS = (
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


def money(raw) -> Decimal:
    """An amount from its raw integer units (amount x 10,000, the Money column's), None as zero."""
    return Decimal(int(raw or 0)) / SCALE


def div(a: Decimal | int, b: Decimal | int) -> Decimal | None:
    """a / b exactly, None when b is zero (shown "—")."""
    return None if not b else Decimal(a) / Decimal(b)


def as_text(value):
    """A Decimal as its exact decimal string; anything else as it is."""
    return str(value) if isinstance(value, Decimal) else value


def empty_row() -> dict:
    """Every additive sum of a row, at zero."""
    return {**{k: Decimal(0) for k in MONEY_SUMS}, **{k: 0 for k in COUNT_SUMS}}


def total(rows: list[dict]) -> dict:
    """The rows' sums added up."""
    out = empty_row()
    for row in rows:
        for key in out:
            out[key] += row[key]
    return out


def finish(row: dict, head: dict, with_spend: bool, config: Settings) -> dict:
    """`head` with every figure of the row (ratios from the exact sums) as decimal strings, and its scores.
    `with_spend`: the row has spend (a creator's or a total of creators'), so ROAS, ROI, CAC and CPA apply."""
    net = row["revenue"] - row["returns"]
    spend = row["fees"] + row["seeding"] + row["commission"] + row["other_costs"]
    has_spend = with_spend and spend != 0
    aov = div(row["revenue"], row["orders"])
    figures = {
        "orders": row["orders"],
        "revenue": row["revenue"],
        "returns": row["returns"],
        "net_revenue": net,
        "return_rate": div(row["returns"], row["revenue"]),
        "refund_order_rate": div(row["orders_with_refund"], row["orders"]),
        "aov": aov,
        "spend": spend if with_spend else None,
        "fees": row["fees"],
        "seeding": row["seeding"],
        "commission": row["commission"],
        "other_costs": row["other_costs"],
        "roas": div(net, spend) if has_spend else None,
        "gross_roas": div(row["revenue"], spend) if has_spend else None,
        "roi": div(net - spend, spend) if has_spend else None,
        "new_customers": row["new_customers"],
        "cac": div(spend, row["new_customers"]) if has_spend else None,
        "cpa": div(spend, row["orders"]) if has_spend else None,
        "repeat_rate_90d": div(row["repeaters_90"], row["mature_90"]),
        "mature_customers": row["mature_90"],
        "immature_customers": row["immature_customers"],
        **{f"ltv_{n}d": div(row[f"ltv_{n}_sum"], row[f"mature_{n}"]) for n in COHORT_DAYS},
        "breakeven_cac": config.gross_margin * aov
        if config.gross_margin is not None and aov is not None
        else None,
        "clicks": row["clicks"],
        "conversion_rate": div(row["orders"], row["clicks"]),
        "redemption_rate": div(row["code_orders"], row["clicks"]),
        "discounts_given": row["discounts_given"],
        "contested_revenue": row["contested_revenue"],
    }
    out = {**head, **{k: as_text(v) for k, v in figures.items()}}
    out["scores"] = scores(figures, config.targets)
    return out


def creator_row(creator, row: dict, code, warning: dict | None, config: Settings) -> dict:
    """A creator's row of the table: its name, current code, figures, scores and code-leak warning."""
    head = {
        "handle": creator.handle,
        "name": creator.name,
        "status": creator.status,
        "code": code.code if code is not None else None,
        "code_id": code.id if code is not None else None,
    }
    out = finish(row, head, with_spend=True, config=config)
    out["leak_warning"] = warning
    return out
