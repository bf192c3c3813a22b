"""Tracked short links of a creator and the clicks on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column, shop_fk


class TrackedLink(Base):
    __tablename__ = "tracked_links"
    __table_args__ = (
        UniqueConstraint("shop_id", "short_id"),  # unique across shops: link_routes' key
        shop_fk("campaign_id", "campaigns", "SET NULL"),
        shop_fk("creator_id", "creators", "CASCADE"),
    )

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column(index=True)
    creator_id: Mapped[int] = mapped_column(Integer, index=True)
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    short_id: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(16), default="home")  # home | product | collection
    target_handle: Mapped[str] = mapped_column(String(255), default="")
    placement: Mapped[str] = mapped_column(String(32), default="post")  # utm_medium
    destination_url: Mapped[str] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LinkRoute(Base):
    """Where a public short link leads: `/l/<short_id>` is all a visitor brings, so the short id alone finds
    the link's shop here, and the link is then read with its shop (README "Scale-out": under Citus a
    reference table, on every node, since the short id cannot name the shop of a distributed row). The key
    keeps a short id unique across shops; no foreign key, as a reference table cannot refer to a
    distributed one: a route whose link is gone leads nowhere (the link is read with its shop), and the
    shop's erasure removes its routes with its other rows (they carry `shop_id`)."""

    __tablename__ = "link_routes"

    short_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    shop_id: Mapped[int] = mapped_column(Integer)
    link_id: Mapped[int] = mapped_column(Integer)


class Click(Base):
    """A counted click: one per visitor per link per day (the visitor hash rotates daily, so a link and a
    hash name one day's visitor)."""

    __tablename__ = "clicks"
    __table_args__ = (
        Index("ix_clicks_shop_id_creator_id_clicked_at", "shop_id", "creator_id", "clicked_at"),
        Index("ix_clicks_shop_id_clicked_at", "shop_id", "clicked_at"),  # a day's clicks (the rollup)
        UniqueConstraint("link_id", "visitor_hash", "shop_id"),  # the shop last, as order_lines' key
        shop_fk("link_id", "tracked_links", "CASCADE"),
        shop_fk("creator_id", "creators", "CASCADE"),
    )

    id: Mapped[int] = row_id(BigInteger().with_variant(Integer, "sqlite"))
    shop_id: Mapped[int] = shop_column()
    creator_id: Mapped[int] = mapped_column(Integer)
    link_id: Mapped[int] = mapped_column(Integer, index=True)
    clicked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    visitor_hash: Mapped[str] = mapped_column(String(32))
    agent_class: Mapped[str] = mapped_column(String(16))  # mobile | tablet | desktop | other
