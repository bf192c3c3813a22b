"""Extra codes on a creator's discount: one Shopify discount carrying several codes
(`discountRedeemCodeBulkAdd`), e.g. ANNA15 plus ANNA-TIKTOK for the same offer.

Like onboarding: rows are reserved `pending` first (committed), then the shop is asked, then each
row is confirmed or removed with the shop's reason.
"""

from __future__ import annotations

from sqlalchemy import func, select

from shopify_roi.db import Database
from shopify_roi.models import DiscountCode
from shopify_roi.models.discount import ACTIVE, PAUSED, PENDING
from shopify_roi.services.creators import codes as discounts
from shopify_roi.services.creators import profiles as creators_svc
from shopify_roi.services.errors import Invalid, ShopifyUnavailable
from shopify_roi.shopify_client import discounts as remote_api
from shopify_roi.shopify_client.admin import AdminClient, AdminError

MAX_ALIASES = 20  # per discount; the code check reads 25 codes per discount


def add(db: Database, client: AdminClient, shop_id: int, handle: str, code_id: int, codes) -> list[dict]:
    """Add codes to the discount of the creator's code `code_id`; returns one result per code given."""
    results: dict[str, dict] = {}
    with db.session() as session:
        creator = creators_svc.get_creator(session, shop_id, handle)
        main = discounts.get_code(session, shop_id, creator, code_id)
        if not isinstance(codes, list) or not codes or len(codes) > MAX_ALIASES:
            raise Invalid(f"Send 1 to {MAX_ALIASES} codes as a list.", {"codes": "a list of codes"})
        if (
            main.alias_of_id is not None
            or main.status not in (ACTIVE, PAUSED)
            or not main.shopify_discount_id
        ):
            raise Invalid("Extra codes can be added to an active or paused main code only.")
        existing = session.scalar(
            select(func.count())
            .select_from(DiscountCode)
            .where(DiscountCode.alias_of_id == main.id, DiscountCode.code_key.is_not(None))
        )
        wanted: list[str] = []
        for raw in codes:
            code = str(raw).strip()
            key = discounts.code_key(code)
            if not discounts.CODE_RE.fullmatch(code):
                results[code] = {
                    "code": code,
                    "status": "invalid",
                    "message": "use 2-255 letters, digits, - or _",
                }
            elif key in {discounts.code_key(c) for c in wanted}:
                results[code] = {"code": code, "status": "invalid", "message": "given twice"}
            elif (clash := discounts.live_code(session, shop_id, code)) is not None:
                results[code] = {
                    "code": code,
                    "status": "conflict",
                    "message": f"already used in Creator ROI ({clash.code})",
                }
            else:
                wanted.append(code)
        if existing + len(wanted) > MAX_ALIASES:
            raise Invalid(f"A discount carries at most {MAX_ALIASES} extra codes here.")
        rows = {}
        for code in wanted:
            row = DiscountCode(
                shop_id=shop_id,
                creator_id=creator.id,
                code=code,
                code_key=discounts.code_key(code),
                attribution_key=discounts.code_key(code),
                status=PENDING,
                alias_of_id=main.id,
                shopify_discount_id=main.shopify_discount_id,
                value_type=main.value_type,
                value=main.value,
                note=f"extra code on the discount of {main.code}",
            )
            session.add(row)
            session.flush()
            rows[discounts.code_key(code)] = row.id
        discount_id, main_status = main.shopify_discount_id, main.status
    if wanted:
        try:
            outcome = remote_api.add_codes(client, discount_id, wanted)
        except AdminError as exc:
            raise ShopifyUnavailable(
                "Shopify did not answer; the codes are saved as pending and will be completed."
            ) from exc
        with db.session() as session:
            for made in outcome:
                row = session.get(DiscountCode, rows.get(discounts.code_key(made.code)))
                if row is None:
                    continue
                if made.redeem_code_id:
                    row.status, row.shopify_code_id = main_status, made.redeem_code_id
                    results[made.code] = {"code": made.code, "status": "added", "message": ""}
                else:
                    session.delete(row)
                    results[made.code] = {
                        "code": made.code,
                        "status": "conflict",
                        "message": made.error or "refused by Shopify",
                    }
    return [
        results.get(str(c).strip(), {"code": str(c).strip(), "status": "invalid", "message": "not processed"})
        for c in codes
    ]


def finish_pending(db: Database, client: AdminClient, row_id: int) -> str:
    """A pending extra code after a crash: confirmed if the shop has it on that discount, else dropped."""
    with db.session() as session:
        row = session.get(DiscountCode, row_id)
        code, discount_id = row.code, row.shopify_discount_id
    found = remote_api.find_by_code(client, code)
    with db.session() as session:
        row = session.get(DiscountCode, row_id)
        main = session.get(DiscountCode, row.alias_of_id)
        if found is not None and found.id == discount_id:
            row.status = main.status if main and main.status in (ACTIVE, PAUSED) else ACTIVE
            row.shopify_code_id = next(
                (cid for cid, c in found.codes if discounts.code_key(c) == row.code_key), None
            )
            return "completed"
        session.delete(row)
        return "dropped"
