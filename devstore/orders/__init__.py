"""A shop's orders as Shopify's REST order JSON: building them, their money and ids,
refunds, cancellations and edits, and the stand-in's own figures of them (store_totals)."""
