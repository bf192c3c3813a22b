"""Creating a creator and its code together, so nothing half-made is left behind.

A code lives in two places: the app's database and the shop. The steps commit separately on
purpose (a crash between them must be recoverable, not rolled back into oblivion):

1. reserve: the creator and a `pending` code row are written (the app's own codes are checked,
   case-insensitively, under a unique key);
2. the shop is asked (`codeDiscountNodeByCode`, case-insensitive); a discount there that this app
   made for this creator (its tag) is adopted (a resumed run), anything else is a 409;
3. `discountCodeBasicCreate`, then the row is confirmed.

A refusal (409, invalid) removes what step 1 wrote; a Shopify outage leaves the row `pending`,
and `complete_pending` (a job, and any re-run of the same request) finishes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shopify_roi.db import Database, utcnow
from shopify_roi.models import Creator, DiscountCode, Shop
from shopify_roi.models.discount import ACTIVE, PAUSED, PENDING, ROTATED
from shopify_roi.services.creators import codes as discounts
from shopify_roi.services.creators import profiles as creators_svc
from shopify_roi.services.errors import Conflict, Invalid, ShopifyUnavailable
from shopify_roi.shopify_client import discounts as remote_api
from shopify_roi.shopify_client.admin import AdminClient, AdminError, UserErrors

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    handle: str
    code: str
    status: str  # created | unchanged | resumed | pending
    code_id: int


def onboard(
    db: Database,
    client: AdminClient,
    shop_id: int,
    creator_data: dict,
    code_data: dict,
    repeat_ok: bool = False,
) -> Outcome:
    """Create creator + code. Raises Invalid/Conflict/ShopifyUnavailable.

    A half-made earlier attempt (pending code) is always finished. An existing creator with the
    same code is `unchanged` when `repeat_ok` (an import run again), otherwise a 409.
    """
    fields = creators_svc.parse_creator(creator_data)
    code_in = discounts.parse_code(code_data)
    created_creator = False
    with db.session() as session:
        creator = creators_svc.find_creator(session, shop_id, fields.handle)
        if creator is not None:
            row = discounts.live_code(session, shop_id, code_in.code)
            if row is not None and row.creator_id == creator.id:
                if row.status != PENDING:
                    if repeat_ok:
                        return Outcome(creator.handle, row.code, "unchanged", row.id)
                    raise Conflict(
                        f"@{creator.handle} already exists with the code {row.code}.", {"handle": "is taken"}
                    )
                row_id = row.id  # a run that stopped half-way: finish it below
            elif discounts.current_code(session, shop_id, creator.id) is not None:
                raise Conflict(
                    f"@{creator.handle} already exists with another code. Rotate the code on the creator's page.",
                    {"handle": "is taken"},
                )
            else:
                row_id = discounts.reserve(session, shop_id, creator, code_in).id
        else:
            creator = Creator(shop_id=shop_id, handle=fields.handle, name=fields.name)
            session.add(creator)
            try:
                session.flush()
            except IntegrityError as exc:  # another request created it a moment ago
                raise Conflict(
                    f"@{fields.handle} was just created by someone else.", {"handle": "is taken"}
                ) from exc
            creators_svc.apply_fields(session, shop_id, creator, fields)
            row_id = discounts.reserve(session, shop_id, creator, code_in).id
            created_creator = True
        handle, name = creator.handle, creator.name
    status = _push(db, client, shop_id, row_id, handle, name, code_in, drop_creator=created_creator)
    return Outcome(handle, code_in.code, status, row_id)


def _push(
    db: Database,
    client: AdminClient,
    shop_id: int,
    row_id: int,
    handle: str,
    name: str,
    code_in: discounts.CodeInput,
    drop_creator: bool,
) -> str:
    """Steps 2-3 for a pending row; returns created/resumed/pending."""
    try:
        existing = remote_api.find_by_code(client, code_in.code)
        if existing is not None and not discounts.is_ours(existing, handle):
            _release(db, row_id, drop_creator)
            clash = existing.first_code[1] or code_in.code
            raise Conflict(
                f"{code_in.code} clashes with {clash}, the code of the discount \u201c{existing.title}\u201d that already "
                "exists in your Shopify admin (codes are compared ignoring letter case). Choose another code.",
                {"code": "exists in Shopify"},
            )
        resumed = existing is not None
        made = existing or remote_api.create(client, code_in.spec(handle, name))
    except UserErrors as exc:
        _release(db, row_id, drop_creator)
        taken = any(e.get("code") in ("TAKEN", "DUPLICATE") for e in exc.errors)
        if taken:
            raise Conflict(f"Shopify refused {code_in.code}: {exc}", {"code": "exists in Shopify"}) from exc
        raise Invalid(f"Shopify refused the code: {exc}", {"code": str(exc)}) from exc
    except AdminError as exc:
        log.warning("code %s for @%s left pending: %s", code_in.code, handle, exc)
        raise ShopifyUnavailable(
            f"Shopify did not answer; {code_in.code} is saved as pending and will be completed automatically."
        ) from exc
    with db.session() as session:
        row = session.get(DiscountCode, row_id)
        discounts.confirm(row, made)
    return "resumed" if resumed else "created"


def _release(db: Database, row_id: int, drop_creator: bool) -> None:
    """Undo step 1 after a refusal: the pending row, and the creator if this call made it."""
    with db.session() as session:
        row = session.get(DiscountCode, row_id)
        if row is None:
            return
        creator = session.get(Creator, row.creator_id)
        session.delete(row)
        session.flush()
        if drop_creator and creator is not None:
            session.delete(creator)


def complete_pending(db: Database, client: AdminClient, shop_id: int) -> dict[str, int]:
    """Finish every pending code of the shop (after an outage or a killed run). Idempotent."""
    with db.session() as session:
        rows = [
            (r.id, r.creator_id, r.alias_of_id)
            for r in session.scalars(
                select(DiscountCode).where(
                    DiscountCode.shop_id == shop_id,
                    DiscountCode.status == PENDING,
                    DiscountCode.replaced_by_id.is_(None),
                )
            )
        ]
    counts = {"completed": 0, "refused": 0, "still_pending": 0}
    for row_id, creator_id, alias_of in rows:
        if alias_of is not None:
            from shopify_roi.services.creators.extra_codes import finish_pending

            try:
                counts["completed" if finish_pending(db, client, row_id) == "completed" else "refused"] += 1
            except AdminError:
                counts["still_pending"] += 1
            continue
        with db.session() as session:
            row = session.get(DiscountCode, row_id)
            creator = session.get(Creator, creator_id)
            data = discounts.CodeInput(
                code=row.code,
                value_type=row.value_type,
                value=row.value,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                usage_limit=row.usage_limit,
                once_per_customer=row.once_per_customer,
                combines_with_order=row.combines_with_order,
                combines_with_product=row.combines_with_product,
                combines_with_shipping=row.combines_with_shipping,
                min_subtotal=row.min_subtotal,
            )
            only_code = len(discounts.codes_of(session, shop_id, creator_id)) == 1
            handle, name = creator.handle, creator.name
        try:
            _push(db, client, shop_id, row_id, handle, name, data, drop_creator=only_code)
            counts["completed"] += 1
        except (Conflict, Invalid):
            counts["refused"] += 1
        except ShopifyUnavailable:
            counts["still_pending"] += 1
    return counts


def rotate(db: Database, client: AdminClient, shop_id: int, handle: str, code_data: dict) -> Outcome:
    """Give the creator a new code (same settings unless given), then deactivate the old one.

    The old code keeps attributing the orders that used it; the history is kept.
    """
    with db.session() as session:
        creator = creators_svc.get_creator(session, shop_id, handle)
        old = discounts.current_code(session, shop_id, creator.id)
        if old is None or old.status == PENDING:
            raise Invalid("This creator has no live code to rotate.")
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
        code_in = discounts.parse_code(merged)
        new_id = discounts.reserve(session, shop_id, creator, code_in).id
        old_discount, name = old.shopify_discount_id, creator.name
    status = _push(db, client, shop_id, new_id, handle, name, code_in, drop_creator=False)
    try:
        remote_api.set_active(client, old_discount, False)
    except AdminError as exc:
        log.warning("rotated %s but could not deactivate the old code: %s", handle, exc)
    with db.session() as session:
        for old in session.scalars(
            select(DiscountCode).where(
                DiscountCode.shop_id == shop_id,
                DiscountCode.shopify_discount_id == old_discount,
                DiscountCode.status.in_((ACTIVE, PAUSED)),
            )
        ):
            old.status, old.replaced_by_id, old.note, old.updated_at = (
                ROTATED,
                new_id,
                f"replaced by {code_in.code}",
                utcnow(),
            )
    return Outcome(handle, code_in.code, status, new_id)


def set_paused(
    db: Database, client: AdminClient, shop_id: int, handle: str, code_id: int, paused: bool
) -> str:
    """Pause (deactivate in the shop) or resume a creator's code."""
    with db.session() as session:
        creator = creators_svc.get_creator(session, shop_id, handle)
        row = discounts.get_code(session, shop_id, creator, code_id)
        if row.status not in (ACTIVE, PAUSED):
            raise Invalid(
                f"{row.code} is {row.status}; only an active or paused code can be paused or resumed."
            )
        discount_id = row.shopify_discount_id
    status = remote_api.set_active(client, discount_id, not paused)
    with db.session() as session:
        # the main code and its extra codes share the discount: they pause and resume together
        for row in session.scalars(
            select(DiscountCode).where(
                DiscountCode.shop_id == shop_id,
                DiscountCode.shopify_discount_id == discount_id,
                DiscountCode.status.in_((ACTIVE, PAUSED)),
            )
        ):
            row.status, row.shopify_status, row.note = (
                (PAUSED if paused else ACTIVE),
                status,
                ("paused" if paused else "resumed"),
            )
        return PAUSED if paused else ACTIVE


def delete_code(db: Database, client: AdminClient, shop_id: int, handle: str, code_id: int) -> None:
    """Delete the code in the shop; the row stays (status deleted) so past orders keep their creator."""
    with db.session() as session:
        creator = creators_svc.get_creator(session, shop_id, handle)
        row = discounts.get_code(session, shop_id, creator, code_id)
        if row.status in (PENDING,) or not row.shopify_discount_id:
            raise Invalid("This code is not in the shop yet.")
        if row.alias_of_id is not None:
            raise Invalid("Extra codes go with their main code: delete the main code.")
        discount_id = row.shopify_discount_id
    if row.status != "deleted" and row.code_key is not None:
        try:
            remote_api.delete(client, discount_id)
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
            discounts.deleted(row)


def shop_id_of(db: Database, domain: str) -> int:
    with db.session() as session:
        return session.scalar(select(Shop.id).where(Shop.domain == domain))
