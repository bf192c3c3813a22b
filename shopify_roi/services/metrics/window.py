"""The dates a metric reads: a range of the shop's local days, the cohorts' "as of" day, and the shop's
time zone that turns local days into UTC instants (METRICS.md: timestamps are UTC, the zone only buckets).
Also the range's parsing from query parameters, with the limits every metric read shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shopify_roi.models import Shop
from shopify_roi.services.errors import Invalid

EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)
MAX_RANGE_DAYS = 3660  # ten years


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    as_of: date
    tz: ZoneInfo

    def bounds(self) -> tuple[datetime, datetime]:
        """UTC instants of local midnight on `start` and the day after `end` (both days included)."""
        return local_midnight(self.tz, self.start), local_midnight(self.tz, self.end + timedelta(days=1))

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()


def shop_zone(shop: Shop) -> ZoneInfo:
    """The shop's time zone (UTC until Shopify has told the app one)."""
    return ZoneInfo(shop.iana_timezone or "UTC")


def window_of(shop: Shop, start: date, end: date, as_of: date) -> Window:
    return Window(start, end, as_of, shop_zone(shop))


def local_midnight(tz: ZoneInfo, day: date) -> datetime:
    """The UTC instant at which `day` begins in `tz`."""
    return datetime.combine(day, time(0), tz).astimezone(UTC)


def parse_day(args: Mapping[str, str], name: str, default: date | None = None) -> date:
    """The query parameter `name` as a date YYYY-MM-DD (`default` when absent); 400 naming it otherwise."""
    value = args.get(name)
    if not value and default is not None:
        return default
    try:
        day = date.fromisoformat(value or "")
    except (TypeError, ValueError):
        raise Invalid(f"`{name}` must be a date YYYY-MM-DD.", {name: "YYYY-MM-DD"}) from None
    if not EARLIEST <= day <= LATEST:  # local midnights outside these overflow in some time zones
        raise Invalid(f"`{name}` must be between {EARLIEST} and {LATEST}.", {name: "YYYY-MM-DD"})
    return day


def readable(start: date, end: date) -> bool:
    """Whether `start`..`end` is a range the metrics read (the checks of `parse_range`): a stored campaign
    outside them (dated before #16 checked its dates) is read by the range asked for instead."""
    return EARLIEST <= start <= end <= LATEST and (end - start).days <= MAX_RANGE_DAYS


def parse_range(args: Mapping[str, str]) -> tuple[date, date, date]:
    """`from`, `to` (at most ten years apart, in order) and `as_of` (today when absent)."""
    start, end = parse_day(args, "from"), parse_day(args, "to")
    if end < start:
        raise Invalid("`to` is before `from`.", {"to": "after from"})
    if (end - start).days > MAX_RANGE_DAYS:
        raise Invalid("A range is at most ten years.", {"from": "within ten years of to"})
    return start, end, parse_day(args, "as_of", date.today())
