"""One creator's figures (the same as its row of the ROI table) and its cohort curve: repeat share and
LTV at 30, 90, 180 and 365 days, mature and not-yet-mature customers (METRICS.md). Reads only: the API
refreshes the rollup first (reads.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from shopify_roi.models import Creator, Shop
from shopify_roi.models.rollup import COHORT_DAYS
from shopify_roi.services.creators.codes import current_code
from shopify_roi.services.metrics.creator_sums import creator_sums
from shopify_roi.services.metrics.figures import as_text, creator_row, div, empty_row
from shopify_roi.services.metrics.leak_warnings import leak_warnings
from shopify_roi.services.metrics.window import window_of
from shopify_roi.services.shops import settings


def creator_detail(
    session: Session,
    shop: Shop,
    creator: Creator,
    start: date,
    end: date,
    as_of: date,
    campaign: str | None = None,
) -> dict:
    """One creator's row (same figures as the table) and its cohort curve: repeat share and LTV at
    30/90/180/365 days; with `campaign`, that campaign's orders and spend only (empty for a non-member)."""
    window = window_of(shop, start, end, as_of)
    _, found, _ = creator_sums(session, shop, window, campaign, only=creator)
    rows = {creator.id: empty_row(), **found}
    config = settings.load(session, shop.id)
    code = current_code(session, shop.id, creator.id)
    warning = leak_warnings(session, shop, window, [creator]).get(creator.id)
    row = rows[creator.id]
    return {
        "currency": shop.currency,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat(),
        "campaign": campaign,
        "creator": creator_row(creator, row, code, warning, config),
        "targets": config.as_json()["targets"],
        "gross_margin": config.as_json()["gross_margin"],
        "cohort": [_cohort_point(row, n) for n in COHORT_DAYS],
    }


def _cohort_point(row: dict, n: int) -> dict:
    """The creator's customers acquired at least `n` days before as_of, those back within `n` days,
    and their LTV."""
    return {
        "days": n,
        "mature_customers": row[f"mature_{n}"],
        "immature_customers": row["acquired"] - row[f"mature_{n}"],
        "repeat_customers": row[f"repeaters_{n}"],
        "repeat_rate": as_text(div(row[f"repeaters_{n}"], row[f"mature_{n}"])),
        "ltv": as_text(div(row[f"ltv_{n}_sum"], row[f"mature_{n}"])),
    }
