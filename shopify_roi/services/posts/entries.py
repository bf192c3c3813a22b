"""Entering a creator's posts and updating their figures (issue 20, README "Posts").

A post: `platform` (instagram, tiktok, youtube, ...: text up to 32), `url` (http or https, up to 2,048),
`posted_at` (an ISO date-time; without an offset it is read in `timezone`), `timezone` (IANA; default the
shop's), `format` (post, reel, story, video), optional `campaign` (by name) and the figures a creator
reports (reach, impressions, views, likes, comments, shares, saves, link_clicks: whole numbers, each
optional), optional `seeding` (the id of the creator's seeding entry the post came from: README "Seeding";
null unlinks it). Figures grow for days: a new report of a post is kept beside the earlier ones, dated; each
figure's latest report is the post's figure. A refused entry names each bad field and stores nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import Campaign, CreatorPost, PostFigures, Shop, SpendEntry
from shopify_roi.models.post import FIGURES, FORMATS
from shopify_roi.models.spend import SEEDING
from shopify_roi.services import fields
from shopify_roi.services.creators.profiles import get_creator
from shopify_roi.services.errors import Invalid, NotFound

FIELDS = {"platform", "url", "posted_at", "timezone", "format", "campaign", "seeding", *FIGURES}


def _zone(value, shop: Shop, errors: dict) -> ZoneInfo | None:
    name = value or shop.iana_timezone or "UTC"
    try:
        if not isinstance(name, str) or len(name) > 64:
            raise ValueError
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        errors["timezone"] = "must be a time zone such as Europe/Berlin"
        return None


def _posted_at(value, zone: ZoneInfo | None, errors: dict) -> datetime | None:
    try:
        if not isinstance(value, str) or len(value) > 40:
            raise ValueError
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        errors["posted_at"] = "must be a date and time such as 2026-11-20T18:30 (with its time zone)"
        return None
    if moment.tzinfo is None:
        if zone is None:
            return None
        moment = moment.replace(tzinfo=zone)
    out = moment.astimezone(UTC)
    if not fields.FIRST_DAY <= out.date() <= fields.LAST_DAY:
        errors["posted_at"] = "must be between 2000 and 2099"
        return None
    return out


def _url(value, errors: dict) -> str | None:
    url = fields.text(value, "url", errors, max_len=2048, required=True)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        errors["url"] = "must be a web address starting with https://"
        return None
    return url


def figures_of(data: dict, errors: dict) -> dict:
    """The figures `data` gives (whole numbers, none negative); absent ones are left out."""
    return {
        name: fields.whole(data[name], name, errors)
        for name in FIGURES
        if name in data and data[name] not in (None, "")
    }


def _seeding(session: Session, shop_id: int, creator_id: int, value, errors: dict) -> int | None:
    """The creator's seeding entry named by id (None for none)."""
    if value in (None, ""):
        return None
    entry_id = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 10:
        entry_id = int(value.strip())
    in_range = entry_id is not None and 0 < entry_id < 2**31
    entry = session.get(SpendEntry, (entry_id, shop_id)) if in_range else None
    if entry is None or entry.shop_id != shop_id or entry.creator_id != creator_id or entry.kind != SEEDING:
        errors["seeding"] = "must be the id of one of this creator's seeding entries (or null)"
        return None
    return entry.id


def parse(session: Session, shop_id: int, data, partial: bool = False, creator_id: int | None = None) -> dict:
    """The post's columns and figures from `data` (400 naming every bad field, nothing stored)."""
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    errors: dict[str, str] = {}
    unknown = sorted(str(k)[:40] for k in data if k not in FIELDS)
    if unknown:
        errors[unknown[0]] = "is not a field of a post; fields: " + ", ".join(sorted(FIELDS))
    shop = session.get(Shop, shop_id)
    out: dict = {}
    if not partial or "platform" in data:
        out["platform"] = fields.text(data.get("platform"), "platform", errors, max_len=32, required=True)
    if not partial or "url" in data:
        out["url"] = _url(data.get("url"), errors)
    if not partial or "posted_at" in data or "timezone" in data:
        zone = _zone(data.get("timezone"), shop, errors)
        out["posted_tz"] = zone.key if zone else None
        if not partial or "posted_at" in data:
            out["posted_at"] = _posted_at(data.get("posted_at"), zone, errors)
    if not partial or "format" in data:
        out["format"] = data.get("format", "post")
        if not isinstance(out["format"], str) or out["format"] not in FORMATS:
            errors["format"] = "must be one of " + ", ".join(FORMATS)
    if data.get("campaign") not in (None, ""):
        name = fields.text(data["campaign"], "campaign", errors, max_len=255)
        found = (
            session.scalar(select(Campaign).where(Campaign.shop_id == shop_id, Campaign.name == name))
            if name
            else None
        )
        if found is not None:
            out["campaign_id"] = found.id
        elif "campaign" not in errors:
            errors["campaign"] = "is not a campaign of this shop"
    elif partial and "campaign" in data:
        out["campaign_id"] = None
    if not partial or "seeding" in data:
        out["seeding_entry_id"] = _seeding(session, shop_id, creator_id or 0, data.get("seeding"), errors)
    out["figures"] = figures_of(data, errors)
    if errors:
        raise Invalid("Post not saved: " + "; ".join(f"{k} {v}" for k, v in errors.items()), errors)
    return out


def add(session: Session, shop_id: int, handle: str, data) -> CreatorPost:
    creator = get_creator(session, shop_id, handle)
    values = parse(session, shop_id, data, creator_id=creator.id)
    figures = values.pop("figures")
    post = CreatorPost(shop_id=shop_id, creator_id=creator.id, **values)
    session.add(post)
    session.flush()
    if figures:
        session.add(PostFigures(shop_id=shop_id, post_id=post.id, **figures))
        session.flush()
    return post


def get(session: Session, shop_id: int, handle: str, post_id: int) -> CreatorPost:
    creator = get_creator(session, shop_id, handle)
    post = session.get(CreatorPost, (post_id, shop_id)) if 0 < post_id < 2**31 else None
    if post is None or post.shop_id != shop_id or post.creator_id != creator.id:
        raise NotFound("No such post of this creator.")
    return post


def edit(session: Session, shop_id: int, handle: str, post_id: int, data) -> CreatorPost:
    """Change the post's details; figures sent with it are a new dated report."""
    post = get(session, shop_id, handle, post_id)
    values = parse(session, shop_id, data, partial=True, creator_id=post.creator_id)
    figures = values.pop("figures")
    for key, value in values.items():
        if key == "posted_tz" and "posted_at" not in values and value is None:
            continue
        setattr(post, key, value)
    if figures:
        session.add(PostFigures(shop_id=shop_id, post_id=post.id, reported_at=utcnow(), **figures))
    session.flush()
    return post


def report(session: Session, shop_id: int, handle: str, post_id: int, data) -> PostFigures:
    """A new dated report of the post's figures (at least one)."""
    post = get(session, shop_id, handle, post_id)
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    errors: dict[str, str] = {}
    unknown = [k for k in data if k not in FIGURES]
    if unknown:
        errors[str(unknown[0])[:40]] = "is not a figure; figures: " + ", ".join(FIGURES)
    figures = figures_of(data, errors)
    if not figures and not errors:
        errors["figures"] = "send at least one of " + ", ".join(FIGURES)
    if errors:
        raise Invalid("Figures not saved: " + "; ".join(f"{k} {v}" for k, v in errors.items()), errors)
    row = PostFigures(shop_id=shop_id, post_id=post.id, reported_at=utcnow(), **figures)
    session.add(row)
    session.flush()
    return row


def remove(session: Session, shop_id: int, handle: str, post_id: int) -> None:
    post = get(session, shop_id, handle, post_id)
    session.execute(delete(PostFigures).where(PostFigures.post_id == post.id, PostFigures.shop_id == shop_id))
    session.delete(post)
    session.flush()


def current_figures(reports: list[PostFigures]) -> dict:
    """Each figure as last reported (a report may give only some: the others keep their earlier value)."""
    out = dict.fromkeys(FIGURES)
    for report in reports:
        for name in FIGURES:
            value = getattr(report, name)
            if value is not None:
                out[name] = value
    return out


def history(session: Session, shop_id: int, post_ids: list[int]) -> dict[int, list[PostFigures]]:
    """Post id -> its reports, oldest first (the last is the post's figures)."""
    out: dict[int, list[PostFigures]] = {pid: [] for pid in post_ids}
    if not post_ids:
        return out
    rows = session.scalars(
        select(PostFigures)
        .where(PostFigures.shop_id == shop_id, PostFigures.post_id.in_(post_ids))
        .order_by(PostFigures.reported_at, PostFigures.id)
    )
    for row in rows:
        out[row.post_id].append(row)
    return out
