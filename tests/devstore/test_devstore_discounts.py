"""Code discounts on the stand-in's Admin API: create, uniqueness, lookups, (de)activation,
deletion, bulk redeem codes and access scopes, spoken over plain HTTP like the app."""

from __future__ import annotations

import pytest
from devstore_discount_support import (
    ACTIVATE,
    BULK_ADD,
    BULK_QUERY,
    BY_CODE,
    CREATE,
    DEACTIVATE,
    DELETE,
    DISCOUNT_NODE,
    NODES,
    UPDATE,
    Admin,
    discount_input,
)
from devstore_support import Api


@pytest.fixture
def admin(api, tokens) -> Admin:
    return Admin(api, tokens["access_token"])


def test_create_answers_the_node_and_the_control_api_lists_it(admin, devstore, shop):
    node = admin.create()
    assert node["id"].startswith("gid://shopify/DiscountCodeNode/")
    basic = node["codeDiscount"]
    assert basic["__typename"] == "DiscountCodeBasic" and basic["status"] == "ACTIVE"
    assert basic["customerGets"]["value"] == {
        "__typename": "DiscountPercentage",
        "percentage": 0.15,
    }
    assert basic["customerGets"]["items"] == {
        "__typename": "AllDiscountItems",
        "allItems": True,
    }
    assert basic["startsAt"] == "2026-01-01T00:00:00Z" and basic["endsAt"] is None
    assert basic["codes"]["nodes"][0]["code"] == "ANNA15"
    assert basic["codes"]["nodes"][0]["id"].startswith("gid://shopify/DiscountRedeemCode/")
    assert basic["codesCount"] == {"count": 1}
    [listed] = devstore.control.discounts(shop)
    assert listed["gid"] == node["id"] and listed["codes"] == ["ANNA15"]
    assert listed["value"] == {"percentage": 0.15}
    assert listed["title"] == "Creator: @anna 15% off" and listed["status"] == "ACTIVE"
    assert listed["appliesOncePerCustomer"] is True and listed["usageLimit"] is None
    assert listed["combinesWith"] == {
        "orderDiscounts": False,
        "productDiscounts": False,
        "shippingDiscounts": True,
    }
    assert listed["minimumSubtotal"] is None and listed["createdBy"] == "app"


def test_fixed_amount_with_minimum_subtotal(admin, devstore, shop):
    value = {"discountAmount": {"amount": "10.00", "appliesOnEachItem": False}}
    node = admin.create(
        "TENOFF",
        customerGets={"value": value, "items": {"all": True}},
        minimumRequirement={"subtotal": {"greaterThanOrEqualToSubtotal": "50.00"}},
    )
    basic = node["codeDiscount"]
    assert basic["customerGets"]["value"] == {
        "__typename": "DiscountAmount",
        "amount": {"amount": "10.00", "currencyCode": "USD"},
        "appliesOnEachItem": False,
    }
    assert basic["minimumRequirement"] == {"greaterThanOrEqualToSubtotal": {"amount": "50.00"}}
    [listed] = devstore.control.discounts(shop)
    assert listed["value"] == {"amount": "10.00", "appliesOnEachItem": False}
    assert listed["minimumSubtotal"] == "50.00"


@pytest.mark.parametrize("again", ["ANNA15", "anna15", "Anna15"])
def test_a_used_code_is_taken_case_insensitively(admin, devstore, shop, again):
    admin.create("ANNA15")
    response = admin.api.graphql(CREATE, admin.token, variables={"input": discount_input(again)})
    assert response.status_code == 200
    payload = response.json()["data"]["discountCodeBasicCreate"]
    assert payload["codeDiscountNode"] is None
    assert payload["userErrors"] == [
        {
            "field": ["basicCodeDiscount", "code"],
            "code": "TAKEN",
            "message": "Code must be unique. Please try a different code.",
            "extraInfo": None,
        }
    ]
    assert len(devstore.control.discounts(shop)) == 1


@pytest.mark.parametrize(
    "overrides, field, code",
    [
        ({"code": ""}, ["basicCodeDiscount", "code"], "BLANK"),
        ({"code": "X" * 256}, ["basicCodeDiscount", "code"], "TOO_LONG"),
        (
            {"customerGets": {"value": {"percentage": 1.5}, "items": {"all": True}}},
            ["basicCodeDiscount", "customerGets", "value", "percentage"],
            "VALUE_OUTSIDE_RANGE",
        ),
        (
            {"endsAt": "2025-12-31T00:00:00Z"},
            ["basicCodeDiscount", "endsAt"],
            "END_DATE_BEFORE_START_DATE",
        ),
    ],
)
def test_validation_errors_are_user_errors(admin, devstore, shop, overrides, field, code):
    payload = admin(CREATE, input=discount_input(**overrides))["discountCodeBasicCreate"]
    assert payload["codeDiscountNode"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert devstore.control.discounts(shop) == []


def test_code_lookup_is_case_insensitive(admin):
    node = admin.create("ANNA15")
    for code in ("ANNA15", "anna15", "aNnA15"):
        assert admin(BY_CODE, code=code)["codeDiscountNodeByCode"]["id"] == node["id"]
    assert admin(BY_CODE, code="NOPE")["codeDiscountNodeByCode"] is None


def test_deactivate_expires_and_activate_revives(admin, devstore, shop):
    node = admin.create()
    off = admin(DEACTIVATE, id=node["id"])["discountCodeDeactivate"]
    assert off["userErrors"] == []
    assert off["codeDiscountNode"]["codeDiscount"]["status"] == "EXPIRED"
    assert off["codeDiscountNode"]["codeDiscount"]["endsAt"] is not None
    assert devstore.control.discounts(shop)[0]["status"] == "EXPIRED"
    on = admin(ACTIVATE, id=node["id"])["discountCodeActivate"]
    assert on["codeDiscountNode"]["codeDiscount"]["status"] == "ACTIVE"
    assert on["codeDiscountNode"]["codeDiscount"]["endsAt"] is None


def test_scheduled_until_it_starts(admin):
    node = admin.create(startsAt="2099-01-01T00:00:00Z")
    assert node["codeDiscount"]["status"] == "SCHEDULED"


def test_unknown_id_is_a_user_error(admin):
    payload = admin(DEACTIVATE, id="gid://shopify/DiscountCodeNode/1")["discountCodeDeactivate"]
    assert payload["codeDiscountNode"] is None
    assert payload["userErrors"] == [
        {"field": ["id"], "code": "INVALID", "message": "Discount does not exist"}
    ]


def test_update_renames_the_code_and_keeps_uniqueness(admin, devstore, shop):
    node = admin.create("ANNA15")
    admin.create("BOB10")
    clash = admin(UPDATE, id=node["id"], input={"code": "bob10"})["discountCodeBasicUpdate"]
    assert [e["code"] for e in clash["userErrors"]] == ["TAKEN"]
    renamed = admin(UPDATE, id=node["id"], input={"code": "ANNA20", "title": "Anna 20"})[
        "discountCodeBasicUpdate"
    ]
    assert renamed["userErrors"] == []
    basic = renamed["codeDiscountNode"]["codeDiscount"]
    assert basic["title"] == "Anna 20" and basic["codes"]["nodes"][0]["code"] == "ANNA20"
    assert basic["customerGets"]["value"]["percentage"] == 0.15  # untouched fields stay
    assert admin(BY_CODE, code="anna15")["codeDiscountNodeByCode"] is None
    assert [d["codes"] for d in devstore.control.discounts(shop)] == [
        ["ANNA20"],
        ["BOB10"],
    ]


def test_delete_makes_every_lookup_null(admin, devstore, shop):
    node = admin.create()
    payload = admin(DELETE, id=node["id"])["discountCodeDelete"]
    assert payload == {"deletedCodeDiscountId": node["id"], "userErrors": []}
    assert admin(NODES, ids=[node["id"]])["nodes"] == [None]
    assert admin(BY_CODE, code="ANNA15")["codeDiscountNodeByCode"] is None
    assert admin(DISCOUNT_NODE, id=node["id"]) == {
        "discountNode": None,
        "codeDiscountNode": None,
    }
    assert devstore.control.discounts(shop) == []
    again = admin(DELETE, id=node["id"])["discountCodeDelete"]
    assert again["deletedCodeDiscountId"] is None and again["userErrors"][0]["field"] == ["id"]
    admin.create("anna15")  # the code is free again


def test_nodes_and_discount_node(admin):
    node = admin.create()
    number = node["id"].rsplit("/", 1)[1]
    data = admin(NODES, ids=[node["id"], "gid://shopify/DiscountCodeNode/999"])
    assert data["nodes"] == [
        {
            "__typename": "DiscountCodeNode",
            "id": node["id"],
            "codeDiscount": {"title": "Creator: @anna 15% off"},
        },
        None,
    ]
    found = admin(DISCOUNT_NODE, id=node["id"])
    assert found["discountNode"] == {
        "id": f"gid://shopify/DiscountNode/{number}",
        "discount": {
            "__typename": "DiscountCodeBasic",
            "title": "Creator: @anna 15% off",
            "status": "ACTIVE",
        },
    }
    assert found["codeDiscountNode"] == {"id": node["id"]}


def test_bulk_add_is_queued_then_done_with_the_clash_failed(admin, devstore, shop):
    node = admin.create("ANNA15")
    codes = [
        {"code": "ANNA-A"},
        {"code": "anna15"},
        {"code": "ANNA-B"},
        {"code": "anna-a"},
    ]
    payload = admin(BULK_ADD, id=node["id"], codes=codes)["discountRedeemCodeBulkAdd"]
    assert payload["userErrors"] == []
    queued = payload["bulkCreation"]
    assert queued["id"].startswith("gid://shopify/DiscountRedeemCodeBulkCreation/")
    assert (
        queued["done"],
        queued["codesCount"],
        queued["importedCount"],
        queued["failedCount"],
    ) == (False, 4, 0, 0)
    done = admin(BULK_QUERY, id=queued["id"])["discountRedeemCodeBulkCreation"]
    assert (
        done["done"],
        done["codesCount"],
        done["importedCount"],
        done["failedCount"],
    ) == (True, 4, 2, 2)
    outcome = {n["code"]: n for n in done["codes"]["nodes"]}
    assert outcome["ANNA-A"]["errors"] == [] and outcome["ANNA-A"]["discountRedeemCode"]["code"] == "ANNA-A"
    for failed in ("anna15", "anna-a"):
        assert outcome[failed]["discountRedeemCode"] is None
        [error] = outcome[failed]["errors"]
        assert error["code"] == "TAKEN" and error["message"].startswith("Code must be unique")
    assert devstore.control.discounts(shop)[0]["codes"] == [
        "ANNA15",
        "ANNA-A",
        "ANNA-B",
    ]
    assert admin(BY_CODE, code="anna-b")["codeDiscountNodeByCode"]["id"] == node["id"]


def test_bulk_add_refuses_more_than_250_codes(admin, devstore, shop):
    node = admin.create()
    codes = [{"code": f"C{i}"} for i in range(251)]
    # Shopify's input-array limit (devstore/input_limits.py): a top-level error, nothing runs.
    # DiscountErrorCode has no code for it, so it cannot be a userError.
    body = admin.raw(BULK_ADD, id=node["id"], codes=codes)
    assert body["errors"] == [
        {
            "message": "The input array size of 251 is greater than the maximum allowed of 250.",
            "path": ["discountRedeemCodeBulkAdd", "codes"],
            "extensions": {"code": "MAX_INPUT_SIZE_EXCEEDED"},
        }
    ]
    assert devstore.control.discounts(shop)[0]["codes"] == ["ANNA15"]


def test_codes_connection_pages(admin):
    node = admin.create()
    admin(BULK_ADD, id=node["id"], codes=[{"code": f"PAGE{i}"} for i in range(4)])
    query = (
        "query P($id: ID!, $after: String) { codeDiscountNode(id: $id) { codeDiscount {"
        " ... on DiscountCodeBasic {"
        " codes(first: 2, after: $after) { edges { cursor node { code } }"
        " pageInfo { hasNextPage endCursor } } } } } }"
    )
    seen, after = [], None
    while True:
        page = admin(query, id=node["id"], after=after)["codeDiscountNode"]["codeDiscount"]["codes"]
        seen += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["ANNA15", "PAGE0", "PAGE1", "PAGE2", "PAGE3"]


def _token_for(devstore, domain: str, scopes: str) -> Admin:
    devstore.control.create_shop(domain, scopes=scopes)
    api = Api(devstore, domain)
    token = api.exchange(devstore.control.session_token(domain)).json()["access_token"]
    return Admin(api, token)


def test_without_discount_scopes_everything_is_access_denied(devstore):
    other = _token_for(devstore, "no-discounts.myshopify.com", "read_orders")
    body = other.raw(CREATE, input=discount_input())
    [error] = body["errors"]
    assert error["extensions"]["code"] == "ACCESS_DENIED"
    assert "write_discounts" in error["message"] and error["path"] == ["discountCodeBasicCreate"]
    assert body["data"] == {"discountCodeBasicCreate": None}
    assert other.raw(BY_CODE, code="X")["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    assert devstore.control.discounts("no-discounts.myshopify.com") == []


def test_read_discounts_may_query_but_not_mutate(devstore):
    reader = _token_for(devstore, "reader.myshopify.com", "read_discounts")
    devstore.control.create_discount("reader.myshopify.com", "SHARED10", percentage=0.1)
    assert reader(BY_CODE, code="shared10")["codeDiscountNodeByCode"]["codeDiscount"]["title"] == "SHARED10"
    node_id = devstore.control.discounts("reader.myshopify.com")[0]["gid"]
    body = reader.raw(DEACTIVATE, id=node_id)
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    assert devstore.control.discounts("reader.myshopify.com")[0]["status"] == "ACTIVE"


def test_an_invalid_operation_is_refused_not_guessed(admin):
    body = admin.raw(
        "mutation { discountCodeBasicCreate(basicCodeDiscount: {code: 1}) { userErrors { message } } }"
    )
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_node_lookups_of_unmodelled_types_say_so(admin):
    node = admin.create()
    one = admin("query One($id: ID!) { node(id: $id) { __typename id } }", id=node["id"])
    assert one["node"] == {"__typename": "DiscountCodeNode", "id": node["id"]}
    body = admin.raw('{ nodes(ids: ["gid://shopify/Product/1"]) { id } }')
    assert body["errors"][0]["message"] == "devstore: node lookup of Product is not implemented"
    body = admin.raw('{ node(id: "not-a-gid") { id } }')
    assert body["errors"][0]["message"] == "Invalid global id 'not-a-gid'"


LIST = (
    "query L($first: Int, $last: Int, $after: String, $before: String, $reverse: Boolean) {"
    " codeDiscountNodes(first: $first, last: $last, after: $after, before: $before, reverse: $reverse,"
    " sortKey: ID) { nodes { id codeDiscount { ... on DiscountCodeBasic {"
    " codes(first: 1) { nodes { code } } } } }"
    " pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }"
)


def _codes_of(page: dict) -> list[str]:
    return [n["codeDiscount"]["codes"]["nodes"][0]["code"] for n in page["nodes"]]


def test_code_discount_nodes_pages_by_id_with_cursors(admin, devstore, shop):
    made = [admin.create(code)["id"] for code in ("A1", "B2", "C3", "D4", "E5")]
    admin(DELETE, id=made[2])  # a deleted discount is not listed
    seen, after = [], None
    while True:
        page = admin(LIST, first=2, after=after)["codeDiscountNodes"]
        seen += _codes_of(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["A1", "B2", "D4", "E5"]
    assert _codes_of(admin(LIST, first=2, reverse=True)["codeDiscountNodes"]) == ["E5", "D4"]
    last = admin(LIST, last=1)["codeDiscountNodes"]
    assert _codes_of(last) == ["E5"] and last["pageInfo"]["hasPreviousPage"] is True
    assert "first or last" in str(admin.raw(LIST)["errors"])


def test_code_discount_nodes_lists_only_this_shops_discounts_and_refuses_what_it_does_not_model(
    admin, devstore
):
    admin.create("MINE10")
    other = _token_for(devstore, "other-list.myshopify.com", "write_discounts")
    other.create("THEIRS10")
    assert _codes_of(admin(LIST, first=10)["codeDiscountNodes"]) == ["MINE10"]
    body = admin.raw('query { codeDiscountNodes(first: 5, query: "status:active") { nodes { id } } }')
    assert "devstore: codeDiscountNodes `query`" in str(body["errors"])
    body = admin.raw("query { codeDiscountNodes(first: 5, sortKey: TITLE) { nodes { id } } }")
    assert "sortKey TITLE is not implemented" in str(body["errors"])
