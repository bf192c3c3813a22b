"""A shop's orders as Shopify's REST order JSON: building them, their money, ids and times,
refunds, cancellations and edits, and the stand-in's own figures of them (store_totals)."""
