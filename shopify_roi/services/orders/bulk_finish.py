"""`bulk_operations/finish`: Shopify says a bulk operation ended; the job asks for the operation itself
(its URL, its status) whatever the body says (services/orders/backfill.py ingests it)."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from shopify_roi.services.webhooks.inbox import PayloadError

# Shopify's BulkOperationStatus values, lower-cased as `bulk_operations/finish` sends them.
BULK_STATUSES = frozenset({"canceled", "canceling", "completed", "created", "expired", "failed", "running"})


def on_bulk_finish(session: Session, delivery, payload: dict) -> str:
    """`bulk_operations/finish` (lower-case status and type; no URL: the job asks for it)."""
    gid = payload.get("admin_graphql_api_id")
    if not isinstance(gid, str) or not re.fullmatch(r"gid://shopify/BulkOperation/[0-9]{1,20}", gid):
        raise PayloadError("`admin_graphql_api_id` is not a BulkOperation GID")
    status = payload.get("status")
    # The result is stored as text (PostgreSQL's refuses a NUL): only a status Shopify sends is echoed in
    # it. The job asks Shopify for the operation itself, whatever the body says.
    known = isinstance(status, str) and status in BULK_STATUSES
    return f"finished {gid} ({status if known else 'an unknown status'})"
