"""``metafieldDefinitions(ownerType:, namespace:, key:, first:)``: the app-owned definitions the app
declares in ``shopify.app.toml`` (``devstore.app_toml``), as Shopify holds them in every shop the app is
installed in ("Declarative custom data definitions",
https://shopify.dev/docs/beta/next-gen-dev-platform/declarative-custom-data-definitions), with their
``capabilities.analyticsQueryable`` (changelog "New analyticsQueryable capability for Metafield
Definitions", https://shopify.dev/changelog/new-analyticsqueryable-capability-for-metafield-definitions:
ORDER, CUSTOMER, PRODUCT and PRODUCTVARIANT owners). Only the app's own namespace is modelled: another
namespace lists nothing. Reading needs the owner's read (or write) scope (the stricter reading).
"""

from __future__ import annotations

from graphql import GraphQLError

from devstore import app_toml
from devstore.admin.connections import connection
from devstore.admin.engine import query
from devstore.admin.resolvers.metafields import app_namespace

CATEGORIES = {
    "date": "DATE_TIME",
    "date_time": "DATE_TIME",
    "number_integer": "NUMBER",
    "boolean": "TRUE_FALSE",
}
READ = {"ORDER": ("read_orders", "write_orders"), "CUSTOMER": ("read_customers", "write_customers")}
ANALYTICS_OWNERS = ("ORDER", "CUSTOMER", "PRODUCT", "PRODUCTVARIANT")


def _node(info, number: int, d: app_toml.MetafieldDefinition) -> dict:
    return {
        "__typename": "MetafieldDefinition",
        "id": f"gid://shopify/MetafieldDefinition/{number}",
        "name": d.name,
        "namespace": app_namespace(info),
        "key": d.key,
        "description": d.description,
        "ownerType": d.owner_type,
        "type": {"name": d.type, "category": CATEGORIES.get(d.type, "TEXT")},
        "access": {"admin": d.admin_access.upper(), "storefront": "NONE", "customerAccount": "NONE"},
        "capabilities": {
            "analyticsQueryable": {
                "enabled": d.analytics_queryable,
                "eligible": d.owner_type in ANALYTICS_OWNERS,
            },
            "adminFilterable": {"enabled": False, "eligible": True, "status": "NOT_FILTERABLE"},
        },
    }


@query("metafieldDefinitions")
def resolve_metafield_definitions(_root, info, ownerType, namespace=None, key=None, **args):  # noqa: N803
    """The declared definitions of ``ownerType`` (in the app's namespace), by their order in the TOML."""
    granted = {s.strip() for s in info.context.scopes.split(",") if s.strip()}
    needed = READ.get(ownerType)
    if needed and not granted & set(needed):
        raise GraphQLError(
            f"Access denied for metafieldDefinitions field. Required access: `{needed[0]}` access scope.",
            extensions={"code": "ACCESS_DENIED"},
        )
    if namespace not in (None, "$app", app_namespace(info)):
        return connection([], key=lambda n: n["_key"], **args)
    toml = app_toml.load(info.context.config.app_toml)
    nodes = [
        {**_node(info, i, d), "_key": i}
        for i, d in enumerate(toml.metafields, start=1)
        if d.owner_type == ownerType and key in (None, d.key)
    ]
    return connection(nodes, key=lambda n: n["_key"], **args)
