"""What the app last wrote to Shopify's analytics (issue 18: annotations and targets), one row per mark:
a campaign's span (`campaign:<id>`), its revenue target (`target:<id>`), a creator's first attributed order
(`creator:<id>`). `shopify_id` is the AnalyticsAnnotation or AnalyticsTarget gid; `written` the JSON of the
fields Shopify holds, so a re-run sends nothing and an edit sends one update. The campaign or creator id is
kept without a foreign key: a removed campaign's row is what lets the next run delete its marks.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column

ANNOTATION, TARGET = "annotation", "target"


class AnalyticsMark(Base):
    __tablename__ = "analytics_marks"
    __table_args__ = (UniqueConstraint("shop_id", "key"),)

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    key: Mapped[str] = mapped_column(String(40))  # "campaign:12", "target:12", "creator:5"
    kind: Mapped[str] = mapped_column(String(12))  # ANNOTATION or TARGET
    shopify_id: Mapped[str | None] = mapped_column(String(80))  # None: refused, never created
    written: Mapped[str] = mapped_column(Text, default="{}")  # JSON of the fields Shopify holds
    error: Mapped[str] = mapped_column(Text, default="")  # why Shopify refused the last write
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
