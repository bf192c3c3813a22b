"""A CSV import of creators: its rows and, per row, what happened."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column

QUEUED, RUNNING, DONE = "queued", "running", "done"


class CreatorImport(Base):
    __tablename__ = "creator_imports"

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    rows_json: Mapped[str] = mapped_column(Text)  # the parsed, validated rows
    report_json: Mapped[str] = mapped_column(Text, default="[]")  # one entry per row processed
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
