"""Keep the app's codes true to the shop: after discount webhooks and on a periodic check.

Discount webhooks are thin (an id, a title, a status), so the truth is fetched with one `nodes`
query per 25 discounts and each row is reconciled with the shop's copy (`reconcile`).
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db import Database, utcnow
from shopify_roi.models import DiscountCode
from shopify_roi.models.discount import ACTIVE, LIVE, PAUSED, PENDING, REMOVED, ROTATED
from shopify_roi.services.creators import codes
from shopify_roi.services.webhooks.inbox import PayloadError
from shopify_roi.shopify_client import discounts
from shopify_roi.shopify_client.admin import AdminClient
from shopify_roi.shopify_client.discounts import RemoteDiscount

_GID_RE = re.compile(r"gid://shopify/[A-Za-z]{1,64}/[0-9]{1,20}")
DISCOUNT_TOPICS = (
    "discounts/create",
    "discounts/update",
    "discounts/delete",
    "discounts/redeemcode_added",
    "discounts/redeemcode_removed",
)
_CHECKED = (ACTIVE, PAUSED, ROTATED)  # the codes whose copy in the shop can still change


def sync(db: Database, client: AdminClient, shop_id: int, discount_ids: list[str] | None = None) -> list[str]:
    """Reconcile the shop's live codes (or only those discounts); returns what changed, in words."""
    with db.session() as session:
        query = select(DiscountCode.shopify_discount_id).where(
            DiscountCode.shop_id == shop_id,
            DiscountCode.status.in_(_CHECKED),
            DiscountCode.shopify_discount_id.is_not(None),
        )
        if discount_ids is not None:
            query = query.where(DiscountCode.shopify_discount_id.in_(discount_ids))
        ids = sorted(set(session.scalars(query)))
    if not ids:
        return []
    state = discounts.fetch_many(client, ids)
    changes: list[str] = []
    with db.session() as session:
        rows = session.scalars(
            select(DiscountCode).where(
                DiscountCode.shop_id == shop_id,
                DiscountCode.shopify_discount_id.in_(ids),
                DiscountCode.status.in_(_CHECKED),
            )
        )
        for row in list(rows):
            change = reconcile(session, row, state.get(row.shopify_discount_id))
            if change:
                changes.append(change)
    return changes


def reconcile(session: Session, row: DiscountCode, remote: RemoteDiscount | None) -> str | None:
    """Make a stored code match the shop's copy; returns what changed, in words, or None.

    Deleted in the admin -> removed; renamed -> the old text is kept for attribution history and
    a new row carries the new text; deactivated/expired -> paused; re-activated -> active.
    """
    row.synced_at = utcnow()
    if row.status not in LIVE or row.status == PENDING:
        return None
    if remote is None:
        codes.forget(row, REMOVED, "deleted in the Shopify admin")
        return f"{row.code} was deleted in the Shopify admin"
    row.shopify_status = remote.status
    texts = [c for _, c in remote.codes]
    if texts and codes.code_key(row.code) not in {codes.code_key(c) for c in texts}:
        return _renamed(session, row, remote)
    if row.status == ROTATED:
        return None
    if remote.status == "ACTIVE" and row.status == PAUSED:
        row.status, row.note = ACTIVE, "re-activated in the Shopify admin"
        return f"{row.code} was re-activated in the Shopify admin"
    if remote.status in ("EXPIRED",) and row.status == ACTIVE:
        row.status, row.note = PAUSED, "deactivated or expired in the Shopify admin"
        return f"{row.code} was deactivated or expired in the Shopify admin"
    return None


def _renamed(session: Session, row: DiscountCode, remote: RemoteDiscount) -> str:
    """The code was renamed in the admin: the old row keeps the old text (it attributes the orders
    that used it), a new row carries the new one."""
    new_text = remote.codes[0][1]
    codes.forget(row, REMOVED, f"renamed in the Shopify admin to {new_text}")
    session.flush()
    if codes.live_code(session, row.shop_id, new_text) is None:
        session.add(
            DiscountCode(
                shop_id=row.shop_id,
                creator_id=row.creator_id,
                code=new_text,
                code_key=codes.code_key(new_text),
                attribution_key=codes.code_key(new_text),
                status=ACTIVE if remote.status == "ACTIVE" else PAUSED,
                shopify_discount_id=row.shopify_discount_id,
                shopify_code_id=remote.codes[0][0],
                shopify_status=remote.status,
                value_type=row.value_type,
                value=row.value,
                note=f"renamed from {row.code} in the Shopify admin",
                synced_at=utcnow(),
            )
        )
    return f"{row.code} was renamed to {new_text} in the Shopify admin"


def discount_id_of(payload: dict) -> str:
    """The discount's GID from a discounts/* webhook body (shopify webhooks README, point 8)."""
    gid = payload.get("admin_graphql_api_id")
    if not isinstance(gid, str) or not _GID_RE.fullmatch(gid):
        raise PayloadError("`admin_graphql_api_id` is missing or not a Shopify GID")
    return gid


def on_discount_webhook(session, delivery, payload: dict) -> str:
    """Validate the body; the job then asks the shop for the discount's state (sync)."""
    return f"check {discount_id_of(payload)}"
