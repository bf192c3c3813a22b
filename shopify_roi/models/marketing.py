"""What the app last sent to Shopify's Marketing reports (issue 18: creators in Shopify's reports): each
creator x campaign is an external marketing activity, and each day its engagement. A row per activity and
one per (activity, day) sent, so a re-run sends only what changed.

`sent` is the JSON the last accepted call carried (the activity's input, or the day's figures); `error`
why the last call of this row was refused or did not reach Shopify (empty when accepted).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column


class MarketingSent(Base):
    __tablename__ = "marketing_sent"
    __table_args__ = (UniqueConstraint("shop_id", "remote_id", "day"),)

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    remote_id: Mapped[str] = mapped_column(String(64))  # the activity's remoteId
    # The engagement's day (shop's local date); the activity's own row has 1970-01-01.
    day: Mapped[date] = mapped_column(Date)
    sent: Mapped[str] = mapped_column(Text, default="")  # JSON of what Shopify accepted last
    error: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MarketingDueDay(Base):
    """A local day the rollup recomputed (its orders, refunds or clicks changed) whose engagements a shop
    that sends them must compare again; `version` grows with every new note, so the run clears only the
    note it saw (as the rollup's DirtyDay)."""

    __tablename__ = "marketing_days_due"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
