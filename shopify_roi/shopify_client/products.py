"""A product variant's cost per item (`InventoryItem.unitCost`): the COGS of gifted (seeding) product."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from shopify_roi.shopify_client.admin import AdminClient, AdminError, load_query

VARIANT_GID = re.compile(r"^gid://shopify/ProductVariant/\d{1,20}$")


class CostUnavailable(AdminError):
    """Shopify has no usable cost for the variant (unknown variant, no cost recorded, no access)."""


@dataclass(frozen=True)
class VariantCost:
    variant_id: str
    name: str
    unit_cost: Decimal
    currency: str


def variant_gid(value) -> str | None:
    """A ProductVariant GID from a GID or a bare numeric id (what the admin's URL shows); None if neither."""
    text = str(value or "").strip()
    if text.isdigit() and len(text) <= 20:
        text = f"gid://shopify/ProductVariant/{text}"
    return text if VARIANT_GID.match(text) else None


def _costs(client: AdminClient, query: str, operation: str, gid: str, enter: str) -> dict:
    """Run a cost query; a scope the shop has not granted becomes CostUnavailable, saying what to `enter`."""
    try:
        return client.execute(load_query(query), {"id": gid}, operation)
    except AdminError as exc:
        if "read_inventory" in str(exc) or "read_products" in str(exc):
            raise CostUnavailable(
                "The shop has not granted Creator ROI access to product costs "
                f"(read_products and read_inventory): enter the {enter} instead."
            ) from exc
        raise


def unit_cost(client: AdminClient, gid: str) -> VariantCost:
    data = _costs(client, "variant_cost", "VariantCost", gid, "unit cost")
    variant = data.get("productVariant")
    if not variant:
        raise CostUnavailable("No product variant with that id in this shop.")
    cost = (variant.get("inventoryItem") or {}).get("unitCost") or {}
    if cost.get("amount") is None:
        raise CostUnavailable(
            f"Shopify has no cost per item for {variant.get('displayName') or gid}: "
            "enter the unit cost instead (or add it to the product in Shopify)."
        )
    return VariantCost(
        variant["id"],
        variant.get("displayName") or "",
        Decimal(str(cost["amount"])),
        str(cost.get("currencyCode") or ""),
    )


@dataclass(frozen=True)
class OrderCost:
    """A seeding order's product at cost: each line (title, units, cost per unit) and their sum."""

    lines: tuple[tuple[str, int, Decimal], ...]
    currency: str

    @property
    def total(self) -> Decimal:
        return sum((units * cost for _, units, cost in self.lines), Decimal(0))


def order_cost(client: AdminClient, order_id: str) -> OrderCost:
    """The order's lines at Shopify's cost per item (`LineItem.variant.inventoryItem.unitCost`), lines with no
    unit left (removed by an edit) left out; CostUnavailable naming the first line Shopify has no cost for."""
    data = _costs(
        client, "order_seeding_cost", "OrderSeedingCost", f"gid://shopify/Order/{order_id}", "product cost"
    )
    order = data.get("node")
    if not order:
        raise CostUnavailable("Shopify has no such order (deleted?): enter the product cost instead.")
    lines, currencies = [], set()
    for line in (order.get("lineItems") or {}).get("nodes") or []:
        units = int(line.get("currentQuantity") or 0)
        if units <= 0:
            continue
        cost = ((line.get("variant") or {}).get("inventoryItem") or {}).get("unitCost") or {}
        if cost.get("amount") is None:
            raise CostUnavailable(
                f"Shopify has no cost per item for {line.get('title') or 'a line'} of {order.get('name')}: "
                "enter the product cost instead (or add the cost to the product in Shopify)."
            )
        currencies.add(str(cost.get("currencyCode") or ""))
        lines.append((str(line.get("title") or ""), units, Decimal(str(cost["amount"]))))
    return OrderCost(tuple(lines), next(iter(currencies)) if len(currencies) == 1 else "")
