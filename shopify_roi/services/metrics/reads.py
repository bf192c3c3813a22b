"""The metric reads the API serves, one function per endpoint, each named `refresh_then_…`: it brings the
shop's rollup up to date (a write: the days dirtied since the worker's last pass, or a rebuild after a new
time zone) and then reads, so every figure is what the stored orders say. rollups.py says why a read
refreshes rather than computing the dirty days on the fly.

Each takes the query parameters as sent and validates them here (window.py), so the checks and their
order (a handle of another shop is a 404 before any date is read) are the same for every caller. The
JSON reads carry `warnings`: what the figures leave out rather than fail on (read_warnings.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from shopify_roi.models import Shop
from shopify_roi.services.creators.profiles import get_creator
from shopify_roi.services.metrics import detail, export_csv, read_warnings, rollups, series, table
from shopify_roi.services.metrics.window import parse_range


def _refreshed_shop(session: Session, shop_id: int) -> tuple[Shop, list[str]]:
    """The shop with its rollup made current, and the warnings of what the figures leave out
    (read_warnings.py): no stored row makes a read fail."""
    shop = session.get(Shop, shop_id)
    warnings = rollups.refresh(session, shop)
    return shop, read_warnings.orders_left_out(session, shop_id) + warnings


def refresh_then_table(session: Session, shop_id: int, args: Mapping[str, str]) -> dict:
    """The ROI table (table.compute) for `from`, `to`, `as_of` and an optional `campaign`, with `warnings`."""
    start, end, as_of = parse_range(args)
    shop, warnings = _refreshed_shop(session, shop_id)
    campaign = args.get("campaign") or None
    body = table.compute(session, shop, start, end, as_of, campaign)
    return {**body, "warnings": warnings + read_warnings.campaign_dates(session, shop_id, campaign)}


def refresh_then_csv(session: Session, shop_id: int, args: Mapping[str, str]) -> tuple[str, str]:
    """The same table as CSV: (file name, text)."""
    body = refresh_then_table(session, shop_id, args)
    return export_csv.file_name(body), export_csv.to_csv(body)


def refresh_then_creator_detail(session: Session, shop_id: int, handle: str, args: Mapping[str, str]) -> dict:
    """One creator's figures and cohort curve (detail.creator_detail) over `from`, `to`, `as_of`."""
    creator = get_creator(session, shop_id, handle)  # another shop's handle: 404 before the dates
    start, end, as_of = parse_range(args)
    shop, warnings = _refreshed_shop(session, shop_id)
    campaign = args.get("campaign") or None
    body = detail.creator_detail(session, shop, creator, start, end, as_of, campaign)
    return {**body, "warnings": warnings + read_warnings.campaign_dates(session, shop_id, campaign)}


def refresh_then_series(session: Session, shop_id: int, args: Mapping[str, str]) -> dict:
    """Net revenue over `from`..`to` (series.net_revenue_series); `handle`: one creator's, `campaign`: its
    orders (series.campaign_series: inside its dates, its own orders; an unknown campaign has none)."""
    start, end, _ = parse_range(args)
    creator = get_creator(session, shop_id, args["handle"]) if args.get("handle") else None
    campaign = args.get("campaign") or None
    shop, warnings = _refreshed_shop(session, shop_id)
    if campaign:
        body = series.campaign_series(session, shop, start, end, campaign, creator)
    else:
        body = series.net_revenue_series(session, shop, start, end, None, creator)
    return {**body, "warnings": warnings}
