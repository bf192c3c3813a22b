"""Webhook endpoints (paths as in shopify.app.toml): verify, store once, queue, answer.

Only the HMAC check and one INSERT happen here; everything else runs in a worker. A wrong HMAC
is a 401 with nothing stored (Shopify's compliance review checks this).
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..jobs.orders import request_drain
from ..jobs.deliveries import process_delivery
from ..services import inbox, installs
from ..shopify_client import webhook_hmac
from ..shopify_client.domains import valid_shop_domain
from .guards import runtime

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

TOPICS = {
    "app": {"app/uninstalled", "app/scopes_update"},
    "compliance": {"customers/data_request", "customers/redact", "shop/redact"},
    "orders": {"orders/create", "orders/updated", "orders/paid", "orders/cancelled", "orders/edited", "refunds/create"},
    "bulk": {"bulk_operations/finish"},
    "discounts": {"discounts/create", "discounts/update", "discounts/delete", "discounts/redeemcode_added",
                  "discounts/redeemcode_removed"},
}


def _answer(status: int, message: str):
    resp = jsonify(status=message)
    resp.status_code = status
    return resp


def receive(path_key: str):
    rt = runtime()
    raw = request.get_data(cache=False)
    verdict = webhook_hmac.verify(raw, request.headers.get("X-Shopify-Hmac-Sha256"), rt.secrets)
    if not verdict.ok:
        return _answer(401, verdict.reason)
    shop = valid_shop_domain(request.headers.get("X-Shopify-Shop-Domain"))
    topic = request.headers.get("X-Shopify-Topic", "")
    webhook_id = request.headers.get("X-Shopify-Webhook-Id", "")
    if not shop or not webhook_id or topic not in TOPICS[path_key]:
        return _answer(400, "missing or unexpected shop, topic or webhook id")
    with rt.db.session() as session:
        receipt = inbox.receive(session, shop_domain=shop, webhook_id=webhook_id, topic=topic, raw_body=raw,
                                api_version=request.headers.get("X-Shopify-API-Version"),
                                event_id=request.headers.get("X-Shopify-Event-Id"),
                                triggered_at=request.headers.get("X-Shopify-Triggered-At"))
        if topic == "app/uninstalled" and not receipt.duplicate:
            # Stop at once: the tokens are already revoked by Shopify (no parsing needed).
            installs.mark_uninstalled(session, shop)
    if receipt.duplicate:
        return _answer(200, "duplicate")
    if path_key == "orders":
        request_drain(rt)  # batched: one drain job serves a burst of deliveries
    else:
        rt.jobs.enqueue(process_delivery, receipt.delivery_id)
    return _answer(200, "queued")


@bp.post("/app")
def app_topics():
    return receive("app")


@bp.post("/compliance")
def compliance_topics():
    return receive("compliance")


@bp.post("/discounts")
def discount_topics():
    return receive("discounts")


@bp.post("/orders")
def order_topics():
    return receive("orders")


@bp.post("/bulk")
def bulk_topics():
    return receive("bulk")
