"""Posts as the JSON API gives them: one creator's posts with their figures over a range, and the posts of
every creator (or of one campaign) summed per creator. Money and ratios are exact decimal strings, an
undefined ratio null (the page: "—" with the reason)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy.orm import Session

from shopify_roi.models import Shop
from shopify_roi.services.creators.profiles import get_creator
from shopify_roi.services.metrics import rollups
from shopify_roi.services.metrics.creator_sums import campaign_members, creator_sums
from shopify_roi.services.metrics.window import parse_range, window_of
from shopify_roi.services.posts import entries, figures


def _text(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    return value


def _spend(row: dict) -> Decimal:
    return row["fees"] + row["seeding"] + row["commission"] + row["other_costs"]


def _head(post) -> dict:
    return {
        "id": post.id,
        "platform": post.platform,
        "url": post.url,
        "posted_at": post.posted_at.isoformat(),
        "timezone": post.posted_tz,
        "format": post.format,
        "campaign_id": post.campaign_id,
        "seeding": post.seeding_entry_id,
    }


def one_post(session: Session, shop_id: int, handle: str, post_id: int) -> dict:
    """A post and its current figures (cost, CPM, CPE and sales after it are in the list, over a range)."""
    post = entries.get(session, shop_id, handle, post_id)
    reports = entries.history(session, shop_id, [post.id])[post.id]
    return {**_head(post), "figures": entries.current_figures(reports), "reports": len(reports)}


def post_json(row: dict) -> dict:
    return {
        **_head(row["post"]),
        "figures": row["figures"],
        "reports": [
            {"reported_at": r.reported_at.isoformat(), **{k: getattr(r, k) for k in row["figures"]}}
            for r in row["reports"]
        ],
        **{k: _text(row[k]) for k in ("engagements", "engagement_rate", "cost", "cpm", "cpe", "sales_after")},
    }


def _scope(session: Session, shop_id: int, args: Mapping[str, str]):
    start, end, as_of = parse_range(args)
    shop = session.get(Shop, shop_id)
    rollups.refresh(session, shop)
    return shop, window_of(shop, start, end, as_of)


def creator_posts(session: Session, shop_id: int, handle: str, args: Mapping[str, str]) -> dict:
    """One creator's posts in `from`..`to`, their totals over the creator's spend, and the decay curve."""
    creator = get_creator(session, shop_id, handle)
    shop, window = _scope(session, shop_id, args)
    _, sums, _ = creator_sums(session, shop, window, None, only=creator)
    spend = _spend(sums[creator.id])
    posts = figures.posts_in(session, shop_id, window, creator_ids=[creator.id])
    rows = figures.post_rows(session, shop_id, posts, {creator.id: spend})
    return {
        "handle": creator.handle,
        "from": window.start.isoformat(),
        "to": window.end.isoformat(),
        "posts": [post_json(r) for r in reversed(rows)],  # newest first
        "totals": _text(figures.totals(rows, spend)),
        "decay": [_text(d) for d in figures.decay(session, shop_id, creator.id, posts)],
    }


def posts_table(session: Session, shop_id: int, args: Mapping[str, str]) -> dict:
    """Per creator with posts in the range (or the campaign's creators and its posts): the totals."""
    shop, window = _scope(session, shop_id, args)
    campaign = args.get("campaign") or None
    campaign_id = None
    if campaign:
        row, _members = campaign_members(session, shop_id, campaign)
        campaign_id = row.id if row is not None else -1
    creators, sums, _ = creator_sums(session, shop, window, campaign)
    by_id = {c.id: c for c in creators}
    posts = figures.posts_in(session, shop_id, window, creator_ids=set(by_id), campaign_id=campaign_id)
    spend_of = {cid: _spend(sums[cid]) for cid in by_id}
    rows = figures.post_rows(session, shop_id, posts, spend_of)
    out = []
    for cid, creator in by_id.items():
        mine = [r for r in rows if r["post"].creator_id == cid]
        if mine:
            out.append(
                {"handle": creator.handle, "name": creator.name, **_text(figures.totals(mine, spend_of[cid]))}
            )
    spend = sum(
        (spend_of[cid] for cid in by_id if any(r["post"].creator_id == cid for r in rows)), Decimal(0)
    )
    return {
        "from": window.start.isoformat(),
        "to": window.end.isoformat(),
        "campaign": campaign,
        "creators": out,
        "totals": _text(figures.totals(rows, spend)),
    }
