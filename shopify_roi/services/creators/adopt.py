"""Adopting the shop's existing codes: each chosen code is linked to a new creator without asking the shop
to create or change anything (the only call is the read of `codeDiscountNodes`).

Row by row, like the CSV import: a row that cannot be adopted (a discount not in this shop, a kind the app
does not handle, a code already linked, a handle taken or repeated, invalid fields) is refused alone with
its reason. Adopting the same code for the same handle again is `unchanged` (idempotent). An adopted code
is an ordinary active or paused code from then on: it attributes past and future orders, and pauses and
rotates like the app's own (code_changes.py).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopify_roi.db import Database, utcnow
from shopify_roi.models import Creator, DiscountCode
from shopify_roi.models.discount import ACTIVE, PAUSED
from shopify_roi.services.creators import codes, profiles, shop_codes
from shopify_roi.services.errors import Invalid
from shopify_roi.shopify_client.admin import AdminClient
from shopify_roi.shopify_client.shop_discounts import ShopCode

MAX_ROWS = 250


class Refused(Exception):
    """One row cannot be adopted; the message says why."""


def parse_rows(body) -> list[dict]:
    """The request's rows: `{"codes": [{"discount_id", "handle", "name", "commission_percent"}, ...]}`."""
    rows = body.get("codes") if isinstance(body, dict) else None
    if not isinstance(rows, list) or not rows:
        raise Invalid('Send {"codes": [...]}: the codes to adopt, each with discount_id, handle and name.')
    if len(rows) > MAX_ROWS:
        raise Invalid(f"At most {MAX_ROWS} codes at a time.")
    return rows


def adopt(db: Database, client: AdminClient, shop_id: int, rows: list) -> list[dict]:
    """Adopt each row; returns one result per row: adopted | unchanged | refused (with `error`).

    Idempotent; each row commits or fails alone (a savepoint each); nothing is sent to the shop but reads.
    """
    remote = {c.discount_id: c for c in shop_codes.read_shop(client)}
    results: list[dict] = []
    seen: set[str] = set()
    with db.session() as session:
        for index, row in enumerate(rows, start=1):
            discount_id = str(row.get("discount_id") or "") if isinstance(row, dict) else ""
            result = {"row": index, "discount_id": discount_id, "code": None, "handle": None}
            try:
                code = remote.get(discount_id)
                if code is None:
                    raise Refused("No such code discount in your shop.")
                result["code"] = code.code
                with session.begin_nested():
                    result["handle"], result["status"] = _adopt_one(session, shop_id, code, row, seen)
                result["error"] = None
            except (Refused, Invalid) as exc:
                fields = getattr(exc, "fields", None) or {}
                detail = "; ".join(f"{name} {why}" for name, why in fields.items())
                result.update(status="refused", error=f"{exc} {detail}".strip())
            except IntegrityError:
                result.update(status="refused", error="Someone adopted this code or handle a moment ago.")
            results.append(result)
    return results


def _adopt_one(session: Session, shop_id: int, code: ShopCode, row: dict, seen: set[str]) -> tuple[str, str]:
    data = {k: row.get(k) for k in ("handle", "name", "commission_percent") if row.get(k) is not None}
    fields = profiles.parse_creator(data)
    if fields.handle in seen:
        raise Refused(f"@{fields.handle} appears twice in this request.")
    seen.add(fields.handle)
    linked = shop_codes.linked_codes(session, shop_id)
    owner = linked.get(code.discount_id) or (linked.get(codes.code_key(code.code)) if code.code else None)
    if owner == fields.handle:
        return fields.handle, "unchanged"
    reason = shop_codes.why_not(code, linked)
    if reason is not None:
        raise Refused(reason)
    if profiles.find_creator(session, shop_id, fields.handle) is not None:
        raise Refused(f"@{fields.handle} already exists in Creator ROI; choose another handle.")
    creator = Creator(shop_id=shop_id, handle=fields.handle, name=fields.name)
    session.add(creator)
    session.flush()
    profiles.apply_fields(session, shop_id, creator, fields)
    session.add(_code_row(shop_id, creator.id, code))
    session.flush()
    return fields.handle, "adopted"


def _code_row(shop_id: int, creator_id: int, code: ShopCode) -> DiscountCode:
    """The shop's discount as the app's row: the terms as Shopify shows them, its ids, adopted now."""
    order, product, shipping = code.combines
    now = utcnow()
    return DiscountCode(
        shop_id=shop_id,
        creator_id=creator_id,
        code=code.code,
        code_key=codes.code_key(code.code),
        attribution_key=codes.code_key(code.code),
        status=PAUSED if code.status == "EXPIRED" else ACTIVE,
        shopify_discount_id=code.discount_id,
        shopify_code_id=code.code_id,
        shopify_status=code.status,
        value_type=code.value_type,
        value=code.value,
        starts_at=code.starts_at,
        ends_at=code.ends_at,
        usage_limit=code.usage_limit,
        once_per_customer=code.once_per_customer,
        combines_with_order=order,
        combines_with_product=product,
        combines_with_shipping=shipping,
        note="adopted from the Shopify admin",
        synced_at=now,
        adopted_at=now,
    )
