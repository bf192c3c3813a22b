"""Constants and an HTTP helper shared by the stand-in's tests (named uniquely so it
cannot be confused with another conftest or helper module on sys.path)."""

from __future__ import annotations

import requests

from devstore.testing import DevstoreServer

SHOP = "demo-shop.myshopify.com"
SCOPES = "read_orders,write_discounts,read_customers"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token"


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
        return requests.post(
            f"{self.origin}/admin/oauth/access_token", json=body, timeout=10
        )

    def exchange(self, subject_token: str, expiring: str = "1") -> requests.Response:
        return self.access_token(
            grant_type=TOKEN_EXCHANGE,
            subject_token=subject_token,
            subject_token_type=ID_TOKEN,
            requested_token_type=OFFLINE,
            expiring=expiring,
        )

    def graphql(
        self, query: str, token: str | None, variables=None, version="2026-10"
    ) -> requests.Response:
        headers = {"X-Shopify-Access-Token": token} if token is not None else {}
        return requests.post(
            f"{self.origin}/admin/api/{version}/graphql.json",
            json={"query": query, "variables": variables},
            headers=headers,
            timeout=10,
        )
