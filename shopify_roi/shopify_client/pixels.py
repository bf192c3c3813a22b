"""The app's web pixel on a shop (extensions/creator-pixel): create, update, delete, read.

`webPixelCreate` activates the extension with settings given as a JSON string, which Shopify checks against
the extension's `[settings]` definition; one web pixel per app and shop (a second create is `TAKEN`). The
mutations need `write_pixels` and `read_customer_events` ("Build web pixels",
https://shopify.dev/docs/apps/build/marketing-analytics/build-web-pixels); a refusal is a `UserErrors`
(ErrorsWebPixelUserError: code, field, message).
"""

from __future__ import annotations

import json

from shopify_roi.shopify_client.admin import AdminClient, UserErrors, load_query


def create(client: AdminClient, settings: dict) -> str:
    """Activate the pixel with these settings; its GID."""
    payload = client.mutate(
        load_query("web_pixel_create"),
        {"webPixel": {"settings": json.dumps(settings, sort_keys=True)}},
        "webPixelCreate",
        "WebPixelCreate",
    )
    return (payload.get("webPixel") or {}).get("id") or ""


def update(client: AdminClient, web_pixel_id: str, settings: dict) -> str:
    payload = client.mutate(
        load_query("web_pixel_update"),
        {"id": web_pixel_id, "webPixel": {"settings": json.dumps(settings, sort_keys=True)}},
        "webPixelUpdate",
        "WebPixelUpdate",
    )
    return (payload.get("webPixel") or {}).get("id") or web_pixel_id


def delete(client: AdminClient, web_pixel_id: str) -> None:
    client.mutate(load_query("web_pixel_delete"), {"id": web_pixel_id}, "webPixelDelete", "WebPixelDelete")


def current(client: AdminClient) -> str | None:
    """The GID of the app's web pixel on the shop, or None."""
    data = client.execute(load_query("web_pixel"), {}, "WebPixel")
    return (data.get("webPixel") or {}).get("id")


def taken(exc: UserErrors) -> bool:
    return any(e.get("code") == "TAKEN" for e in exc.errors)


def not_found(exc: UserErrors) -> bool:
    return any(e.get("code") == "NOT_FOUND" for e in exc.errors)


__all__ = ["UserErrors", "create", "current", "delete", "not_found", "taken", "update"]
