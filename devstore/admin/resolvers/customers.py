"""``node(id:)`` / ``nodes(ids:)`` for ``Customer`` GIDs: the customers the shop's orders made
(``devstore.orders.customers.customer_for``), with ``numberOfOrders``: every order the customer placed in the
shop, test orders left out, whatever its age (the 60-day window of ``read_all_orders`` limits
*orders*, not this count). Needs ``read_customers`` (or ``write_customers``) and the app's level 1
approval for protected customer data (``customer_data``).
"""

from __future__ import annotations

from graphql import GraphQLError

from devstore.admin import customer_data
from devstore.admin.resolvers import metafields
from devstore.admin.resolvers.nodes import node_loader
from devstore.orders import customers, order_records


def _granted(info) -> set[str]:
    return {s.strip() for s in info.context.scopes.split(",") if s.strip()}


@node_loader("Customer")
def load_customer(info, numeric_id: int) -> dict | None:
    if not _granted(info) & {"read_customers", "write_customers"}:
        raise GraphQLError(
            "Access denied for customer field. Required access: `read_customers` access scope.",
            extensions={"code": "ACCESS_DENIED"},
        )
    customer_data.require_object(info, "Customer")  # level 1 protected customer data
    placed = _orders_by_customer(info.context)
    if numeric_id not in placed:
        return None
    return {
        "__typename": "Customer",
        "id": f"gid://shopify/Customer/{numeric_id}",
        "legacyResourceId": str(numeric_id),
        "numberOfOrders": str(placed[numeric_id]),
        "metafield": metafields.reader(f"gid://shopify/Customer/{numeric_id}"),
    }


def _orders_by_customer(ctx) -> dict[int, int]:
    """customer id -> orders placed (test orders left out), counted once per request (``nodes`` asks
    for many)."""
    cached = getattr(ctx, "_orders_by_customer", None)
    if cached is None:
        with ctx.store.lock:
            cached = {c["id"]: 0 for c in ctx.shop.records.get(customers.CUSTOMERS, {}).values()}
        for record in ctx.store.records(ctx.shop, order_records.KIND):
            rest = record["rest"]
            if not rest["test"] and rest["customer"]["id"] in cached:
                cached[rest["customer"]["id"]] += 1
        ctx._orders_by_customer = cached
    return cached
