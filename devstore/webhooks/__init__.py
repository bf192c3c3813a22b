"""Webhooks as Shopify sends them: signing and delivery, automatic retries, the bodies (payloads),
and the order and discount events that cause them."""
