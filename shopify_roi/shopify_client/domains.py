"""Shop domains and the URLs built from them (the origin template is the only way to reach a shop)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from shopify.utils.shop_url import sanitize_shop_domain

_SHOP_RE = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]\.myshopify\.com")


def valid_shop_domain(value: str | None) -> str | None:
    """The lower-cased `{name}.myshopify.com` domain, or None for anything else.

    Stricter than ShopifyAPI's sanitizer (which appends `.myshopify.com` to bare names): the
    value must already be a full myshopify domain, and both checks must agree.
    """
    if not value or len(value) > 255:
        return None
    candidate = value.strip().lower()
    if not _SHOP_RE.fullmatch(candidate):
        return None
    return candidate if sanitize_shop_domain(candidate) == candidate else None


def shop_origin(template: str, shop: str) -> str:
    """The shop's base URL, e.g. `https://anna.myshopify.com` (or the stand-in's path for it)."""
    if valid_shop_domain(shop) != shop:
        raise ValueError(f"invalid shop domain: {shop!r}")
    return template.replace("{shop}", shop).rstrip("/")


def origin_root(template: str, shop: str) -> str:
    """Scheme and host only, for a Content-Security-Policy source (no path allowed there)."""
    parts = urlsplit(shop_origin(template, shop))
    return f"{parts.scheme}://{parts.netloc}"


def graphql_url(template: str, shop: str, api_version: str) -> str:
    return f"{shop_origin(template, shop)}/admin/api/{api_version}/graphql.json"


def admin_app_url(template: str, shop: str, api_key: str) -> str:
    """Where the merchant opens the embedded app inside the admin."""
    return f"{shop_origin(template, shop)}/admin/apps/{api_key}"
