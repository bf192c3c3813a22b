"""The shop a signed webhook body names, checked against the shop it was delivered for.

Shopify's HMAC signs the body only: `X-Shopify-Shop-Domain`, which says whose data a delivery acts on,
is not signed. A body naming one shop, replayed with another shop's header, would then redact or stop
that other shop. Bodies that name their shop (the compliance topics' `shop_domain`, app/uninstalled's
`myshopify_domain`) must name the header's shop, or the delivery fails with that reason.
"""

from __future__ import annotations

from shopify_roi.services.webhooks.inbox import PayloadError


def require_same_shop(payload: dict, field: str, shop_domain: str) -> None:
    """PayloadError unless `payload[field]` is `shop_domain` (the delivery's verified-header shop)."""
    named = payload.get(field)
    if not isinstance(named, str) or not named:
        raise PayloadError(f"`{field}` is missing: the body must name the shop it is for")
    if named.strip().lower() != shop_domain:
        raise PayloadError(
            f"the body names {named[:255]!r} but was delivered for {shop_domain}: not applied to either shop"
        )


def names_shop(payload: dict, field: str, shop_domain: str) -> bool:
    """True when `payload[field]` is `shop_domain` (require_same_shop would pass)."""
    try:
        require_same_shop(payload, field, shop_domain)
    except PayloadError:
        return False
    return True
