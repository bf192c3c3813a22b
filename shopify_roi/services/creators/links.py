"""A creator's links: UTM-tagged storefront links, the auto-apply discount link, tracked short links.

UTMs: utm_source = platform, utm_medium = placement, utm_campaign = campaign, utm_content =
handle, plus ref = handle (METRICS.md attributes on `ref`/`utm_content`, never on the others).
Following a short link and counting its clicks is clicks.py.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import Campaign, Creator, DiscountCode, LinkRoute, TrackedLink
from shopify_roi.models.discount import ACTIVE
from shopify_roi.services.creators import codes, profiles
from shopify_roi.services.creators.campaigns import campaign_by_name
from shopify_roi.services.errors import Invalid

PLACEMENTS = ("post", "story", "reel", "video", "short", "live", "bio", "newsletter", "other")
TARGETS = ("home", "product", "collection")
HANDLE_RE = re.compile(r"[a-z0-9][a-z0-9\-]{0,254}")
SHORT_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class LinkSet:
    storefront: str
    auto_apply: str | None
    utm: dict


@dataclass(frozen=True)
class LinkRequest:
    """Where a link leads and how it is tagged, as the merchant asks (query string or JSON body)."""

    target: str = "home"
    target_handle: str = ""
    placement: str = "post"
    campaign: str | None = None  # a campaign's name

    @classmethod
    def of(cls, data) -> LinkRequest:
        return cls(
            data.get("target", "home"),
            data.get("target_handle", ""),
            data.get("placement", "post"),
            data.get("campaign") or None,
        )


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


def auto_apply_code(in_use: DiscountCode | None) -> str | None:
    """The code an auto-apply link carries: the creator's code in use, while it is active."""
    return in_use.code if in_use and in_use.status == ACTIVE else None


def _build_for(
    session: Session, shop_id: int, origin: str, creator: Creator, ask: LinkRequest
) -> tuple[LinkSet, Campaign | None]:
    campaign = campaign_by_name(session, shop_id, ask.campaign) if ask.campaign else None
    code = auto_apply_code(codes.current_code(session, shop_id, creator.id))
    built = build(origin, creator, code, ask.target, ask.target_handle, ask.placement, campaign)
    return built, campaign


def preview(session: Session, shop_id: int, origin: str, handle: str, ask: LinkRequest) -> LinkSet:
    """The creator's storefront and auto-apply links for a target and placement; nothing is saved."""
    creator = profiles.get_creator(session, shop_id, handle)
    return _build_for(session, shop_id, origin, creator, ask)[0]


def create_tracked(
    session: Session, shop_id: int, origin: str, handle: str, ask: LinkRequest
) -> tuple[TrackedLink, Campaign | None]:
    """A tracked short link to the auto-apply URL (the storefront link while the code is not active)."""
    creator = profiles.get_creator(session, shop_id, handle)
    built, campaign = _build_for(session, shop_id, origin, creator, ask)
    for _ in range(5):
        short = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(8))
        if session.get(LinkRoute, short) is None:  # unique across shops (a route per short id)
            break
    link = TrackedLink(
        shop_id=shop_id,
        creator_id=creator.id,
        campaign_id=campaign.id if campaign else None,
        short_id=short,
        target=ask.target,
        target_handle=ask.target_handle or "",
        placement=ask.placement,
        destination_url=built.auto_apply or built.storefront,
    )
    session.add(link)
    session.flush()
    session.add(LinkRoute(short_id=short, shop_id=shop_id, link_id=link.id))
    session.flush()
    return link, campaign


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


def archive(session: Session, shop_id: int, handle: str, link_id: int) -> None:
    """Archive one of the creator's tracked links: it stops redirecting; its clicks are kept."""
    creator = profiles.get_creator(session, shop_id, handle)
    missing = "No such link for this creator."
    profiles.creator_row(session, TrackedLink, shop_id, creator.id, link_id, missing).archived = True
