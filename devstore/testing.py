"""Helpers for tests of the app and of the stand-in: a real HTTP server on a random
loopback port, and a small client for the control API."""

from __future__ import annotations

import threading
import time
from typing import Self

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from devstore.config import DevstoreConfig
from devstore.server import create_app, runtime_of
from devstore.testing_features import FeatureControls
from devstore.webhooks import retries


class ControlError(Exception):
    """The control API answered with an error status."""

    def __init__(self, response: requests.Response):
        super().__init__(f"{response.status_code}: {response.text[:300]}")
        self.response = response


class ControlClient(FeatureControls):
    """Calls the ``/_devstore/`` control API; every method returns the decoded JSON and
    raises ControlError on a non-2xx answer."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()

    def _call(self, method: str, path: str, json: dict | None = None, timeout: float = 30):
        response = self.http.request(method, f"{self.base_url}/_devstore{path}", json=json, timeout=timeout)
        if not response.ok:
            raise ControlError(response)
        return response.json()

    def health(self) -> dict:
        return self._call("GET", "/health")

    def create_shop(self, shop: str, **kw) -> dict:
        """kw: name, email, currency, timezone, scopes (comma-separated), plan_display_name, ..."""
        return self._call("POST", "/shops", {"shop": shop, **kw})

    def shop(self, shop: str) -> dict:
        return self._call("GET", f"/shops/{shop}")

    def session_token(self, shop: str, **kw) -> str:
        """kw: sub, ttl, secret, aud, dest, nbf_offset. Returns the JWT."""
        return self._call("POST", f"/shops/{shop}/session-token", kw)["token"]

    def send_webhook(
        self,
        shop: str,
        topic: str,
        payload: dict | None = None,
        webhook_id: str | None = None,
    ) -> dict:
        body = {"topic": topic}
        if payload is not None:
            body["payload"] = payload
        if webhook_id is not None:
            body["webhook_id"] = webhook_id
        return self._call("POST", f"/shops/{shop}/webhooks", body)

    def uninstall(self, shop: str) -> dict:
        return self._call("POST", f"/shops/{shop}/uninstall")

    def expire_tokens(self, shop: str) -> dict:
        return self._call("POST", f"/shops/{shop}/expire-tokens")

    def advance_token_clock(self, shop: str, seconds: float) -> dict:
        """Move the shop's token clock (lifetimes, refresh retry windows) ``seconds`` ahead."""
        return self._call("POST", f"/shops/{shop}/token-clock", {"advance": seconds})

    def scopes(self, shop: str) -> dict:
        """App Bridge's ScopesDetail: granted, required, optional."""
        return self._call("GET", f"/shops/{shop}/scopes")

    def request_scopes(self, shop: str, scopes: list[str]) -> dict:
        """What ``shopify.scopes.request(scopes)`` reaches: the merchant answers (see
        ``answer_scope_requests``)."""
        return self._call("POST", f"/shops/{shop}/scopes/request", {"scopes": scopes})

    def revoke_scopes(self, shop: str, scopes: list[str]) -> dict:
        return self._call("POST", f"/shops/{shop}/scopes/revoke", {"scopes": scopes})

    def lose_token_answers(self, shop: str, count: int) -> dict:
        """The next ``count`` token grants happen, then their answer is lost (HTTP 502)."""
        return self._call("POST", f"/shops/{shop}/token-faults", {"lose_answers": count})

    def answer_scope_requests(self, shop: str, answer: str) -> dict:
        """``grant`` (the default) or ``decline``: how the merchant answers the app's next requests."""
        return self._call("POST", f"/shops/{shop}/scopes/answer", {"answer": answer})

    def faults(self, shop: str, **kw) -> dict:
        """kw: fail_next, fail_every, status, throttle={"maximum":..,"restore_rate":..,"empty_every":..}."""
        return self._call("POST", f"/shops/{shop}/faults", kw)

    def customer_data(self, level: int | None = None, fields: list[str] | None = None) -> dict:
        """The app's protected customer data approval: {"level", "approved"}; sets it when ``level``
        is given."""
        if level is None:
            return self._call("GET", "/app/customer-data")
        return self._call("POST", "/app/customer-data", {"level": level, "fields": fields or []})

    def set_plan(self, shop: str, plan: str) -> dict:
        """The shop's plan (standard, advanced, plus, enterprise): its GraphQL bucket."""
        return self._call("POST", f"/shops/{shop}/plan", {"plan": plan})

    def reset_faults(self, shop: str) -> dict:
        return self._call("DELETE", f"/shops/{shop}/faults")

    def graphql_log(self, shop: str) -> list[dict]:
        return self._call("GET", f"/shops/{shop}/graphql-log")

    def deliveries(self, shop: str) -> list[dict]:
        return self._call("GET", f"/shops/{shop}/deliveries")

    def wait_deliveries(
        self, shop: str, topic: str | None = None, count: int = 1, timeout: float = 5.0
    ) -> list[dict]:
        """Poll the delivery log until ``count`` entries (of ``topic``, if given) are there;
        return them. GraphQL mutations send their webhooks in the background, so a test
        waits here. Raises TimeoutError with what was logged."""
        deadline = time.monotonic() + timeout
        while True:
            found = [d for d in self.deliveries(shop) if topic is None or d["topic"] == topic]
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{len(found)} of {count} {topic or ''} deliveries: {found}")
            time.sleep(0.02)

    def discounts(self, shop: str) -> list[dict]:
        """The shop's live discounts: id, gid, title, status, codes, value, startsAt, endsAt, ..."""
        return self._call("GET", f"/shops/{shop}/discounts")

    def create_discount(self, shop: str, code: str, **kw) -> dict:
        """Create a discount in the admin. kw: percentage (0..1) or amount ("10.00"), title,
        startsAt, endsAt, usageLimit, appliesOncePerCustomer, combinesWith, minimumSubtotal, tags."""
        return self._call("POST", f"/shops/{shop}/discounts", {"code": code, **kw})

    def edit_discount(self, shop: str, discount_id: int, **kw) -> dict:
        """Edit a discount in the admin. kw: code, active, title, percentage, amount, endsAt, ..."""
        return self._call("PATCH", f"/shops/{shop}/discounts/{discount_id}", kw)

    def delete_discount(self, shop: str, discount_id: int) -> dict:
        """Delete a discount in the admin."""
        return self._call("DELETE", f"/shops/{shop}/discounts/{discount_id}")

    def create_order(self, shop: str, **spec) -> dict:
        """Place an order (spec: line_items, customer_id, discount_code, created_at, shipping,
        tax_rate, taxes_included, presentment_currency, rate, ...); the REST order JSON."""
        return self._call("POST", f"/shops/{shop}/orders", spec)

    def orders(self, shop: str) -> list[dict]:
        return self._call("GET", f"/shops/{shop}/orders")

    def order(self, shop: str, order_id: int) -> dict:
        return self._call("GET", f"/shops/{shop}/orders/{order_id}")

    def refund_order(self, shop: str, order_id: int, **body) -> dict:
        """body: line_items [{line_item_id, quantity}], shipping, note, created_at.
        Returns {order, refund, deliveries}."""
        return self._call("POST", f"/shops/{shop}/orders/{order_id}/refunds", body)

    def cancel_order(self, shop: str, order_id: int, **body) -> dict:
        """body: refund (bool), reason, created_at. Returns {order, refund, deliveries}."""
        return self._call("POST", f"/shops/{shop}/orders/{order_id}/cancel", body)

    def edit_order(self, shop: str, order_id: int, **body) -> dict:
        """body: add [line specs], remove [line_item_id or {line_item_id, quantity}]. Returns
        {order, order_edit, deliveries}."""
        return self._call("POST", f"/shops/{shop}/orders/{order_id}/edit", body)

    def retag_order(self, shop: str, order_id: int, **body) -> dict:
        """body: add [tag], remove [tag] (staff edit the tags in the admin). Returns {order, deliveries}."""
        return self._call("POST", f"/shops/{shop}/orders/{order_id}/tags", body)

    def flush_webhooks(self, shop: str) -> dict:
        return self._call("POST", f"/shops/{shop}/webhooks/flush")

    def webhook_stats(self, shop: str) -> dict:
        return self._call("GET", f"/shops/{shop}/webhooks/stats")

    def generate(self, shop: str, **body) -> dict:
        """body: seed, orders, start, days, creators, sitewide_codes, deliver, ...

        Making the orders is CPU work in the stand-in (20,000 take ~15 s alone, a minute or more on a
        loaded machine): the answer may take long even with ``async`` delivery."""
        orders = int(body.get("orders", 100))
        timeout = max(30.0, orders / 50)
        if body.get("deliver") and not body.get("async"):
            # the answer also waits for every webhook to be sent and answered: on a loaded CI machine a
            # 400-order store's ~1,000 deliveries took more than 30 s
            timeout = max(120.0, orders / 5)
        return self._call("POST", f"/shops/{shop}/generate", body, timeout=timeout)

    def totals(self, shop: str) -> dict:
        return self._call("GET", f"/shops/{shop}/totals")

    def admin_frame(self, shop: str, **kw) -> dict:
        """kw: id_token_age (seconds the admin frame's initial id_token is already old; 0 = fresh)."""
        return self._call("POST", f"/shops/{shop}/admin-frame", kw)

    def set_clock(self, shop: str, now: str | None) -> dict:
        """Pretend it is ``now`` (ISO) for the 60-day order window; None: real time."""
        return self._call("POST", f"/shops/{shop}/clock", {"now": now})


class _QuietHandler(WSGIRequestHandler):
    """No access log lines in test output."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class DevstoreServer:
    """Serve ``create_app(config)`` on ``127.0.0.1:<random port>`` in a daemon thread.

    Use as a context manager (or call start/stop). ``origin_template`` is the value for the
    app's ``SHOPIFY_ORIGIN_TEMPLATE``; ``set_app_url`` points redirects and webhooks at the
    app once its port is known.
    """

    def __init__(
        self,
        config: DevstoreConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.app = create_app(config or DevstoreConfig())
        self._server = make_server(host, port, self.app, threaded=True, request_handler=_QuietHandler)
        self.url = f"http://{host}:{self._server.server_port}"
        self.origin_template = self.url + "/{shop}"
        self.control = ControlClient(self.url)
        self._thread: threading.Thread | None = None

    @property
    def config(self) -> DevstoreConfig:
        """The current config (reflects ``set_app_url``)."""
        return runtime_of(self.app).config

    @property
    def store(self):
        return runtime_of(self.app).store

    def set_app_url(self, app_url: str) -> None:
        runtime_of(self.app).set_app_url(app_url)

    def origin(self, shop: str) -> str:
        """The stand-in's origin for one shop, e.g. ``http://127.0.0.1:5123/demo.myshopify.com``."""
        return self.origin_template.format(shop=shop)

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="devstore",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        retries.cancel_all(self.store)  # no retry of this stand-in outlives it
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
