"""Shopify's session-token bounce, for a document request whose session token is missing or expired.

Shopify's app libraries answer such a request of the embedded app with a redirect to a "bounce
page" that only loads App Bridge, carrying `shopify-reload=<the app URL without id_token>`
(Shopify/shopify-app-js, `redirect-to-bounce-page.ts` and `respond-to-invalid-session-token.ts`).
App Bridge, seeing `shopify-reload` and no `id_token`, fetches that URL with a fresh session token
in `Authorization: Bearer …` and `X-Shopify-Bounce: 1` and writes the answer into the frame. A
session token lives one minute (shopify.dev "About session tokens"), so a frame reloaded with its
old URL, or a page opened from a stale link, needs this to show anything.

`hmac` is dropped with `id_token`: Shopify signed the parameters together, so the signature cannot
hold without the token; the reloaded request is authenticated by its Bearer token instead.
"""

from __future__ import annotations

from urllib.parse import urlencode

BOUNCE_PATH = "/auth/session-token"
RELOAD_PARAM = "shopify-reload"
_DROPPED = ("id_token", "hmac", RELOAD_PARAM)


def bearer_token(header: str | None) -> str | None:
    """The session token of an `Authorization: Bearer …` header (App Bridge's fetch), else None."""
    if header and header.startswith("Bearer ") and header[len("Bearer ") :].strip():
        return header[len("Bearer ") :].strip()
    return None


def bounce_url(app_url: str, path: str, args: list[tuple[str, str]]) -> str:
    """Where to send a document request for a fresh session token: the bounce page, with the
    request's own parameters (less `id_token`, `hmac`) and the URL to reload in `shopify-reload`."""
    kept = [(k, v) for k, v in args if k not in _DROPPED]
    reload_url = f"{app_url.rstrip('/')}{path}?{urlencode(kept)}"
    return f"{BOUNCE_PATH}?{urlencode(kept + [(RELOAD_PARAM, reload_url)])}"


def reload_target_ok(app_url: str, target: str | None) -> bool:
    """True when `shopify-reload` names a page of this app (App Bridge also refuses other origins)."""
    return bool(target) and target.startswith(app_url.rstrip("/") + "/")
