"""Discount webhooks (signed, schema-valid, sent after each change), the control API's
admin-side discount edits, and faults (throttle, transient failures) on discount mutations."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from devstore_discount_support import (
    ACTIVATE,
    BULK_ADD,
    BY_CODE,
    CREATE,
    DEACTIVATE,
    DELETE,
    UPDATE,
    Admin,
    discount_input,
)
from jsonschema import Draft202012Validator

from devstore.testing import ControlError

SCHEMAS = Path(__file__).resolve().parents[1] / "payloads" / "webhook-schemas"
SECRET = "demo-api-secret-for-the-local-stand-in"


@pytest.fixture
def admin(api, tokens) -> Admin:
    return Admin(api, tokens["access_token"])


def wait_received(receiver, count: int, timeout: float = 5.0) -> list[dict]:
    """Mutations deliver in the background: wait until ``count`` webhooks arrived."""
    deadline = time.monotonic() + timeout
    while len(receiver.received) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(receiver.received) >= count, [d["headers"]["X-Shopify-Topic"] for d in receiver.received]
    return receiver.received[:count]


def check(delivery: dict, topic: str) -> dict:
    """The delivery is signed, on /webhooks/discounts, for ``topic``, and its body validates."""
    expected = base64.b64encode(hmac.new(SECRET.encode(), delivery["body"], hashlib.sha256).digest()).decode()
    assert hmac.compare_digest(expected, delivery["headers"]["X-Shopify-Hmac-Sha256"])
    assert delivery["headers"]["X-Shopify-Topic"] == topic
    assert delivery["path"] == "/webhooks/discounts"
    body = json.loads(delivery["body"])
    schema = json.loads((SCHEMAS / (topic.replace("/", "__") + ".json")).read_text())
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(body)] == []
    return body


def assert_shop_offset(stamp: str) -> None:
    moment = datetime.fromisoformat(stamp)
    assert moment.utcoffset() == moment.astimezone(ZoneInfo("America/New_York")).utcoffset()
    assert not stamp.endswith("Z")


def test_each_mutation_sends_its_signed_schema_valid_webhook(admin, receiver):
    node = admin.create("ANNA15")
    created = check(wait_received(receiver, 1)[0], "discounts/create")
    assert created["admin_graphql_api_id"] == node["id"]
    assert created["title"] == "Creator: @anna 15% off" and created["status"] == "ACTIVE"
    assert_shop_offset(created["created_at"])
    assert_shop_offset(created["updated_at"])

    admin(UPDATE, id=node["id"], input={"code": "ANNA20"})
    removed, added, updated = wait_received(receiver, 4)[1:4]
    old_code = check(removed, "discounts/redeemcode_removed")
    new_code = check(added, "discounts/redeemcode_added")
    assert old_code["redeem_code"]["code"] == "ANNA15" and new_code["redeem_code"]["code"] == "ANNA20"
    assert old_code["redeem_code"]["id"] == new_code["redeem_code"]["id"]
    assert new_code["admin_graphql_api_id"] == node["id"] and new_code["updated_at"].endswith("Z")
    assert check(updated, "discounts/update")["status"] == "ACTIVE"

    admin(DEACTIVATE, id=node["id"])
    assert check(wait_received(receiver, 5)[4], "discounts/update")["status"] == "EXPIRED"
    admin(ACTIVATE, id=node["id"])
    assert check(wait_received(receiver, 6)[5], "discounts/update")["status"] == "ACTIVE"

    admin(
        BULK_ADD,
        id=node["id"],
        codes=[{"code": "X1"}, {"code": "anna20"}, {"code": "X2"}],
    )
    bulk = [check(d, "discounts/redeemcode_added") for d in wait_received(receiver, 8)[6:8]]
    assert [b["redeem_code"]["code"] for b in bulk] == ["X1", "X2"]

    admin(DELETE, id=node["id"])
    deleted = check(wait_received(receiver, 9)[8], "discounts/delete")
    assert deleted["admin_graphql_api_id"] == node["id"]
    assert_shop_offset(deleted["deleted_at"])
    time.sleep(0.1)
    assert len(receiver.received) == 9  # nothing else (no webhook for the failed bulk code)


def test_refused_mutations_send_nothing(admin, receiver, devstore, shop):
    admin.create("ANNA15")
    wait_received(receiver, 1)
    admin(CREATE, input=discount_input("anna15"))
    admin(DEACTIVATE, id="gid://shopify/DiscountCodeNode/1")
    time.sleep(0.2)
    assert len(receiver.received) == 1
    assert [d["topic"] for d in devstore.control.deliveries(shop)] == ["discounts/create"]


def test_an_unreachable_app_does_not_fail_the_mutation(admin, devstore, shop, config):
    from devstore_support import APP_TOML

    config.app_toml.write_text(APP_TOML)  # app_url stays port 9: nothing listens
    node = admin.create()
    assert node["id"]
    [delivery] = devstore.control.wait_deliveries(shop, "discounts/create")
    assert delivery["sent"] is True and delivery["status_code"] is None and delivery["error"]


def test_admin_side_create_edit_delete_with_webhooks(devstore, shop, tokens, receiver, admin):
    made = devstore.control.create_discount(shop, "ANNA15", percentage=0.15, title="Anna in admin")
    assert made["codes"] == ["ANNA15"] and made["value"] == {"percentage": 0.15}
    assert made["createdBy"] == "admin" and made["status"] == "ACTIVE"
    assert [d["status_code"] for d in made["deliveries"]] == [200]
    check(receiver.received[0], "discounts/create")
    fixed = devstore.control.create_discount(shop, "TEN", amount="10.00")
    assert fixed["value"] == {"amount": "10.00", "appliesOnEachItem": False} and fixed["title"] == "TEN"
    with pytest.raises(ControlError) as taken:
        devstore.control.create_discount(shop, "anna15", percentage=0.1)
    assert taken.value.response.status_code == 422
    assert taken.value.response.json()["userErrors"][0]["code"] == "TAKEN"
    # the app sees the merchant's discount
    assert admin(BY_CODE, code="anna15")["codeDiscountNodeByCode"]["id"] == made["gid"]

    edited = devstore.control.edit_discount(shop, made["id"], code="ANNA30", active=False, title="Paused")
    assert (edited["codes"], edited["status"], edited["title"]) == (
        ["ANNA30"],
        "EXPIRED",
        "Paused",
    )
    topics = [d["headers"]["X-Shopify-Topic"] for d in receiver.received[2:]]
    assert topics == [
        "discounts/redeemcode_removed",
        "discounts/redeemcode_added",
        "discounts/update",
    ]
    assert check(receiver.received[4], "discounts/update")["status"] == "EXPIRED"

    gone = devstore.control.delete_discount(shop, made["id"])
    assert gone["deleted"] == made["gid"] and gone["deliveries"][0]["status_code"] == 200
    check(receiver.received[5], "discounts/delete")
    assert [d["codes"] for d in devstore.control.discounts(shop)] == [["TEN"]]
    with pytest.raises(ControlError) as missing:
        devstore.control.delete_discount(shop, made["id"])
    assert missing.value.response.status_code == 404


def test_no_discount_webhooks_without_a_discount_scope(devstore, receiver):
    devstore.control.create_shop("plain.myshopify.com", scopes="read_orders")  # never installed
    made = devstore.control.create_discount("plain.myshopify.com", "PLAIN5", percentage=0.05)
    [delivery] = made["deliveries"]
    assert delivery["status_code"] is None and "read_discounts" in delivery["error"]
    assert receiver.received == []


def test_hard_throttle_refuses_a_mutation_until_the_bucket_refills(admin, devstore, shop):
    devstore.control.faults(shop, throttle={"maximum": 15, "restore_rate": 1})
    admin.create("FIRST")  # 10 of 15 points
    body = admin.raw(CREATE, input=discount_input("SECOND"))
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert "data" not in body and body["extensions"]["cost"]["requestedQueryCost"] == 10
    assert [d["codes"] for d in devstore.control.discounts(shop)] == [["FIRST"]]
    devstore.control.faults(shop, throttle={"maximum": 15, "restore_rate": 1000})  # refilled: retry works
    admin.create("SECOND")


def test_transient_failures_apply_to_mutations(admin, devstore, shop):
    devstore.control.faults(shop, fail_next=2, status=502)
    for _ in range(2):
        response = admin.api.graphql(CREATE, admin.token, variables={"input": discount_input()})
        assert response.status_code == 502
    assert devstore.control.discounts(shop) == []
    admin.create()


def test_fail_every_kth_request(admin, devstore, shop):
    state = devstore.control.faults(shop, fail_every=3)
    assert state["faults"]["fail_every"] == 3
    statuses = [
        admin.api.graphql(CREATE, admin.token, variables={"input": discount_input(f"C{i}")}).status_code
        for i in range(6)
    ]
    assert statuses == [200, 200, 503, 200, 200, 503]
    assert len(devstore.control.discounts(shop)) == 4
    devstore.control.reset_faults(shop)
    assert devstore.control.shop(shop)["faults"]["fail_every"] == 0
