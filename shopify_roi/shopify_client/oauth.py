"""OAuth against `{shop}/admin/oauth/*`: authorize URL, code grant, token exchange, refresh.

ShopifyAPI implements only the non-expiring code grant, so the grants are plain HTTPS calls
(shopify-platform.md 1.2-1.3). Offline tokens are always requested as expiring (`expiring=1`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import requests

from shopify_roi.shopify_client.domains import shop_origin

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token"
TIMEOUT = (5, 15)


class OAuthError(Exception):
    """A grant failed: Shopify refused it (bad code, bad session token, used refresh token, wrong
    secret: a 4xx), or its answer never arrived (no status, a 5xx, a 429: `transient`)."""

    def __init__(self, message: str, status: int | None = None, error: str | None = None):
        super().__init__(message)
        self.status = status
        self.error = error

    @property
    def transient(self) -> bool:
        """True when Shopify may have done the grant but the answer was lost or refused for load:
        asking again with the same credentials is safe (a used refresh token can be retried,
        changelog "More resilient refreshes for expiring offline access tokens", 2026-08-28)."""
        return self.status is None or self.status >= 500 or self.status == 429


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    scope: str
    expires_at: datetime | None
    refresh_token: str | None
    refresh_expires_at: datetime | None


@dataclass(frozen=True)
class AppCredentials:
    api_key: str
    api_secret: str
    origin_template: str


def authorize_url(creds: AppCredentials, shop: str, scopes: str, redirect_uri: str, state: str) -> str:
    """The offline-token authorize URL (no `grant_options[]`, so Shopify issues an offline token)."""
    query = urlencode(
        {"client_id": creds.api_key, "scope": scopes, "redirect_uri": redirect_uri, "state": state}
    )
    return f"{shop_origin(creds.origin_template, shop)}/admin/oauth/authorize?{query}"


def _grant(creds: AppCredentials, shop: str, body: dict, http: requests.Session | None) -> TokenGrant:
    url = f"{shop_origin(creds.origin_template, shop)}/admin/oauth/access_token"
    payload = {"client_id": creds.api_key, "client_secret": creds.api_secret, **body}
    sender = http or requests
    try:
        resp = sender.post(url, json=payload, headers={"Accept": "application/json"}, timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise OAuthError(f"could not reach {shop}: {exc.__class__.__name__}") from exc
    try:
        data = resp.json()
    except ValueError:
        data = {}
    if resp.status_code != 200 or "access_token" not in data:
        error = data.get("error") if isinstance(data, dict) else None
        detail = (data.get("error_description") if isinstance(data, dict) else None) or error or resp.reason
        raise OAuthError(f"Shopify refused the grant ({resp.status_code}): {detail}", resp.status_code, error)
    now = datetime.now(UTC)
    expires_in = data.get("expires_in")
    refresh_in = data.get("refresh_token_expires_in")
    return TokenGrant(
        access_token=data["access_token"],
        scope=data.get("scope", ""),
        expires_at=now + timedelta(seconds=int(expires_in)) if expires_in else None,
        refresh_token=data.get("refresh_token"),
        refresh_expires_at=now + timedelta(seconds=int(refresh_in)) if refresh_in else None,
    )


def exchange_code(
    creds: AppCredentials, shop: str, code: str, http: requests.Session | None = None
) -> TokenGrant:
    """Authorization-code grant for an expiring offline token."""
    return _grant(creds, shop, {"code": code, "expiring": "1"}, http)


def exchange_session_token(
    creds: AppCredentials, shop: str, session_token: str, http: requests.Session | None = None
) -> TokenGrant:
    """Token exchange: the App Bridge session token for an expiring offline token."""
    body = {
        "grant_type": TOKEN_EXCHANGE,
        "subject_token": session_token,
        "subject_token_type": ID_TOKEN,
        "requested_token_type": OFFLINE_TOKEN,
        "expiring": "1",
    }
    return _grant(creds, shop, body, http)


def refresh(
    creds: AppCredentials, shop: str, refresh_token: str, http: requests.Session | None = None
) -> TokenGrant:
    """Refresh an expiring offline token. The refresh token rotates: store the new pair at once.

    Since 2026-08-28 a used refresh token answers the same pair again until the app uses the
    replacement (30 days from its first use at most), so a refresh whose answer was lost is asked
    again with the same token."""
    return _grant(creds, shop, {"grant_type": "refresh_token", "refresh_token": refresh_token}, http)
