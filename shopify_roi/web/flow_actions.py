"""Shopify Flow's requests to the app: `POST /flow/actions/<handle>`, each action extension's runtime_url
(extensions/<handle>/shopify.extension.toml), and `POST /flow/lifecycle`, the trigger lifecycle callback.

Flow signs the raw body like a webhook: `X-Shopify-Hmac-Sha256`, the base64 HMAC-SHA256 of the body with
the app's client secret ("Create Flow action endpoints", Verifying requests,
https://shopify.dev/docs/apps/build/flow/actions/endpoints). A wrong or missing HMAC is a 401 with nothing
done. The shop is the signed body's `shopify_domain`, never a query parameter; the action's handle must be
the body's too. The body is at most 64 KB (the properties of three short forms).
"""

from __future__ import annotations

import json
from decimal import Decimal

from flask import Blueprint, jsonify, request

from shopify_roi.jobs.orders import reattribute_shop
from shopify_roi.services.errors import Invalid
from shopify_roi.services.flow import actions, usage
from shopify_roi.services.shops.lookup import shop_by_domain
from shopify_roi.services.shops.tokens import admin_client
from shopify_roi.shopify_client import webhook_hmac
from shopify_roi.shopify_client.domains import valid_shop_domain
from shopify_roi.web.guards import runtime

bp = Blueprint("flow_actions", __name__, url_prefix="/flow")
MAX_BODY_BYTES = 64 * 1024


def _answer(status: int, message: str):
    resp = jsonify(message=message)
    resp.status_code = status
    return resp


def _parse(raw: bytes) -> dict | None:
    try:  # decimals stay exact: a number_decimal property is money
        body = json.loads(raw, parse_float=Decimal)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _signed_body(rt) -> tuple[dict | None, object]:
    """The JSON body when the HMAC is right (else a 401 answer; a body that is no JSON object: None)."""
    raw = request.get_data(cache=False)
    verdict = webhook_hmac.verify(raw, request.headers.get("X-Shopify-Hmac-Sha256"), rt.secrets)
    if not verdict.ok:
        return None, _answer(401, verdict.reason)
    return _parse(raw), None


def _installed_shop(rt, given):
    domain = valid_shop_domain(given) if isinstance(given, str) else None
    if not domain:
        return None
    with rt.db.session() as session:
        shop = shop_by_domain(session, domain)
        if shop is None or shop.uninstalled_at is not None:
            return None
        session.expunge(shop)
        return shop


def _quick_client(rt, domain: str):
    """The shop's Admin client, waiting seconds at most: Flow waits for the answer, so a throttled or
    failing Shopify is a 503 that Flow retries (the run is then tried again), not a long wait."""
    client = admin_client(rt, domain)
    client.max_attempts, client.max_wait = 3, 2.0
    return client


@bp.post("/lifecycle")
def trigger_lifecycle():
    """Flow's trigger lifecycle callback (extensions/flow-trigger-usage): whether the shop has an enabled
    workflow using one of the app's triggers. Answered at once (a slow or non-2xx answer keeps the
    merchant from enabling the workflow)."""
    rt = runtime()
    body, refusal = _signed_body(rt)
    if refusal is not None:
        return refusal
    shop = _installed_shop(rt, (body or {}).get("shopify_domain"))
    if body is None or shop is None:
        return _answer(400, "not a JSON object, or not a shop the app is installed in")
    try:
        with rt.db.session() as session:
            usage.record(session, shop.id, body)
    except Invalid as exc:
        return _answer(400, str(exc))
    return _answer(200, "recorded")


@bp.post("/actions/<handle>")
def run_action(handle: str):
    rt = runtime()
    body, refusal = _signed_body(rt)
    if refusal is not None:
        return refusal
    if handle not in actions.HANDLES or body is None:
        return _answer(404 if body is not None else 400, "unknown action or not a JSON object")
    run_id, props = body.get("action_run_id"), body.get("properties")
    if (
        not isinstance(body.get("shopify_domain"), str)
        or body.get("handle", handle) != handle
        or not isinstance(run_id, str)
        or not 0 < len(run_id) <= 128
        or not isinstance(props, dict)
    ):
        return _answer(400, "missing shopify_domain, action_run_id or properties, or another action's handle")
    shop = _installed_shop(rt, body["shopify_domain"])
    if shop is None:
        return _answer(404, "the app is not installed in this shop")
    answer = actions.run(rt.db, lambda: _quick_client(rt, shop.domain), shop, handle, run_id, props)
    if answer.created_handle:  # orders already held may carry the new code
        rt.jobs.enqueue(reattribute_shop, shop.id, shop=shop.domain)
    return _answer(answer.status, answer.message)
