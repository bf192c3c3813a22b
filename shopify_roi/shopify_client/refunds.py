"""The lines of refunds, read by their GIDs (`nodes(ids:)`) for a backfill.

Why not in the bulk query: Shopify's bulk validator refuses a connection within a list field ("Queries
that contain a connection field within a list field are not currently supported"), and `Order.refunds`
is a list while `Refund.refundLineItems` is a connection. No other bulk query reaches refund lines
within the limits: the Admin API has no top-level refunds connection (only `refund(id:)`), and the
path through connections (`orders > agreements > sales`) is three connections deep, where bulk
queries stop at two. So the bulk query keeps `refunds { id createdAt }` and the lines come from
ordinary queries, only for refunds the app does not hold already (see services/orders/backfill_refunds.py).

Cost (shopify.dev "GraphQL Admin API rate limits"): a single query may not exceed 1,000 points. A
refund asked for with `refundLineItems(first: 10)` is requested at 1 (the refund) + 2 + 10 x 6 (the
connection: its node, two MoneyBags with their shopMoney, the line item) = 63 points, so 14 refunds
a request = 882 (15 would be 945: too close to the cap for a calculation Shopify may round up). A
refund with more than 10 lines is paged alone, 100 lines a page (1 + 2 + 100 x 6 = 603). What is
charged is the actual cost (a refund of one line costs 1 + 2 + 6 = 9), at the shop's restore rate:
100 points/s on Standard, 1,000 on Plus; the client waits when Shopify answers THROTTLED.
"""

from __future__ import annotations

from shopify_roi.shopify_client.admin import AdminClient, AdminError, load_query

REFUNDS_PER_REQUEST = 14
LINES_FIRST_PAGE = 10
LINES_NEXT_PAGES = 100


def refund_lines(client: AdminClient, refund_gids: list[str]) -> dict[str, list[dict]]:
    """Refund GID -> all its `RefundLineItem` nodes (GraphQL shape: id, quantity, subtotalSet,
    totalTaxSet, lineItem { id }), for every GID given; raises AdminError if Shopify does not show one."""
    gids = list(dict.fromkeys(refund_gids))
    found: dict[str, list[dict]] = {}
    for start in range(0, len(gids), REFUNDS_PER_REQUEST):
        batch = gids[start : start + REFUNDS_PER_REQUEST]
        data = client.execute(
            load_query("refund_lines"), {"ids": batch, "lines": LINES_FIRST_PAGE}, "RefundLines"
        )
        nodes = data.get("nodes") or []
        if len(nodes) != len(batch):  # `nodes` answers one entry per id, in order
            raise AdminError(f"Shopify answered {len(nodes)} nodes for {len(batch)} refund ids")
        for gid, node in zip(batch, nodes, strict=False):
            found[gid] = _all_lines(client, gid, node)
    return found


def _all_lines(client: AdminClient, gid: str, node: dict | None) -> list[dict]:
    """The refund's lines: its first page, then the next pages while Shopify says there are more."""
    lines: list[dict] = []
    while True:
        if not node or node.get("__typename") != "Refund" or node.get("id") != gid:
            raise AdminError(f"Shopify does not show refund {gid} (its order is in the bulk result)")
        page = node["refundLineItems"]
        lines.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return lines
        data = client.execute(
            load_query("refund_lines_page"),
            {"id": gid, "lines": LINES_NEXT_PAGES, "after": page["pageInfo"]["endCursor"]},
            "RefundLinesPage",
        )
        node = data.get("node")
