"""A creator's posts (issue 20): where and when they posted, and the figures the creator reports, kept as
dated updates (figures grow for days; each update is kept, the latest is the post's current figures)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column, shop_fk

FORMATS = ("post", "reel", "story", "video")
FIGURES = ("reach", "impressions", "views", "likes", "comments", "shares", "saves", "link_clicks")


class CreatorPost(Base):
    __tablename__ = "creator_posts"
    __table_args__ = (
        Index("ix_creator_posts_shop_id_creator_id_posted_at", "shop_id", "creator_id", "posted_at"),
        shop_fk("creator_id", "creators", "CASCADE"),
        shop_fk("campaign_id", "campaigns", "SET NULL"),
        shop_fk("seeding_entry_id", "spend_entries", "SET NULL"),
    )

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    creator_id: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    platform: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the instant, UTC
    posted_tz: Mapped[str] = mapped_column(String(64))  # the time zone it was given in (IANA), for display
    format: Mapped[str] = mapped_column(String(16))
    # the seeding (a spend entry of kind seeding, the same creator's) that produced the post, if any
    seeding_entry_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PostFigures(Base):
    """One dated report of a post's figures (None: not reported)."""

    __tablename__ = "post_figures"
    __table_args__ = (
        Index("ix_post_figures_shop_id_post_id_reported_at", "shop_id", "post_id", "reported_at"),
        shop_fk("post_id", "creator_posts", "CASCADE"),
    )

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    post_id: Mapped[int] = mapped_column(Integer)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reach: Mapped[int | None] = mapped_column(Integer)
    impressions: Mapped[int | None] = mapped_column(Integer)
    views: Mapped[int | None] = mapped_column(Integer)
    likes: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[int | None] = mapped_column(Integer)
    shares: Mapped[int | None] = mapped_column(Integer)
    saves: Mapped[int | None] = mapped_column(Integer)
    link_clicks: Mapped[int | None] = mapped_column(Integer)
