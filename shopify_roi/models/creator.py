"""Creators (influencers) and campaigns of one shop."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column, shop_fk
from shopify_roi.money import Money

ACTIVE, ARCHIVED = "active", "archived"

# A creator's campaigns. The row carries its shop (README "Scale-out": under Citus it lives on the shop's
# node), written from both sides of the relationship; the key keeps `shop_id` last, so its index still
# serves the lookups by creator (migration 0028).
creator_campaigns = Table(
    "creator_campaigns",
    Base.metadata,
    Column("creator_id", Integer, primary_key=True),
    Column("campaign_id", Integer, primary_key=True),
    Column("shop_id", ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    shop_fk("creator_id", "creators", "CASCADE"),
    shop_fk("campaign_id", "campaigns", "CASCADE"),
)


def _creator_side():
    return and_(Creator.id == creator_campaigns.c.creator_id, Creator.shop_id == creator_campaigns.c.shop_id)


def _campaign_side():
    return and_(
        Campaign.id == creator_campaigns.c.campaign_id, Campaign.shop_id == creator_campaigns.c.shop_id
    )


class Creator(Base):
    __tablename__ = "creators"
    __table_args__ = (UniqueConstraint("shop_id", "handle"),)

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column(index=True)
    handle: Mapped[str] = mapped_column(String(64))  # lower-case, URL-safe
    name: Mapped[str] = mapped_column(String(255))
    platform: Mapped[str] = mapped_column(String(32), default="instagram")
    followers: Mapped[int | None] = mapped_column(Integer)
    commission_rate: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # fraction: 0.10 = 10 %
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    campaigns: Mapped[list[Campaign]] = relationship(
        secondary=creator_campaigns,
        primaryjoin=_creator_side,
        secondaryjoin=_campaign_side,
        back_populates="creators",
        lazy="selectin",
    )


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("shop_id", "name"),)

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column(index=True)
    name: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(64))  # utm_campaign value
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    target_roas: Mapped[Decimal | None] = mapped_column(Money)
    target_revenue: Mapped[Decimal | None] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    creators: Mapped[list[Creator]] = relationship(
        secondary=creator_campaigns,
        primaryjoin=_campaign_side,
        secondaryjoin=_creator_side,
        back_populates="campaigns",
        lazy="selectin",
    )
