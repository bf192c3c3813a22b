"""The control API under ``/_devstore/``: what tests and the demo use to set up shops, orders,
discounts, products and grants, and to inject faults. Shopify has no such API."""
