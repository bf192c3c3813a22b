"""A refund read on its own by GID (``nodes``, ``node``, ``refund``): its lines as a paged connection,
its order, null where the token may not see it."""

from __future__ import annotations

from devstore_bulk_support import gql
from devstore_order_support import line
from devstore_support import Api

LINES = """query Lines($ids: [ID!]!, $after: String) { nodes(ids: $ids) { __typename ... on Refund {
  id createdAt order { id }
  refundLineItems(first: 10, after: $after) {
    nodes { id quantity subtotalSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } }
      lineItem { id } }
    pageInfo { hasNextPage endCursor } } } } }"""


def refund_of_twelve_lines(devstore, shop, created_at="2026-11-01T10:00:00Z") -> tuple[dict, dict]:
    """An order of 12 lines (1.00 … 12.00, 10 % tax) refunded whole: a refund of 12 lines."""
    order = devstore.control.create_order(
        shop,
        created_at=created_at,
        tax_rate="0.1",
        line_items=[line(f"Item {n}", f"{n}.00") for n in range(1, 13)],
    )
    refund = devstore.control.refund_order(
        shop,
        order["id"],
        line_items=[{"line_item_id": li["id"], "quantity": 1} for li in order["line_items"]],
    )["refund"]
    return order, refund


def test_a_refunds_lines_come_in_pages_with_its_order(devstore, shop, api, tokens):
    devstore.control.set_clock(shop, "2026-11-20T00:00:00Z")
    order, refund = refund_of_twelve_lines(devstore, shop)
    token = tokens["access_token"]
    unknown = "gid://shopify/Refund/1"
    first = gql(api, token, LINES, ids=[refund["admin_graphql_api_id"], unknown])["nodes"]
    assert first[1] is None
    node = first[0]
    assert node["__typename"] == "Refund" and node["id"] == refund["admin_graphql_api_id"]
    assert node["order"] == {"id": order["admin_graphql_api_id"]}
    page = node["refundLineItems"]
    assert len(page["nodes"]) == 10 and page["pageInfo"]["hasNextPage"] is True
    # line n costs n.00, its tax 10 %: the first page holds lines 1..10
    assert [x["subtotalSet"]["shopMoney"]["amount"] for x in page["nodes"]] == [
        f"{n}.00" for n in range(1, 11)
    ]
    assert page["nodes"][2]["totalTaxSet"]["shopMoney"]["amount"] == "0.30"
    assert [x["lineItem"]["id"] for x in page["nodes"]] == [
        li["admin_graphql_api_id"] for li in order["line_items"][:10]
    ]
    rest = gql(api, token, LINES, ids=[refund["admin_graphql_api_id"]], after=page["pageInfo"]["endCursor"])[
        "nodes"
    ][0]
    more = rest["refundLineItems"]
    assert [x["subtotalSet"]["shopMoney"]["amount"] for x in more["nodes"]] == ["11.00", "12.00"]
    assert more["pageInfo"]["hasNextPage"] is False
    single = gql(
        api,
        token,
        "query R($id: ID!) { refund(id: $id) { id } node(id: $id) { id } }",
        id=refund["admin_graphql_api_id"],
    )
    assert single == {
        "refund": {"id": refund["admin_graphql_api_id"]},
        "node": {"id": refund["admin_graphql_api_id"]},
    }


def test_a_refund_of_an_order_older_than_60_days_is_null_without_read_all_orders(devstore, shop, api, tokens):
    _, refund = refund_of_twelve_lines(devstore, shop, created_at="2026-08-01T10:00:00Z")
    devstore.control.set_clock(shop, "2026-11-01T00:00:00Z")  # 92 days later
    assert gql(api, tokens["access_token"], LINES, ids=[refund["admin_graphql_api_id"]])["nodes"] == [None]


def test_refunds_need_read_orders(devstore, shop):
    other = "no-orders.myshopify.com"
    devstore.control.create_shop(other, scopes="read_customers")
    api = Api(devstore, other)
    token = api.exchange(devstore.control.session_token(other)).json()["access_token"]
    body = api.graphql(LINES, token, {"ids": ["gid://shopify/Refund/5"]}).json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "ACCESS_DENIED" and "`read_orders`" in error["message"]
