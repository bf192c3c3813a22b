"""App-owned metafields as Shopify keeps them: definitions declared in shopify.app.toml, written with
metafieldsSet (25 at most, atomic, typed by the definition, compareDigest), read back on Order and Customer,
deleted with metafieldsDelete, and the owner's write scope required."""

from __future__ import annotations

from pathlib import Path

import pytest
from devstore_order_support import line
from devstore_support import APP_TOML, Api

from devstore import app_toml

DEFINITIONS = """
[order.metafields.app.creator]
name = "Creator"
type = "single_line_text_field"
access.admin = "merchant_read"
capabilities.analytics_queryable = true

[customer.metafields.app.first_order_date]
name = "First order date"
type = "date"
capabilities.analytics_queryable = true
"""
SET = """mutation Set($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) {
  metafields { namespace key type value compareDigest }
  userErrors { field message code elementIndex } } }"""
DELETE = """mutation Del($m: [MetafieldIdentifierInput!]!) { metafieldsDelete(metafields: $m) {
  deletedMetafields { key } userErrors { message } } }"""
READ = """query Read($o: ID!, $c: ID!) {
  order: node(id: $o) { ... on Order { metafield(namespace: "$app", key: "creator") { value type } } }
  customer: node(id: $c) { ... on Customer { metafield(key: "first_order_date") { value } } } }"""
APP_NAMESPACE = "app--4100001"  # the stand-in's app id (DevstoreConfig.app_id)


WRITER = "writer-shop.myshopify.com"
WRITE_SCOPES = "read_orders,write_orders,read_customers,write_customers"


@pytest.fixture
def api(devstore, config) -> Api:
    """A shop whose app was granted the write scopes, and the tests' TOML with the definitions."""
    config.app_toml.write_text(
        APP_TOML.replace('"read_orders,write_discounts,read_customers"', f'"{WRITE_SCOPES}"') + DEFINITIONS
    )
    devstore.control.create_shop(WRITER, scopes=WRITE_SCOPES)
    return Api(devstore, WRITER)


@pytest.fixture
def owners(devstore, api):
    order = devstore.control.create_order(WRITER, customer_id=42, line_items=[line()], silent=True)
    return order["admin_graphql_api_id"], order["customer"]["admin_graphql_api_id"]


def _token(api, devstore) -> str:
    return api.exchange(devstore.control.session_token(WRITER, sub="42")).json()["access_token"]


@pytest.fixture
def token(api, devstore, owners) -> str:
    return _token(api, devstore)


def _set(api, token, inputs) -> dict:
    body = api.graphql(SET, token, {"m": inputs}).json()
    assert "errors" not in body, body
    return body["data"]["metafieldsSet"]


def test_the_toml_declares_app_owned_definitions_as_shopify_cli_does(config):
    config.app_toml.write_text(APP_TOML + DEFINITIONS)
    definitions = app_toml.load(config.app_toml).metafields
    assert [(d.owner_type, d.key, d.type, d.analytics_queryable) for d in definitions] == [
        ("ORDER", "creator", "single_line_text_field", True),
        ("CUSTOMER", "first_order_date", "date", True),
    ]
    config.app_toml.write_text(APP_TOML + '[order.metafields.app.x]\nname = "X"\ntype = "rating_stars"\n')
    with pytest.raises(app_toml.AppTomlError):
        app_toml.load(config.app_toml)


def test_set_values_are_read_back_on_the_order_and_the_customer(api, token, owners):
    order, customer = owners
    done = _set(
        api,
        token,
        [
            {
                "ownerId": order,
                "namespace": "$app",
                "key": "creator",
                "type": "single_line_text_field",
                "value": "maya",
            },
            {"ownerId": customer, "key": "first_order_date", "value": "2026-11-30"},
        ],
    )
    assert done["userErrors"] == []
    assert [(m["namespace"], m["key"], m["type"]) for m in done["metafields"]] == [
        (APP_NAMESPACE, "creator", "single_line_text_field"),
        (APP_NAMESPACE, "first_order_date", "date"),
    ]
    read = api.graphql(READ, token, {"o": order, "c": customer}).json()["data"]
    assert read["order"]["metafield"] == {"value": "maya", "type": "single_line_text_field"}
    assert read["customer"]["metafield"] == {"value": "2026-11-30"}


def test_an_undeclared_key_a_wrong_type_or_a_bad_value_refuses_the_whole_call(api, token, owners):
    order, customer = owners
    good = {"ownerId": order, "key": "creator", "value": "maya"}
    cases = [
        (
            {"ownerId": order, "key": "coupon", "type": "single_line_text_field", "value": "x"},
            "INVALID",
            "key",
        ),
        (
            {"ownerId": order, "key": "creator", "type": "number_integer", "value": "7"},
            "INVALID_TYPE",
            "type",
        ),
        ({"ownerId": customer, "key": "first_order_date", "value": "30/11/2026"}, "INVALID_VALUE", "value"),
        ({"ownerId": order, "key": "creator", "value": "two\nlines"}, "INVALID_VALUE", "value"),
        ({"ownerId": "gid://shopify/Order/999", "key": "creator", "value": "maya"}, "INVALID", "ownerId"),
    ]
    for bad, code, field in cases:
        done = _set(api, token, [good, bad])
        assert [(e["code"], e["elementIndex"], e["field"]) for e in done["userErrors"]] == [
            (code, 1, ["metafields", "1", field])
        ], bad
        assert done["metafields"] == []
    read = api.graphql(READ, token, {"o": order, "c": customer}).json()["data"]
    assert read["order"]["metafield"] is None  # atomic: the good input was not written either


def test_more_than_25_metafields_in_one_call_are_refused(api, token, owners):
    order, _ = owners
    done = _set(api, token, [{"ownerId": order, "key": "creator", "value": f"c{i}"} for i in range(26)])
    assert [(e["code"], e["field"]) for e in done["userErrors"]] == [
        ("LESS_THAN_OR_EQUAL_TO", ["metafields"])
    ]
    assert (
        _set(api, token, [{"ownerId": order, "key": "creator", "value": f"c{i}"} for i in range(25)])[
            "userErrors"
        ]
        == []
    )


def test_compare_digest_guards_a_concurrent_write(api, token, owners):
    order, _ = owners
    first = _set(api, token, [{"ownerId": order, "key": "creator", "value": "maya", "compareDigest": None}])
    digest = first["metafields"][0]["compareDigest"]
    again = _set(api, token, [{"ownerId": order, "key": "creator", "value": "lee", "compareDigest": None}])
    assert [e["code"] for e in again["userErrors"]] == ["STALE_OBJECT"]
    assert (
        _set(api, token, [{"ownerId": order, "key": "creator", "value": "lee", "compareDigest": digest}])[
            "userErrors"
        ]
        == []
    )


def test_delete_answers_null_for_a_metafield_that_is_not_there(api, token, owners):
    order, customer = owners
    _set(api, token, [{"ownerId": order, "key": "creator", "value": "maya"}])
    ids = [
        {"ownerId": order, "namespace": "$app", "key": "creator"},
        {"ownerId": customer, "namespace": "$app", "key": "first_order_date"},
    ]
    body = api.graphql(DELETE, token, {"m": ids}).json()["data"]["metafieldsDelete"]
    assert body == {"deletedMetafields": [{"key": "creator"}, None], "userErrors": []}
    read = api.graphql(READ, token, {"o": order, "c": customer}).json()["data"]
    assert read["order"]["metafield"] is None


def test_writing_needs_the_owners_write_scope(devstore, api):
    devstore.control.create_shop(
        "reader-shop.myshopify.com", scopes="read_orders,read_customers,write_customers"
    )
    api = Api(devstore, "reader-shop.myshopify.com")
    token = api.exchange(devstore.control.session_token("reader-shop.myshopify.com", sub="42")).json()[
        "access_token"
    ]
    mine = devstore.control.create_order(
        "reader-shop.myshopify.com", customer_id=7, line_items=[line()], silent=True
    )
    order, customer = mine["admin_graphql_api_id"], mine["customer"]["admin_graphql_api_id"]
    body = api.graphql(SET, token, {"m": [{"ownerId": order, "key": "creator", "value": "maya"}]}).json()
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    assert "write_orders" in body["errors"][0]["message"]
    ok = api.graphql(
        SET, token, {"m": [{"ownerId": customer, "key": "first_order_date", "value": "2026-11-30"}]}
    )
    assert ok.json()["data"]["metafieldsSet"]["userErrors"] == []


def test_a_metafield_read_costs_one_point_and_a_set_ten(api, token, owners):
    order, customer = owners
    read = api.graphql(READ, token, {"o": order, "c": customer}).json()
    # node 1 + metafield 1, twice = 4 requested
    assert read["extensions"]["cost"]["requestedQueryCost"] == 4
    done = api.graphql(SET, token, {"m": [{"ownerId": order, "key": "creator", "value": "maya"}]}).json()
    assert done["extensions"]["cost"]["requestedQueryCost"] == 10  # "Mutation | 10"


DEFINITIONS_QUERY = """query Defs($owner: MetafieldOwnerType!) {
  metafieldDefinitions(ownerType: $owner, namespace: "$app", first: 10) {
    nodes { namespace key name type { name } access { admin }
            capabilities { analyticsQueryable { enabled eligible } } } } }"""


def test_the_apps_own_definitions_are_in_the_shop_and_queryable_in_analytics(api, config, token):
    """The app's real shopify.app.toml: what a merchant can group reports by and segment on."""
    repo_toml = Path(__file__).resolve().parents[2] / "shopify.app.toml"
    config.app_toml.write_text(repo_toml.read_text())

    def listed(owner: str) -> list[tuple]:
        body = api.graphql(DEFINITIONS_QUERY, token, {"owner": owner}).json()
        return [
            (
                n["namespace"],
                n["key"],
                n["type"]["name"],
                n["access"]["admin"],
                n["capabilities"]["analyticsQueryable"],
            )
            for n in body["data"]["metafieldDefinitions"]["nodes"]
        ]

    queryable = {"enabled": True, "eligible": True}
    assert listed("ORDER") == [
        (APP_NAMESPACE, "creator", "single_line_text_field", "MERCHANT_READ", queryable),
        (APP_NAMESPACE, "campaign", "single_line_text_field", "MERCHANT_READ", queryable),
        (APP_NAMESPACE, "attribution_rule", "single_line_text_field", "MERCHANT_READ", queryable),
    ]
    assert listed("CUSTOMER") == [
        (APP_NAMESPACE, "acquired_by", "single_line_text_field", "MERCHANT_READ", queryable),
        (APP_NAMESPACE, "first_order_date", "date", "MERCHANT_READ", queryable),
    ]
