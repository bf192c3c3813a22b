"""Constants and an HTTP helper shared by the stand-in's tests (named uniquely so it
cannot be confused with another conftest or helper module on sys.path)."""

from __future__ import annotations

import threading
import time

import requests
from flask import Flask, request
from werkzeug.serving import make_server

from devstore.testing import DevstoreServer

SHOP = "demo-shop.myshopify.com"
SCOPES = "read_orders,write_discounts,read_customers"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token"

# The tests' own shopify.app.toml (conftest's ``config`` points at a copy in tmp_path).
APP_TOML = """
client_id = "demo-api-key"

[access_scopes]
scopes = "read_orders,write_discounts,read_customers"

[webhooks]
api_version = "2026-10"

  [[webhooks.subscriptions]]
  topics = [ "app/uninstalled", "app/scopes_update" ]
  uri = "/webhooks/app"

  [[webhooks.subscriptions]]
  compliance_topics = [ "customers/data_request", "customers/redact", "shop/redact" ]
  uri = "/webhooks/compliance"

  [[webhooks.subscriptions]]
  topics = [ "discounts/create", "discounts/update", "discounts/delete",
             "discounts/redeemcode_added", "discounts/redeemcode_removed" ]
  uri = "/webhooks/discounts"

  [[webhooks.subscriptions]]
  topics = [ "orders/create", "orders/updated", "orders/paid", "orders/cancelled",
             "orders/edited", "refunds/create" ]
  uri = "/webhooks/orders"

  [[webhooks.subscriptions]]
  topics = [ "bulk_operations/finish" ]
  uri = "/webhooks/bulk"
"""


class Receiver:
    """A tiny app that records every webhook POST (raw body and headers)."""

    def __init__(self, status: int = 200):
        self.received: list[dict] = []
        self.hold = 0.0  # seconds each answer takes (a slow app)
        self.busy = self.most_at_once = 0
        lock = threading.Lock()
        app = Flask("receiver")

        @app.post("/webhooks/<kind>")
        def receive(kind):
            with lock:
                self.busy += 1
                self.most_at_once = max(self.most_at_once, self.busy)
            time.sleep(self.hold)
            self.received.append(
                {
                    "path": request.path,
                    "headers": dict(request.headers),
                    "body": request.get_data(),
                }
            )
            with lock:
                self.busy -= 1
            return "", status

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Api:
    """Calls the stand-in the way the app does (plain HTTP, Shopify URLs on the stand-in origin)."""

    def __init__(self, server: DevstoreServer, shop: str):
        self.server, self.shop = server, shop
        self.origin = server.origin(shop)

    def access_token(self, **body) -> requests.Response:
        body = {
            "client_id": self.server.config.api_key,
            "client_secret": self.server.config.api_secret,
            **body,
        }
        return requests.post(f"{self.origin}/admin/oauth/access_token", json=body, timeout=60)

    def exchange(self, subject_token: str, expiring: str = "1") -> requests.Response:
        return self.access_token(
            grant_type=TOKEN_EXCHANGE,
            subject_token=subject_token,
            subject_token_type=ID_TOKEN,
            requested_token_type=OFFLINE,
            expiring=expiring,
        )

    def graphql(self, query: str, token: str | None, variables=None, version="2026-10") -> requests.Response:
        headers = {"X-Shopify-Access-Token": token} if token is not None else {}
        return requests.post(
            f"{self.origin}/admin/api/{version}/graphql.json",
            json={"query": query, "variables": variables},
            headers=headers,
            timeout=60,
        )
