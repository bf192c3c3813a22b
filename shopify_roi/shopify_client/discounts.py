"""Code discounts through the Admin GraphQL API (shopify-platform.md 3.1-3.2).

Plain values in, small dataclasses out. `percentage` is a 0-1 fraction in the API; the
`context: {all: ALL}` input is `@oneOf`; a duplicate code comes back as `userErrors` (HTTP 200).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from shopify_roi.shopify_client.admin import AdminClient, AdminError, load_query


@dataclass(frozen=True)
class CodeSpec:
    """What a creator's code should be. `value` is a fraction for percentage, money for fixed_amount."""

    code: str
    value_type: str
    value: Decimal
    title: str = ""
    tags: tuple[str, ...] = ()
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    usage_limit: int | None = None
    once_per_customer: bool = False
    combines_with_order: bool = False
    combines_with_product: bool = False
    combines_with_shipping: bool = True
    min_subtotal: Decimal | None = None


@dataclass(frozen=True)
class RemoteDiscount:
    id: str
    title: str
    status: str
    tags: tuple[str, ...] = ()
    codes: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (redeem code id, code)
    kind: str = "DiscountCodeBasic"

    @property
    def first_code(self) -> tuple[str, str] | tuple[None, None]:
        return self.codes[0] if self.codes else (None, None)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def basic_input(spec: CodeSpec) -> dict:
    """The `DiscountCodeBasicInput` for a spec (every field checked against the 2026-10 schema)."""
    if spec.value_type == "percentage":
        value = {"percentage": float(spec.value)}  # Float in the schema; a 0-1 fraction
    else:
        value = {"discountAmount": {"amount": str(spec.value), "appliesOnEachItem": False}}
    data = {
        "title": spec.title,
        "code": spec.code,
        "startsAt": _iso(spec.starts_at),
        "endsAt": _iso(spec.ends_at),
        "context": {"all": "ALL"},
        "customerGets": {"value": value, "items": {"all": True}},
        "appliesOncePerCustomer": spec.once_per_customer,
        "usageLimit": spec.usage_limit,
        "combinesWith": {
            "orderDiscounts": spec.combines_with_order,
            "productDiscounts": spec.combines_with_product,
            "shippingDiscounts": spec.combines_with_shipping,
        },
        "tags": list(spec.tags),
    }
    if spec.min_subtotal is not None:
        data["minimumRequirement"] = {"subtotal": {"greaterThanOrEqualToSubtotal": str(spec.min_subtotal)}}
    if data["startsAt"] is None:
        del data["startsAt"]  # Shopify starts it now
    return data


def _remote(node: dict | None) -> RemoteDiscount | None:
    if not node:
        return None
    body = node.get("codeDiscount") or {}
    codes = tuple((c.get("id"), c.get("code")) for c in ((body.get("codes") or {}).get("nodes") or []))
    return RemoteDiscount(
        id=node["id"],
        title=body.get("title", ""),
        status=body.get("status", ""),
        tags=tuple(body.get("tags") or ()),
        codes=codes,
        kind=body.get("__typename", ""),
    )


def find_by_code(client: AdminClient, code: str) -> RemoteDiscount | None:
    """The shop's code discount carrying `code` (Shopify matches case-insensitively), or None."""
    data = client.execute(load_query("code_discount_by_code"), {"code": code}, "CodeDiscountByCode")
    return _remote(data.get("codeDiscountNodeByCode"))


def create(client: AdminClient, spec: CodeSpec) -> RemoteDiscount:
    """Create a basic code discount; raises UserErrors (e.g. TAKEN) when Shopify refuses it."""
    payload = client.mutate(
        load_query("discount_code_basic_create"),
        {"input": basic_input(spec)},
        "discountCodeBasicCreate",
        "CreateCreatorCode",
    )
    return _remote(payload.get("codeDiscountNode"))


def set_active(client: AdminClient, discount_id: str, active: bool) -> str:
    """Activate or deactivate (pause) a code discount; returns its new status."""
    name, field_ = (
        ("discount_code_activate", "discountCodeActivate")
        if active
        else ("discount_code_deactivate", "discountCodeDeactivate")
    )
    payload = client.mutate(load_query(name), {"id": discount_id}, field_)
    return ((payload.get("codeDiscountNode") or {}).get("codeDiscount") or {}).get("status", "")


def delete(client: AdminClient, discount_id: str) -> str:
    payload = client.mutate(
        load_query("discount_code_delete"), {"id": discount_id}, "discountCodeDelete", "DeleteCode"
    )
    return payload.get("deletedCodeDiscountId") or discount_id


STATE_BATCH = 25  # ids per DiscountCodesState: 25 x 29 points = 725, under the 1,000-point cap


def fetch_many(client: AdminClient, ids: list[str]) -> dict[str, RemoteDiscount | None]:
    """Current state of many discounts by id (None for one that no longer exists).

    `STATE_BATCH` per call: each node asks for up to 25 codes, and a query may cost at most 1,000 points.
    """
    found: dict[str, RemoteDiscount | None] = {}
    for start in range(0, len(ids), STATE_BATCH):
        batch = ids[start : start + STATE_BATCH]
        data = client.execute(load_query("discount_codes_state"), {"ids": batch}, "DiscountCodesState")
        for requested, node in zip(batch, data.get("nodes") or [], strict=False):
            found[requested] = _remote(node) if node and node.get("id") else None
    return found


@dataclass(frozen=True)
class AddedCode:
    code: str
    redeem_code_id: str | None
    error: str | None


def add_codes(client: AdminClient, discount_id: str, codes: list[str], polls: int = 40) -> list[AddedCode]:
    """Add redeem codes to one discount (`discountRedeemCodeBulkAdd`, at most 250, asynchronous).

    Polls `discountRedeemCodeBulkCreation` until done; returns each code's outcome.
    """
    if len(codes) > 250:
        raise ValueError("at most 250 codes per call")
    payload = client.mutate(
        load_query("discount_redeem_code_bulk_add"),
        {"discountId": discount_id, "codes": [{"code": c} for c in codes]},
        "discountRedeemCodeBulkAdd",
        "AddRedeemCodes",
    )
    creation_id = (payload.get("bulkCreation") or {}).get("id")
    wait = 0.1
    for _ in range(polls):
        data = client.execute(
            load_query("discount_redeem_code_bulk_creation"), {"id": creation_id}, "RedeemCodeBulkCreation"
        )
        creation = data.get("discountRedeemCodeBulkCreation") or {}
        if creation.get("done"):
            out = []
            for node in (creation.get("codes") or {}).get("nodes") or []:
                made = node.get("discountRedeemCode") or {}
                errors = "; ".join(e.get("message", "") for e in node.get("errors") or [])
                out.append(
                    AddedCode(
                        node.get("code", ""), made.get("id"), errors or (None if made else "not created")
                    )
                )
            return out
        client.sleep(wait)
        wait = min(wait * 2, 2.0)
    raise AdminError(f"Shopify did not finish adding codes to {discount_id}")
