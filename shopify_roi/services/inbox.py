"""The webhook inbox: receive (dedupe and store before acknowledging) and process (idempotently).

Receiving is the only work on the request path: one INSERT ... ON CONFLICT DO NOTHING keyed by
(shop, X-Shopify-Webhook-Id). Parsing and every rule run later, in a worker.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..db import utcnow
from ..models import WebhookDelivery
from ..models.delivery import FAILED, PROCESSED, RECEIVED, SKIPPED

log = logging.getLogger(__name__)


class PayloadError(ValueError):
    """The payload cannot be processed as sent (malformed, truncated, missing fields)."""


@dataclass(frozen=True)
class Receipt:
    delivery_id: int | None
    duplicate: bool


def receive(session: Session, *, shop_domain: str, webhook_id: str, topic: str, raw_body: bytes,
            api_version: str | None = None, event_id: str | None = None, triggered_at: str | None = None,
            status: str = RECEIVED) -> Receipt:
    """Store a verified delivery once; a repeated `webhook_id` for the shop is reported as duplicate."""
    values = dict(
        shop_domain=shop_domain, webhook_id=webhook_id[:128], topic=topic[:64], api_version=(api_version or "")[:16],
        event_id=(event_id or "")[:128] or None, triggered_at=(triggered_at or "")[:40] or None,
        received_at=utcnow(), payload=raw_body.decode("utf-8", errors="replace"), status=status, attempts=0,
    )
    dialect = session.bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (insert(WebhookDelivery).values(**values)
            .on_conflict_do_nothing(index_elements=["shop_domain", "webhook_id"])
            .returning(WebhookDelivery.id))
    new_id = session.execute(stmt).scalar()
    return Receipt(new_id, duplicate=new_id is None)


Handler = Callable[[Session, WebhookDelivery, dict], str]


def process(session: Session, delivery_id: int, handlers: dict[str, Handler]) -> str:
    """Process one delivery exactly once. Returns its final status.

    A payload that is not JSON, or that a handler rejects with PayloadError, ends `failed` with a
    readable reason and changes nothing else (the handler's work is rolled back to a savepoint).
    """
    query = select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    delivery = session.scalar(query)
    if delivery is None or delivery.status != RECEIVED:
        return delivery.status if delivery else "missing"
    delivery.attempts += 1
    handler = handlers.get(delivery.topic)
    if handler is None:
        return _finish(delivery, SKIPPED, result=f"no handler for {delivery.topic}")
    try:
        payload = json.loads(delivery.payload or "")
        if not isinstance(payload, dict):
            raise PayloadError("payload is not a JSON object")
    except ValueError as exc:
        return _finish(delivery, FAILED, error=f"payload is not valid JSON ({exc})")
    try:
        with session.begin_nested():
            result = handler(session, delivery, payload)
    except PayloadError as exc:
        return _finish(delivery, FAILED, error=f"{delivery.topic}: {exc}")
    return _finish(delivery, PROCESSED, result=result)


def _finish(delivery: WebhookDelivery, status: str, *, result: str | None = None, error: str | None = None) -> str:
    delivery.status = status
    delivery.result = result
    delivery.error = error
    delivery.processed_at = utcnow()
    if status == FAILED:
        log.warning("webhook %s (%s) failed: %s", delivery.webhook_id, delivery.topic, error)
    return status


def stale_received(session: Session, older_than: timedelta, limit: int = 1000) -> list[tuple[int, str]]:
    """(id, topic) of deliveries acknowledged but still unprocessed after `older_than` (lost queue entries)."""
    cutoff = utcnow() - older_than
    return [tuple(r) for r in session.execute(
        select(WebhookDelivery.id, WebhookDelivery.topic).where(WebhookDelivery.status == RECEIVED,
                                                                WebhookDelivery.received_at < cutoff)
        .order_by(WebhookDelivery.id).limit(limit)
    )]


def scrub_payload(session: Session, delivery_id: int) -> None:
    """Forget a processed delivery's body (compliance payloads carry e-mail and phone)."""
    session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(payload=None))


def recent(session: Session, shop_domain: str, limit: int = 20) -> list[WebhookDelivery]:
    return list(session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.shop_domain == shop_domain)
        .order_by(WebhookDelivery.id.desc()).limit(limit)
    ))


def freshness(session: Session, shop_domain: str) -> dict:
    """Last webhook received, and the failed deliveries with their reasons (the visible registry)."""
    from sqlalchemy import func

    last = session.scalar(select(func.max(WebhookDelivery.received_at)).where(WebhookDelivery.shop_domain == shop_domain))
    failed = list(session.scalars(select(WebhookDelivery).where(WebhookDelivery.shop_domain == shop_domain,
                                                                WebhookDelivery.status == FAILED)
                                  .order_by(WebhookDelivery.id.desc()).limit(20)))
    waiting = session.scalar(select(func.count()).select_from(WebhookDelivery).where(
        WebhookDelivery.shop_domain == shop_domain, WebhookDelivery.status == RECEIVED))
    return {"last_webhook_at": last.isoformat() if last else None, "webhooks_waiting": waiting,
            "failed_webhooks": [{"topic": d.topic, "webhook_id": d.webhook_id, "received_at": d.received_at.isoformat(),
                                 "error": d.error} for d in failed]}
