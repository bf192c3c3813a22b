"""``refund(id:)``, ``node(id: Refund GID)`` and ``nodes(ids: [Refund GIDs])``: a refund read on its own,
in the shape of ``devstore.admin.resolvers.orders.refund`` plus its ``order``.

Access as for orders (``read_orders``); a refund of an order the token may not see (older than 60
days without ``read_all_orders``) is null, like the order. ``refundLineItems`` is a connection: outside
a bulk operation it needs ``first``/``last`` and pages with ``after``, as every Shopify connection.
Sources: the 2026-10 schema (``Refund implements Node``; ``QueryRoot.refund(id: ID!)``) and
shopify.dev "Refund" (https://shopify.dev/docs/api/admin-graphql/latest/objects/Refund).
"""

from __future__ import annotations

from devstore.admin.engine import query
from devstore.admin.resolvers.nodes import load, node_loader
from devstore.admin.resolvers.orders import order_node, refund, require_orders, visible


def _index(info) -> dict[int, tuple[dict, dict]]:
    """Refund id -> (REST refund, REST order) over the orders the token sees; built once per request."""
    ctx = info.context
    cached = getattr(ctx, "_devstore_refund_index", None)
    if cached is None:
        cached = {r["id"]: (r, rest) for rest in visible(info) for r in rest["refunds"]}
        ctx._devstore_refund_index = cached
    return cached


@node_loader("Refund")
def load_refund(info, numeric_id: int):
    require_orders(info)
    found = _index(info).get(numeric_id)
    if found is None:
        return None
    rest_refund, rest = found
    domain = info.context.shop.domain
    return {**refund(rest_refund, rest), "order": lambda _info, **_: order_node(rest, domain)}


@query("refund")
def resolve_refund(_root, info, id):
    """The refund with this GID, or null."""
    node = load(info, id)
    return node if node is None or node.get("__typename") == "Refund" else None
