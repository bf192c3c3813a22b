"""The shop's existing discount codes, with a suggested creator for those that look like one.

Read from Shopify (`codeDiscountNodes`, shopify_client/shop_discounts.py); nothing is written here.
A code "looks like a creator's" when it is a name followed by a few digits (ANNA15, ben-10, Cleo_20)
and the name is not a usual promotion word (WELCOME10, SUMMER20).
"""

from __future__ import annotations

import re

from sqlalchemy import select

from shopify_roi.db import Database
from shopify_roi.models import Creator, DiscountCode
from shopify_roi.services.creators.codes import code_key
from shopify_roi.services.errors import ShopifyUnavailable
from shopify_roi.shopify_client import shop_discounts
from shopify_roi.shopify_client.admin import AdminClient, AdminError, ReauthorizeRequired
from shopify_roi.shopify_client.shop_discounts import ShopCode

_CREATOR_LIKE = re.compile(r"([A-Za-z]{2,30})[-_]?([0-9]{1,3})")
_PROMOTION_WORDS = {
    "WELCOME", "SALE", "SUMMER", "WINTER", "SPRING", "FALL", "AUTUMN", "BLACKFRIDAY", "CYBER", "BF",
    "XMAS", "HOLIDAY", "HOLIDAYS", "FREESHIP", "SAVE", "OFF", "VIP", "NEWS", "NEWSLETTER", "FIRST",
    "THANKS", "BDAY", "BIRTHDAY", "EXTRA", "GIFT", "SORRY", "EASTER", "NEWYEAR", "CODE", "PROMO", "DISCOUNT",
}  # fmt: skip
BASIC = "DiscountCodeBasic"


def read_shop(client: AdminClient) -> list[ShopCode]:
    """Every code discount of the shop; ShopifyUnavailable when Shopify does not answer (a token the shop
    no longer accepts still asks the merchant to open the app again)."""
    try:
        return shop_discounts.list_codes(client)
    except ReauthorizeRequired:
        raise
    except AdminError as exc:
        raise ShopifyUnavailable(f"Shopify did not list the shop's discount codes: {exc}") from exc


def suggest(code: str | None) -> dict | None:
    """{"handle", "name"} for a code that looks like a creator's (ANNA15 -> anna / Anna), else None."""
    match = _CREATOR_LIKE.fullmatch((code or "").strip())
    if match is None or match.group(1).upper() in _PROMOTION_WORDS:
        return None
    return {"handle": match.group(1).lower(), "name": match.group(1).capitalize()}


def linked_codes(session, shop_id: int) -> dict[str, str]:
    """Shopify discount id or upper-cased code text -> the handle of the creator whose live code it is."""
    rows = session.execute(
        select(DiscountCode.shopify_discount_id, DiscountCode.code_key, Creator.handle)
        .join(Creator, (Creator.id == DiscountCode.creator_id) & (Creator.shop_id == DiscountCode.shop_id))
        .where(DiscountCode.shop_id == shop_id, DiscountCode.code_key.is_not(None))
    )
    out: dict[str, str] = {}
    for discount_id, key, handle in rows:
        out[key] = handle
        if discount_id:
            out[discount_id] = handle
    return out


def why_not(code: ShopCode, linked: dict[str, str]) -> str | None:
    """Why a code cannot be adopted, in words, or None when it can."""
    if code.kind != BASIC or code.value_type is None:
        return "Only amount-off codes (percentage or fixed amount on the whole order) can be adopted."
    if not code.code:
        return "This discount has no code."
    owner = linked.get(code.discount_id) or linked.get(code_key(code.code))
    if owner is not None:
        return f"Already @{owner}'s code in Creator ROI."
    return None


def _json(code: ShopCode, linked: dict[str, str]) -> dict:
    reason = why_not(code, linked)
    return {
        "discount_id": code.discount_id,
        "code": code.code,
        "title": code.title,
        "kind": code.kind,
        "status": code.status,
        "codes_count": code.codes_count,
        "usage_count": code.usage_count,
        "value_type": code.value_type,
        "value": str(code.value) if code.value is not None else None,
        "starts_at": code.starts_at.isoformat() if code.starts_at else None,
        "ends_at": code.ends_at.isoformat() if code.ends_at else None,
        "linked_to": linked.get(code.discount_id) or (linked.get(code_key(code.code)) if code.code else None),
        "adoptable": reason is None,
        "reason": reason,
        "suggested": suggest(code.code) if reason is None else None,
    }


def existing(db: Database, client: AdminClient, shop_id: int) -> list[dict]:
    """The shop's code discounts: adoptable ones that look like a creator's first (most used first), then
    the other adoptable ones, then those that cannot be adopted (with the reason)."""
    remote = read_shop(client)
    with db.session() as session:
        linked = linked_codes(session, shop_id)
    rows = [_json(c, linked) for c in remote]
    rows.sort(key=lambda r: (not r["adoptable"], r["suggested"] is None, -r["usage_count"], r["code"] or ""))
    return rows
