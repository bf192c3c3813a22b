"""Report links a merchant sends a creator (issue 20, README "A report for the creator"): a read-only page
of that creator's own figures for a range: orders, revenue, returns, net revenue, commission, link clicks and
their posts. No other creator's data, no customer data, no spend but their commission.

A link is `{id}.{secret}`: 32 random bytes (URL-safe), stored only as a keyed SHA-256 hash and compared in
constant time. It expires (1-90 days, default 30) and the merchant can revoke it at any time; an expired or
revoked link shows nothing but that it no longer works.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import Creator, CreatorReportLink, Shop
from shopify_roi.services import fields
from shopify_roi.services.creators.profiles import get_creator
from shopify_roi.services.errors import Invalid, NotFound
from shopify_roi.services.metrics.window import MAX_RANGE_DAYS

DEFAULT_DAYS, MAX_DAYS = 30, 90
_TOKEN = re.compile(r"([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{43})")


def _hash(key: str, secret: str) -> str:
    return hmac.new(key.encode(), f"report-link|{secret}".encode(), hashlib.sha256).hexdigest()


def create(session: Session, shop_id: int, handle: str, data, key: str) -> tuple[CreatorReportLink, str]:
    """`{"from", "to", "expires_in_days"?}`: the link and its token (shown once: only its hash is kept)."""
    creator = get_creator(session, shop_id, handle)
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    errors: dict[str, str] = {}
    start, end = fields.day(data.get("from"), "from", errors), fields.day(data.get("to"), "to", errors)
    for name, value in (("from", start), ("to", end)):
        if value is None and name not in errors:
            errors[name] = "is required (YYYY-MM-DD)"
    if start and end and (end < start or (end - start).days > MAX_RANGE_DAYS):
        errors["to"] = "must be on or after from, within ten years"
    days = fields.whole(
        data.get("expires_in_days", DEFAULT_DAYS), "expires_in_days", errors, low=1, high=MAX_DAYS
    )
    if errors:
        raise Invalid("Link not made: " + "; ".join(f"{k} {v}" for k, v in errors.items()), errors)
    secret = secrets.token_urlsafe(32)
    link = CreatorReportLink(
        shop_id=shop_id,
        creator_id=creator.id,
        secret_hash=_hash(key, secret),
        starts_on=start,
        ends_on=end,
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    return link, f"{link.id}.{secret}"


def links_of(session: Session, shop_id: int, handle: str) -> list[CreatorReportLink]:
    creator = get_creator(session, shop_id, handle)
    query = select(CreatorReportLink).where(
        CreatorReportLink.shop_id == shop_id, CreatorReportLink.creator_id == creator.id
    )
    return list(session.scalars(query.order_by(CreatorReportLink.id.desc())))


def revoke(session: Session, shop_id: int, handle: str, link_id: int) -> CreatorReportLink:
    creator = get_creator(session, shop_id, handle)
    link = session.get(CreatorReportLink, (link_id, shop_id)) if 0 < link_id < 2**31 else None
    if link is None or link.shop_id != shop_id or link.creator_id != creator.id:
        raise NotFound("No such report link of this creator.")
    link.revoked_at = link.revoked_at or utcnow()
    session.flush()
    return link


@dataclass(frozen=True)
class Opened:
    shop: Shop
    creator: Creator
    starts_on: date
    ends_on: date


class Gone(Exception):
    """A real link that expired or was revoked (the page says only that)."""


def open_link(session: Session, token: str, key: str) -> Opened | None:
    """The shop, creator and range of a live link; None for anything that is not a link; Gone for one that
    expired or was revoked."""
    match = _TOKEN.fullmatch(token or "")
    if match is None:
        return None
    # the link's address brings no shop (as /l/<short_id>): a lookup by id alone (under Citus: every node)
    link = session.scalar(select(CreatorReportLink).where(CreatorReportLink.id == int(match.group(1))))
    if link is None or not hmac.compare_digest(link.secret_hash, _hash(key, match.group(2))):
        return None
    if link.revoked_at is not None or link.expires_at <= utcnow():
        raise Gone()
    link.last_viewed_at = utcnow()
    session.flush()
    shop, creator = session.get(Shop, link.shop_id), session.get(Creator, (link.creator_id, link.shop_id))
    if shop is None or creator is None or not shop.is_installed:
        raise Gone()
    return Opened(shop, creator, link.starts_on, link.ends_on)


def link_json(link: CreatorReportLink, app_url: str, token: str | None = None) -> dict:
    now = utcnow()
    state = "revoked" if link.revoked_at else ("expired" if link.expires_at <= now else "live")
    return {
        "id": link.id,
        "from": link.starts_on.isoformat(),
        "to": link.ends_on.isoformat(),
        "expires_at": link.expires_at.isoformat(),
        "state": state,
        "last_viewed_at": link.last_viewed_at.isoformat() if link.last_viewed_at else None,
        **({"url": f"{app_url}/r/{token}"} if token else {}),
    }
