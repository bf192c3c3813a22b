"""Sending what the creator pixel sends (extensions/creator-pixel/src/pixel.js) to the app's collector."""

from __future__ import annotations

import itertools

import requests
from sqlalchemy import select

from shopify_roi.models import PixelSettings, Shop

_ids = itertools.count(1)


def pixel_key(runtime, shop_domain: str) -> str:
    with runtime.db.session() as session:
        return session.scalar(
            select(PixelSettings.key)
            .join(Shop, Shop.id == PixelSettings.shop_id)
            .where(Shop.domain == shop_domain)
        )


def event(name: str, session: str, handle: str, **fields) -> dict:
    return {
        "id": f"ev-{next(_ids)}",
        "n": name,
        "t": "2026-12-06T10:00:00.000Z",
        "s": session,
        "c": handle,
        **fields,
    }


def send(app_url: str, shop: str, key: str, visitor: str, events: list[dict], **kw) -> requests.Response:
    body = {"v": 1, "shop": shop, "key": key, "visitor": visitor, "events": events}
    return requests.post(
        f"{app_url}/pixel/events", json=body, headers={"Content-Type": "text/plain"}, timeout=30, **kw
    )


def turn_on(merchant, window_days: int | None = None) -> dict:
    body = {"enabled": True, **({"window_days": window_days} if window_days else {})}
    saved = merchant.put("/api/settings", {"creator_pixel": body})
    assert saved.status_code == 200, saved.text
    return saved.json()["creator_pixel"]
