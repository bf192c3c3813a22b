"""The webhook inbox: every accepted delivery, de-duplicated by `X-Shopify-Webhook-Id`.

A row is written before the 200 is sent, so an acknowledged webhook survives a lost queue: a
sweeper re-enqueues rows still `received` (see jobs/schedules.py).

Statuses: `received` (waiting; after an unexpected failure, not before `retry_at`), `processed`,
`skipped` (not to apply: an uninstalled shop, a replay), `failed` (a body the app cannot use, with its
reason) and `quarantined` (it failed unexpectedly on every attempt: set aside with its reason, tried no
more; services/webhooks/inbox.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow

RECEIVED, PROCESSED, FAILED, SKIPPED = "received", "processed", "failed", "skipped"
QUARANTINED = "quarantined"


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("shop_domain", "webhook_id"),
        Index("ix_webhook_deliveries_status_received_at", "status", "received_at"),
    )

    # keyed by (id, shop_domain): under Citus the deliveries are distributed by the shop's domain, a
    # co-location group of their own (README "Scale-out"); the ORM identifies a delivery by its id
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    shop_domain: Mapped[str] = mapped_column(String(255), primary_key=True, index=True)
    webhook_id: Mapped[str] = mapped_column(String(128))
    event_id: Mapped[str | None] = mapped_column(String(128))
    topic: Mapped[str] = mapped_column(String(64))
    api_version: Mapped[str | None] = mapped_column(String(16))
    triggered_at: Mapped[str | None] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    payload: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=RECEIVED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)  # what processing did, in words or JSON
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a failed attempt's next one
