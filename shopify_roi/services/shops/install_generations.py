"""Install generations: which install of a shop a lifecycle event belongs to.

Shopify delivers webhooks at least once, out of order and for hours, each retry with its original
`X-Shopify-Triggered-At` (shopify-platform.md 2.1-2.2). So an `app/uninstalled` can reach the app, or
its worker, after the merchant has installed the app again: applied then, it would drop the new
install's tokens and leave the shop installed in Shopify but dead in the app. Every grant the merchant
gives (an install, a reinstall, a re-authorisation, a token exchange) starts a generation at
`Shop.granted_at`; a lifecycle event triggered before it belongs to an earlier generation and is
recorded but not applied.

The trigger time is Shopify's clock and `granted_at` the app's: both are UTC from synchronised clocks,
and the grant is compared to the millisecond, so an event in the same millisecond counts as newer
(applied, as before generations existed). An event without a readable trigger time is applied.
"""

from __future__ import annotations

from datetime import UTC, datetime

from shopify_roi.models import Shop
from shopify_roi.timefmt import iso


def triggered_moment(triggered_at: str | None) -> datetime | None:
    """`X-Shopify-Triggered-At` as an aware UTC datetime (Shopify sends up to nanoseconds), or None."""
    if not triggered_at:
        return None
    try:
        moment = datetime.fromisoformat(triggered_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def superseded(shop: Shop | None, triggered_at: str | None) -> str | None:
    """Why an event triggered at `triggered_at` belongs to an install before the shop's current one
    (the reason to record instead of applying it), or None when it is to be applied."""
    moment = triggered_moment(triggered_at)
    if shop is None or shop.granted_at is None or moment is None:
        return None
    granted = shop.granted_at.replace(microsecond=shop.granted_at.microsecond // 1000 * 1000)
    if moment >= granted:
        return None
    return (
        f"triggered at {triggered_at}, before the current install (access granted {iso(granted)}): "
        "recorded, not applied"
    )
