"""Webhook endpoints (paths as in shopify.app.toml): verify, store once, queue, answer.

Only the HMAC check and one INSERT happen here (shared with the requests of the same moment:
services/webhooks/inbox_writer.py); everything else runs in a worker. A wrong HMAC
is a 401 with nothing stored (Shopify's compliance review checks this). A verified delivery whose
`X-Shopify-Triggered-At` is older than the replay window is recorded (`skipped`, with the reason)
and answered 200, but not applied (see `inbox.replay_verdict`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from flask import Blueprint, Response, jsonify, request

from shopify_roi.jobs.deliveries import process_delivery
from shopify_roi.jobs.orders import drain_requests, request_drain
from shopify_roi.services.creators import code_sync
from shopify_roi.services.orders import ingest
from shopify_roi.services.shops import lifecycle, privacy
from shopify_roi.services.webhooks import inbox
from shopify_roi.services.webhooks.inbox_writer import inbox_writer
from shopify_roi.shopify_client import webhook_hmac
from shopify_roi.shopify_client.domains import valid_shop_domain
from shopify_roi.web.guards import runtime

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

TOPICS = {
    "app": set(lifecycle.HANDLERS),
    "compliance": set(privacy.PRIVACY_TOPICS),
    "orders": set(ingest.ORDER_TOPICS),
    "bulk": {"bulk_operations/finish"},
    "discounts": set(code_sync.DISCOUNT_TOPICS),
}


# Checked after the HMAC (only signed requests get here); the same few shops send every webhook.
_valid_shop = lru_cache(maxsize=1024)(valid_shop_domain)
_HEADER_RE = re.compile(r"[\x21-\x7e]{1,128}")  # Shopify's ids and versions: printable ASCII, no spaces


def _header(name: str) -> str | None:
    """A header value fit to store (printable ASCII, at most 128 characters), else None."""
    value = (request.headers.get(name) or "").strip()
    return value if _HEADER_RE.fullmatch(value) else None


_ANSWERS: dict[str, bytes] = {}


def _answer(status: int, message: str) -> Response:
    body = _ANSWERS.get(message)
    if body is None:  # the body jsonify would send, made once per message
        body = _ANSWERS.setdefault(message, jsonify(status=message).get_data())
    return Response(body, status=status, mimetype="application/json")


def _store(rt, fields: dict, uninstall: bool) -> inbox.Receipt:
    """Committed (durable) when this returns: on PostgreSQL in one INSERT and one commit with the rows
    of the requests this process handles at the same moment (inbox_writer.py). An app/uninstalled
    delivery also stops the shop, in the same transaction."""
    if not uninstall:
        return inbox_writer(rt.db).receive(**fields)
    with rt.db.session() as session:
        return lifecycle.receive_uninstall(session, **fields)


def receive(path_key: str):
    rt = runtime()
    raw = request.get_data(cache=False)
    verdict = webhook_hmac.verify(raw, request.headers.get("X-Shopify-Hmac-Sha256"), rt.secrets)
    if not verdict.ok:
        return _answer(401, verdict.reason)
    shop = _valid_shop(request.headers.get("X-Shopify-Shop-Domain"))
    topic = request.headers.get("X-Shopify-Topic", "")
    webhook_id = _header("X-Shopify-Webhook-Id")
    if not shop or not webhook_id or topic not in TOPICS[path_key]:
        return _answer(400, "missing or unexpected shop, topic or webhook id")
    triggered_at = _header("X-Shopify-Triggered-At")
    stale = inbox.replay_verdict(triggered_at, rt.settings.webhook_replay_window_hours)
    fields = dict(
        shop_domain=shop,
        webhook_id=webhook_id,
        topic=topic,
        raw_body=raw,
        api_version=_header("X-Shopify-API-Version"),
        event_id=_header("X-Shopify-Event-Id"),
        triggered_at=triggered_at,
        skipped_because=stale,
    )
    attempts = []

    def store() -> inbox.Receipt:
        attempts.append(1)
        return _store(rt, fields, uninstall=topic == "app/uninstalled" and not stale)

    # Storing is idempotent (keyed by the webhook id), so a connection found dead is retried once.
    receipt = rt.db.retrying(store)
    if receipt.duplicate:
        if len(attempts) > 1 and path_key == "orders" and not stale:
            request_drain(rt)  # the lost attempt may have committed it: make sure it is drained
        return _answer(200, "duplicate")
    if stale:
        return _answer(200, "stale")
    if path_key == "orders":
        request_drain(rt)  # batched: one drain job serves a burst of deliveries
    else:
        rt.jobs.enqueue(process_delivery, receipt.delivery_id, shop, shop=shop)
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
    # A burst's drain requests are coalesced: the last order request of this process to finish asks
    # for the drain, before it answers (jobs/orders.py, DrainRequests).
    with drain_requests(runtime()).section():
        return receive("orders")


@bp.post("/bulk")
def bulk_topics():
    return receive("bulk")
