"""Shopify Flow: the action runs the app received (one row per `action_run_id`, so a retried request acts
once) and the trigger events it sent (one row per event, so an event is sent once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column

RECEIVED, DONE, FAILED = "received", "done", "failed"


class FlowActionRun(Base):
    __tablename__ = "flow_action_runs"
    __table_args__ = (UniqueConstraint("shop_id", "action_run_id"),)

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    action_run_id: Mapped[str] = mapped_column(String(128))
    handle: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=RECEIVED)  # received | done | failed
    result: Mapped[str] = mapped_column(Text, default="")  # what was done, or why not
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class FlowTriggerSend(Base):
    __tablename__ = "flow_trigger_sends"
    __table_args__ = (UniqueConstraint("shop_id", "handle", "event_key"),)

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    handle: Mapped[str] = mapped_column(String(64))  # the trigger extension's handle
    event_key: Mapped[str] = mapped_column(String(128))  # the order id, the code id, creator id + "below"
    error: Mapped[str] = mapped_column(Text, default="")  # Shopify's userErrors, if it refused the payload
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FlowTriggerUsage(Base):
    """What Flow's lifecycle callback last said: does the shop have an enabled workflow using the trigger?"""

    __tablename__ = "flow_trigger_usage"
    __table_args__ = (UniqueConstraint("shop_id", "trigger"),)

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    trigger: Mapped[str] = mapped_column(String(128))  # flow_trigger_definition_id as sent
    enabled: Mapped[bool] = mapped_column(Boolean)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)  # the callback's timestamp: a newer one wins
