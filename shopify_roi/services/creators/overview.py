"""What the creators pages show: the list (each creator with its code in use and its clicks), and one
creator with its code history, its links and the clicks on each tracked link."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import Campaign, Creator, DiscountCode, TrackedLink
from shopify_roi.services.creators import clicks, codes, links, profiles


@dataclass(frozen=True)
class CreatorRow:
    creator: Creator
    code: DiscountCode | None  # the code in use
    clicks: int


@dataclass(frozen=True)
class CreatorDetail:
    creator: Creator
    code: DiscountCode | None  # the code in use
    history: list[DiscountCode]  # every code, newest first
    links: links.LinkSet  # to the home page, tagged with the creator's first campaign
    tracked: list[tuple[TrackedLink, int]]  # live tracked links, newest first, with their clicks
    clicks: int  # on its live tracked links
    link_campaigns: dict[int, str]  # campaign id -> name, for the tracked links that name one


def listing(session: Session, shop_id: int, include_archived: bool = False) -> list[CreatorRow]:
    """The shop's creators by name, in three queries whatever their number."""
    rows = profiles.list_creators(session, shop_id, include_archived=include_archived)
    in_use = codes.current_codes(session, shop_id)
    counts = clicks.click_counts(session, shop_id)
    return [CreatorRow(c, in_use.get(c.id), counts.get(c.id, 0)) for c in rows]


def detail(session: Session, shop_id: int, origin: str, handle: str) -> CreatorDetail:
    """One creator (NotFound for another shop's handle) with what its page shows; `origin` is the
    shop's storefront origin, which its links lead to."""
    creator = profiles.get_creator(session, shop_id, handle)
    code = codes.current_code(session, shop_id, creator.id)
    history = codes.codes_of(session, shop_id, creator.id)
    link_clicks = clicks.click_counts(session, shop_id, by="link")
    tracked = [(link, link_clicks.get(link.id, 0)) for link in links.links_of(session, shop_id, creator.id)]
    campaign = creator.campaigns[0] if creator.campaigns else None
    built = links.build(origin, creator, links.auto_apply_code(code), campaign=campaign)
    ids = {link.campaign_id for link, _ in tracked if link.campaign_id is not None}
    query = select(Campaign.id, Campaign.name).where(Campaign.shop_id == shop_id, Campaign.id.in_(ids))
    names = {row.id: row.name for row in session.execute(query)} if ids else {}
    return CreatorDetail(creator, code, history, built, tracked, sum(n for _, n in tracked), names)
