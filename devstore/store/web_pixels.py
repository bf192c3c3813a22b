"""The app's web pixel on a shop (what ``webPixelCreate`` records: one per app and shop) and the shop's
storefront settings the control API sets (``consent_required``, ``order_id_form``)."""

from __future__ import annotations

import copy
import json

from devstore.store.state import Shop, Store

KIND = "web_pixels"
STOREFRONT_KEY = "storefront_settings"
ORDER_ID_FORMS = ("gid", "numeric")
DEFAULT_SETTINGS = {"consent_required": False, "order_id_form": "gid"}


def gid(pixel_id: int) -> str:
    return f"gid://shopify/WebPixel/{pixel_id}"


def current(store: Store, shop: Shop) -> dict | None:
    """A copy of the app's pixel on the shop (``id``, ``settings`` object, ``settings_json``), or None."""
    with store.lock:
        found = next(iter(shop.records.get(KIND, {}).values()), None)
        return copy.deepcopy(found) if found else None


def save(store: Store, shop: Shop, pixel_id: int, settings: dict) -> dict:
    """Record (or replace) the pixel's settings; Shopify answers them as a JSON-encoded string."""
    record = {
        "id": pixel_id,
        "settings": copy.deepcopy(settings),
        "settings_json": json.dumps(settings, separators=(",", ":"), ensure_ascii=False),
    }
    with store.lock:
        store.put_record(shop, KIND, pixel_id, record)
    return copy.deepcopy(record)


def delete(store: Store, shop: Shop, pixel_id: int) -> bool:
    with store.lock:
        return shop.records.get(KIND, {}).pop(pixel_id, None) is not None


def storefront_settings(store: Store, shop: Shop) -> dict:
    with store.lock:
        return {**DEFAULT_SETTINGS, **shop.extras.get(STOREFRONT_KEY, {})}


def set_storefront_settings(store: Store, shop: Shop, changes: dict) -> dict:
    """Apply ``consent_required`` (bool) and ``order_id_form`` (``gid``/``numeric``); ValueError otherwise."""
    unknown = set(changes) - set(DEFAULT_SETTINGS)
    if unknown:
        raise ValueError(f"unknown storefront settings: {', '.join(sorted(unknown))}")
    if "consent_required" in changes and not isinstance(changes["consent_required"], bool):
        raise ValueError("consent_required must be true or false")
    if "order_id_form" in changes and changes["order_id_form"] not in ORDER_ID_FORMS:
        raise ValueError(f"order_id_form must be one of {', '.join(ORDER_ID_FORMS)}")
    with store.lock:
        shop.extras[STOREFRONT_KEY] = {**shop.extras.get(STOREFRONT_KEY, {}), **changes}
    return storefront_settings(store, shop)
