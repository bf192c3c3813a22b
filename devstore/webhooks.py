"""Sending webhooks the way Shopify does: HMAC-signed JSON POSTs to the app-specific
subscriptions declared in ``shopify.app.toml``.

Headers per shopify.dev/docs/apps/build/webhooks/delivery-structure. No retries: a test
re-delivers by passing the same ``webhook_id`` again (same event id, trigger time and, unless
a payload is given, the same body - as Shopify's retries carry the original payload).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import requests

from devstore import app_toml
from devstore.config import DevstoreConfig
from devstore.state import Shop, Store


@dataclass(frozen=True)
class Delivery:
    """Outcome of one delivery. ``status_code`` is None when nothing was sent (no
    subscription) or the app could not be reached (``error`` says why)."""

    webhook_id: str
    status_code: int | None
    url: str | None
    error: str | None = None

    def to_json(self) -> dict:
        return {
            "webhook_id": self.webhook_id,
            "status_code": self.status_code,
            "url": self.url,
            "error": self.error,
        }


# Topics Shopify sends only to apps holding a scope (shopify.dev webhook topic docs); a
# ``write_`` scope implies its ``read_``. Topics not listed here need no scope in devstore.
TOPIC_SCOPES = {
    "discounts/": "read_discounts",
    "orders/": "read_orders",
    "refunds/": "read_orders",
}


def missing_scope(shop: Shop, topic: str) -> str | None:
    """The scope the shop's grant lacks for ``topic`` (None when it may be delivered)."""
    granted = {s.strip() for s in shop.granted_scopes.split(",") if s.strip()}
    for prefix, scope in TOPIC_SCOPES.items():
        if topic.startswith(prefix) and not granted & {scope, scope.replace("read_", "write_", 1)}:
            return scope
    return None


def sign(body: bytes, secret: str) -> str:
    """``X-Shopify-Hmac-Sha256``: base64 of HMAC-SHA256 over the raw body, keyed by the client secret."""
    return base64.b64encode(
        hmac.new(secret.encode(), body, hashlib.sha256).digest()
    ).decode()


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def deliver(
    config: DevstoreConfig,
    shop: Shop | str,
    topic: str,
    payload: dict | None,
    webhook_id: str | None = None,
    store: Store | None = None,
    extra: dict | None = None,
) -> Delivery:
    """POST ``payload`` for ``topic`` to every subscription of the topic; return the first delivery.

    Each attempt (or the decision not to send, when no subscription matches) is appended to
    the shop's delivery log when ``store`` is given and ``shop`` is a Shop (with the keys of
    ``extra`` added, e.g. the fault flags of ``order_events``). Passing a
    ``webhook_id`` that was delivered before re-delivers a duplicate. Never raises for
    network errors: they are reported in ``Delivery.error``.
    """
    domain = shop.domain if isinstance(shop, Shop) else shop
    previous = (
        store.find_delivery(shop, webhook_id)
        if (store and isinstance(shop, Shop) and webhook_id)
        else None
    )
    if payload is None and previous is not None:
        payload = previous["payload"]
    webhook_id = webhook_id or str(uuid.uuid4())
    event_id = previous["event_id"] if previous else str(uuid.uuid4())
    triggered_at = previous["triggered_at"] if previous else _now_iso()
    toml = app_toml.load(config.app_toml)
    api_version = toml.api_version or config.api_versions[0]
    body = json.dumps(payload).encode()
    entry = {
        "webhook_id": webhook_id,
        "event_id": event_id,
        "topic": topic,
        "triggered_at": triggered_at,
        "api_version": api_version,
        "payload": payload,
        "delivered_at": _now_iso(),
        **(extra or {}),
    }
    urls = toml.uris_for(topic, config.app_url)
    lacking = missing_scope(shop, topic) if isinstance(shop, Shop) else None
    if lacking:
        result = Delivery(webhook_id, None, None, f"the app lacks {lacking} for {topic}")
        _record(store, shop, entry, result, sent=False)
        return result
    if not urls:
        result = Delivery(
            webhook_id, None, None, f"no subscription for {topic} in {config.app_toml}"
        )
        _record(store, shop, entry, result, sent=False)
        return result
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": sign(body, config.api_secret),
        "X-Shopify-Shop-Domain": domain,
        "X-Shopify-API-Version": api_version,
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Event-Id": event_id,
        "X-Shopify-Triggered-At": triggered_at,
    }
    results = []
    for url in urls:
        try:
            response = requests.post(
                url,
                data=body,
                headers=headers,
                timeout=config.webhook_timeout,
                allow_redirects=False,
            )  # Shopify counts a 3xx as a failure
            result = Delivery(webhook_id, response.status_code, url)
        except requests.RequestException as exc:
            result = Delivery(webhook_id, None, url, f"{type(exc).__name__}: {exc}")
        _record(store, shop, entry, result, sent=True)
        results.append(result)
    return results[0]


def log_unsent(
    store: Store, shop: Shop, topic: str, payload: dict, error: str, extra: dict | None = None
) -> Delivery:
    """Log a delivery that is deliberately not sent (``sent: false`` with ``error``)."""
    entry = {
        "webhook_id": str(uuid.uuid4()),
        "event_id": str(uuid.uuid4()),
        "topic": topic,
        "triggered_at": _now_iso(),
        "payload": payload,
        **(extra or {}),
    }
    result = Delivery(entry["webhook_id"], None, None, error)
    _record(store, shop, entry, result, sent=False)
    return result


def _record(
    store: Store | None, shop: Shop | str, entry: dict, result: Delivery, sent: bool
) -> None:
    if store is not None and isinstance(shop, Shop):
        store.log_delivery(shop, {**entry, **result.to_json(), "sent": sent})


def deliver_in_background(
    config: DevstoreConfig, shop: Shop, events: list[tuple[str, dict]], store: Store
) -> threading.Thread:
    """Deliver ``[(topic, payload), ...]`` in order on a daemon thread and return it.

    Shopify sends webhooks after the API call that caused them, not inside it, so the app
    may get its answer before (or after) the webhook. Every outcome is in the shop's delivery
    log, including an unexpected exception (``sent: false`` with the error); nothing is raised.
    """

    def run() -> None:
        for topic, payload in events:
            try:
                deliver(config, shop, topic, payload, store=store)
            except Exception as exc:  # noqa: BLE001 - a broken TOML must not kill the thread unseen
                entry = {"webhook_id": str(uuid.uuid4()), "topic": topic, "payload": payload}
                result = Delivery(entry["webhook_id"], None, None, f"{type(exc).__name__}: {exc}")
                _record(store, shop, entry, result, sent=False)

    thread = threading.Thread(target=run, name=f"webhooks-{shop.domain}", daemon=True)
    thread.start()
    return thread
