"""``POST /{shop}/admin/api/{version}/graphql.json``: the Admin API HTTP endpoint.

Order of checks, as seen from a client: unknown shop or version → 404; injected fault →
that status; bad token → 401; invalid GraphQL → 200 with errors; an input array over 250 items →
200 with MAX_INPUT_SIZE_EXCEEDED; over the single-query cap or the bucket → 200 with
MAX_COST_EXCEEDED / THROTTLED; else execute. Every request
that reaches GraphQL is recorded in the shop's graphql log.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from devstore.admin import engine, input_limits, query_cost, throttle
from devstore.context import runtime, shop_or_404
from devstore.store.state import Shop

bp = Blueprint("admin_api", __name__)

INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


def max_cost_error(cost: int) -> dict:
    """Shopify's answer to a query over the single-query limit (enforced on the requested cost,
    before execution: "GraphQL Admin API rate limits", *Single query limit*). The message is
    the one Shopify sends, as apps record it."""
    limit = throttle.SINGLE_QUERY_MAX_COST
    return {
        "message": f"Query cost is {cost}, which exceeds the single query max cost limit ({limit}).\n\n"
        "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
        "cost of a query is calculated.\n\n"
        "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
        "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
        "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": limit},
    }


THROTTLED = {
    "message": "Throttled",
    "extensions": {
        "code": "THROTTLED",
        "documentation": "https://shopify.dev/api/usage/rate-limits",
    },
}


def _charge(store, shop: Shop, cost: int) -> tuple[dict, dict] | None:
    """Take the requested cost from the shop's bucket; (error, extensions) when refused."""
    with store.lock:
        if cost > throttle.SINGLE_QUERY_MAX_COST:
            return max_cost_error(cost), throttle.cost_extension(cost, None, shop.bucket)
        shop.faults.charges_seen += 1
        every = shop.faults.empty_every
        # one reading: a bucket emptied here is the one this request finds (no refill between)
        now = store.clock()
        if every > 0 and shop.faults.charges_seen % every == 0:
            shop.bucket.refill(now)
            shop.bucket.available = 0.0
        if not shop.bucket.try_take(cost, now):
            return dict(THROTTLED), throttle.cost_extension(cost, None, shop.bucket)
    return None


def _log(shop: Shop, body: dict, valid: bool, errors: list | None) -> None:
    runtime().store.log_graphql(
        shop,
        {
            "operation_name": body.get("operationName"),
            "query": body.get("query"),
            "variables": body.get("variables"),
            "valid": valid,
            "errors": errors or [],
        },
    )


@bp.post("/<shop:shop_domain>/admin/api/<version>/graphql.json")
def graphql(shop_domain: str, version: str):
    """Authenticate, validate, charge the bucket and execute one GraphQL request."""
    shop = shop_or_404(shop_domain)
    rt = runtime()
    store = rt.store
    if version not in rt.config.api_versions:
        return jsonify(errors="Not Found"), 404
    fault = store.take_fault(shop)
    if fault is not None:
        return (
            f"<!DOCTYPE html><html><body><h1>{fault}</h1><p>devstore: injected failure</p></body></html>",
            fault,
            {"Content-Type": "text/html; charset=utf-8"},
        )
    token = store.live_access_token(shop, request.headers.get("X-Shopify-Access-Token", ""))
    if token is None:
        return jsonify(errors=INVALID_TOKEN), 401
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(errors={"query": "Required parameter missing or invalid"}), 400
    try:
        prepared = engine.prepare(body.get("query"), body.get("variables"), body.get("operationName"))
    except engine.RequestRejected as rejected:
        _log(shop, body, False, rejected.errors)
        with store.lock:
            extensions = throttle.cost_extension(0, 0, shop.bucket)
        return jsonify(errors=rejected.errors, extensions=extensions), 200
    oversized = input_limits.oversized(prepared.operation, prepared.fragments, prepared.variables)
    if oversized:  # refused before anything runs or is charged
        _log(shop, body, True, oversized)
        with store.lock:
            extensions = throttle.cost_extension(0, 0, shop.bucket)
        return jsonify(errors=oversized, extensions=extensions), 200
    schema = engine.get_schema()
    cost = query_cost.requested_cost(schema, prepared.operation, prepared.fragments, prepared.variables)
    refused = _charge(store, shop, cost)
    if refused is not None:
        _log(shop, body, True, [refused[0]])
        return jsonify(errors=[refused[0]], extensions=refused[1]), 200
    context = engine.ResolverContext(store=store, shop=shop, config=rt.config, scopes=token.scope)
    result = engine.run(prepared, context, body.get("variables"))
    errors = engine.format_errors(result.errors)
    _log(shop, body, True, errors)
    actual = query_cost.actual_cost(
        schema, prepared.operation, prepared.fragments, prepared.variables, result.data
    )
    with store.lock:
        # "When execution is complete, the bucket is refunded the difference between the
        # requested cost and the actual cost of the query." (GraphQL Admin API rate limits)
        shop.bucket.refund(cost - actual)
        extensions = throttle.cost_extension(cost, actual, shop.bucket)
    response = {"data": result.data}
    if errors:
        response["errors"] = errors
    response["extensions"] = extensions
    return jsonify(response), 200
