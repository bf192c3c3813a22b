"""A shop's campaigns: found or made by name (creators join them), created and edited with their
dates and targets, listed."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import Campaign, Creator
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


MAX_MEMBERS = 500  # per campaign, as a PATCH sends them


def get_campaign(session: Session, shop_id: int, campaign_id: int) -> Campaign:
    """The shop's campaign with this id; NotFound for any other id, another shop's included."""
    campaign = session.scalar(select(Campaign).where(Campaign.shop_id == shop_id, Campaign.id == campaign_id))
    if campaign is None:
        raise NotFound("No such campaign in this shop.")
    return campaign


def save_campaign(session: Session, shop_id: int, data: dict, campaign_id: int | None = None) -> Campaign:
    """Create or edit a campaign (name, starts_on, ends_on, target_roas, target_revenue, creators: the
    members' handles). An edit keeps every field it is not sent; an empty value clears a date or target.
    Every field is checked before anything changes: a refused save changes nothing."""
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    errors: dict[str, str] = {}
    campaign = get_campaign(session, shop_id, campaign_id) if campaign_id is not None else None
    name = fields.text(
        data.get("name", campaign.name if campaign else ""), "name", errors, max_len=255, required=True
    )
    starts = _kept_day(data, "starts_on", campaign, errors)
    ends = _kept_day(data, "ends_on", campaign, errors)
    if starts and ends and ends < starts:
        errors["ends_on"] = "is before the start"
    elif starts and ends and (ends - starts).days > MAX_RANGE_DAYS:
        errors["ends_on"] = "is more than ten years after the start"
    targets = {}
    for key in ("target_roas", "target_revenue"):
        number = fields.amount(data.get(key), key, errors)
        if number is not None or (campaign is not None and key in data and key not in errors):
            targets[key] = number
    members = _members(session, shop_id, data["creators"], errors) if "creators" in data else None
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
    if members is not None:
        campaign.creators = members
    session.flush()
    return campaign


def _kept_day(data: dict, key: str, campaign: Campaign | None, errors: dict):
    """The date sent under `key`; on an edit that does not send it, the campaign's own."""
    if campaign is not None and key not in data:
        return getattr(campaign, key)
    return fields.day(data.get(key), key, errors)


def _members(session: Session, shop_id: int, handles, errors: dict) -> list[Creator] | None:
    """The shop's creators named by `handles` (a list); an error naming the unknown ones otherwise."""
    if not isinstance(handles, list) or len(handles) > MAX_MEMBERS:
        errors["creators"] = f"must be a list of up to {MAX_MEMBERS} creator handles"
        return None
    keys = [h.strip().lstrip("@").lower() for h in handles if isinstance(h, str)]
    if len(keys) != len(handles):
        errors["creators"] = "must be creator handles"
        return None
    found = (
        list(session.scalars(select(Creator).where(Creator.shop_id == shop_id, Creator.handle.in_(keys))))
        if keys
        else []
    )
    unknown = sorted(set(keys) - {c.handle for c in found})
    if unknown:
        errors["creators"] = "no such creator: " + ", ".join("@" + k[:64] for k in unknown[:5])
        return None
    return found


def list_campaigns(session: Session, shop_id: int) -> list[Campaign]:
    return list(
        session.scalars(
            select(Campaign)
            .where(Campaign.shop_id == shop_id)
            .order_by(Campaign.starts_on.desc(), Campaign.name)
        )
    )
