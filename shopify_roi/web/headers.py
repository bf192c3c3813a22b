"""Security headers of every response: pages, the JSON API, links, webhooks, auth and static files.

- `X-Content-Type-Options: nosniff`: a browser takes each body as the type it is sent as (a QR SVG,
  a CSV, JSON are never run as a script or a page).
- `Referrer-Policy: same-origin`: the embedded page's URL carries Shopify's signed query and a session
  token, which no other site is told. A response may set its own (a tracked link's redirect passes
  the visitor's referrer on to the shop).
- `Content-Security-Policy`: a page (HTML) runs scripts from the app and App Bridge's origin only, and
  nothing inline (the templates hold no inline script, style or handler); it styles from the app, shows
  images from the app and `data:` (QR codes), connects to the app (App Bridge talks to the admin by
  messages), and only the shop's admin may frame it (shopify.dev "Set up iframe protection"). Any
  other response (JSON, CSV, images, redirects) allows nothing and no framing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g

ADMIN_ORIGIN = "https://admin.shopify.com"
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def page_policy(app_bridge_url: str, ancestors: list[str]) -> str:
    """The Content-Security-Policy of a page framed by `ancestors`."""
    directives = (
        "default-src 'self'",
        f"script-src 'self' {origin_of(app_bridge_url)}",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors " + " ".join(ancestors),
    )
    return "; ".join(directives)


def frame_ancestors(shop_origin: str | None) -> list[str]:
    """Who may frame a page: the shop's admin (its own origin and admin.shopify.com)."""
    return [shop_origin, ADMIN_ORIGIN] if shop_origin else [ADMIN_ORIGIN]


def register(app: Flask) -> None:
    """Add the headers to every response (errors included); a response may set its Referrer-Policy."""

    @app.after_request
    def security_headers(resp: Response) -> Response:
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        if resp.mimetype == "text/html":
            app_bridge_url = current_app.extensions["shopify_roi"].settings.app_bridge_url
            ancestors = frame_ancestors(g.get("frame_origin"))
            resp.headers["Content-Security-Policy"] = page_policy(app_bridge_url, ancestors)
        else:
            resp.headers["Content-Security-Policy"] = OTHER_POLICY
        return resp
