"""Webhook signing and delivery to the subscriptions of shopify.app.toml."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime

import pytest
from devstore_support import APP_TOML

from devstore.webhooks.signing import sign


def test_sign_known_answer():
    # printf '%s' '{"shop_id":954889,"shop_domain":"demo-shop.myshopify.com"}' \
    #   | openssl dgst -sha256 -hmac 'demo-api-secret' -binary | base64
    body = b'{"shop_id":954889,"shop_domain":"demo-shop.myshopify.com"}'
    assert sign(body, "demo-api-secret") == "MGIUd6SmihaMzq7124nTIj1Cgp99QZHr985F00j0+pU="


def _verify(delivery: dict, secret: str = "demo-api-secret-for-the-local-stand-in") -> bool:
    expected = base64.b64encode(hmac.new(secret.encode(), delivery["body"], hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, delivery["headers"]["X-Shopify-Hmac-Sha256"])


def test_delivery_posts_shopify_headers_and_a_verifiable_signature(devstore, shop, receiver):
    result = devstore.control.send_webhook(shop, "customers/redact")
    assert result["status_code"] == 200
    assert result["url"] == receiver.url + "/webhooks/compliance"
    [delivery] = receiver.received
    headers = delivery["headers"]
    assert _verify(delivery)
    assert not _verify(delivery, secret="another-secret")
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Shopify-Topic"] == "customers/redact"
    assert headers["X-Shopify-Shop-Domain"] == "demo-shop.myshopify.com"
    assert headers["X-Shopify-Api-Version"] == "2026-10"
    assert headers["X-Shopify-Webhook-Id"] == result["webhook_id"]
    assert headers["X-Shopify-Event-Id"]
    assert datetime.fromisoformat(headers["X-Shopify-Triggered-At"]).tzinfo is not None
    body = json.loads(delivery["body"])
    assert body["shop_domain"] == shop and body["shop_id"] == devstore.control.shop(shop)["id"]


def test_same_webhook_id_redelivers_a_duplicate(devstore, shop, receiver):
    first = devstore.control.send_webhook(shop, "shop/redact", webhook_id="wh-1")
    second = devstore.control.send_webhook(shop, "shop/redact", webhook_id="wh-1")
    assert first["webhook_id"] == second["webhook_id"] == "wh-1"
    a, b = receiver.received
    assert a["body"] == b["body"]
    for name in (
        "X-Shopify-Webhook-Id",
        "X-Shopify-Event-Id",
        "X-Shopify-Triggered-At",
    ):
        assert a["headers"][name] == b["headers"][name]
    assert len(devstore.control.deliveries(shop)) == 2


def test_given_payload_is_sent_verbatim(devstore, shop, receiver):
    payload = {
        "shop_id": 1,
        "shop_domain": shop,
        "customer": {"id": 5, "email": "a@b.c", "phone": ""},
        "orders_to_redact": [7],
    }
    devstore.control.send_webhook(shop, "customers/redact", payload=payload)
    assert json.loads(receiver.received[0]["body"]) == payload


def test_topic_without_subscription_is_recorded_not_sent(devstore, shop, receiver):
    result = devstore.control.send_webhook(shop, "products/create", payload={"id": 1})
    assert result["status_code"] is None and result["url"] is None
    assert receiver.received == []
    [logged] = devstore.control.deliveries(shop)
    assert logged["sent"] is False and logged["topic"] == "products/create"


def test_uninstall_sends_app_uninstalled_with_the_shop(devstore, shop, receiver, tokens):
    result = devstore.control.uninstall(shop)
    assert result["status_code"] == 200
    [delivery] = receiver.received
    assert delivery["headers"]["X-Shopify-Topic"] == "app/uninstalled"
    assert delivery["path"] == "/webhooks/app"
    body = json.loads(delivery["body"])
    assert body["myshopify_domain"] == shop and body["name"] == "Demo Shop"
    state = devstore.control.shop(shop)
    assert state["installed"] is False and state["live_access_tokens"] == 0


def test_unreachable_app_is_reported_not_raised(devstore, shop, config):
    config.app_toml.write_text(APP_TOML)
    devstore.set_app_url("http://127.0.0.1:9")  # discard port: nothing listens
    result = devstore.control.send_webhook(shop, "shop/redact")
    assert result["status_code"] is None and result["error"]


def test_token_exchange_falls_back_to_toml_scopes(devstore, receiver):
    from devstore_support import Api

    devstore.control.create_shop("no-scopes.myshopify.com")
    api = Api(devstore, "no-scopes.myshopify.com")
    body = api.exchange(devstore.control.session_token("no-scopes.myshopify.com")).json()
    assert body["scope"] == "read_orders,write_discounts,read_customers"


def test_repository_app_toml_subscribes_the_builder_topics():
    from pathlib import Path

    from devstore import app_toml
    from devstore.webhooks import payloads

    path = Path(__file__).resolve().parents[2] / "shopify.app.toml"
    if not path.is_file():
        pytest.skip("no shopify.app.toml at the repository root")
    toml = app_toml.load(path)
    assert toml.api_version == "2026-10"
    app_url = "http://127.0.0.1:8000"
    # The discount topics are the app author's to subscribe (uri = "/webhooks/discounts");
    # until the repository TOML names one of them, only the other builder topics are required.
    discount_topics = [t for t in payloads.BUILDERS if t.startswith("discounts/")]
    pending = not any(toml.uris_for(t, app_url) for t in discount_topics)
    for topic in payloads.BUILDERS:
        if pending and topic in discount_topics:
            continue
        assert toml.uris_for(topic, app_url), topic
