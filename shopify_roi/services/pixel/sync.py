"""Keep Shopify's web pixel as the merchant set it: created (or found and updated) while the creator pixel
is on and its scopes are granted, updated when the window changes, deleted when turned off. Idempotent: the
job may run any number of times."""

from __future__ import annotations

from shopify_roi.db import Database
from shopify_roi.services.pixel import settings as pixel_settings
from shopify_roi.shopify_client import pixels
from shopify_roi.shopify_client.admin import AdminClient, AdminError


def sync(db: Database, client: AdminClient, shop_id: int, shop_domain: str, app_url: str) -> str:
    with db.session() as session:
        row = pixel_settings.row_of(session, shop_id)
        state = pixel_settings.load(session, shop_id)
        if row is None:
            return "nothing to do: never turned on"
        wanted = pixel_settings.pixel_settings_json(row, shop_domain, app_url)
        enabled, known_id = row.enabled, row.web_pixel_id
    try:
        if not enabled:
            if known_id:
                _delete(client, known_id)
            outcome = ("off", "", None, "deleted" if known_id else "nothing to do: off")
        elif state.missing_scopes:
            message = "Shopify has not granted " + " and ".join(state.missing_scopes) + " yet."
            outcome = ("error", message, "", "waiting for scopes")
        else:
            pixel_id = _put(client, known_id, wanted)
            outcome = ("active", "", pixel_id, "active")
    except AdminError as exc:
        outcome = ("error", f"Shopify refused the web pixel: {exc}", "", f"error: {exc}")
    status, error, pixel_id, said = outcome
    with db.session() as session:
        pixel_settings.record(session, shop_id, status, error, pixel_id)
    return said


def _put(client: AdminClient, known_id: str | None, wanted: dict) -> str:
    """Update the pixel we know, else create one; one made earlier (TAKEN) is found and updated."""
    if known_id:
        try:
            return pixels.update(client, known_id, wanted)
        except pixels.UserErrors as exc:
            if not pixels.not_found(exc):
                raise
    try:
        return pixels.create(client, wanted)
    except pixels.UserErrors as exc:
        if not pixels.taken(exc):
            raise
    existing = pixels.current(client)
    if not existing:
        raise AdminError("Shopify says a web pixel exists but does not return it")
    return pixels.update(client, existing, wanted)


def _delete(client: AdminClient, pixel_id: str) -> None:
    try:
        pixels.delete(client, pixel_id)
    except pixels.UserErrors as exc:
        if not pixels.not_found(exc):  # already gone: what we wanted
            raise
