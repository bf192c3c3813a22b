"""A shop's campaigns: found or made by name (creators join them), created and edited with their
dates and targets, listed."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import Campaign
from shopify_roi.services import fields
from shopify_roi.services.errors import Invalid, NotFound
from shopify_roi.services.metrics.window import MAX_RANGE_DAYS


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64] or "campaign"


def campaign_by_name(session: Session, shop_id: int, name: str, create: bool = False) -> Campaign:
    if not isinstance(name, str) or not name or len(name) > 255 or fields.has_bad_chars(name):
        raise NotFound(f"No campaign named {str(name)[:64]!r}.")
    campaign = session.scalar(select(Campaign).where(Campaign.shop_id == shop_id, Campaign.name == name))
    if campaign is None:
        if not create:
            raise NotFound(f"No campaign named {name!r}.")
        campaign = Campaign(shop_id=shop_id, name=name, slug=slugify(name))
        session.add(campaign)
        session.flush()
    return campaign


def save_campaign(session: Session, shop_id: int, data: dict, campaign_id: int | None = None) -> Campaign:
    """Create or edit a campaign (name, starts_on, ends_on, target_roas, target_revenue)."""
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    errors: dict[str, str] = {}
    campaign = None
    if campaign_id is not None:
        campaign = session.scalar(
            select(Campaign).where(Campaign.shop_id == shop_id, Campaign.id == campaign_id)
        )
        if campaign is None:
            raise NotFound("No such campaign in this shop.")
    name = fields.text(
        data.get("name", campaign.name if campaign else ""), "name", errors, max_len=255, required=True
    )
    starts = fields.day(data.get("starts_on"), "starts_on", errors)
    ends = fields.day(data.get("ends_on"), "ends_on", errors)
    if starts and ends and ends < starts:
        errors["ends_on"] = "is before the start"
    elif starts and ends and (ends - starts).days > MAX_RANGE_DAYS:
        errors["ends_on"] = "is more than ten years after the start"
    targets = {}
    for key in ("target_roas", "target_revenue"):
        number = fields.amount(data.get(key), key, errors)
        if number is not None:
            targets[key] = number
    if errors:
        raise Invalid("Please correct the highlighted fields.", errors)
    clash = session.scalar(select(Campaign).where(Campaign.shop_id == shop_id, Campaign.name == name))
    if clash is not None and clash is not campaign:
        raise Invalid("A campaign with that name exists.", {"name": "is taken"})
    if campaign is None:
        campaign = Campaign(shop_id=shop_id, name=name, slug=slugify(name))
        session.add(campaign)
    campaign.name = name
    campaign.starts_on, campaign.ends_on = starts, ends
    campaign.target_roas = targets.get("target_roas", campaign.target_roas)
    campaign.target_revenue = targets.get("target_revenue", campaign.target_revenue)
    session.flush()
    return campaign


def list_campaigns(session: Session, shop_id: int) -> list[Campaign]:
    return list(
        session.scalars(
            select(Campaign)
            .where(Campaign.shop_id == shop_id)
            .order_by(Campaign.starts_on.desc(), Campaign.name)
        )
    )
