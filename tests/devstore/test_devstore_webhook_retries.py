"""Webhook delivery as Shopify documents it: one event id per merchant action (shared by every
topic and subscription it causes), one webhook id per delivery, automatic retries of what the
app did not acknowledge (8 over 4 hours, then given up with the subscription kept), and the
API version header falling forward from a version the stand-in does not serve."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace

import pytest
from devstore_order_support import line
from devstore_support import APP_TOML, SCOPES, SHOP
from flask import Flask, request
from werkzeug.serving import make_server

from devstore.testing import DevstoreServer
from devstore.webhooks import retries


class FlakyApp:
    """The app's webhook endpoint answering the given statuses in turn (then 200)."""

    def __init__(self, statuses: list[int]):
        self.statuses, self.received = list(statuses), []
        app = Flask("flaky")

        @app.post("/webhooks/<kind>")
        def receive(kind):
            self.received.append({"headers": dict(request.headers), "body": request.get_data()})
            return "", self.statuses.pop(0) if self.statuses else 200

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _until(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.02)


@pytest.fixture
def fast(config):
    """A stand-in whose retry schedule runs 10,000 times faster: 4 hours in 1.44 s."""
    config.app_toml.write_text(APP_TOML)
    with DevstoreServer(replace(config, webhook_retry_scale=0.0001)) as server:
        server.control.create_shop(SHOP, scopes=SCOPES)
        yield server


def _headers(app: FlakyApp, name: str) -> list[str]:
    return [r["headers"][name] for r in app.received]


def test_shopifys_schedule_is_8_retries_doubling_over_4_hours():
    policy = retries.Policy(retries.RETRIES, retries.FIRST_WAIT_SECONDS)
    waits = [policy.wait(n) for n in range(8)]
    # 14400 s / 255 = 56.47 s first; each wait doubles; 1 + 2 + 4 + ... + 128 = 255 of them = 4 hours
    assert waits[0] == pytest.approx(14400 / 255)
    assert waits[7] == pytest.approx(128 * 14400 / 255)
    assert sum(waits) == pytest.approx(4 * 3600)


def test_one_action_shares_an_event_id_and_each_delivery_has_its_own_webhook_id(
    devstore, shop, receiver, tokens
):
    devstore.control.create_order(shop, line_items=[line()])  # paid: orders/create and orders/paid
    devstore.control.create_order(shop, line_items=[line()])
    topics = _headers(receiver, "X-Shopify-Topic")
    events = _headers(receiver, "X-Shopify-Event-Id")
    webhooks = _headers(receiver, "X-Shopify-Webhook-Id")
    assert topics == ["orders/create", "orders/paid"] * 2
    assert events[0] == events[1] and events[2] == events[3] and events[0] != events[2]
    assert len(set(webhooks)) == 4


def test_two_subscriptions_to_a_topic_get_two_webhook_ids_and_one_event_id(devstore, shop, receiver, config):
    config.app_toml.write_text(
        APP_TOML + '\n  [[webhooks.subscriptions]]\n  topics = [ "app/uninstalled" ]\n'
        '  uri = "/webhooks/second"\n'
    )
    devstore.control.send_webhook(shop, "app/uninstalled")
    assert [r["path"] for r in receiver.received] == ["/webhooks/app", "/webhooks/second"]
    a, b = (r["headers"] for r in receiver.received)
    assert a["X-Shopify-Event-Id"] == b["X-Shopify-Event-Id"]
    assert a["X-Shopify-Webhook-Id"] != b["X-Shopify-Webhook-Id"]


def test_an_unacknowledged_delivery_is_retried_with_the_same_ids_and_body_until_it_is_taken(fast):
    app = FlakyApp([500, 503, 302])  # a 3xx is a failure too
    fast.set_app_url(app.url)
    try:
        first = fast.control.send_webhook(SHOP, "shop/redact")
        assert first["status_code"] == 500
        _until(lambda: len(app.received) == 4)
        assert len(set(_headers(app, "X-Shopify-Webhook-Id"))) == 1
        assert len(set(_headers(app, "X-Shopify-Event-Id"))) == 1
        assert len(set(_headers(app, "X-Shopify-Triggered-At"))) == 1
        assert len({r["body"] for r in app.received}) == 1
        _until(lambda: fast.control.webhook_stats(SHOP)["retry_pending"] == 0)
        stats = fast.control.webhook_stats(SHOP)
        assert (stats["retried"], stats["failed"]) == (3, 0)
        logged = fast.control.deliveries(SHOP)
        assert [d["status_code"] for d in logged] == [500, 503, 302, 200]
        assert [d.get("retry") for d in logged] == [None, 1, 2, 3]
        time.sleep(0.3)  # a delivery taken is not sent again
        assert len(app.received) == 4
    finally:
        app.close()


def test_after_8_failed_retries_the_delivery_is_given_up_and_the_subscription_kept(fast):
    app = FlakyApp([500] * 9)
    fast.set_app_url(app.url)
    try:
        fast.control.send_webhook(SHOP, "shop/redact")
        _until(lambda: fast.control.webhook_stats(SHOP)["failed"] == 1)
        assert len(app.received) == 9  # the delivery and 8 retries
        logged = fast.control.deliveries(SHOP)
        assert [d.get("abandoned", False) for d in logged] == [False] * 8 + [True]
        assert fast.control.webhook_stats(SHOP)["retried"] == 8
        # An app-specific (shopify.app.toml) subscription is not deleted: the next webhook arrives.
        assert fast.control.send_webhook(SHOP, "shop/redact")["status_code"] == 200
    finally:
        app.close()


def test_the_stand_in_stopping_cancels_pending_retries(config):
    config.app_toml.write_text(APP_TOML)
    server = DevstoreServer(config).start()  # Shopify's real schedule: the first retry in 56 s
    server.control.create_shop(SHOP, scopes=SCOPES)
    server.control.send_webhook(SHOP, "shop/redact")  # nothing listens on the app's port
    assert server.control.webhook_stats(SHOP)["retry_pending"] == 1
    server.stop()
    assert retries.cancel_all(server.store) == 0  # already cancelled by stop()


def test_an_unsupported_api_version_falls_forward_and_the_header_says_which(devstore, shop, receiver, config):
    config.app_toml.write_text(APP_TOML.replace('api_version = "2026-10"', 'api_version = "2024-01"'))
    devstore.control.send_webhook(shop, "shop/redact")
    [delivery] = receiver.received
    assert delivery["headers"]["X-Shopify-Api-Version"] == "2026-10"
    [logged] = devstore.control.deliveries(shop)
    assert logged["api_version"] == "2026-10" and logged["subscription_api_version"] == "2024-01"
    assert json.loads(delivery["body"])["shop_domain"] == shop


def test_a_shops_webhook_faults_can_replace_shopifys_schedule(devstore, shop, tokens, config):
    config.app_toml.write_text(APP_TOML)
    app = FlakyApp([500] * 10)
    devstore.set_app_url(app.url)
    try:
        devstore.control.faults(shop, webhooks={"retries": 2, "retry_ms": 5})  # 2 retries, 5 ms then 10 ms
        devstore.control.create_order(
            shop, line_items=[line()], financial_status="pending"
        )  # orders/create only
        _until(lambda: devstore.control.webhook_stats(shop)["failed"] == 1)
        assert len(app.received) == 3
        assert devstore.control.webhook_stats(shop)["faults"]["retries"] == 2
    finally:
        app.close()
