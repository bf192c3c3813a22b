"""A shop's ROI settings: scorecard targets and the gross margin used for breakeven CAC."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Integer, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column
from shopify_roi.money import Money


class ShopSettings(Base):
    __tablename__ = "shop_settings"

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column(unique=True)
    targets: Mapped[str] = mapped_column(Text, default="{}")  # JSON: only the targets the merchant changed
    gross_margin: Mapped[Decimal | None] = mapped_column(Money)  # fraction of revenue; None = COGS unknown
    # Write the creator metafields on orders and customers (off until the merchant turns it on: it needs
    # the optional write_orders and write_customers scopes).
    metafields: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Mirror campaigns as analytics annotations and targets (off until turned on: it needs the optional
    # write_analytics_annotations and write_reports scopes).
    analytics_marks: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    metafields_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last complete run began
    # Send each creator x campaign to Shopify's Marketing reports (off until the merchant turns it on: it
    # needs the optional write_marketing_events scope).
    marketing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Send the app's Flow triggers (off until the merchant turns it on); events from this time on are sent.
    flow_triggers_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Seeding follow-up: a seeding sent this many days ago without a post is "not posted" (README "Seeding")
    seeding_follow_up_days: Mapped[int] = mapped_column(Integer, default=21, server_default="21")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
