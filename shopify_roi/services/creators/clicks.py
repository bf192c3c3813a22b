"""Clicks on tracked short links: following a link (count the click, give the destination), and the
counts the creators pages show.

A click is counted once per visitor per link per day: the visitor is a daily-rotating hash of the
client's address and browser (no IP address is stored), and a visitor's repeated clicks of a day all
redirect but only the first counts (a refresh, a double tap, or a script, are not new interest). Bots
and link previewers are redirected but not counted.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopify_roi.db_rows import dialect_insert
from shopify_roi.models import Click, LinkRoute, TrackedLink
from shopify_roi.services.metrics import rollups

BOT_RE = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|facebookcatalog|embedly|preview|scan|monitor|"
    r"curl|wget|python-requests|httpclient|okhttp|go-http|headlesschrome|phantomjs|lighthouse|"
    r"whatsapp|telegrambot|discordbot|slackbot|twitterbot|linkedinbot|pinterestbot|bingpreview",
    re.I,
)


def resolve_short(session: Session, short_id: str) -> tuple[int, int, int, str] | None:
    """(link id, shop id, creator id, destination) of a live short link: its route names the shop, then
    the link is read with it (two reads by primary key; under Citus the first is a reference table's and
    the second goes to the shop's node alone)."""
    route = session.execute(
        select(LinkRoute.shop_id, LinkRoute.link_id).where(LinkRoute.short_id == short_id)
    ).first()
    if route is None:
        return None
    row = session.execute(
        select(
            TrackedLink.id, TrackedLink.shop_id, TrackedLink.creator_id, TrackedLink.destination_url
        ).where(
            TrackedLink.shop_id == route.shop_id,
            TrackedLink.id == route.link_id,
            TrackedLink.short_id == short_id,
            TrackedLink.archived.is_(False),
        )
    ).first()
    return tuple(row) if row else None


def agent_class(user_agent: str | None) -> str | None:
    """mobile / tablet / desktop / other, or None for a known bot or link previewer (not counted)."""
    ua = user_agent or ""
    if not ua.strip() or BOT_RE.search(ua):
        return None
    lowered = ua.lower()
    if "ipad" in lowered or "tablet" in lowered:
        return "tablet"
    if "mobi" in lowered or "iphone" in lowered or "android" in lowered:
        return "mobile"
    if "windows" in lowered or "macintosh" in lowered or "x11" in lowered or "linux" in lowered:
        return "desktop"
    return "other"


def visitor_hash(secret: str, ip: str, user_agent: str, day: str) -> str:
    """A daily-rotating pseudonym for a visitor: no IP address is stored."""
    return hashlib.sha256(f"{secret}|{day}|{ip}|{user_agent}".encode()).hexdigest()[:32]


def follow(session: Session, short_id: str, user_agent: str, ip: str, secret: str) -> str | None:
    """The destination of a live short link (None for an unknown or archived one), the click counted
    unless it comes from a bot or this visitor already clicked the link today: one indexed read and
    two cheap statements, no ORM unit of work (the redirect path)."""
    found = resolve_short(session, short_id)
    if found is None:
        return None
    klass = agent_class(user_agent)
    if klass is not None:
        now = datetime.now(UTC)
        link_id, shop_id, creator_id, _ = found
        counted = session.execute(
            dialect_insert(session)(Click)
            .values(
                shop_id=shop_id,
                creator_id=creator_id,
                link_id=link_id,
                clicked_at=now,
                visitor_hash=visitor_hash(secret, ip, user_agent, now.date().isoformat()),
                agent_class=klass,
            )
            .on_conflict_do_nothing(index_elements=["link_id", "visitor_hash", "shop_id"])
            .returning(Click.id)
        ).scalar()
        if counted is not None:
            rollups.mark_instants(session, shop_id, [now])  # the ROI table's click counts
    return found[3]


def click_counts(session: Session, shop_id: int, by: str = "creator") -> dict[int, int]:
    """Counted clicks per creator id (or per link id with by='link'), in one grouped query."""
    column = Click.creator_id if by == "creator" else Click.link_id
    rows = session.execute(select(column, func.count()).where(Click.shop_id == shop_id).group_by(column))
    return {key: count for key, count in rows}
