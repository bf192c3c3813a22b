"""The shop's own code discounts, listed page by page (`codeDiscountNodes`), for adopting them.

https://shopify.dev/docs/api/admin-graphql/latest/queries/codeDiscountNodes: a connection paginated
with `first`/`after` cursors, sorted by `ID`. Only reads: nothing here changes the shop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shopify_roi.shopify_client.admin import AdminClient, load_query

# Per node: DiscountCodeNode 1 + codeDiscount 1 + combinesWith 1 + customerGets 1 + value 1 + amount 1
# + codesCount 1 + codes (2 + 1) = 10; 50 a page -> 2 + 500 = 502 points, half the 1,000-point cap
# (https://shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits); the client waits when throttled.
PAGE = 50
MAX_PAGES = 200  # 10,000 discounts: a stop for a runaway cursor, far above a real shop's codes


@dataclass(frozen=True)
class ShopCode:
    """One code discount of the shop as Shopify shows it (a basic amount-off discount, or another kind)."""

    discount_id: str
    kind: str
    title: str
    status: str
    code_id: str | None
    code: str | None
    codes_count: int
    usage_count: int
    value_type: str | None  # percentage | fixed_amount | None (another kind of discount)
    value: Decimal | None  # a 0-1 fraction for percentage, money for fixed_amount
    starts_at: datetime | None
    ends_at: datetime | None
    usage_limit: int | None
    once_per_customer: bool
    combines: tuple[bool, bool, bool]  # order, product, shipping


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _value(gets: dict) -> tuple[str | None, Decimal | None]:
    value = gets.get("value") or {}
    if value.get("__typename") == "DiscountPercentage":
        return "percentage", Decimal(str(value["percentage"]))
    if value.get("__typename") == "DiscountAmount":
        return "fixed_amount", Decimal(str((value.get("amount") or {}).get("amount") or "0"))
    return None, None


def shop_code(node: dict) -> ShopCode:
    """A `DiscountCodeNode` of the listing as a ShopCode (another kind than basic: its id and kind)."""
    body = node.get("codeDiscount") or {}
    first = ((body.get("codes") or {}).get("nodes") or [{}])[0]
    combines = body.get("combinesWith") or {}
    value_type, value = _value(body.get("customerGets") or {})
    return ShopCode(
        discount_id=node["id"],
        kind=body.get("__typename", ""),
        title=body.get("title") or "",
        status=body.get("status") or "",
        code_id=first.get("id"),
        code=first.get("code"),
        codes_count=int((body.get("codesCount") or {}).get("count") or 0),
        usage_count=int(body.get("asyncUsageCount") or 0),
        value_type=value_type,
        value=value,
        starts_at=_time(body.get("startsAt")),
        ends_at=_time(body.get("endsAt")),
        usage_limit=body.get("usageLimit"),
        once_per_customer=bool(body.get("appliesOncePerCustomer")),
        combines=tuple(
            bool(combines.get(k)) for k in ("orderDiscounts", "productDiscounts", "shippingDiscounts")
        ),
    )


def list_codes(client: AdminClient) -> list[ShopCode]:
    """Every code discount of the shop, oldest id first, `PAGE` a call (throttling waits in the client)."""
    found: list[ShopCode] = []
    after = None
    for _ in range(MAX_PAGES):
        data = client.execute(
            load_query("code_discount_nodes"), {"first": PAGE, "after": after}, "CodeDiscountNodes"
        )
        page = data.get("codeDiscountNodes") or {}
        found.extend(shop_code(n) for n in page.get("nodes") or [] if n and n.get("id"))
        info = page.get("pageInfo") or {}
        if not info.get("hasNextPage") or not info.get("endCursor"):
            break
        after = info["endCursor"]
    return found
