"""A read-only report link a merchant sends a creator (issue 20): their own figures for a range, until it
expires or is revoked. The link's secret is stored only as a hash."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column, shop_fk


class CreatorReportLink(Base):
    __tablename__ = "creator_report_links"
    __table_args__ = (shop_fk("creator_id", "creators", "CASCADE"),)

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column(index=True)
    creator_id: Mapped[int] = mapped_column(Integer)
    secret_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the link's secret, keyed by the app
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
