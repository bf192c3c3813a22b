"""Keep the app's codes true to the shop: after discount webhooks and on a periodic check.

Discount webhooks are thin (an id, a title, a status), so the truth is fetched with one `nodes`
query per 250 codes and each row is reconciled (discounts.reconcile).
"""

from __future__ import annotations

import re

from sqlalchemy import select

from shopify_roi.db import Database
from shopify_roi.models import DiscountCode
from shopify_roi.models.discount import ACTIVE, PAUSED, ROTATED
from shopify_roi.services.creators import codes as discounts
from shopify_roi.services.webhooks.inbox import PayloadError
from shopify_roi.shopify_client import discounts as remote_api
from shopify_roi.shopify_client.admin import AdminClient

_GID_RE = re.compile(r"gid://shopify/[A-Za-z]{1,64}/[0-9]{1,20}")
DISCOUNT_TOPICS = (
    "discounts/create",
    "discounts/update",
    "discounts/delete",
    "discounts/redeemcode_added",
    "discounts/redeemcode_removed",
)


def sync(db: Database, client: AdminClient, shop_id: int, discount_ids: list[str] | None = None) -> list[str]:
    """Reconcile the shop's live codes (or only those discounts); returns what changed, in words."""
    with db.session() as session:
        query = select(DiscountCode.shopify_discount_id).where(
            DiscountCode.shop_id == shop_id,
            DiscountCode.status.in_((ACTIVE, PAUSED, ROTATED)),
            DiscountCode.shopify_discount_id.is_not(None),
        )
        if discount_ids is not None:
            query = query.where(DiscountCode.shopify_discount_id.in_(discount_ids))
        ids = sorted(set(session.scalars(query)))
    if not ids:
        return []
    state = remote_api.fetch_many(client, ids)
    changes: list[str] = []
    with db.session() as session:
        rows = session.scalars(
            select(DiscountCode).where(
                DiscountCode.shop_id == shop_id,
                DiscountCode.shopify_discount_id.in_(ids),
                DiscountCode.status.in_((ACTIVE, PAUSED, ROTATED)),
            )
        )
        for row in list(rows):
            change = discounts.reconcile(session, row, state.get(row.shopify_discount_id))
            if change:
                changes.append(change)
    return changes


def discount_id_of(payload: dict) -> str:
    """The discount's GID from a discounts/* webhook body (shopify webhooks README, point 8)."""
    gid = payload.get("admin_graphql_api_id")
    if not isinstance(gid, str) or not _GID_RE.fullmatch(gid):
        raise PayloadError("`admin_graphql_api_id` is missing or not a Shopify GID")
    return gid


def on_discount_webhook(session, delivery, payload: dict) -> str:
    """Validate the body; the job then asks the shop for the discount's state (sync)."""
    return f"check {discount_id_of(payload)}"
