"""A creator's discount codes as the app stores them: finding them, reserving one before the shop is
asked, recording the shop's answer, forgetting one the shop no longer has.

The Admin API calls live in shopify_client/discounts.py; what a merchant may ask for is
code_input.py; keeping the rows true to the shop is code_sync.py.
"""

from __future__ import annotations

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import Creator, DiscountCode
from shopify_roi.models.discount import ACTIVE, DELETED, PAUSED, PENDING
from shopify_roi.services.creators.profiles import creator_row
from shopify_roi.services.errors import Conflict
from shopify_roi.shopify_client.discounts import CodeSpec, RemoteDiscount

# A code's terms: what the merchant sets, kept on the row as sent to Shopify.
TERMS = (
    "value_type",
    "value",
    "starts_at",
    "ends_at",
    "usage_limit",
    "once_per_customer",
    "combines_with_order",
    "combines_with_product",
    "combines_with_shipping",
    "min_subtotal",
)


def code_key(code: str) -> str:
    """How codes are compared: trimmed, case-insensitive (Shopify's own rule)."""
    return code.strip().upper()


def terms_of(source: CodeSpec | DiscountCode) -> dict:
    """The terms of a spec or a stored row, by name (TERMS)."""
    return {name: getattr(source, name) for name in TERMS}


def spec_of(row: DiscountCode) -> CodeSpec:
    """What a stored code asks of the shop (unlabelled, as `code_input.parse_code` gives it)."""
    return CodeSpec(code=row.code, **terms_of(row))


def live_code(session: Session, shop_id: int, code: str) -> DiscountCode | None:
    """The app's code with this text that still exists in the shop (any case), if any."""
    return session.scalar(
        select(DiscountCode).where(DiscountCode.shop_id == shop_id, DiscountCode.code_key == code_key(code))
    )


def codes_of(session: Session, shop_id: int, creator_id: int) -> list[DiscountCode]:
    return list(
        session.scalars(
            select(DiscountCode)
            .where(DiscountCode.shop_id == shop_id, DiscountCode.creator_id == creator_id)
            .order_by(DiscountCode.id.desc())
        )
    )


def _in_use(shop_id: int) -> tuple:
    """A creator's code in use: a main code (not an extra one) that is active, paused or pending."""
    return (
        DiscountCode.shop_id == shop_id,
        DiscountCode.alias_of_id.is_(None),
        DiscountCode.status.in_((ACTIVE, PAUSED, PENDING)),
    )


def current_code(session: Session, shop_id: int, creator_id: int) -> DiscountCode | None:
    """The creator's code in use: active, paused or pending (the newest)."""
    return session.scalar(
        select(DiscountCode)
        .where(*_in_use(shop_id), DiscountCode.creator_id == creator_id)
        .order_by(DiscountCode.id.desc())
        .limit(1)
    )


def current_codes(session: Session, shop_id: int) -> dict[int, DiscountCode]:
    """creator id -> its code in use (newest active, paused or pending), in one query."""
    rows = session.scalars(select(DiscountCode).where(*_in_use(shop_id)).order_by(DiscountCode.id))
    return {row.creator_id: row for row in rows}


def current_code_refs(session: Session, shop_id: int) -> dict[int, Row]:
    """creator id -> (id, code) of its code in use, as `current_codes` picks it, without loading the rows."""
    columns = (DiscountCode.creator_id, DiscountCode.id, DiscountCode.code)
    rows = session.execute(select(*columns).where(*_in_use(shop_id)).order_by(DiscountCode.id))
    return {row.creator_id: row for row in rows}


def get_code(session: Session, shop_id: int, creator: Creator, code_id: int) -> DiscountCode:
    return creator_row(session, DiscountCode, shop_id, creator.id, code_id, "No such code for this creator.")


def live_on_discount(session: Session, shop_id: int, discount_id: str) -> list[DiscountCode]:
    """The active and paused codes of one Shopify discount: a main code and its extra codes, which
    Shopify pauses, resumes and rotates together."""
    return list(
        session.scalars(
            select(DiscountCode).where(
                DiscountCode.shop_id == shop_id,
                DiscountCode.shopify_discount_id == discount_id,
                DiscountCode.status.in_((ACTIVE, PAUSED)),
            )
        )
    )


def reserve(session: Session, shop_id: int, creator: Creator, spec: CodeSpec) -> DiscountCode:
    """Write a `pending` row for the code, refusing one the app already uses (case-insensitively)."""
    clash = live_code(session, shop_id, spec.code)
    if clash is not None:
        owner = session.get(Creator, (clash.creator_id, shop_id))
        raise Conflict(
            f"The code {clash.code} is already @{owner.handle}'s code in Creator ROI.",
            {"code": "already used"},
        )
    row = DiscountCode(
        shop_id=shop_id,
        creator_id=creator.id,
        code=spec.code,
        code_key=code_key(spec.code),
        attribution_key=code_key(spec.code),
        status=PENDING,
        **terms_of(spec),
    )
    session.add(row)
    session.flush()
    return row


def confirm(row: DiscountCode, remote: RemoteDiscount) -> None:
    """The shop now has the discount: record its ids and status."""
    row.shopify_discount_id = remote.id
    row.shopify_code_id = remote.first_code[0]
    row.shopify_status = remote.status
    row.status = ACTIVE
    row.synced_at = utcnow()


def forget(row: DiscountCode, status: str, note: str) -> None:
    """The code no longer exists in the shop: free the code text, keep the row for history and attribution."""
    row.status = status
    row.code_key = None
    row.note = note


def deleted(row: DiscountCode) -> None:
    forget(row, DELETED, "deleted from Creator ROI")
