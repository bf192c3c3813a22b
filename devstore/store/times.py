"""Times as the stand-in keeps and writes them: a shop's clock (the "now" of the Admin API's 60-day
order window, fixed through ``POST /_devstore/shops/{shop}/clock`` or the store's real time), its time
zone, ISO 8601 read in, and the formats Shopify writes (REST: the shop's offset, whole seconds;
GraphQL ``DateTime``: UTC with ``Z``; webhook headers and ``updated_at`` of some bodies: milliseconds)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devstore.store.state import Shop, Store

CLOCK_KEY = "clock"


def now(store: Store, shop: Shop) -> float:
    """The shop's clock: a set ``now`` (epoch seconds) or the store's real time."""
    with store.lock:
        fixed = shop.extras.get(CLOCK_KEY)
    return fixed if fixed is not None else store.clock()


def set_now(store: Store, shop: Shop, value: str | None) -> float:
    """Fix the shop's "now" at ISO ``value`` (None: back to real time); returns the clock's now."""
    with store.lock:
        shop.extras[CLOCK_KEY] = parse_time(value, 0).timestamp() if value else None
    return now(store, shop)


def zone(shop: Shop) -> tzinfo:
    """The shop's time zone (UTC when its name is unknown)."""
    try:
        return ZoneInfo(shop.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def parse_time(value, default_epoch: float) -> datetime:
    """An aware datetime from ISO 8601 (``Z`` or an offset; a bare date is midnight UTC); an empty
    ``value`` is ``default_epoch``."""
    if not value:
        return datetime.fromtimestamp(default_epoch, UTC)
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_iso(shop: Shop, moment: datetime | float) -> str:
    """ISO 8601 with the shop's offset, seconds precision (``2026-03-03T10:00:00-05:00``), as REST
    resources show times; ``moment`` an aware datetime or epoch seconds."""
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(zone(shop)).isoformat(timespec="seconds")


def utc_seconds(epoch: float | None) -> str | None:
    """A GraphQL ``DateTime`` (UTC, whole seconds, ``Z``); None stays None."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def utc_millis(epoch: float | None = None) -> str:
    """UTC with milliseconds and ``Z`` (``X-Shopify-Triggered-At``); None is now."""
    moment = datetime.now(UTC) if epoch is None else datetime.fromtimestamp(epoch, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
