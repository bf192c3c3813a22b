"""Extra codes on a creator's discount: one Shopify discount carrying several codes
(`discountRedeemCodeBulkAdd`), e.g. ANNA15 plus ANNA-TIKTOK for the same offer.

Like onboarding: rows are reserved `pending` first (committed), then the shop is asked, then each
row is confirmed or removed with the shop's reason.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopify_roi.db import Database
from shopify_roi.models import DiscountCode
from shopify_roi.models.discount import ACTIVE, PAUSED, PENDING
from shopify_roi.services.creators import code_input, codes, profiles
from shopify_roi.services.errors import Invalid, ShopifyUnavailable
from shopify_roi.shopify_client import discounts
from shopify_roi.shopify_client.admin import AdminClient, AdminError

MAX_ALIASES = 20  # per discount; the code check reads 25 codes per discount


def _result(code: str, status: str, message: str = "") -> dict:
    return {"code": code, "status": status, "message": message}


def add(db: Database, client: AdminClient, shop_id: int, handle: str, code_id: int, given) -> list[dict]:
    """Add codes to the discount of the creator's code `code_id`; returns one result per code given
    (added, conflict or invalid, with the reason)."""
    with db.session() as session:
        main = _main_code(session, shop_id, handle, code_id, given)
        wanted, results = _screen(session, shop_id, given)
        if _extra_count(session, main) + len(wanted) > MAX_ALIASES:
            raise Invalid(f"A discount carries at most {MAX_ALIASES} extra codes here.")
        rows = {codes.code_key(code): _reserve(session, main, code).id for code in wanted}
        discount_id, main_status = main.shopify_discount_id, main.status
    if wanted:
        results.update(_add_in_shop(db, client, shop_id, discount_id, main_status, wanted, rows))
    return [results.get(str(c).strip(), _result(str(c).strip(), "invalid", "not processed")) for c in given]


def _main_code(session: Session, shop_id: int, handle: str, code_id: int, given) -> DiscountCode:
    """The main code the extra codes go on; Invalid for a request that cannot add any."""
    creator = profiles.get_creator(session, shop_id, handle)
    main = codes.get_code(session, shop_id, creator, code_id)
    if not isinstance(given, list) or not given or len(given) > MAX_ALIASES:
        raise Invalid(f"Send 1 to {MAX_ALIASES} codes as a list.", {"codes": "a list of codes"})
    if main.alias_of_id is not None or main.status not in (ACTIVE, PAUSED) or not main.shopify_discount_id:
        raise Invalid("Extra codes can be added to an active or paused main code only.")
    return main


def _extra_count(session: Session, main: DiscountCode) -> int:
    return session.scalar(
        select(func.count())
        .select_from(DiscountCode)
        .where(
            DiscountCode.shop_id == main.shop_id,
            DiscountCode.alias_of_id == main.id,
            DiscountCode.code_key.is_not(None),
        )
    )


def _screen(session: Session, shop_id: int, given: list) -> tuple[list[str], dict[str, dict]]:
    """(codes to ask the shop for, results of the codes refused here: malformed, repeated, in use)."""
    wanted: list[str] = []
    results: dict[str, dict] = {}
    for raw in given:
        code = str(raw).strip()
        if not code_input.CODE_RE.fullmatch(code):
            results[code] = _result(code, "invalid", "use 2-255 letters, digits, - or _")
        elif codes.code_key(code) in {codes.code_key(c) for c in wanted}:
            results[code] = _result(code, "invalid", "given twice")
        elif (clash := codes.live_code(session, shop_id, code)) is not None:
            results[code] = _result(code, "conflict", f"already used in Creator ROI ({clash.code})")
        else:
            wanted.append(code)
    return wanted, results


def _reserve(session: Session, main: DiscountCode, code: str) -> DiscountCode:
    row = DiscountCode(
        shop_id=main.shop_id,
        creator_id=main.creator_id,
        code=code,
        code_key=codes.code_key(code),
        attribution_key=codes.code_key(code),
        status=PENDING,
        alias_of_id=main.id,
        shopify_discount_id=main.shopify_discount_id,
        value_type=main.value_type,
        value=main.value,
        note=f"extra code on the discount of {main.code}",
    )
    session.add(row)
    session.flush()
    return row


def _add_in_shop(
    db: Database,
    client: AdminClient,
    shop_id: int,
    discount_id: str,
    status: str,
    wanted: list[str],
    rows: dict[str, int],
) -> dict[str, dict]:
    """Ask the shop for the codes, then confirm each row it made (with the main code's status) or
    remove it with the shop's reason."""
    try:
        outcome = discounts.add_codes(client, discount_id, wanted)
    except AdminError as exc:
        raise ShopifyUnavailable(
            "Shopify did not answer; the codes are saved as pending and will be completed."
        ) from exc
    results: dict[str, dict] = {}
    with db.session() as session:
        for made in outcome:
            row_id = rows.get(codes.code_key(made.code))
            row = session.get(DiscountCode, (row_id, shop_id)) if row_id is not None else None
            if row is None:
                continue
            if made.redeem_code_id:
                row.status, row.shopify_code_id = status, made.redeem_code_id
                results[made.code] = _result(made.code, "added")
            else:
                session.delete(row)
                results[made.code] = _result(made.code, "conflict", made.error or "refused by Shopify")
    return results


def finish_pending(db: Database, client: AdminClient, key: tuple[int, int]) -> str:
    """A pending extra code (`key`: its id and shop) after a crash: confirmed if the shop has it on that
    discount, else dropped."""
    with db.session() as session:
        row = session.get(DiscountCode, key)
        code, discount_id = row.code, row.shopify_discount_id
    found = discounts.find_by_code(client, code)
    with db.session() as session:
        row = session.get(DiscountCode, key)
        main = session.get(DiscountCode, (row.alias_of_id, row.shop_id))
        if found is not None and found.id == discount_id:
            row.status = main.status if main and main.status in (ACTIVE, PAUSED) else ACTIVE
            row.shopify_code_id = next(
                (cid for cid, c in found.codes if codes.code_key(c) == row.code_key), None
            )
            return "completed"
        session.delete(row)
        return "dropped"
