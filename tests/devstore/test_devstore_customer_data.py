"""Protected customer data as "Work with protected customer data" describes it: level 1 for
orders and customers, level 2 field by field for name, email, phone and address; what an app
approved for less gets from the Admin API and in its webhooks."""

from __future__ import annotations

import json

import pytest
from devstore_order_support import line
from devstore_support import APP_TOML

from devstore.testing import ControlError

NOT_APPROVED = (
    "This app is not approved to access the {} object. See "
    "https://partners.shopify.com/3100001/apps/4100001/customer_data for more details."
)
REFUSED = (
    "This app is not approved to subscribe to webhook topics containing protected customer data. "
    "See https://shopify.dev/docs/apps/launch/protected-customer-data for more details."
)


@pytest.fixture
def installed(devstore, shop, receiver, tokens):
    return shop


def _order(devstore, shop) -> dict:
    return devstore.control.create_order(shop, customer_id=42, line_items=[line()], silent=True)


def _bodies(receiver, topic: str) -> list[dict]:
    return [json.loads(r["body"]) for r in receiver.received if r["headers"]["X-Shopify-Topic"] == topic]


def test_the_default_approval_is_level_1_what_the_app_asks_for(devstore):
    assert devstore.control.customer_data() == {"level": 1, "approved": ["customer_data"]}
    assert devstore.control.customer_data(level=2, fields=["email"]) == {
        "level": 2,
        "approved": ["customer_data", "email"],
    }
    with pytest.raises(ControlError):
        devstore.control.customer_data(level=2, fields=["shoe_size"])


def test_level_1_webhooks_carry_the_customer_id_but_no_name_email_phone_or_street(
    devstore, installed, receiver
):
    order = devstore.control.create_order(installed, customer_id=42, line_items=[line()])
    [body] = _bodies(receiver, "orders/create")
    assert body["customer"]["id"] == order["customer"]["id"] and body["total_price"] == "40.00"
    assert body["email"] is None and body["contact_email"] is None
    assert body["customer"]["email"] is None and body["customer"]["first_name"] is None
    assert body["customer"]["default_address"]["address1"] is None
    for side in ("billing_address", "shipping_address"):
        address = body[side]
        assert [address[k] for k in ("first_name", "last_name", "name", "address1", "zip", "phone")] == [
            None
        ] * 6
        # only the street, zip, geolocation, names and phone are protected: the rest stays
        assert (address["city"], address["country_code"], address["province_code"]) == (
            "Springfield",
            "US",
            "IL",
        )


def test_level_2_fields_are_sent_one_by_one_as_approved(devstore, installed, receiver):
    devstore.control.customer_data(level=2, fields=["email"])
    devstore.control.create_order(installed, customer_id=42, line_items=[line()])
    [body] = _bodies(receiver, "orders/create")
    assert body["email"] == body["customer"]["email"] == "customer42@example.com"
    assert body["customer"]["first_name"] is None and body["billing_address"]["address1"] is None


def test_without_level_1_an_app_subscribing_to_order_topics_gets_no_webhooks_at_all(
    devstore, installed, receiver
):
    devstore.control.customer_data(level=0)
    devstore.control.create_order(installed, line_items=[line()])
    devstore.control.send_webhook(installed, "app/uninstalled")
    assert receiver.received == []  # shopify app deploy refuses the whole configuration
    assert {d["error"] for d in devstore.control.deliveries(installed)} == {REFUSED}


def test_without_level_1_a_configuration_without_protected_topics_is_delivered(
    devstore, shop, receiver, config
):
    config.app_toml.write_text(
        APP_TOML.split('  [[webhooks.subscriptions]]\n  topics = [ "orders/create"')[0]
    )
    devstore.control.customer_data(level=0)
    assert devstore.control.send_webhook(shop, "app/uninstalled")["status_code"] == 200


def test_without_level_1_orders_and_customers_are_refused_with_shopifys_error(api, tokens, devstore, shop):
    order = _order(devstore, shop)
    devstore.control.customer_data(level=0)
    body = api.graphql("{ orders(first: 5) { nodes { id } } }", tokens["access_token"]).json()
    assert body["data"] is None  # orders is non-null: its null takes the whole answer
    assert body["errors"][0]["message"] == NOT_APPROVED.format("Order")
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED" and body["errors"][0]["path"] == [
        "orders"
    ]
    customer = order["customer"]["admin_graphql_api_id"]
    body = api.graphql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { numberOfOrders } } }",
        tokens["access_token"],
        {"ids": [customer]},
    ).json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == NOT_APPROVED.format("Customer")


def test_level_1_reads_orders_with_unapproved_fields_redacted(api, tokens, devstore, shop):
    order = _order(devstore, shop)
    query = "{ orders(first: 5) { nodes { id email customer { id } } } }"
    body = api.graphql(query, tokens["access_token"]).json()
    [node] = body["data"]["orders"]["nodes"]
    assert node == {
        "id": order["admin_graphql_api_id"],
        "email": None,
        "customer": {"id": order["customer"]["admin_graphql_api_id"]},
    }
    [error] = body["errors"]
    assert error["message"] == NOT_APPROVED.format("Order") and error["path"] == [
        "orders",
        "nodes",
        0,
        "email",
    ]
    devstore.control.customer_data(level=2, fields=["email"])
    body = api.graphql(query, tokens["access_token"]).json()
    assert "errors" not in body and body["data"]["orders"]["nodes"][0]["email"] == "customer42@example.com"
