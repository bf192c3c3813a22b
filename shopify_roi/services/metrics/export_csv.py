"""The ROI table as CSV: one row per creator, then unattributed and totals. Every figure is a plain
decimal a spreadsheet reads as a number (never `1E+2`), rounded as the page shows it (money and ROAS to 2
decimals, percentages as fractions of 1 to 3 decimals: 0.505 is the page's 50.5 %), and each figure the
rounding changes is also given exact (to 12 decimals) in its `_exact` column. Names are written so that
no spreadsheet runs them as formulas (services/csv_cells.py)."""

from __future__ import annotations

import io
from decimal import Decimal

from shopify_roi.money import display
from shopify_roi.services import csv_cells

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


COUNTS = {"orders", "new_customers", "mature_customers", "immature_customers", "clicks"}
TWO_DECIMALS = {"roas", "gross_roas"}
PERCENTS = {
    "return_rate",
    "refund_order_rate",
    "roi",
    "repeat_rate_90d",
    "conversion_rate",
    "redemption_rate",
}
# Figures whose shown value rounds a division or a rate: their exact value gets a column of its own.
EXACT = (
    "aov",
    "commission",
    "roas",
    "gross_roas",
    "roi",
    "cac",
    "cpa",
    "return_rate",
    "refund_order_rate",
    "repeat_rate_90d",
    "ltv_30d",
    "ltv_90d",
    "ltv_180d",
    "ltv_365d",
    "breakeven_cac",
    "conversion_rate",
    "redemption_rate",
)
EXACT_PLACES = 12


def shown(key: str, value) -> str | int:
    """A figure as the page shows it, a plain decimal ("" when undefined)."""
    if value is None or value == "":
        return ""
    if key in COUNTS:
        return int(value)
    places = 3 if key in PERCENTS else 2  # a percentage to 1 decimal is its fraction to 3
    return display(Decimal(str(value)), places)


def exact(value) -> str:
    """A figure's exact value to EXACT_PLACES decimals, plain ("" when undefined)."""
    if value is None or value == "":
        return ""
    return display(Decimal(str(value)), EXACT_PLACES)


def row_name(row: dict) -> str | None:
    """The row's name; the totals row says its ROAS, ROI, CAC and CPA are blended (METRICS.md, Totals)."""
    if not row.get("blended"):
        return row.get("name")
    return f"{row.get('name')} (blended ROAS, ROI, CAC and CPA: all counted orders over creators' spend)"


def to_csv(table: dict) -> str:
    """The table (table.compute's) as CSV text: creators, then unattributed and totals (exact values)."""
    out = io.StringIO()
    writer = csv_cells.writer(out)
    writer.writerow(["handle", "name", *CSV_FIGURES, *(f"{k}_exact" for k in EXACT)])
    for row in [*table["creators"], table["unattributed"], table["totals"]]:
        writer.writerow(
            [
                csv_cells.text(row.get("handle")),
                csv_cells.text(row_name(row)),
                *(csv_cells.figure(shown(k, row[k])) for k in CSV_FIGURES),
                *(csv_cells.figure(exact(row[k])) for k in EXACT),
            ]
        )
    return out.getvalue()


def file_name(table: dict) -> str:
    """The download's name, with the table's range."""
    return f"creator-roi-{table['from']}-{table['to']}.csv"
