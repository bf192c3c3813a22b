"""The ROI table as CSV: one row per creator, then unattributed and totals, every figure exact. Names
are written so that no spreadsheet runs them as formulas (services/csv_cells.py)."""

from __future__ import annotations

import io

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


def row_name(row: dict) -> str | None:
    """The row's name; the totals row says its ROAS, ROI, CAC and CPA are blended (METRICS.md, Totals)."""
    if not row.get("blended"):
        return row.get("name")
    return f"{row.get('name')} (blended ROAS, ROI, CAC and CPA: all counted orders over creators' spend)"


def to_csv(table: dict) -> str:
    """The table (table.compute's) as CSV text: creators, then unattributed and totals (exact values)."""
    out = io.StringIO()
    writer = csv_cells.writer(out)
    writer.writerow(["handle", "name", *CSV_FIGURES])
    for row in [*table["creators"], table["unattributed"], table["totals"]]:
        writer.writerow(
            [
                csv_cells.text(row.get("handle")),
                csv_cells.text(row_name(row)),
                *(csv_cells.figure(row[k]) for k in CSV_FIGURES),
            ]
        )
    return out.getvalue()


def file_name(table: dict) -> str:
    """The download's name, with the table's range."""
    return f"creator-roi-{table['from']}-{table['to']}.csv"
