"""The stand-in's in-memory state: shops, their tokens and records (state), products, and times
(each shop's clock, ISO 8601 in, Shopify's formats out)."""
