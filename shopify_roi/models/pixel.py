"""The creator pixel (issue #19): a shop's web pixel switch and key, and the storefront events it sends.

An event stores no personal data: the visitor and the session are kept only as keyed hashes (the visitor's
rotating daily, as the short links' clicks do), the creator by handle, the product and the order by
Shopify's numeric id. The time is when the app received it, never the browser's clock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column


class PixelSettings(Base):
    __tablename__ = "pixel_settings"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    window_days: Mapped[int] = mapped_column(Integer, default=30)
    key: Mapped[str] = mapped_column(String(64))  # the public key the pixel sends; checked by the collector
    web_pixel_id: Mapped[str | None] = mapped_column(String(128))  # Shopify's WebPixel GID once created
    status: Mapped[str] = mapped_column(String(16), default="off")  # off | pending | active | error
    error: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PixelEvent(Base):
    __tablename__ = "pixel_events"
    __table_args__ = (
        UniqueConstraint("shop_id", "event_id"),
        Index("ix_pixel_events_shop_id_received_at", "shop_id", "received_at"),
        Index("ix_pixel_events_shop_id_order_id", "shop_id", "order_id"),
    )

    id: Mapped[int] = row_id(BigInteger().with_variant(Integer, "sqlite"))
    shop_id: Mapped[int] = shop_column()
    event_id: Mapped[str] = mapped_column(String(64))  # the pixel's event id: a replay stores nothing
    name: Mapped[str] = mapped_column(String(2))  # pv vw ac cs cc
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    visitor_hash: Mapped[str] = mapped_column(String(32))
    session_hash: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(64))  # the creator remembered or on the landing URL
    session_start: Mapped[bool] = mapped_column(Boolean, default=False)
    landed: Mapped[bool] = mapped_column(Boolean, default=False)  # the creator came from this page's URL
    product_id: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[int | None] = mapped_column(Integer)
    order_id: Mapped[str | None] = mapped_column(String(32))  # checkout_completed: Shopify's order id
