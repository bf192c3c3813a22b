"""OAuth as Shopify runs it: the authorize redirect, the token endpoint and its grants, the token
store (rotation, retries), a legacy token's migration, required and optional scopes, session tokens."""
