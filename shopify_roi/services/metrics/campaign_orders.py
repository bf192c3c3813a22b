"""The orders of one campaign (METRICS.md "Campaigns"): the campaign of an order is chosen among the
campaigns of its winning creator whose dates contain the order's local date: the one whose slug equals
the landing page's `utm_campaign`, else the one that started last (ties: created first). An order belongs
to at most one campaign, so a campaign filter counts only the orders whose campaign it is.

The rollup keeps no campaign (an order's campaign changes when a campaign's dates do), so a filtered read
sums the candidate orders one by one, with the rollup's own sums (rollup_days.order_sums): only the
campaign's members' orders inside both the range and the campaign's dates.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import Campaign, Order
from shopify_roi.services.metrics.rollup_days import counted_orders, order_sums
from shopify_roi.services.metrics.window import Window, local_midnight


@dataclass(frozen=True)
class CampaignOrder:
    creator_id: int
    day: date  # the shop's local date
    sums: dict  # order_sums() of this one order, raw integer units


def campaign_of(campaigns: list[Campaign], day: date, utm_campaign: str | None) -> Campaign | None:
    """The campaign of an order of local date `day` among its winning creator's `campaigns` (METRICS.md)."""
    inside = [
        c
        for c in campaigns
        if (c.starts_on is None or c.starts_on <= day) and (c.ends_on is None or day <= c.ends_on)
    ]
    slug = (utm_campaign or "").strip().lower()
    named = [c for c in inside if slug and (c.slug or "").strip().lower() == slug]
    # Started last first (no start: before every dated one), then created first.
    return min(
        named or inside,
        key=lambda c: (-(c.starts_on or date.min).toordinal(), c.created_at, c.id),
        default=None,
    )


def campaign_window(window: Window, campaign: Campaign) -> tuple[date, date]:
    """The days of the range inside the campaign's dates (start after end: none)."""
    start = max(window.start, campaign.starts_on) if campaign.starts_on else window.start
    end = min(window.end, campaign.ends_on) if campaign.ends_on else window.end
    return start, end


def _utm_campaign(signals: str) -> str | None:
    try:
        found = json.loads(signals or "{}")
    except ValueError:
        return None
    value = found.get("utm_campaign") if isinstance(found, dict) else None
    return value if isinstance(value, str) else None


def campaign_orders(
    session: Session, shop_id: int, window: Window, campaign: Campaign, creator_ids: set[int]
) -> Iterator[CampaignOrder]:
    """The counted orders of `creator_ids` in the range whose campaign is `campaign`, with their sums."""
    start, end = campaign_window(window, campaign)
    if start > end or not creator_ids:
        return
    lo, hi = local_midnight(window.tz, start), local_midnight(window.tz, end + timedelta(days=1))
    members = session.scalars(
        select(Campaign).where(Campaign.shop_id == shop_id, Campaign.creators.any())
    ).all()
    by_creator: dict[int, list[Campaign]] = {}
    for c in members:
        for creator in c.creators:
            by_creator.setdefault(creator.id, []).append(c)
    columns = order_sums()
    query = (
        select(
            Order.id,
            Order.creator_id,
            Order.created_at,
            Order.signals,
            *(v.label(k) for k, v in columns.items()),
        )
        .where(*counted_orders(shop_id), Order.created_at >= lo, Order.created_at < hi)
        .where(Order.creator_id.in_(sorted(creator_ids)))
        .group_by(Order.id, Order.creator_id, Order.created_at, Order.signals)
    )
    for found in session.execute(query).mappings():
        day = window.local_date(found["created_at"])
        chosen = campaign_of(by_creator.get(found["creator_id"], []), day, _utm_campaign(found["signals"]))
        if chosen is not None and chosen.id == campaign.id:
            yield CampaignOrder(found["creator_id"], day, {k: int(found[k] or 0) for k in columns})
