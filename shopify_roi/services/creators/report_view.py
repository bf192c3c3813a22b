"""What a creator's report link shows (report_links.py): their own figures for the link's range, as the ROI
page counts them (METRICS.md), and their posts; nothing of other creators, customers or the shop's spend."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from shopify_roi.services.creators.report_links import Opened
from shopify_roi.services.metrics import detail, rollups
from shopify_roi.services.metrics.window import shop_zone
from shopify_roi.services.posts import reads as post_reads

FIGURES = ("orders", "revenue", "returns", "net_revenue", "commission", "clicks", "conversion_rate")


def report(session: Session, opened: Opened) -> dict:
    shop, creator = opened.shop, opened.creator
    rollups.refresh(session, shop)
    today = datetime.now(shop_zone(shop)).date()
    body = detail.creator_detail(session, shop, creator, opened.starts_on, opened.ends_on, today)
    row = body["creator"]
    args = {"from": opened.starts_on.isoformat(), "to": opened.ends_on.isoformat()}
    posts = post_reads.creator_posts(session, shop.id, creator.handle, args)["posts"]
    return {
        "shop_name": shop.name or shop.domain,
        "currency": shop.currency,
        "creator": {"name": creator.name, "handle": creator.handle},
        "commission_rate": creator.commission_rate,
        "from": opened.starts_on,
        "to": opened.ends_on,
        "figures": {k: row.get(k) for k in FIGURES},
        "posts": [
            {
                "posted_at": p["posted_at"],
                "platform": p["platform"],
                "format": p["format"],
                "url": p["url"],
                "figures": p["figures"],
                "engagement_rate": p["engagement_rate"],
                "sales_7d": p["sales_after"]["7d"],
            }
            for p in posts
        ],
    }
