"""``productVariant(id:)`` with its product and inventory item (``unitCost``, Shopify's cost per item).

A variant needs ``read_products``; its inventory item's ``unitCost`` needs ``read_inventory`` too
(without it Shopify answers the field with an access-denied error and null).
"""

from __future__ import annotations

from graphql import GraphQLError

from devstore.admin.engine import query
from devstore.admin.resolvers.nodes import GID_RE, node_loader
from devstore.store import products


def _granted(info) -> set[str]:
    return {s.strip() for s in info.context.scopes.split(",") if s.strip()}


def _variant_json(info, record: dict) -> dict:
    ctx = info.context
    product = ctx.shop.records.get(products.KIND, {}).get(record["product_id"], {})
    return {
        "__typename": "ProductVariant",
        "id": record["gid"],
        "title": record["title"],
        "sku": record["sku"] or None,
        "price": record["price"],
        "displayName": f"{product.get('title', '')} - {record['title']}",
        "product": {"id": product.get("gid"), "title": product.get("title")},
        "inventoryItem": {
            "id": f"gid://shopify/InventoryItem/{record['inventory_item_id']}",
            "sku": record["sku"] or None,
            "tracked": True,
            "unitCost": _unit_cost(record["unit_cost"], ctx.shop.currency),
        },
    }


def _unit_cost(cost: str | None, currency: str):
    def resolve(info):
        if not _granted(info) & {"read_inventory", "write_inventory"}:
            raise GraphQLError(
                "Access denied for unitCost field. Required access: `read_inventory` access scope.",
                extensions={"code": "ACCESS_DENIED"},
            )
        return None if cost is None else {"amount": cost, "currencyCode": currency}

    return resolve


@node_loader("ProductVariant")
def load_variant(info, numeric_id: int) -> dict | None:
    record = products.variant(info.context.store, info.context.shop, numeric_id)
    return None if record is None else _variant_json(info, record)


def require_products(info, field: str = "productVariant") -> None:
    if not _granted(info) & {"read_products", "write_products"}:
        raise GraphQLError(
            f"Access denied for {field} field. Required access: `read_products` access scope.",
            extensions={"code": "ACCESS_DENIED"},
        )


@query("productVariant")
def resolve_product_variant(_root, info, id):
    require_products(info)
    if GID_RE.match(str(id)) is None or not str(id).startswith("gid://shopify/ProductVariant/"):
        raise GraphQLError(f"Invalid global id '{id}'")
    return load_variant(info, int(str(id).rsplit("/", 1)[1]))
