"""A shop's creator pixel: on or off (off until the merchant turns it on: it needs the optional write_pixels
and read_customer_events scopes), its attribution window (days a visitor's creator is remembered, 1-90,
default 30), the public key the pixel sends, and where Shopify's web pixel stands (`status`)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from shopify_roi.models import PixelSettings, Shop

PIXEL_SCOPES = ("write_pixels", "read_customer_events")
DEFAULT_WINDOW_DAYS = 30
MAX_WINDOW_DAYS = 90


@dataclass
class PixelState:
    enabled: bool
    window_days: int
    status: str  # off | pending | active | error
    error: str
    missing_scopes: list[str]

    def as_json(self) -> dict:
        return {
            "enabled": self.enabled,
            "missing_scopes": self.missing_scopes,
            "window_days": self.window_days,
            "status": self.status,
            "error": self.error or None,
        }


def _missing(session: Session, shop_id: int) -> list[str]:
    shop = session.get(Shop, shop_id)
    granted = shop.scope_set if shop is not None else set()
    return [s for s in PIXEL_SCOPES if s not in granted]


def load(session: Session, shop_id: int) -> PixelState:
    row = session.get(PixelSettings, shop_id)
    if row is None:
        return PixelState(False, DEFAULT_WINDOW_DAYS, "off", "", _missing(session, shop_id))
    return PixelState(row.enabled, row.window_days, row.status, row.error, _missing(session, shop_id))


def check(data, errors: dict) -> tuple[bool | None, int | None]:
    """`{"enabled": true|false, "window_days": 1-90}` (each optional): the choice, bad fields in `errors`."""
    if not isinstance(data, dict) or not set(data) <= {"enabled", "window_days"}:
        errors["creator_pixel"] = 'must be {"enabled": true|false, "window_days": 1-90}'
        return None, None
    enabled = data.get("enabled")
    if enabled is not None and not isinstance(enabled, bool):
        errors["creator_pixel.enabled"] = "must be true or false"
    days = data.get("window_days")
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_WINDOW_DAYS
    ):
        errors["creator_pixel.window_days"] = f"must be a whole number of days from 1 to {MAX_WINDOW_DAYS}"
        days = None
    return enabled, days


def save(
    session: Session, shop_id: int, enabled: bool | None, window_days: int | None
) -> tuple[PixelState, bool]:
    """Store the choice; returns the state and whether Shopify's web pixel must be created, updated or
    deleted (a sync job's work)."""
    row = session.get(PixelSettings, shop_id)
    if row is None:
        row = PixelSettings(
            shop_id=shop_id,
            enabled=False,
            window_days=DEFAULT_WINDOW_DAYS,
            key=new_key(),
            status="off",
            error="",
        )
        session.add(row)
    before = (row.enabled, row.window_days)
    if enabled is not None:
        row.enabled = enabled
    if window_days is not None:
        row.window_days = window_days
    changed = (row.enabled, row.window_days) != before
    if changed:
        row.status, row.error = ("pending" if row.enabled or row.web_pixel_id else "off"), ""
    session.flush()
    return load(session, shop_id), changed


def new_key() -> str:
    return secrets.token_urlsafe(24)


def pixel_settings_json(row: PixelSettings, shop_domain: str, app_url: str) -> dict:
    """The web pixel's settings as its shopify.extension.toml declares them (every value a string)."""
    return {
        "endpoint": f"{app_url}/pixel/events",
        "shop": shop_domain,
        "key": row.key,
        "windowDays": str(row.window_days),
    }


def row_of(session: Session, shop_id: int) -> PixelSettings | None:
    return session.get(PixelSettings, shop_id)


def record(
    session: Session, shop_id: int, status: str, error: str = "", web_pixel_id: str | None = ""
) -> None:
    """What the sync did: the status, the error said to the merchant, the web pixel's id ("" = unchanged)."""
    row = session.get(PixelSettings, shop_id)
    if row is None:
        return
    row.status, row.error = status, error[:2000]
    if web_pixel_id != "":
        row.web_pixel_id = web_pixel_id
    session.flush()
