"""``bulkOperationRunQuery``, ``bulkOperation(id:)`` and ``node(id: BulkOperation GID)``.

The inner query must be valid against the Admin schema and have exactly one top-level
field, ``orders`` (other roots: ``userErrors`` INVALID). At most 5 query operations run at
once per shop (``LIMIT_REACHED``). See ``devstore.bulk`` for the run and the JSONL.
"""

from __future__ import annotations

from flask import request

from devstore import bulk
from devstore.admin_graphql import RequestRejected, mutation, prepare, query
from devstore.resolvers.nodes import node_loader
from devstore.resolvers.orders import require_orders

SUPPORTED_ROOTS = {"orders"}


def _error(message: str, code: str = "INVALID") -> dict:
    return {"bulkOperation": None, "userErrors": [{"field": ["query"], "message": message, "code": code}]}


@mutation("bulkOperationRunQuery")
def resolve_run_query(_root, info, query, groupObjects=False):  # noqa: N803
    ctx = info.context
    try:
        prepared = prepare(query)
    except RequestRejected as exc:
        return _error("Invalid bulk query: " + "; ".join(e["message"] for e in exc.errors))
    if prepared.operation.operation.value != "query":
        return _error("Invalid bulk query: the query must be a query operation")
    roots = [s for s in prepared.operation.selection_set.selections if hasattr(s, "name")]
    if len(roots) != 1:
        return _error("Invalid bulk query: Bulk queries must contain exactly one top level field")
    if roots[0].name.value not in SUPPORTED_ROOTS:
        return _error(f"devstore: bulk query of {roots[0].name.value} is not implemented")
    require_orders(info)
    with ctx.store.lock:
        if bulk.running(ctx.store, ctx.shop) >= bulk.MAX_RUNNING:
            return _error(
                f"A maximum of {bulk.MAX_RUNNING} bulk query operations can run at once for this shop.",
                "LIMIT_REACHED",
            )
        op = bulk.start(ctx.store, ctx.shop, ctx.config, ctx, prepared, query, request.host_url)
        return {"bulkOperation": bulk.graphql(op), "userErrors": []}


def _find(info, op_id: int) -> dict | None:
    ctx = info.context
    with ctx.store.lock:
        op = ctx.shop.records.get(bulk.KIND, {}).get(op_id)
        return bulk.graphql(op) if op else None


@query("bulkOperation")
def resolve_bulk_operation(_root, info, id):
    match = id.rsplit("/", 1)
    if not id.startswith("gid://shopify/BulkOperation/") or not match[-1].isdigit():
        return None
    return _find(info, int(match[-1]))


@node_loader("BulkOperation")
def load_bulk_operation(info, numeric_id: int):
    return _find(info, numeric_id)
