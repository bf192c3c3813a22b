"""devstore: a local stand-in for Shopify that speaks Shopify's real protocol.

OAuth (authorization code, token exchange, refresh), the Admin GraphQL API validated
against the real 2026-10 schema with Shopify's leaky-bucket throttling, and signed
webhook deliveries to the subscriptions in ``shopify.app.toml``. Many shops share one
port: a shop's origin is ``http://HOST:PORT/{shop}``. A JSON control API under
``/_devstore/`` lets tests create shops, mint session tokens and inject faults.

This package never imports the app (``shopify_roi``); it knows it only through the protocol.
"""

from devstore.config import DevstoreConfig
from devstore.server import create_app

__all__ = ["DevstoreConfig", "create_app"]
