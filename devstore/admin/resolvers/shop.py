"""Resolvers for ``shop`` and ``currentAppInstallation``."""

from __future__ import annotations

from devstore.admin.engine import query
from devstore.admin.resolvers.analytics import annotations_reader


@query("shop")
def resolve_shop(_root, info):
    """The Shop the access token belongs to, in the schema's field names."""
    shop = info.context.shop
    return {
        "id": shop.gid,
        "name": shop.name,
        "myshopifyDomain": shop.domain,
        "email": shop.email,
        "contactEmail": shop.email,
        "currencyCode": shop.currency,
        "ianaTimezone": shop.timezone,
        "analyticsAnnotations": annotations_reader,
        "plan": {
            "displayName": shop.plan_display_name,
            "publicDisplayName": shop.plan_display_name,
            "partnerDevelopment": shop.partner_development,
            "shopifyPlus": shop.shopify_plus,
        },
    }


@query("currentAppInstallation")
def resolve_current_app_installation(_root, info):
    """This app's installation on the shop, with the scopes the token grants."""
    ctx = info.context
    handles = [s.strip() for s in ctx.scopes.split(",") if s.strip()]
    return {
        "id": f"gid://shopify/AppInstallation/{ctx.shop.numeric_id}",
        "accessScopes": [{"handle": h, "description": ""} for h in handles],
    }
