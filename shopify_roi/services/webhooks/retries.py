"""Deliveries that fail unexpectedly: tried again alone, later, then set aside.

A body the app cannot use fails at once with its reason (`failed`, inbox.py): trying it again changes
nothing. Anything else a delivery's processing raises (a bug, a value no check foresaw) is counted as a
failed attempt: the caller undoes what the attempt wrote, the delivery stays `received` until `retry_at`
(its batch, and the deliveries after it, go on without it: the drain takes the oldest first, so a
delivery retried at once would come first again and again), and after MAX_ATTEMPTS it is `quarantined`
with its reason, shown on the Store connection tab (registry.freshness) and tried no more.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from shopify_roi.db import utcnow
from shopify_roi.models import WebhookDelivery
from shopify_roi.models.delivery import QUARANTINED

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=10))  # after the first attempt, after the second


def due(now: datetime):
    """The condition of a received delivery whose next attempt may be made now."""
    return WebhookDelivery.retry_at.is_(None) | (WebhookDelivery.retry_at <= now)


def retry_later(delivery: WebhookDelivery, reason: str, now: datetime | None = None) -> str:
    """Count a failed attempt of `delivery` (`reason`: what was raised, in words): it waits for its next
    attempt (`received`, not before `retry_at`), or after MAX_ATTEMPTS it is `quarantined` with its
    reason, tried no more. The caller has undone whatever the attempt wrote. Returns the status."""
    now = now or utcnow()
    delivery.attempts += 1
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.retry_at, delivery.processed_at = QUARANTINED, None, now
        delivery.error = f"quarantined after {delivery.attempts} attempts: {reason}"
        log.warning("webhook %s (%s) quarantined: %s", delivery.webhook_id, delivery.topic, reason)
    else:
        delivery.retry_at = now + RETRY_AFTER[min(delivery.attempts, len(RETRY_AFTER)) - 1]
        delivery.error = (
            f"attempt {delivery.attempts} of {MAX_ATTEMPTS} failed: {reason}; "
            f"tried again after {delivery.retry_at.isoformat(timespec='seconds')}"
        )
    return delivery.status


def reason_of(exc: BaseException) -> str:
    """What was raised, in words short enough to store and show."""
    return f"{type(exc).__name__}: {str(exc)[:300]}"
