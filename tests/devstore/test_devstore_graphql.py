"""The Admin GraphQL endpoint: auth, schema validation, execution, cost, throttling, faults."""

from __future__ import annotations

SHOP_QUERY = "{ shop { name currencyCode } }"
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


def test_shop_query_with_token_returns_data_and_cost(api, tokens):
    response = api.graphql(SHOP_QUERY, tokens["access_token"])
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"shop": {"name": "Demo Shop", "currencyCode": "USD"}}
    assert "errors" not in body
    cost = body["extensions"]["cost"]
    # shop is an object field (1); name and currencyCode are scalar/enum (0) -> 1
    assert cost["requestedQueryCost"] == 1 and cost["actualQueryCost"] == 1
    assert cost["throttleStatus"]["maximumAvailable"] == 2000.0
    assert cost["throttleStatus"]["restoreRate"] == 100.0


def test_full_shop_and_installation_query(api, tokens, devstore, shop):
    query = """query Boot { shop { id name myshopifyDomain email currencyCode ianaTimezone
                 plan { partnerDevelopment shopifyPlus publicDisplayName } }
               currentAppInstallation { id accessScopes { handle } } }"""
    data = api.graphql(query, tokens["access_token"]).json()["data"]
    assert data["shop"]["id"] == devstore.control.shop(shop)["gid"]
    assert data["shop"]["myshopifyDomain"] == "demo-shop.myshopify.com"
    assert data["shop"]["ianaTimezone"] == "America/New_York"
    assert data["shop"]["plan"]["partnerDevelopment"] is True
    handles = [s["handle"] for s in data["currentAppInstallation"]["accessScopes"]]
    assert handles == ["read_orders", "write_discounts", "read_customers"]


def test_unknown_field_is_rejected_by_the_schema_and_logged(api, tokens, devstore, shop):
    body = api.graphql("query Bad { shop { name notAField } }", tokens["access_token"]).json()
    assert "data" not in body
    [error] = body["errors"]
    assert "notAField" in error["message"] and "Shop" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["locations"] == [{"line": 1, "column": 25}]
    [entry] = devstore.control.graphql_log(shop)
    assert entry["valid"] is False and entry["query"] == "query Bad { shop { name notAField } }"
    assert entry["errors"] == body["errors"]


def test_wrong_argument_type_is_rejected_by_the_schema(api, tokens, devstore, shop):
    body = api.graphql('{ orders(first: "ten") { nodes { id } } }', tokens["access_token"]).json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Int" in body["errors"][0]["message"]
    assert devstore.control.graphql_log(shop)[-1]["valid"] is False


def test_bad_variable_value_is_rejected(api, tokens, devstore, shop):
    query = "query Orders($n: Int!) { orders(first: $n) { nodes { id } } }"
    body = api.graphql(query, tokens["access_token"], variables={"n": "ten"}).json()
    assert body["errors"][0]["extensions"]["code"] == "INVALID_VARIABLE"
    assert devstore.control.graphql_log(shop)[-1] == {
        "operation_name": None,
        "query": query,
        "variables": {"n": "ten"},
        "valid": False,
        "errors": body["errors"],
    }


def test_valid_but_unimplemented_root_field_says_so(api, tokens):
    body = api.graphql("{ products(first: 1) { nodes { id } } }", tokens["access_token"]).json()
    assert body["errors"][0]["message"] == "devstore: products is not implemented"
    assert "cost" in body["extensions"]


def test_missing_or_unknown_token_is_401(api, tokens):
    for token in (None, "", "shpat_00000000000000000000000000000000"):
        response = api.graphql(SHOP_QUERY, token)
        assert response.status_code == 401
        assert response.json() == {"errors": INVALID_TOKEN}


def test_another_shops_token_is_401(api, tokens, devstore):
    devstore.control.create_shop("other-shop.myshopify.com")
    from devstore_support import Api

    other = Api(devstore, "other-shop.myshopify.com")
    assert other.graphql(SHOP_QUERY, tokens["access_token"]).status_code == 401


def test_expired_tokens_are_401_until_refreshed(api, tokens, devstore, shop):
    assert devstore.control.expire_tokens(shop) == {"expired": 1}
    assert api.graphql(SHOP_QUERY, tokens["access_token"]).status_code == 401
    fresh = api.access_token(grant_type="refresh_token", refresh_token=tokens["refresh_token"]).json()
    assert api.graphql(SHOP_QUERY, fresh["access_token"]).status_code == 200


def test_uninstalled_shop_tokens_are_401(api, tokens, devstore, shop):
    devstore.control.uninstall(shop)
    assert api.graphql(SHOP_QUERY, tokens["access_token"]).status_code == 401
    assert devstore.control.shop(shop)["installed"] is False


def test_unknown_api_version_is_404(api, tokens):
    assert api.graphql(SHOP_QUERY, tokens["access_token"], version="2019-04").status_code == 404


def test_query_costing_more_than_the_bucket_is_throttled_with_http_200(api, tokens, devstore, shop):
    devstore.control.faults(shop, throttle={"maximum": 50, "restore_rate": 5})
    # orders is a connection: 2 + first x (one Order, 1) = 2 + 59 = 61 > 50
    response = api.graphql("{ orders(first: 59) { nodes { id } } }", tokens["access_token"])
    assert response.status_code == 200
    body = response.json()
    assert body["errors"] == [
        {
            "message": "Throttled",
            "extensions": {
                "code": "THROTTLED",
                "documentation": "https://shopify.dev/api/usage/rate-limits",
            },
        }
    ]
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 61 and cost["actualQueryCost"] is None
    assert cost["throttleStatus"]["maximumAvailable"] == 50.0
    assert cost["throttleStatus"]["restoreRate"] == 5.0
    # the bucket was not charged: a cheap query still fits
    assert "data" in api.graphql(SHOP_QUERY, tokens["access_token"]).json()


def test_with_empty_every_each_kth_request_finds_the_bucket_spent(api, tokens, devstore, shop):
    # a fast restore: a query right after the spent one fits again
    devstore.control.faults(shop, throttle={"maximum": 1000, "restore_rate": 100000, "empty_every": 3})
    answers = [api.graphql(SHOP_QUERY, tokens["access_token"]).json() for _ in range(6)]
    throttled = ["errors" in a and a["errors"][0]["extensions"]["code"] == "THROTTLED" for a in answers]
    assert throttled == [False, False, True, False, False, True]
    assert answers[2]["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 0


def test_mutation_costs_ten(api, tokens):
    query = (
        'mutation { discountCodeDeactivate(id: "gid://shopify/DiscountCodeNode/1")'
        " { userErrors { message } } }"
    )
    cost = api.graphql(query, tokens["access_token"]).json()["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 10


def test_fail_next_answers_503_then_recovers(api, tokens, devstore, shop):
    devstore.control.faults(shop, fail_next=2)
    statuses = [api.graphql(SHOP_QUERY, tokens["access_token"]).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


def test_fault_status_is_configurable_and_resettable(api, tokens, devstore, shop):
    devstore.control.faults(shop, fail_next=5, status=502)
    assert api.graphql(SHOP_QUERY, tokens["access_token"]).status_code == 502
    devstore.control.reset_faults(shop)
    assert api.graphql(SHOP_QUERY, tokens["access_token"]).status_code == 200


def test_a_query_over_1000_points_is_refused_before_it_runs(api, tokens, devstore, shop):
    # 2 + 250 x (Order 1 + lineItems (2 + 10 x LineItem 1)) = 2 + 250 x 13 = 3252
    query = "{ orders(first: 250) { nodes { id lineItems(first: 10) { nodes { id } } } } }"
    body = api.graphql(query, tokens["access_token"]).json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"] == {"code": "MAX_COST_EXCEEDED", "cost": 3252, "maxCost": 1000}
    assert error["message"].startswith(
        "Query cost is 3252, which exceeds the single query max cost limit (1000)."
    )
    assert "bulk operations should be used instead" in error["message"]
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 3252 and cost["actualQueryCost"] is None
    # refused before execution: nothing was taken from the bucket
    assert cost["throttleStatus"]["currentlyAvailable"] == 2000


def test_actual_cost_counts_returned_orders_and_the_difference_is_refunded(api, tokens, devstore, shop):
    for n in range(3):
        devstore.control.create_order(
            shop,
            line_items=[{"title": "Tee", "price": "10.00", "quantity": 1}],
            customer_id=500 + n,
            silent=True,
        )
    devstore.control.faults(shop, throttle={"maximum": 100, "restore_rate": 0.0001})
    query = "{ orders(first: 10) { nodes { id customer { id } } } }"
    cost = api.graphql(query, tokens["access_token"]).json()["extensions"]["cost"]
    # requested 2 + 10 x (Order 1 + customer 1) = 22; three orders came back: 2 + 3 x 2 = 8
    assert cost["requestedQueryCost"] == 22 and cost["actualQueryCost"] == 8
    # 100 - 22 taken, 22 - 8 = 14 refunded: 92 left (the restore adds less than a point)
    assert cost["throttleStatus"]["currentlyAvailable"] == 92


def test_the_shops_plan_sets_its_bucket(api, tokens, devstore, shop):
    expected = {
        "advanced": (4000.0, 200.0),
        "plus": (20000.0, 1000.0),
        "enterprise": (40000.0, 2000.0),
        "standard": (2000.0, 100.0),
    }
    for plan, (maximum, restore) in expected.items():
        assert devstore.control.set_plan(shop, plan)["plan"] == plan
        status = api.graphql(SHOP_QUERY, tokens["access_token"]).json()["extensions"]["cost"][
            "throttleStatus"
        ]
        assert (status["maximumAvailable"], status["restoreRate"]) == (maximum, restore)
    devstore.control.set_plan(shop, "plus")
    data = api.graphql("{ shop { plan { shopifyPlus displayName } } }", tokens["access_token"]).json()["data"]
    assert data["shop"]["plan"] == {"shopifyPlus": True, "displayName": "Shopify Plus"}
    devstore.control.reset_faults(shop)  # back to the plan's bucket, not the standard one
    assert devstore.control.shop(shop)["throttle"] == {"maximum": 20000.0, "restore_rate": 1000.0}


def test_an_unknown_plan_is_refused(devstore, shop):
    import pytest

    from devstore.testing import ControlError

    with pytest.raises(ControlError) as refused:
        devstore.control.set_plan(shop, "gold")
    assert refused.value.response.status_code == 400


def test_an_input_array_over_250_items_is_refused_before_it_runs(api, tokens, devstore, shop):
    ids = [f"gid://shopify/Customer/{n}" for n in range(251)]
    body = api.graphql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", tokens["access_token"], {"ids": ids}
    ).json()
    assert "data" not in body
    assert body["errors"] == [
        {
            "message": "The input array size of 251 is greater than the maximum allowed of 250.",
            "path": ["nodes", "ids"],
            "extensions": {"code": "MAX_INPUT_SIZE_EXCEEDED"},
        }
    ]
    # inside an input object, written inline: the path goes down to the list
    tags = ", ".join(f'"t{n}"' for n in range(300))
    mutation = (
        'mutation { discountCodeBasicCreate(basicCodeDiscount: {title: "x", code: "X", tags: ['
        + tags
        + "], customerGets: {value: {percentage: 0.1}, items: {all: true}}, context: {all: ALL}}) "
        "{ userErrors { message } } }"
    )
    [error] = api.graphql(mutation, tokens["access_token"]).json()["errors"]
    assert error["path"] == ["discountCodeBasicCreate", "basicCodeDiscount", "tags"]
    assert error["message"] == "The input array size of 300 is greater than the maximum allowed of 250."
    assert devstore.control.discounts(shop) == []  # nothing ran
    # 250 is allowed
    assert (
        "errors"
        not in api.graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", tokens["access_token"], {"ids": ids[:250]}
        ).json()
    )
