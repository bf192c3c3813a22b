"""What the stand-in produces, gathered for the contract check with Shopify's own library:
real webhook deliveries (raw bytes and headers, captured by a receiver on loopback) for every
topic subscribed in ``shopify.app.toml``, the OAuth authorize redirect, the admin's app frame
URL and session tokens. Named uniquely so it cannot clash with another helper on sys.path."""

from __future__ import annotations

import base64
import contextlib
import secrets
import threading
import time
import tomllib
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import requests

from devstore.testing import ControlError, DevstoreServer

BULK_RUN = """mutation ContractBulk($q: String!) { bulkOperationRunQuery(query: $q) {
  bulkOperation { id status } userErrors { field code message } } }"""


class Receiver:
    """The app's side on loopback: records every POST exactly as it arrived and answers 200."""

    def __init__(self):
        self.received: list[dict] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.received.append(
                    {
                        "path": self.path,
                        "headers": list(self.headers.items()),
                        "body": body,
                    }
                )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def topics(self) -> set[str]:
        return {_header(d["headers"], "X-Shopify-Topic") for d in self.received}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _header(pairs: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in pairs if k.lower() == name.lower()), None)


def subscribed(app_toml: Path) -> tuple[str | None, str, dict[str, str]]:
    """(webhook API version, requested scopes, {topic: uri}) from the app's TOML, compliance
    topics included, read independently of the stand-in's own reader."""
    data = tomllib.loads(app_toml.read_text())
    topics = {}
    for sub in data.get("webhooks", {}).get("subscriptions", []):
        for topic in sub.get("topics", []) + sub.get("compliance_topics", []):
            topics[topic] = sub["uri"]
    return data["webhooks"].get("api_version"), data["access_scopes"]["scopes"], topics


class _FrameSrc(HTMLParser):
    def __init__(self):
        super().__init__()
        self.src: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "iframe" and self.src is None:
            self.src = dict(attrs).get("src")


def authorize(shopify: DevstoreServer, shop: str, scopes: str, app_url: str) -> dict:
    """The merchant approves the app: the stand-in's redirect to the app's callback."""
    # A state with characters URL encoding changes: the stand-in must sign what Shopify's library checks.
    redirect_uri, state = f"{app_url}/auth/callback", secrets.token_urlsafe(16) + "/a+b c=é"
    query = urlencode(
        {
            "client_id": shopify.config.api_key,
            "scope": scopes,
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    answer = requests.get(
        f"{shopify.origin(shop)}/admin/oauth/authorize?{query}",
        allow_redirects=False,
        timeout=60,
    )
    assert answer.status_code == 302, answer.text
    return {
        "location": answer.headers["Location"],
        "redirect_uri": redirect_uri,
        "state": state,
    }


def redeem(shopify: DevstoreServer, shop: str, location: str) -> str:
    """The app's side of the callback: the code for an (expiring) offline access token."""
    code = requests.utils.urlparse(location).query.split("code=")[1].split("&")[0]
    answer = requests.post(
        f"{shopify.origin(shop)}/admin/oauth/access_token",
        timeout=60,
        json={
            "client_id": shopify.config.api_key,
            "client_secret": shopify.config.api_secret,
            "code": code,
            "expiring": "1",
        },
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def merchant_actions(shopify: DevstoreServer, shop: str, token: str, api_version: str) -> None:
    """Real events in the shop: an order's life, a discount's life and a bulk operation."""
    control = shopify.control
    order = control.create_order(
        shop, line_items=[{"title": "Contract tee", "price": "20.00", "quantity": 2}]
    )
    line = order["line_items"][0]["id"]
    control.refund_order(shop, order["id"], line_items=[{"line_item_id": line, "quantity": 1}])
    control.edit_order(
        shop,
        order["id"],
        add=[{"title": "Contract cap", "price": "8.00", "quantity": 1}],
    )
    control.cancel_order(shop, order["id"], refund=False, reason="customer")
    discount = control.create_discount(shop, "CONTRACT10", percentage=0.1)
    control.edit_discount(shop, discount["id"], code="CONTRACT15")
    control.delete_discount(shop, discount["id"])
    answer = requests.post(
        f"{shopify.origin(shop)}/admin/api/{api_version}/graphql.json",
        timeout=30,
        headers={"X-Shopify-Access-Token": token},
        json={
            "query": BULK_RUN,
            "variables": {"q": "{ orders { edges { node { id } } } }"},
        },
    )
    run = answer.json()["data"]["bulkOperationRunQuery"]
    assert run["userErrors"] == [], run


def deliver_the_rest(shopify: DevstoreServer, shop: str, receiver: Receiver, topics, timeout=20.0):
    """Topics no action here causes (app lifecycle, privacy requests) are sent through the
    control API, which signs and sends them as every other webhook; then wait until every
    subscribed topic has arrived (the bulk operation finishes in the background)."""
    for topic in sorted(set(topics) - receiver.topics() - {"bulk_operations/finish"}):
        with contextlib.suppress(ControlError):  # no body builder: a topic an action causes, still on its way
            shopify.control.send_webhook(shop, topic)
    deadline = time.monotonic() + timeout
    while set(topics) - receiver.topics() and time.monotonic() < deadline:
        time.sleep(0.05)


def admin_frame(shopify: DevstoreServer, shop: str) -> str:
    """The app URL the Shopify admin loads in its iframe (signed query with id_token)."""
    page = requests.get(f"{shopify.origin(shop)}/admin/apps/{shopify.config.api_key}", timeout=60)
    assert page.status_code == 200, page.text
    parser = _FrameSrc()
    parser.feed(page.text)
    assert parser.src, f"no app iframe on the admin page: {page.text[:300]}"
    return parser.src


def session_tokens(shopify: DevstoreServer, shop: str) -> dict:
    """A valid control-API session token, and forged ones the library must refuse."""
    control = shopify.control
    return {
        "valid": control.session_token(shop, sub="42"),
        "forged": {
            "another app's secret": control.session_token(shop, secret="another-app-secret-" + "x" * 24),
            "another app's aud": control.session_token(shop, aud="another-api-key"),
            "exp two minutes ago": control.session_token(shop, ttl=-120),
        },
    }


def deliveries(receiver: Receiver) -> list[dict]:
    return [
        {
            "path": d["path"],
            "headers": d["headers"],
            "body_b64": base64.b64encode(d["body"]).decode(),
        }
        for d in receiver.received
    ]
