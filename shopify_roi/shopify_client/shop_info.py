"""The shop's own details and the scopes Shopify granted the app (`shop`, `currentAppInstallation`)."""

from __future__ import annotations

from dataclasses import dataclass

from shopify_roi.shopify_client.admin import AdminClient, load_query


@dataclass(frozen=True)
class ShopInfo:
    shopify_id: str | None
    name: str | None
    currency: str | None
    timezone: str | None
    scopes: list[str] | None  # None when Shopify sent no list of granted scopes


def fetch(client: AdminClient) -> ShopInfo:
    """One `ShopInfo` query: the shop's name, currency, IANA time zone and id, and the granted scopes."""
    data = client.execute(load_query("shop_info"), operation_name="ShopInfo")
    shop = data.get("shop") or {}
    installation = data.get("currentAppInstallation")
    granted = installation.get("accessScopes") if isinstance(installation, dict) else None
    return ShopInfo(
        shopify_id=shop.get("id"),
        name=shop.get("name"),
        currency=shop.get("currencyCode"),
        timezone=shop.get("ianaTimezone"),
        scopes=[s["handle"] for s in granted] if isinstance(granted, list) else None,
    )
