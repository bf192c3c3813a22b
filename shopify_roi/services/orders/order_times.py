"""The times an order (or a refund) may carry: from 2000-01-01 UTC to a few days past now.

Shopify's times are all "now" when it writes them (an imported order's too, which the app sees when it is
imported), so a real one is never older than Shopify nor ahead of the clock by more than a skew; anything
else is a bad value the parser refuses (parse.py), webhooks and bulk results alike. The same window is
what the rollup counts (services/metrics/rollups.py): an order stored before the parser checked it (year
1, year 9999) stays out of every figure, named in the reads' warnings, and never makes a day's local
midnight fall outside the calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
AHEAD = timedelta(days=3)  # past now: a clock's skew, generously


def latest(now: datetime | None = None) -> datetime:
    """The latest time an order may carry now."""
    return (now or datetime.now(UTC)) + AHEAD


def allowed(moment: datetime, now: datetime | None = None) -> bool:
    """Whether an aware time is within EARLIEST .. latest(now)."""
    return EARLIEST <= moment <= latest(now)


def local_days_span(now: datetime | None = None) -> tuple[date, date]:
    """The local days the allowed times fall on in any time zone (UTC-12 to UTC+14): one day either side
    of their UTC dates."""
    return EARLIEST.date() - timedelta(days=1), latest(now).date() + timedelta(days=1)


def window_text() -> str:
    """The window in words, for messages."""
    return f"from {EARLIEST.date().isoformat()} to {AHEAD.days} days from now (UTC)"
