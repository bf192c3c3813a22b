"""Jobs that turn inbox rows into facts. Idempotent: a delivery is processed at most once."""
from __future__ import annotations

from ..runtime import current
from ..services import inbox, lifecycle

HANDLERS = dict(lifecycle.HANDLERS)


def process_delivery(delivery_id: int) -> str:
    """Process one stored webhook delivery; a repeat call for the same id changes nothing."""
    rt = current()
    with rt.db.session() as session:
        status = inbox.process(session, delivery_id, HANDLERS)
        delivery = session.get(inbox.WebhookDelivery, delivery_id)
        if delivery is not None and delivery.topic in lifecycle.PRIVACY_TOPICS:
            delivery.payload = None  # the request itself names the customer: keep no copy
    return status
