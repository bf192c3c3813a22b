"""Bulk query operations: running them and writing their JSONL (operations), what Shopify's bulk
validator refuses (rules), and where child lines go in the file (layout)."""
