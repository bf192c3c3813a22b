"""The merchant's side of the demo, over HTTP only: the browser in the embedded page (every call to
the app's JSON API carries a fresh session token the stand-in mints, as App Bridge would), the
install through OAuth, and the "Allow access to all orders" button."""

from __future__ import annotations

import time

import requests


class DemoError(RuntimeError):
    """The app or the stand-in refused a step of the scenario."""


class Merchant:
    """The merchant's browser in the embedded page: every call carries a fresh session token."""

    def __init__(self, app_url: str, stand_in_url: str, shop: str):
        self.app_url, self.stand_in_url, self.shop = app_url.rstrip("/"), stand_in_url.rstrip("/"), shop
        self.http = requests.Session()
        self._token, self._minted = "", 0.0

    def token(self) -> str:
        if time.monotonic() - self._minted > 30:  # session tokens live a minute
            resp = self.http.post(
                f"{self.stand_in_url}/_devstore/shops/{self.shop}/session-token", json={}, timeout=30
            )
            check(resp, "session token")
            self._token, self._minted = resp.json()["token"], time.monotonic()
        return self._token

    def call(self, method: str, path: str, json=None, ok=(200, 201, 202)) -> dict:
        resp = self.http.request(
            method,
            self.app_url + path,
            json=json,
            timeout=120,
            headers={"Authorization": f"Bearer {self.token()}"},
        )
        check(resp, f"{method} {path}", ok)
        return resp.json()

    def control(self, method: str, path: str, json=None, timeout: float = 60) -> dict:
        resp = self.http.request(
            method, f"{self.stand_in_url}/_devstore/shops/{self.shop}{path}", json=json, timeout=timeout
        )
        check(resp, f"stand-in {method} {path}")
        return resp.json()


def check(resp: requests.Response, what: str, ok=(200, 201, 202)) -> None:
    """Raise DemoError unless the answer's status is one of ``ok``."""
    if resp.status_code not in ok:
        raise DemoError(f"{what}: HTTP {resp.status_code} {resp.text[:400]}")


def install_through_oauth(app_url: str, shop: str) -> None:
    """What a merchant's browser does: /auth -> authorize (auto-approved) -> callback."""
    resp = requests.get(f"{app_url}/auth", params={"shop": shop}, timeout=15)  # follows every redirect
    through_callback = any("/auth/callback" in r.url for r in resp.history)
    if not (resp.ok and through_callback):
        raise SystemExit(f"install failed: {resp.status_code} {resp.text[:300]}")


def allow_full_history(app_url: str, stand_in_url: str, shop: str, timeout: float = 120, tick=None) -> dict:
    """What the merchant does with the page's "Allow access to all orders" button: App Bridge's
    ``shopify.scopes.request(["read_all_orders"])`` reaches the admin, the merchant accepts, the
    page tells the app, and the app loads the (still empty) full history. Returns the app's
    ``/api/history-access`` once that run is done. ``tick`` (tests): run the app's queued jobs."""
    merchant = Merchant(app_url, stand_in_url, shop)
    answer = merchant.control("POST", "/scopes/request", {"scopes": ["read_all_orders"]})
    if answer.get("result") != "granted-all":
        raise SystemExit(f"read_all_orders was not granted: {answer}")
    merchant.call("POST", "/api/history-access")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tick is not None:
            tick()
        status = merchant.call("GET", "/api/history-access")
        if status["granted"] and (status["full_history"] or {}).get("status") == "done":
            return status
        time.sleep(0.2)
    raise SystemExit(f"the full-history backfill did not finish in {timeout:.0f} s: {status}")
