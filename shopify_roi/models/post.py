"""A creator's posts (issue 20): where and when they posted, and the figures the creator reports, kept as
dated updates (figures grow for days; each update is kept, the latest is the post's current figures)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow

FORMATS = ("post", "reel", "story", "video")
FIGURES = ("reach", "impressions", "views", "likes", "comments", "shares", "saves", "link_clicks")


class CreatorPost(Base):
    __tablename__ = "creator_posts"
    __table_args__ = (
        Index("ix_creator_posts_shop_id_creator_id_posted_at", "shop_id", "creator_id", "posted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    creator_id: Mapped[int] = mapped_column(ForeignKey("creators.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    platform: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the instant, UTC
    posted_tz: Mapped[str] = mapped_column(String(64))  # the time zone it was given in (IANA), for display
    format: Mapped[str] = mapped_column(String(16))
    # the seeding (a spend entry of kind seeding, the same creator's) that produced the post, if any
    seeding_entry_id: Mapped[int | None] = mapped_column(ForeignKey("spend_entries.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PostFigures(Base):
    """One dated report of a post's figures (None: not reported)."""

    __tablename__ = "post_figures"
    __table_args__ = (
        Index("ix_post_figures_shop_id_post_id_reported_at", "shop_id", "post_id", "reported_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("creator_posts.id", ondelete="CASCADE"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reach: Mapped[int | None] = mapped_column(Integer)
    impressions: Mapped[int | None] = mapped_column(Integer)
    views: Mapped[int | None] = mapped_column(Integer)
    likes: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[int | None] = mapped_column(Integer)
    shares: Mapped[int | None] = mapped_column(Integer)
    saves: Mapped[int | None] = mapped_column(Integer)
    link_clicks: Mapped[int | None] = mapped_column(Integer)
