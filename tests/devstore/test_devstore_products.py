"""Products, variants and their inventory items' unit cost through Admin GraphQL (what seeding cost reads)."""

from __future__ import annotations

import requests
from devstore_support import Api

QUERY = """query Cost($id: ID!) { productVariant(id: $id) { id title sku displayName
  product { title } inventoryItem { unitCost { amount currencyCode } } } }"""


def _shop_with(devstore, domain: str, scopes: str) -> tuple[Api, str]:
    devstore.control.create_shop(domain, currency="EUR", scopes=scopes)
    api = Api(devstore, domain)
    token = api.exchange(devstore.control.session_token(domain, sub="42")).json()["access_token"]
    return api, token


def _product(devstore, domain: str, unit_cost) -> dict:
    resp = requests.post(
        f"{devstore.url}/_devstore/shops/{domain}/products",
        timeout=60,
        json={
            "title": "Trail shoe",
            "variants": [{"title": "42", "sku": "TS-42", "price": "80.00", "unit_cost": unit_cost}],
        },
    )
    assert resp.status_code == 201, resp.text
    return resp.json()["product"]["variants"][0]


def test_variant_with_its_unit_cost(devstore):
    api, token = _shop_with(devstore, "cost.myshopify.com", "read_products,read_inventory")
    variant = _product(devstore, "cost.myshopify.com", "31.5")
    body = api.graphql(QUERY, token, variables={"id": variant["gid"]}).json()
    assert "errors" not in body, body
    assert body["data"]["productVariant"] == {
        "id": variant["gid"],
        "title": "42",
        "sku": "TS-42",
        "displayName": "Trail shoe - 42",
        "product": {"title": "Trail shoe"},
        "inventoryItem": {"unitCost": {"amount": "31.50", "currencyCode": "EUR"}},
    }


def test_no_cost_recorded_unknown_variant_and_missing_scope(devstore):
    api, token = _shop_with(devstore, "nocost.myshopify.com", "read_products,read_inventory")
    variant = _product(devstore, "nocost.myshopify.com", None)
    body = api.graphql(QUERY, token, variables={"id": variant["gid"]}).json()
    assert body["data"]["productVariant"]["inventoryItem"] == {"unitCost": None}
    missing = api.graphql(QUERY, token, variables={"id": "gid://shopify/ProductVariant/999999999"}).json()
    assert missing["data"] == {"productVariant": None}
    api2, token2 = _shop_with(devstore, "noinv.myshopify.com", "read_products")
    variant2 = _product(devstore, "noinv.myshopify.com", "10")
    denied = api2.graphql(QUERY, token2, variables={"id": variant2["gid"]}).json()
    assert denied["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    assert "read_inventory" in denied["errors"][0]["message"]


ORDER_COST = """query OrderCost($id: ID!) { node(id: $id) { ... on Order { name lineItems(first: 10) {
  nodes { title currentQuantity variant { id inventoryItem { unitCost { amount currencyCode } } } } } } } }"""


def test_an_orders_lines_name_their_variant_and_its_cost(devstore):
    """LineItem.variant: the variant sold (null for a line naming none, or a variant the shop no longer has);
    a ProductVariant needs read_products, as productVariant(id:) does."""
    domain = "lines.myshopify.com"
    api, token = _shop_with(devstore, domain, "read_orders,read_products,read_inventory")
    variant = _product(devstore, domain, "12.00")
    order = devstore.control.create_order(
        domain,
        line_items=[
            {"title": "Trail shoe", "price": "80.00", "quantity": 2, "variant_id": variant["id"]},
            {"title": "Custom engraving", "price": "5.00", "quantity": 1},
            {"title": "Old shoe", "price": "60.00", "quantity": 1, "variant_id": 999999999},
        ],
    )
    gid = f"gid://shopify/Order/{order['id']}"
    body = api.graphql(ORDER_COST, token, variables={"id": gid}).json()
    assert "errors" not in body, body
    lines = body["data"]["node"]["lineItems"]["nodes"]
    assert lines == [
        {
            "title": "Trail shoe",
            "currentQuantity": 2,
            "variant": {
                "id": variant["gid"],
                "inventoryItem": {"unitCost": {"amount": "12.00", "currencyCode": "EUR"}},
            },
        },
        {"title": "Custom engraving", "currentQuantity": 1, "variant": None},
        {"title": "Old shoe", "currentQuantity": 1, "variant": None},
    ]
    api2, token2 = _shop_with(devstore, "lines-noproducts.myshopify.com", "read_orders")
    order2 = devstore.control.create_order(
        "lines-noproducts.myshopify.com", line_items=[{"title": "Shoe", "price": "80.00", "quantity": 1}]
    )
    denied = api2.graphql(ORDER_COST, token2, variables={"id": f"gid://shopify/Order/{order2['id']}"}).json()
    assert denied["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    assert "read_products" in denied["errors"][0]["message"]
