"""What a creator's posts yield (issue 20; README "Posts"), over a range of the shop's local days (the posts
posted in it):
- engagements = likes + comments + shares + saves (the figures reported; "—" when none of the four is);
- engagement rate = engagements ÷ reach ("—" without reach);
- cost per post = the creator's spend in the range (METRICS.md spend: fees + seeding + commission + other)
  ÷ their posts in the range; a post's cost is that share;
- CPM = cost ÷ impressions × 1000; CPE = cost ÷ engagements ("—" when the divisor is 0 or unknown);
- sales after a post: the creator's attributed, counted orders placed in the 1, 7 and 30 days from the
  post's time, and their net revenue (revenue − returns); an order within the windows of two posts counts
  for each of them;
- the decay curve: the creator's attributed net revenue by days since their latest post before the order
  (day 0 to 29), so each order counts once, for the post that came last before it.
For a campaign: its posts (any of its creators) over its creators' spend on it in the range.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import CreatorPost, Order
from shopify_roi.models.post import FIGURES
from shopify_roi.services.metrics.window import Window
from shopify_roi.services.posts.entries import current_figures, history

WINDOWS = (1, 7, 30)
DECAY_DAYS = 30
ENGAGING = ("likes", "comments", "shares", "saves")


def _div(a, b) -> Decimal | None:
    return None if a is None or not b else Decimal(a) / Decimal(b)


def _engagements(figures: dict) -> int | None:
    given = [figures[k] for k in ENGAGING if figures.get(k) is not None]
    return sum(given) if given else None


def posts_in(session: Session, shop_id: int, window: Window, creator_ids=None, campaign_id=None) -> list:
    start, end = window.bounds()
    query = select(CreatorPost).where(
        CreatorPost.shop_id == shop_id, CreatorPost.posted_at >= start, CreatorPost.posted_at < end
    )
    if creator_ids is not None:
        query = query.where(CreatorPost.creator_id.in_(list(creator_ids)))
    if campaign_id is not None:
        query = query.where(CreatorPost.campaign_id == campaign_id)
    return list(session.scalars(query.order_by(CreatorPost.posted_at, CreatorPost.id)))


def _orders(session: Session, shop_id: int, creator_ids: set[int], start, end) -> dict[int, list]:
    """Creator id -> its attributed, counted orders as (created_at, net revenue), by time."""
    out: dict[int, list] = defaultdict(list)
    if not creator_ids:
        return out
    rows = session.execute(
        select(Order.creator_id, Order.created_at, Order.revenue, Order.returns)
        .where(
            Order.shop_id == shop_id,
            Order.creator_id.in_(sorted(creator_ids)),
            Order.counted.is_(True),
            Order.created_at >= start,
            Order.created_at < end,
        )
        .order_by(Order.created_at)
    )
    for cid, created, revenue, returns in rows:
        out[cid].append((created, revenue - (returns or Decimal(0))))
    return out


def _sales_after(post: CreatorPost, orders: list) -> dict:
    out = {}
    for days in WINDOWS:
        until = post.posted_at + timedelta(days=days)
        inside = [net for created, net in orders if post.posted_at <= created < until]
        out[f"{days}d"] = {"orders": len(inside), "net_revenue": sum(inside, Decimal(0))}
    return out


def post_rows(session: Session, shop_id: int, posts: list, spend_of: dict[int, Decimal]) -> list[dict]:
    """Each post with its latest figures, its reports, its cost share and what it yields."""
    reports = history(session, shop_id, [p.id for p in posts])
    per_creator = defaultdict(int)
    for post in posts:
        per_creator[post.creator_id] += 1
    start = min((p.posted_at for p in posts), default=None)
    end = max((p.posted_at for p in posts), default=None)
    orders = (
        _orders(session, shop_id, set(per_creator), start, end + timedelta(days=max(WINDOWS)))
        if posts
        else {}
    )
    rows = []
    for post in posts:
        figures = current_figures(reports[post.id])
        engagements = _engagements(figures)
        cost = _div(spend_of.get(post.creator_id, Decimal(0)), per_creator[post.creator_id])
        rows.append(
            {
                "post": post,
                "figures": figures,
                "reports": reports[post.id],
                "engagements": engagements,
                "engagement_rate": _div(engagements, figures["reach"]),
                "cost": cost,
                "cpm": None
                if cost is None or not figures["impressions"]
                else cost / figures["impressions"] * 1000,
                "cpe": _div(cost, engagements),
                "sales_after": _sales_after(post, orders.get(post.creator_id, [])),
            }
        )
    return rows


def totals(rows: list[dict], spend: Decimal) -> dict:
    """Over these posts: their count and summed figures, and the rates over the spend given."""
    summed = {k: sum(r["figures"][k] or 0 for r in rows) for k in FIGURES}
    known = [r["engagements"] for r in rows if r["engagements"] is not None]
    engagements = sum(known) if known else None
    reach = sum(r["figures"]["reach"] or 0 for r in rows if r["engagements"] is not None)
    return {
        "posts": len(rows),
        **summed,
        "engagements": engagements,
        "engagement_rate": _div(engagements, reach),
        "spend": spend,
        "cost_per_post": _div(spend, len(rows)),
        "cpm": None if not summed["impressions"] else spend / summed["impressions"] * 1000,
        "cpe": _div(spend, engagements),
    }


def decay(session: Session, shop_id: int, creator_id: int, posts: list) -> list[dict]:
    """Net revenue and orders by days since the creator's latest post before each order (0..29)."""
    mine = sorted(p.posted_at for p in posts if p.creator_id == creator_id)
    curve = [{"day": d, "orders": 0, "net_revenue": Decimal(0)} for d in range(DECAY_DAYS)]
    if not mine:
        return curve
    orders = _orders(session, shop_id, {creator_id}, mine[0], mine[-1] + timedelta(days=DECAY_DAYS))
    for created, net in orders.get(creator_id, []):
        before = [p for p in mine if p <= created]
        if not before:
            continue
        day = (created - before[-1]).days
        if day < DECAY_DAYS:
            curve[day]["orders"] += 1
            curve[day]["net_revenue"] += net
    return curve
