"""Backfills and reconciliations: one row per bulk operation the app ran, with what it found."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column

INSTALL, MANUAL, NIGHTLY = "install", "manual", "nightly"
RUNNING, INGESTING, DONE, FAILED = "running", "ingesting", "done", "failed"


class BackfillRun(Base):
    __tablename__ = "backfill_runs"

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column(index=True)
    kind: Mapped[str] = mapped_column(String(16), default=MANUAL)
    search: Mapped[str] = mapped_column(Text)  # the orders search it ran
    range_note: Mapped[str] = mapped_column(Text, default="")  # e.g. the 60-day window, in words
    bulk_operation_id: Mapped[str | None] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), default=RUNNING)
    object_count: Mapped[int] = mapped_column(Integer, default=0)
    orders_seen: Mapped[int] = mapped_column(Integer, default=0)
    orders_repaired: Mapped[int] = mapped_column(Integer, default=0)  # missing or older here than in Shopify
    refunds_repaired: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # when the ingest last moved (it began, or committed a batch): a poll queues an ingesting run again only
    # once this is old (a dead worker), never beside the job still ingesting it
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
