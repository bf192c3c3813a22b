"""Which of the app's Flow triggers a shop's enabled workflows use, as Flow's lifecycle callback says
("Track Flow lifecycle events", https://shopify.dev/docs/apps/build/flow/track-lifecycle-events: the body
carries `flow_trigger_definition_id`, `has_enabled_flow`, `shop_id`, `shopify_domain` and `timestamp`;
a notification with a newer timestamp takes precedence)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import FlowTriggerUsage
from shopify_roi.services.errors import Invalid


def _timestamp(value) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid("timestamp must be an ISO 8601 time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def record(session: Session, shop_id: int, body: dict) -> bool:
    """Store what the callback says unless a newer one was stored; True when it changed what is known."""
    trigger, enabled = body.get("flow_trigger_definition_id"), body.get("has_enabled_flow")
    if not isinstance(trigger, str) or not 0 < len(trigger) <= 128 or not isinstance(enabled, bool):
        raise Invalid("flow_trigger_definition_id and has_enabled_flow are required")
    as_of = _timestamp(body.get("timestamp"))
    row = session.scalar(
        select(FlowTriggerUsage).where(
            FlowTriggerUsage.shop_id == shop_id, FlowTriggerUsage.trigger == trigger
        )
    )
    if row is None:
        session.add(FlowTriggerUsage(shop_id=shop_id, trigger=trigger, enabled=enabled, as_of=as_of))
    elif as_of >= row.as_of:
        row.enabled, row.as_of = enabled, as_of
    else:
        return False
    session.flush()
    return True


def unused(session: Session, shop_id: int) -> set[str]:
    """The triggers Flow said no enabled workflow of the shop uses. A trigger Flow said nothing about is
    sent (a workflow enabled before the callback existed is never announced)."""
    return set(
        session.scalars(
            select(FlowTriggerUsage.trigger).where(
                FlowTriggerUsage.shop_id == shop_id, FlowTriggerUsage.enabled.is_(False)
            )
        )
    )
