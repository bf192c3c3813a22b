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
from sqlalchemy.orm import Session

from shopify_roi.db import Database
from shopify_roi.models import Creator, DiscountCode
from shopify_roi.models.discount import PENDING
from shopify_roi.services.creators import code_input, codes, extra_codes, profiles
from shopify_roi.services.creators.profiles import CreatorFields
from shopify_roi.services.errors import Conflict, Invalid, ShopifyUnavailable
from shopify_roi.shopify_client import discounts
from shopify_roi.shopify_client.admin import AdminClient, AdminError, UserErrors
from shopify_roi.shopify_client.discounts import CodeSpec

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
    fields = profiles.parse_creator(creator_data)
    spec = code_input.parse_code(code_data)
    with db.session() as session:
        creator = profiles.find_creator(session, shop_id, fields.handle)
        if creator is None:
            creator = _new_creator(session, shop_id, fields)
            row_id, created_creator = codes.reserve(session, shop_id, creator, spec).id, True
        else:
            row = _earlier_attempt(session, shop_id, creator, spec)
            if row is not None and row.status != PENDING and repeat_ok:
                return Outcome(creator.handle, row.code, "unchanged", row.id)
            if row is not None and row.status != PENDING:
                raise Conflict(
                    f"@{creator.handle} already exists with the code {row.code}.", {"handle": "is taken"}
                )
            # a run that stopped half-way is finished below
            row_id = row.id if row is not None else codes.reserve(session, shop_id, creator, spec).id
            created_creator = False
        handle = creator.handle
    status = create_in_shop(db, client, (row_id, shop_id), handle, spec, drop_creator=created_creator)
    return Outcome(handle, spec.code, status, row_id)


def _new_creator(session: Session, shop_id: int, fields: CreatorFields) -> Creator:
    creator = Creator(shop_id=shop_id, handle=fields.handle, name=fields.name)
    session.add(creator)
    try:
        session.flush()
    except IntegrityError as exc:  # another request created it a moment ago
        raise Conflict(f"@{fields.handle} was just created by someone else.", {"handle": "is taken"}) from exc
    return profiles.apply_fields(session, shop_id, creator, fields)


def _earlier_attempt(session: Session, shop_id: int, creator: Creator, spec: CodeSpec) -> DiscountCode | None:
    """The creator's row for this very code (an earlier run of the same request), or None when the
    creator has no code in use; a creator with another code in use is a 409."""
    row = codes.live_code(session, shop_id, spec.code)
    if row is not None and row.creator_id == creator.id:
        return row
    if codes.current_code(session, shop_id, creator.id) is not None:
        raise Conflict(
            f"@{creator.handle} already exists with another code. Rotate the code on the creator's page.",
            {"handle": "is taken"},
        )
    return None


def create_in_shop(
    db: Database, client: AdminClient, key: tuple[int, int], handle: str, spec: CodeSpec, drop_creator: bool
) -> str:
    """Steps 2-3 for a pending row (`key`: its id and shop); returns created/resumed. A refusal releases
    the row (and the creator with `drop_creator`); no answer from Shopify leaves it pending
    (ShopifyUnavailable)."""
    try:
        existing = discounts.find_by_code(client, spec.code)
        if existing is not None and not code_input.is_ours(existing, handle):
            _release(db, key, drop_creator)
            clash = existing.first_code[1] or spec.code
            raise Conflict(
                f"{spec.code} clashes with {clash}, the code of the discount "
                f"\u201c{existing.title}\u201d that already exists in your Shopify admin "
                "(codes are compared ignoring letter case). Choose another code.",
                {"code": "exists in Shopify"},
            )
        resumed = existing is not None
        made = existing or discounts.create(client, code_input.labelled(spec, handle))
    except UserErrors as exc:
        _release(db, key, drop_creator)
        taken = any(e.get("code") in ("TAKEN", "DUPLICATE") for e in exc.errors)
        if taken:
            raise Conflict(f"Shopify refused {spec.code}: {exc}", {"code": "exists in Shopify"}) from exc
        raise Invalid(f"Shopify refused the code: {exc}", {"code": str(exc)}) from exc
    except AdminError as exc:
        log.warning("code %s for @%s left pending: %s", spec.code, handle, exc)
        raise ShopifyUnavailable(
            f"Shopify did not answer; {spec.code} is saved as pending and will be completed automatically."
        ) from exc
    with db.session() as session:
        codes.confirm(session.get(DiscountCode, key), made)
    return "resumed" if resumed else "created"


def _release(db: Database, key: tuple[int, int], drop_creator: bool) -> None:
    """Undo step 1 after a refusal: the pending row, and the creator if this call made it."""
    with db.session() as session:
        row = session.get(DiscountCode, key)
        if row is None:
            return
        creator = session.get(Creator, (row.creator_id, row.shop_id))
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
        counts[_complete(db, client, shop_id, row_id, creator_id, alias_of)] += 1
    return counts


def _complete(
    db: Database, client: AdminClient, shop_id: int, row_id: int, creator_id: int, alias_of: int | None
) -> str:
    """Finish one pending code; returns completed, refused or still_pending."""
    try:
        if alias_of is not None:
            done = extra_codes.finish_pending(db, client, (row_id, shop_id)) == "completed"
            return "completed" if done else "refused"
        with db.session() as session:
            row = session.get(DiscountCode, (row_id, shop_id))
            spec, handle = codes.spec_of(row), session.get(Creator, (creator_id, shop_id)).handle
            only_code = len(codes.codes_of(session, shop_id, creator_id)) == 1
        create_in_shop(db, client, (row_id, shop_id), handle, spec, drop_creator=only_code)
        return "completed"
    except (Conflict, Invalid):
        return "refused"
    except (ShopifyUnavailable, AdminError):
        return "still_pending"
