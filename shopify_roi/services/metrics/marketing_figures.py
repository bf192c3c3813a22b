"""What the app sends to Shopify's Marketing reports, worked out by the ROI API's own code: each creator x
campaign is an external activity under its campaign's, and a day's engagement is that creator's row of
the ROI table (reads.refresh_then_table) over that one day with the campaign filter, so the report and
the app agree to the cent by construction (METRICS.md: spend with its spread periods and commission,
returns dated to their order, the campaign's own orders).

Shopify's inputs: MarketingActivityUpsertExternalInput
(https://shopify.dev/docs/api/admin-graphql/latest/input-objects/MarketingActivityUpsertExternalInput)
and MarketingEngagementInput
(https://shopify.dev/docs/api/admin-graphql/latest/input-objects/MarketingEngagementInput): non-cumulative
figures for `occurredOn` in the shop's UTC offset that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import Campaign, Shop
from shopify_roi.services.metrics import reads
from shopify_roi.services.metrics.window import shop_zone

LOOKBACK_DAYS = 366  # engagements are kept current for the last year of each campaign
CENT = Decimal("0.01")
TACTIC, CHANNEL = "AFFILIATE", "SOCIAL"  # creators' posts with their code and links, paid by fee/commission


@dataclass(frozen=True)
class Activity:
    remote_id: str
    input: dict
    parent: str | None  # the campaign activity's remoteId (None for a campaign)


def campaign_remote_id(campaign_id: int) -> str:
    return f"creator-roi-campaign-{campaign_id}"


def creator_remote_id(campaign_id: int, creator_id: int) -> str:
    return f"creator-roi-campaign-{campaign_id}-creator-{creator_id}"


def _status(campaign: Campaign, today: date) -> str:
    if campaign.starts_on is not None and campaign.starts_on > today:
        return "SCHEDULED"
    if (campaign.ends_on is not None and campaign.ends_on < today) or campaign.status != "active":
        return "INACTIVE"
    return "ACTIVE"


def today_of(shop: Shop) -> date:
    return utcnow().astimezone(shop_zone(shop)).date()


def campaigns_with_creators(session: Session, shop_id: int) -> list[Campaign]:
    query = select(Campaign).where(Campaign.shop_id == shop_id).order_by(Campaign.id)
    return [c for c in session.scalars(query) if c.creators]


def activities(session: Session, shop: Shop, app_url: str) -> list[Activity]:
    """Each campaign with creators (hierarchy level CAMPAIGN), then each of its creators (AD, parented by
    the campaign, with UTM parameters: the campaign's slug, the creator's platform as source and handle
    as medium; Shopify's UTMInput has no content field and the triple must be unique per activity)."""
    today = today_of(shop)
    out = []
    for campaign in campaigns_with_creators(session, shop.id):
        parent = campaign_remote_id(campaign.id)
        common = {"tactic": TACTIC, "marketingChannelType": CHANNEL, "status": _status(campaign, today)}
        out.append(
            Activity(
                parent,
                {
                    **common,
                    "remoteId": parent,
                    "title": campaign.name[:255],
                    "remoteUrl": f"{app_url}/campaigns",
                    "hierarchyLevel": "CAMPAIGN",
                },
                None,
            )
        )
        for creator in sorted(campaign.creators, key=lambda c: c.id):
            remote = creator_remote_id(campaign.id, creator.id)
            utm = {"campaign": campaign.slug, "source": creator.platform, "medium": creator.handle}
            title = f"{creator.name} · {campaign.name}"[:255]
            out.append(
                Activity(
                    remote,
                    {
                        **common,
                        "remoteId": remote,
                        "title": title,
                        "remoteUrl": f"{app_url}/creators/{creator.handle}",
                        "hierarchyLevel": "AD",
                        "parentRemoteId": parent,
                        "utm": utm,
                    },
                    parent,
                )
            )
    return out


def days_of(campaign: Campaign, today: date) -> list[date]:
    """The days whose engagements are kept current: from the campaign's start (or a year back) to today."""
    first = max(campaign.starts_on or today - timedelta(days=LOOKBACK_DAYS), today - timedelta(LOOKBACK_DAYS))
    return [first + timedelta(days=n) for n in range((today - first).days + 1)]


def utc_offset(shop: Shop, day: date) -> str:
    """The shop's UTC offset at the start of `day`, as "+HH:MM" / "-HH:MM"."""
    seconds = int(datetime.combine(day, time(0), shop_zone(shop)).utcoffset().total_seconds())
    sign, seconds = ("-" if seconds < 0 else "+"), abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def cents(value) -> str:
    return str(Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP))


def engagement(row: dict, currency: str, day: date, offset: str) -> dict:
    """A creator's row of the one-day ROI table as a MarketingEngagementInput: ad spend = the day's spend
    (fees, seeding, other costs and commission, spread periods by their share of the day), sales = net
    revenue, orders, clicks, first-time customers = new customers, returning = the other orders."""
    orders, new = int(row["orders"]), int(row["new_customers"])
    return {
        "occurredOn": day.isoformat(),
        "utcOffset": offset,
        "adSpend": {"amount": cents(row["spend"]), "currencyCode": currency},
        "sales": {"amount": cents(row["net_revenue"]), "currencyCode": currency},
        "orders": str(orders),
        "clicksCount": int(row["clicks"]),
        "firstTimeCustomers": str(new),
        "returningCustomers": str(orders - new),
    }


def day_engagements(session: Session, shop: Shop, campaign: Campaign, day: date) -> dict[str, dict]:
    """Each of the campaign's creators' engagement for `day`, by the creator activity's remoteId, from the
    ROI API's own read (the rollup refreshed first, as the API does)."""
    body = reads.refresh_then_table(
        session,
        shop.id,
        {"from": day.isoformat(), "to": day.isoformat(), "as_of": day.isoformat(), "campaign": campaign.name},
    )
    handles = {c.handle: c.id for c in campaign.creators}
    offset = utc_offset(shop, day)
    return {
        creator_remote_id(campaign.id, handles[row["handle"]]): engagement(row, body["currency"], day, offset)
        for row in body["creators"]
        if row["handle"] in handles
    }


def is_empty(figures: dict) -> bool:
    return (
        figures["adSpend"]["amount"] == figures["sales"]["amount"] == "0.00"
        and figures["orders"] == "0"
        and figures["clicksCount"] == 0
    )
