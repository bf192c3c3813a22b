"""All of Shopify's protocol: plain values in, small dataclasses out. Knows nothing of Flask or models."""
