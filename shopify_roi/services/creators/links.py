"""A creator's links: UTM-tagged storefront links, the auto-apply discount link, tracked short links.

UTMs: utm_source = platform, utm_medium = placement, utm_campaign = campaign, utm_content =
handle, plus ref = handle (METRICS.md attributes on `ref`/`utm_content`, never on the others).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from shopify_roi.models import Campaign, Click, Creator, TrackedLink
from shopify_roi.services.errors import Invalid, NotFound
from shopify_roi.services.metrics import rollups

PLACEMENTS = ("post", "story", "reel", "video", "short", "live", "bio", "newsletter", "other")
TARGETS = ("home", "product", "collection")
HANDLE_RE = re.compile(r"[a-z0-9][a-z0-9\-]{0,254}")
SHORT_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
BOT_RE = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|facebookcatalog|embedly|preview|scan|monitor|"
    r"curl|wget|python-requests|httpclient|okhttp|go-http|headlesschrome|phantomjs|lighthouse|"
    r"whatsapp|telegrambot|discordbot|slackbot|twitterbot|linkedinbot|pinterestbot|bingpreview",
    re.I,
)


@dataclass(frozen=True)
class LinkSet:
    storefront: str
    auto_apply: str | None
    utm: dict


def utm_params(creator: Creator, placement: str, campaign: Campaign | None) -> dict:
    return {
        "utm_source": creator.platform,
        "utm_medium": placement,
        "utm_campaign": campaign.slug if campaign else "creator",
        "utm_content": creator.handle,
        "ref": creator.handle,
    }


def target_path(target: str, target_handle: str = "") -> str:
    if target == "home":
        return "/"
    if target not in TARGETS or not isinstance(target_handle, str) or not HANDLE_RE.fullmatch(target_handle):
        raise Invalid(
            "Choose home, or a product or collection by its handle (e.g. aviator-sunglasses).",
            {"target_handle": "a product or collection handle"},
        )
    return f"/{target}s/{target_handle}"


def build(
    origin: str,
    creator: Creator,
    code: str | None,
    target: str = "home",
    target_handle: str = "",
    placement: str = "post",
    campaign: Campaign | None = None,
) -> LinkSet:
    """The storefront link with UTMs, and the shop's `/discount/{code}?redirect=` link keeping them."""
    if placement not in PLACEMENTS:
        raise Invalid("Unknown placement.", {"placement": "one of " + ", ".join(PLACEMENTS)})
    params = utm_params(creator, placement, campaign)
    path = target_path(target, target_handle)
    query = urlencode(params)
    storefront = f"{origin}{path}?{query}"
    auto_apply = None
    if code:
        # Shopify applies the code, then redirects to `redirect` (a path on the shop): the UTMs ride
        # on both, so the landing page records them whichever URL the shop reports as landing_site.
        auto_apply = (
            f"{origin}/discount/{quote(code, safe='')}?{urlencode({'redirect': f'{path}?{query}', **params})}"
        )
    return LinkSet(storefront=storefront, auto_apply=auto_apply, utm=params)


def create_tracked(
    session: Session,
    shop_id: int,
    creator: Creator,
    destination: str,
    target: str,
    target_handle: str,
    placement: str,
    campaign: Campaign | None,
) -> TrackedLink:
    for _ in range(5):
        short = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(8))
        if session.scalar(select(TrackedLink.id).where(TrackedLink.short_id == short)) is None:
            break
    link = TrackedLink(
        shop_id=shop_id,
        creator_id=creator.id,
        campaign_id=campaign.id if campaign else None,
        short_id=short,
        target=target,
        target_handle=target_handle or "",
        placement=placement,
        destination_url=destination,
    )
    session.add(link)
    session.flush()
    return link


def links_of(session: Session, shop_id: int, creator_id: int) -> list[TrackedLink]:
    return list(
        session.scalars(
            select(TrackedLink)
            .where(
                TrackedLink.shop_id == shop_id,
                TrackedLink.creator_id == creator_id,
                TrackedLink.archived.is_(False),
            )
            .order_by(TrackedLink.id.desc())
        )
    )


def get_link(session: Session, shop_id: int, creator_id: int, link_id: int) -> TrackedLink:
    link = session.scalar(
        select(TrackedLink).where(
            TrackedLink.shop_id == shop_id, TrackedLink.creator_id == creator_id, TrackedLink.id == link_id
        )
    )
    if link is None:
        raise NotFound("No such link for this creator.")
    return link


def resolve_short(session: Session, short_id: str) -> tuple[int, int, int, str] | None:
    """(link id, shop id, creator id, destination) of a live short link, in one indexed read."""
    row = session.execute(
        select(
            TrackedLink.id, TrackedLink.shop_id, TrackedLink.creator_id, TrackedLink.destination_url
        ).where(TrackedLink.short_id == short_id, TrackedLink.archived.is_(False))
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


def record_click(session: Session, link: tuple[int, int, int, str], klass: str, visitor: str) -> None:
    """Two cheap statements (the click, its day marked for the rollup), no ORM unit of work on the redirect path."""
    link_id, shop_id, creator_id, _ = link
    now = datetime.now(UTC)
    session.execute(
        insert(Click).values(
            shop_id=shop_id,
            creator_id=creator_id,
            link_id=link_id,
            clicked_at=now,
            visitor_hash=visitor,
            agent_class=klass,
        )
    )
    rollups.mark_instants(session, shop_id, [now])  # the ROI table's click counts


def click_counts(session: Session, shop_id: int, by: str = "creator") -> dict[int, int]:
    """Counted clicks per creator id (or per link id with by='link'), in one grouped query."""
    from sqlalchemy import func

    column = Click.creator_id if by == "creator" else Click.link_id
    rows = session.execute(select(column, func.count()).where(Click.shop_id == shop_id).group_by(column))
    return {key: count for key, count in rows}
