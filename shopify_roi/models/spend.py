"""What a creator cost: spend entries (fees, seeding at cost, other), dated or over a period. Commission
is computed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column, shop_fk
from shopify_roi.money import Money

FEE, SEEDING, OTHER = "fee", "seeding", "other"
KINDS = (FEE, SEEDING, OTHER)


class SpendEntry(Base):
    __tablename__ = "spend_entries"
    __table_args__ = (
        Index("ix_spend_entries_shop_id_creator_id_spent_on", "shop_id", "creator_id", "spent_on"),
        UniqueConstraint("shop_id", "order_id"),  # one seeding entry per seeding order
        shop_fk("creator_id", "creators", "CASCADE"),
        shop_fk("campaign_id", "campaigns", "SET NULL"),
        shop_fk("order_id", "orders", "SET NULL"),
    )

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    creator_id: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    spent_on: Mapped[date] = mapped_column(Date)  # a calendar date: counts when it lies in the range
    # or a period, both days included: the amount is spread evenly over its days (services/spend/periods.py)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)  # for seeding: units x unit cost + shipping
    units: Mapped[int | None] = mapped_column(Integer)
    unit_cost: Mapped[Decimal | None] = mapped_column(Money)
    shipping: Mapped[Decimal | None] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text, default="")
    # Seeding follow-up (README "Seeding"): the seeding order it was recorded from, and the day it was sent.
    order_id: Mapped[int | None] = mapped_column(Integer)
    sent_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
