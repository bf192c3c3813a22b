"""How many orders a customer has placed in the shop in their lifetime (`Customer.numberOfOrders`).

Without `read_all_orders` the app sees only the last 60 days of orders, but `numberOfOrders` counts
them all: it is how the app learns that a customer it sees for the first time is not new (METRICS.md,
"New customer order"). Needs `read_customers` and the app's approval for protected customer data (level 1;
no protected field is read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shopify_roi.shopify_client.admin import AccessDenied, AdminClient, AdminError, load_query

BATCH = 50  # ids per request: ~2 points each, far under the 1,000-point cap of one query
CUSTOMER_ID = re.compile(r"^[0-9]{1,20}$")


class CustomersUnavailable(AdminError):
    """The shop has not granted `read_customers`."""


@dataclass(frozen=True)
class CustomerOrders:
    customer_id: str  # Shopify's numeric id, as orders carry it
    number_of_orders: int | None  # None: no such customer any more (deleted or merged in Shopify)


def gid(customer_id: str) -> str:
    return f"gid://shopify/Customer/{customer_id}"


def order_counts(client: AdminClient, customer_ids: list[str]) -> dict[str, CustomerOrders]:
    """customer id -> their lifetime order count, `BATCH` customers a request."""
    ids = [c for c in dict.fromkeys(customer_ids) if CUSTOMER_ID.match(c)]
    found: dict[str, CustomerOrders] = {}
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        try:
            data = client.execute(
                load_query("customer_order_counts"), {"ids": [gid(c) for c in batch]}, "CustomerOrderCounts"
            )
        except AccessDenied as exc:
            if exc.protected_customer_data:
                raise CustomersUnavailable(
                    "Shopify has not approved Creator ROI for protected customer data (level 1, requested in "
                    "the Partner Dashboard), so it will not say how many orders a customer placed: "
                    "new-customer figures "
                    f"rest on the orders the app can see. Shopify said: {exc}"
                ) from exc
            if "read_customers" in str(exc):
                raise CustomersUnavailable(
                    "The shop has not granted Creator ROI access to customers (read_customers): "
                    "new-customer figures rest on the orders the app can see."
                ) from exc
            raise
        for requested, node in zip(batch, data.get("nodes") or [], strict=False):
            if not node or node.get("__typename") != "Customer":
                found[requested] = CustomerOrders(requested, None)
                continue
            found[requested] = CustomerOrders(requested, int(node["numberOfOrders"]))
    return found
