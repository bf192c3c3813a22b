"""Leaky bucket arithmetic and the query cost estimate (pure code, no server)."""

from __future__ import annotations

from graphql import parse
from graphql.utilities import get_operation_ast

from devstore.admin.engine import get_schema
from devstore.admin.query_cost import actual_cost
from devstore.admin.throttle import LeakyBucket, estimate_cost, plan_limits
from devstore.config import DevstoreConfig, config_from_env


def _cost(query: str, variables: dict | None = None) -> int:
    document = parse(query)
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    return estimate_cost(get_schema(), get_operation_ast(document), fragments, variables)


def test_bucket_refills_at_restore_rate_up_to_maximum():
    bucket = LeakyBucket(maximum=50, restore_rate=5, available=50)
    assert bucket.try_take(40, now=100.0)  # 50 - 40 = 10 left
    assert not bucket.try_take(30, now=102.0)  # 10 + 2 s * 5 = 20 < 30, nothing taken
    assert bucket.try_take(20, now=102.0)  # 20 - 20 = 0
    assert bucket.try_take(50, now=1000.0)  # refill capped at 50
    assert bucket.status() == {
        "maximumAvailable": 50.0,
        "currentlyAvailable": 0,
        "restoreRate": 5.0,
    }


def test_cost_rules():
    # shop (object) 1, plan (object) 1, scalars 0 -> 2
    assert _cost("{ shop { name plan { shopifyPlus } } }") == 2
    # a connection is 2 + first x (one node): orders 2 + 10 x (Order 1 + lineItems (2 + 5 x LineItem 1))
    # = 2 + 10 x 8 = 82
    assert _cost("{ orders(first: 10) { nodes { id lineItems(first: 5) { nodes { id } } } } }") == 82
    # edges { node } costs the same as nodes: 2 + 10 x 1 = 12 (Shopify's products(first: 10) example)
    assert _cost("{ products(first: 10) { edges { node { id title } } } }") == 12
    # page size from a variable: 2 + 20 x 1 = 22
    assert _cost("query($n: Int) { orders(first: $n) { nodes { id } } }", {"n": 20}) == 22
    # fragments count like inline fields: shop 1 + plan 1 = 2
    assert _cost("{ shop { ...S } } fragment S on Shop { plan { shopifyPlus } }") == 2
    # two mutation root fields -> 2 x 10, whatever they select
    assert (
        _cost(
            'mutation { a: discountCodeDeactivate(id: "x") { userErrors { message } } '
            'b: discountCodeDeactivate(id: "y") { userErrors { message } } }'
        )
        == 20
    )


def test_nodes_cost_one_selection_per_id_and_interfaces_the_dearest_fragment():
    ids = [f"gid://shopify/Customer/{n}" for n in range(50)]
    # the app's CustomerOrderCounts: per id the Node interface 1 (Customer's id and
    # numberOfOrders are scalars) -> 50 x 1 = 50
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Customer { id numberOfOrders } } }"
    assert _cost(query, {"ids": ids}) == 50
    assert _cost(query, {"ids": ids[:3]}) == 3
    # two fragments: the dearer one counts, not their sum. Per id: Node 1 + max(Customer:
    # 0, DiscountCodeNode: codeDiscount (union 1 + codes 2 + 5 x 1) = 8) = 9; 4 ids -> 36
    two = (
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { id } "
        "... on DiscountCodeNode { codeDiscount { ... on DiscountCodeBasic { "
        "codes(first: 5) { nodes { code } } } } } } }"
    )
    assert _cost(two, {"ids": ids[:4]}) == 36


def test_actual_cost_counts_what_came_back():
    document = parse("{ orders(first: 10) { nodes { id customer { id } } } shop { name } }")
    operation = get_operation_ast(document)
    # requested: orders 2 + 10 x (Order 1 + customer 1) = 22, shop 1 -> 23
    assert estimate_cost(get_schema(), operation, {}) == 23
    data = {
        "orders": {"nodes": [{"id": "1", "customer": {"id": "c"}}, {"id": "2", "customer": None}]},
        "shop": {"name": "x"},
    }
    # two orders came back: 2 + (1 + 1) + (1 + 1: a null customer still cost its lookup) = 6; shop 1 -> 7
    assert actual_cost(get_schema(), operation, {}, {}, data) == 7
    # a null shop costs its own point: 2 + 0 orders, shop 1 -> 3
    assert actual_cost(get_schema(), operation, {}, {}, {"orders": {"nodes": []}, "shop": None}) == 3


def test_plans_set_the_bucket_and_restore_rate():
    # restore rates from the doc's table; the bucket holds 20 seconds of restore
    assert plan_limits("standard") == (2000.0, 100.0)
    assert plan_limits("Advanced") == (4000.0, 200.0)
    assert plan_limits("plus") == (20000.0, 1000.0)
    assert plan_limits("enterprise") == (40000.0, 2000.0)


def test_bucket_refund_gives_back_unused_points_up_to_the_maximum():
    bucket = LeakyBucket(maximum=100, restore_rate=1, available=100)
    assert bucket.try_take(60, now=10.0)  # 40 left
    bucket.refund(60 - 25)  # the query cost 25 in the end: 40 + 35 = 75
    assert bucket.status()["currentlyAvailable"] == 75
    bucket.refund(500)
    assert bucket.status()["currentlyAvailable"] == 100


def test_config_from_env_reads_shopify_names_and_overrides_win(tmp_path):
    env = {
        "SHOPIFY_API_KEY": "k",
        "SHOPIFY_API_SECRET": "s",
        "APP_URL": "http://127.0.0.1:8000/",
    }
    config = config_from_env(env, app_toml=str(tmp_path / "a.toml"))
    assert (config.api_key, config.api_secret, config.app_url) == (
        "k",
        "s",
        "http://127.0.0.1:8000",
    )
    assert config.app_toml == tmp_path / "a.toml"
    assert config_from_env({}) == DevstoreConfig(app_toml=config_from_env({}).app_toml)
    assert config_from_env({}).api_key == "demo-api-key"


# -- every operation the app sends fits Shopify's single-query limit --------------------------
def _app_sizes() -> dict[str, dict[str, int]]:
    """Per query file, the list lengths and page sizes the app really sends (its constants)."""
    import importlib.util

    from shopify_roi.shopify_client import customers, discounts, shop_discounts

    sizes = {
        "customer_order_counts": {"ids": customers.BATCH},
        "discount_codes_state": {"ids": discounts.STATE_BATCH},
        "code_discount_nodes": {"first": shop_discounts.PAGE},
    }
    # The refund-line queries and the module that sends them arrive together (the backfill's refunds).
    if importlib.util.find_spec("shopify_roi.shopify_client.refunds") is not None:
        refunds = importlib.import_module("shopify_roi.shopify_client.refunds")
        sizes["refund_lines"] = {"ids": refunds.REFUNDS_PER_REQUEST, "lines": refunds.LINES_FIRST_PAGE}
        sizes["refund_lines_page"] = {"lines": refunds.LINES_NEXT_PAGES}
    return sizes


def _worst_variables(document, sizes: dict[str, int]) -> dict:
    """Variables for a query: each list variable as long, and each Int (a page size) as large, as
    ``sizes`` says, else 250 (Shopify's most items an input array or a page may have)."""
    from graphql import ListTypeNode, NonNullTypeNode

    variables = {}
    for definition in get_operation_ast(document).variable_definitions or ():
        kind = definition.type.type if isinstance(definition.type, NonNullTypeNode) else definition.type
        name = definition.variable.name.value
        if isinstance(kind, ListTypeNode):
            variables[name] = [f"gid://shopify/Node/{n}" for n in range(sizes.get(name, 250))]
        elif getattr(kind, "name", None) and kind.name.value == "Int":
            variables[name] = sizes.get(name, 250)
        else:
            variables[name] = "x"
    return variables


def test_every_query_the_app_sends_stays_under_1000_points_with_its_real_sizes():
    from pathlib import Path

    import shopify_roi.shopify_client as client

    sizes = _app_sizes()
    # A file without a declared size is priced at Shopify's input-array and page maximum (250):
    # the app could send that many, so it must fit then too.
    costs = {}
    for path in sorted((Path(client.__file__).parent / "queries").glob("*.graphql")):
        text = path.read_text()
        if "__SEARCH__" in text or path.stem.endswith("_bulk"):
            continue  # the inner query of bulkOperationRunQuery: bulk operations have no max cost
        document = parse(text)
        variables = _worst_variables(document, sizes.get(path.stem, {}))
        costs[path.stem] = estimate_cost(get_schema(), get_operation_ast(document), {}, variables)
    over = {name: cost for name, cost in costs.items() if cost > 1000}
    assert over == {}, f"queries over Shopify's 1,000-point single-query limit: {over}"
    # worked by hand from the cost table:
    assert costs["customer_order_counts"] == 50  # 50 ids x Node 1 (Customer's fields are scalars)
    # 25 ids x (DiscountCodeNode 1 + codeDiscount (1 + codes 2 + 25 x 1)) = 25 x 29 = 725
    assert costs["discount_codes_state"] == 725
    # 1 + codes 2 + 250 x (node 1 + errors 1 + discountRedeemCode 1) = 753
    assert costs["discount_redeem_code_bulk_creation"] == 753
    # codeDiscountNodeByCode 1 + codeDiscount (1 + codes 2 + 5 x 1) = 9
    assert costs["code_discount_by_code"] == 9
    # codeDiscountNodes 2 + 50 x (node 1 + codeDiscount 1 + combinesWith 1 + customerGets 1 + value 1
    # + amount 1 + codesCount 1 + codes (2 + 1 x 1)) = 2 + 50 x 10 = 502
    assert costs["code_discount_nodes"] == 502
    assert costs["shop_info"] == 3  # shop 1 + currentAppInstallation 1 + accessScopes 1
    # per refund: Node 1 + refundLineItems (2 + 10 x (line 1 + subtotalSet 2 + totalTaxSet 2 + lineItem 1))
    # = 63; 14 refunds a request -> 882. A further page of one refund: 1 + 2 + 100 x 6 = 603
    if "refund_lines" in costs:
        assert costs["refund_lines"] == 882 and costs["refund_lines_page"] == 603
    assert costs["discount_code_basic_create"] == costs["bulk_run_query"] == 10  # mutations
