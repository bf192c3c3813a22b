"""What a webhook delivery carries besides its body, per shopify.dev "Webhooks delivery structure"
(https://shopify.dev/docs/apps/build/webhooks/delivery-structure) and "Verify webhook deliveries"
(https://shopify.dev/docs/apps/build/webhooks/verify-deliveries): the HMAC signature and the
``X-Shopify-*`` headers."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(body: bytes, secret: str) -> str:
    """``X-Shopify-Hmac-Sha256``: base64 of HMAC-SHA256 over the raw body, keyed by the client secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def headers(entry: dict, shop_domain: str, body: bytes, secret: str) -> dict:
    """The headers of one delivery (``entry``: topic, api_version, webhook_id, event_id, triggered_at)."""
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": entry["topic"],
        "X-Shopify-Hmac-Sha256": sign(body, secret),
        "X-Shopify-Shop-Domain": shop_domain,
        "X-Shopify-API-Version": entry["api_version"],
        "X-Shopify-Webhook-Id": entry["webhook_id"],
        "X-Shopify-Event-Id": entry["event_id"],
        "X-Shopify-Triggered-At": entry["triggered_at"],
    }
