"""What Shopify's analytics charts should show for a shop's campaigns and creators (issue 18, "Annotations and
targets"): one mark per fact, keyed so a re-run finds what it wrote.

- `campaign:<id>`: an annotation of type `campaign` spanning the campaign, from its first day's start to its
  last day's end (open-ended while it has no end date); a campaign with no start date has none.
- `target:<id>`: the campaign's target revenue as a `total_sales` target over its dates (both needed: a
  target's startDate and endDate are required). Shopify's targets measure the shop's own metrics
  (`total_sales`, `orders`, https://shopify.dev/docs/api/admin-graphql/2026-10/objects/AnalyticsTarget);
  none is a ROAS, so a campaign's target ROAS goes into its annotation's description instead, and the sales
  target counts the whole shop's sales over the dates, not only the orders the app attributes to the
  campaign (no documented target filter selects those orders).
- `creator:<id>`: an `influencer_collaboration` annotation at a creator's first attributed order, the app's
  "first post" until it tracks posts (issue 20).

Titles are cut to 75 characters and descriptions to 150, with an ellipsis (AnalyticsAnnotation: "The maximum
length is 75 characters for app-created annotations", 150 for the description); the types are those of
Shopify's campaign dashboard tutorial,
https://shopify.dev/docs/apps/build/analytics/campaign-dashboard-targets-and-annotations.
Times are UTC days (CONVENTIONS.md: timestamps are aware UTC).
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopify_roi.models import Campaign, Creator, Order
from shopify_roi.models.analytics_mark import ANNOTATION, TARGET

TITLE_MAX, DESCRIPTION_MAX, TARGET_NAME_MAX = 75, 150, 255
ELLIPSIS = "…"


def clamp(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, the last one an ellipsis when it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def _start_of(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _campaign_marks(campaign: Campaign) -> dict[str, tuple[str, dict]]:
    marks: dict[str, tuple[str, dict]] = {}
    if campaign.starts_on is None:
        return marks
    about = ["Creator campaign"]
    if campaign.target_roas is not None:
        about.append(f"target ROAS {campaign.target_roas.normalize():f}")
    if campaign.target_revenue is not None:
        about.append(f"target revenue {_amount(campaign.target_revenue)}")
    marks[f"campaign:{campaign.id}"] = (
        ANNOTATION,
        {
            "type": "campaign",
            "title": clamp(campaign.name, TITLE_MAX),
            "description": clamp(", ".join(about), DESCRIPTION_MAX),
            "startedAt": _start_of(campaign.starts_on),
            # the end of the last day: always after startedAt, as Shopify requires
            "endedAt": _start_of(campaign.ends_on + timedelta(days=1)) if campaign.ends_on else None,
        },
    )
    if campaign.target_revenue is not None and campaign.target_revenue > 0 and campaign.ends_on is not None:
        marks[f"target:{campaign.id}"] = (
            TARGET,
            {
                "name": clamp(f"{campaign.name}: revenue target", TARGET_NAME_MAX),
                "metric": "total_sales",
                "expectedValue": _amount(campaign.target_revenue),
                "startDate": campaign.starts_on.isoformat(),
                "endDate": campaign.ends_on.isoformat(),
            },
        )
    return marks


def _amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def wanted(session: Session, shop_id: int) -> dict[str, tuple[str, dict]]:
    """Every mark the shop's campaigns and creators call for: key -> (ANNOTATION or TARGET, its fields)."""
    marks: dict[str, tuple[str, dict]] = {}
    for campaign in session.scalars(
        select(Campaign).where(Campaign.shop_id == shop_id).order_by(Campaign.id)
    ):
        marks.update(_campaign_marks(campaign))
    firsts = session.execute(
        select(Creator.id, Creator.handle, func.min(Order.created_at))
        .join(Order, (Order.creator_id == Creator.id) & (Order.shop_id == shop_id))
        .where(Creator.shop_id == shop_id, Order.counted.is_(True))
        .group_by(Creator.id, Creator.handle)
        .order_by(Creator.id)
    )
    for creator_id, handle, first in firsts:
        marks[f"creator:{creator_id}"] = (
            ANNOTATION,
            {
                "type": "influencer_collaboration",
                "title": clamp(f"@{handle}: first attributed order", TITLE_MAX),
                "description": "The first order Creator ROI attributed to this creator.",
                "startedAt": first.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        )
    return marks
