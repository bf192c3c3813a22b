"""Changing a creator's live code in the shop: rotate it, pause or resume it, delete it.

Each step that asks Shopify commits before and after the call, as onboarding does, so no
transaction stays open across the network round trip.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from shopify_roi.db import Database, utcnow
from shopify_roi.models import DiscountCode
from shopify_roi.models.discount import ACTIVE, PAUSED, PENDING, ROTATED
from shopify_roi.services.creators import code_input, codes, profiles
from shopify_roi.services.creators.onboard import Outcome, create_in_shop
from shopify_roi.services.errors import Invalid
from shopify_roi.shopify_client import discounts
from shopify_roi.shopify_client.admin import AdminClient, AdminError, UserErrors

log = logging.getLogger(__name__)


def _rotation_request(old: DiscountCode, code_data: dict) -> dict:
    """The new code's request: the old code's terms, overridden by what was given."""
    merged = {
        "percent_off": str(old.value * 100) if old.value_type == "percentage" else None,
        "amount_off": str(old.value) if old.value_type == "fixed_amount" else None,
        "usage_limit": old.usage_limit,
        "once_per_customer": old.once_per_customer,
        "combines_with_order": old.combines_with_order,
        "combines_with_product": old.combines_with_product,
        "combines_with_shipping": old.combines_with_shipping,
        "min_subtotal": old.min_subtotal,
    }
    merged.update({k: v for k, v in code_data.items() if v not in (None, "")})
    if "percent_off" in code_data:
        merged["amount_off"] = None
    return merged


def rotate(db: Database, client: AdminClient, shop_id: int, handle: str, code_data: dict) -> Outcome:
    """Give the creator a new code (same settings unless given), then deactivate the old one.

    The old code keeps attributing the orders that used it; the history is kept.
    """
    with db.session() as session:
        creator = profiles.get_creator(session, shop_id, handle)
        old = codes.current_code(session, shop_id, creator.id)
        if old is None or old.status == PENDING:
            raise Invalid("This creator has no live code to rotate.")
        spec = code_input.parse_code(_rotation_request(old, code_data))
        new_id = codes.reserve(session, shop_id, creator, spec).id
        old_discount = old.shopify_discount_id
    status = create_in_shop(db, client, (new_id, shop_id), handle, spec, drop_creator=False)
    try:
        discounts.set_active(client, old_discount, False)
    except AdminError as exc:
        log.warning("rotated %s but could not deactivate the old code: %s", handle, exc)
    with db.session() as session:
        for old in codes.live_on_discount(session, shop_id, old_discount):
            old.status, old.replaced_by_id, old.note, old.updated_at = (
                ROTATED,
                new_id,
                f"replaced by {spec.code}",
                utcnow(),
            )
    return Outcome(handle, spec.code, status, new_id)


def set_paused(
    db: Database, client: AdminClient, shop_id: int, handle: str, code_id: int, paused: bool
) -> str:
    """Pause (deactivate in the shop) or resume a creator's code."""
    with db.session() as session:
        creator = profiles.get_creator(session, shop_id, handle)
        row = codes.get_code(session, shop_id, creator, code_id)
        if row.status not in (ACTIVE, PAUSED):
            raise Invalid(
                f"{row.code} is {row.status}; only an active or paused code can be paused or resumed."
            )
        discount_id = row.shopify_discount_id
    status = discounts.set_active(client, discount_id, not paused)
    with db.session() as session:
        # the main code and its extra codes share the discount: they pause and resume together
        for row in codes.live_on_discount(session, shop_id, discount_id):
            row.status, row.shopify_status, row.note = (
                (PAUSED if paused else ACTIVE),
                status,
                ("paused" if paused else "resumed"),
            )
        return PAUSED if paused else ACTIVE


def delete_code(db: Database, client: AdminClient, shop_id: int, handle: str, code_id: int) -> None:
    """Delete the code in the shop; the row stays (status deleted) so past orders keep their creator."""
    with db.session() as session:
        creator = profiles.get_creator(session, shop_id, handle)
        row = codes.get_code(session, shop_id, creator, code_id)
        if row.status in (PENDING,) or not row.shopify_discount_id:
            raise Invalid("This code is not in the shop yet.")
        if row.alias_of_id is not None:
            raise Invalid("Extra codes go with their main code: delete the main code.")
        discount_id = row.shopify_discount_id
    if row.status != "deleted" and row.code_key is not None:
        try:
            discounts.delete(client, discount_id)
        except UserErrors as exc:
            if not any(e.get("code") in ("NOT_FOUND", "INVALID") for e in exc.errors):
                raise Invalid(f"Shopify refused: {exc}") from exc
    with db.session() as session:
        for row in session.scalars(
            select(DiscountCode).where(
                DiscountCode.shop_id == shop_id,
                DiscountCode.shopify_discount_id == discount_id,
                DiscountCode.code_key.is_not(None),
            )
        ):
            codes.deleted(row)
