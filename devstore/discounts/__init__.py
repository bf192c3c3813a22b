"""A shop's code discounts: the records and their changes (code_discounts) and Shopify's
validation of discount input (validation)."""
