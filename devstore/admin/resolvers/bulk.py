"""``bulkOperationRunQuery``, ``bulkOperation(id:)`` and ``node(id: BulkOperation GID)``.

The inner query must be valid against the Admin schema and pass Shopify's bulk validator
(``devstore.admin.bulk.rules``: connections with ``edges { node }``, at most 5, nesting depth 2, none
within a list, an ``id`` on every parent of a nested connection, one top-level field); refusals are
``userErrors`` with ``field: ["query"]`` and ``code: INVALID``, and no operation is created. Only
``orders`` runs here (another valid root: ``devstore: bulk query of … is not implemented``).

At most 5 query operations run at once per shop (shopify.dev "Perform bulk operations with the
GraphQL Admin API": "In API versions 2026-01 and higher, each app can run up to five bulk query
operations per shop simultaneously"); a sixth is refused as Shopify answered it live (2026-04,
github airhorns/shopify-draft-proxy ``…/bulk-operation-run-query-concurrency-limit.json``):
``field: null``, ``code: OPERATION_IN_PROGRESS``, "A bulk query operation for this app and shop is
already in progress: <the running operations' GIDs>." ``groupObjects`` defaults to false
(``devstore.admin.bulk.layout``). See ``devstore.admin.bulk.operations`` for the run and the JSONL.
"""

from __future__ import annotations

from flask import request

from devstore.admin.bulk import operations, rules
from devstore.admin.engine import RequestRejected, get_schema, mutation, prepare, query
from devstore.admin.resolvers.nodes import node_loader
from devstore.admin.resolvers.orders import require_orders

SUPPORTED_ROOTS = {"orders"}
# Shopify's answer to an empty query (captured, see devstore.admin.bulk.rules).
EMPTY_QUERY = "Invalid bulk query: syntax error, unexpected end of file"


def _refused(errors: list[dict]) -> dict:
    return {"bulkOperation": None, "userErrors": errors}


@mutation("bulkOperationRunQuery")
def resolve_run_query(_root, info, query, groupObjects=False):
    ctx = info.context
    if not query.strip():
        return _refused([rules.user_error(EMPTY_QUERY)])
    try:
        prepared = prepare(query)
    except RequestRejected as exc:
        return _refused(
            [rules.user_error("Invalid bulk query: " + "; ".join(e["message"] for e in exc.errors))]
        )
    errors = rules.refusals(get_schema(), prepared)
    if errors:
        return _refused(errors)
    [root] = [s for s in prepared.operation.selection_set.selections if hasattr(s, "name")]
    if root.name.value not in SUPPORTED_ROOTS:
        return _refused([rules.user_error(f"devstore: bulk query of {root.name.value} is not implemented")])
    require_orders(info)
    with ctx.store.lock:
        running = operations.running_ids(ctx.store, ctx.shop)
        if len(running) >= operations.MAX_RUNNING:
            listed = ", ".join(operations.gid(op_id) for op_id in running)
            return _refused(
                [
                    {
                        "field": None,
                        "code": "OPERATION_IN_PROGRESS",
                        "message": "A bulk query operation for this app and shop is already in progress: "
                        f"{listed}.",
                    }
                ]
            )
        op = operations.start(
            ctx.store, ctx.shop, ctx.config, ctx, prepared, query, request.host_url, group=groupObjects
        )
        return {"bulkOperation": operations.graphql(op), "userErrors": []}


def _find(info, op_id: int) -> dict | None:
    ctx = info.context
    with ctx.store.lock:
        op = ctx.shop.records.get(operations.KIND, {}).get(op_id)
        return operations.graphql(op) if op else None


@query("bulkOperation")
def resolve_bulk_operation(_root, info, id):
    match = id.rsplit("/", 1)
    if not id.startswith("gid://shopify/BulkOperation/") or not match[-1].isdigit():
        return None
    return _find(info, int(match[-1]))


@node_loader("BulkOperation")
def load_bulk_operation(info, numeric_id: int):
    return _find(info, numeric_id)
