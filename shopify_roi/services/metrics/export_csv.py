"""The ROI table as CSV: one row per creator, then unattributed and totals, every figure exact."""

from __future__ import annotations

import csv
import io

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
    """The table (table.compute's) as CSV text: creators, then unattributed and totals (exact values)."""
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


def file_name(table: dict) -> str:
    """The download's name, with the table's range."""
    return f"creator-roi-{table['from']}-{table['to']}.csv"
