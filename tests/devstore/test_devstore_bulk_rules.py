"""The bulk validator: every query Shopify refuses at ``bulkOperationRunQuery`` time is refused here
with Shopify's userErrors, and no operation is created. The queries and the expected answers are the
ones Shopify gave a live shop (API 2026-04, github airhorns/shopify-draft-proxy,
fixtures/conformance/…/bulk-operations/bulk-operation-run-query-validators.json), except the two
the docs forbid without a published answer (top-level ``nodes``, two top-level fields)."""

from __future__ import annotations

import pytest
from devstore_bulk_support import RUN, gql, run_bulk

ORDERS_QUERY_REFUSED_BY_SHOPIFY = """{
  orders(query: "created_at:>=2026-01-01") {
    edges { node {
      id
      refunds { id createdAt refundLineItems { edges { node { id quantity lineItem { id } } } } }
    } }
  }
}"""


def refused(api, tokens, inner: str) -> list[dict]:
    answer = gql(api, tokens["access_token"], RUN, q=inner)["bulkOperationRunQuery"]
    assert answer["bulkOperation"] is None, answer
    return answer["userErrors"]


def invalid(message: str) -> dict:
    return {"field": ["query"], "message": message, "code": "INVALID"}


def test_a_connection_within_a_list_is_refused(api, tokens):
    # Order.refunds is a list, Refund.refundLineItems a connection: the app's old query
    assert refused(api, tokens, ORDERS_QUERY_REFUSED_BY_SHOPIFY) == [
        invalid("Queries that contain a connection field within a list field are not currently supported.")
    ]
    inner = "{ orders { edges { node { id fulfillments { events { edges { node { id } } } } } } } }"
    assert refused(api, tokens, inner) == [
        invalid("Queries that contain a connection field within a list field are not currently supported.")
    ]


def test_nodes_instead_of_edges_node_is_refused_naming_the_connections(api, tokens):
    assert refused(api, tokens, "{ orders { nodes { id } } }") == [
        invalid(
            "All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: "
            "'orders { edges { node {'. Selecting via 'nodes' is not supported. "
            "Invalid connection fields: 'orders'."
        )
    ]
    inner = "{ orders { edges { node { id lineItems { nodes { id } } } } } }"
    assert refused(api, tokens, inner) == [
        invalid(
            "All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: "
            "'lineItems { edges { node {'. Selecting via 'nodes' is not supported. "
            "Invalid connection fields: 'lineItems'."
        )
    ]


def test_a_nested_connection_whose_parent_has_no_id_is_refused(api, tokens):
    no_id = "{ products { edges { node { title variants { edges { node { id } } } } } } }"
    message = (
        "The parent 'node' field for a nested connection must select the 'id' field without an alias and "
        "must be of 'ID' return type. Connection fields without 'id': products."
    )
    assert refused(api, tokens, no_id) == [invalid(message)]
    aliased = "{ products { edges { node { key: id variants { edges { node { id } } } } } } }"
    assert refused(api, tokens, aliased) == [invalid(message)]


def test_more_than_five_connections_are_refused(api, tokens):
    six = (
        "{ products { edges { node { id variants { edges { node { id } } } "
        "metafields { edges { node { id } } } "
        "collections { edges { node { id } } } media { edges { node { id } } } "
        "sellingPlanGroups { edges { node { id } } } } } } }"
    )  # products + 5 nested = 6
    assert refused(api, tokens, six) == [invalid("Bulk queries cannot contain more than 5 connections.")]


def test_connections_nested_deeper_than_two_are_refused(api, tokens):
    three = (
        "{ collections { edges { node { id products { edges { node { id "
        "variants { edges { node { id } } } } } } } } } }"
    )  # collections > products > variants
    assert refused(api, tokens, three) == [
        invalid("Bulk queries cannot contain connections with a nesting depth greater than 2.")
    ]


def test_a_query_without_any_connection_is_refused(api, tokens):
    assert refused(api, tokens, "{ shop { id } }") == [
        invalid("Bulk queries must contain at least one connection.")
    ]


def test_top_level_node_and_nodes_are_refused(api, tokens):
    assert refused(api, tokens, '{ node(id: "gid://shopify/Product/0") { id } }') == [
        invalid("Bulk queries cannot contain a top level `node` field."),
        invalid("Bulk queries must contain at least one connection."),
    ]
    assert refused(api, tokens, '{ nodes(ids: ["gid://shopify/Order/1"]) { id } }') == [
        invalid("Bulk queries cannot contain a top level `nodes` field."),
        invalid("Bulk queries must contain at least one connection."),
    ]


def test_more_than_one_top_level_field_is_refused(api, tokens):
    inner = "{ orders { edges { node { id } } } customers { edges { node { id } } } }"
    assert refused(api, tokens, inner) == [invalid("Bulk queries must contain exactly one top level field.")]


def test_a_mutation_and_an_empty_query_are_refused(api, tokens):
    mutation = 'mutation { productCreate(input: { title: "x" }) { product { id } } }'
    assert refused(api, tokens, mutation) == [
        invalid("Invalid operation type. Only `query` operations are supported.")
    ]
    assert refused(api, tokens, "") == [invalid("Invalid bulk query: syntax error, unexpected end of file")]


@pytest.mark.parametrize(
    "inner",
    [
        "{ orders { edges { node { id refunds { id createdAt } } } } }",  # a list without connections
        "{ orders { edges { node { id lineItems { edges { node { id taxLines { rate } } } } } } } }",
    ],
)
def test_what_shopify_accepts_runs(devstore, shop, api, tokens, inner):
    assert run_bulk(api, tokens["access_token"], inner)["status"] == "COMPLETED"


def test_refused_queries_create_no_operation(devstore, shop, api, tokens):
    devstore.control.faults(shop, bulk_delay=1.0)  # operations stay RUNNING for a second
    for _ in range(5):
        refused(api, tokens, ORDERS_QUERY_REFUSED_BY_SHOPIFY)
    for _ in range(5):  # had the refused ones been created, the limit of 5 running would refuse these
        answer = gql(api, tokens["access_token"], RUN, q="{ orders { edges { node { id } } } }")
        assert answer["bulkOperationRunQuery"]["userErrors"] == []
