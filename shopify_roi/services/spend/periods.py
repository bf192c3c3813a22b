"""A spend entry's period (METRICS.md "Spend"): start and end dates, both included, over which its amount
is spread evenly: given as dates, as its campaign's dates (`covers_campaign`), or as a month (the page's
retainer option sends the month's first and last days). A range takes amount x (days of the period inside
the range) / (days of the period), kept exact as a Fraction: nothing is rounded before the ratios."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy.orm import Session

from shopify_roi.models import Campaign, SpendEntry
from shopify_roi.services import fields


def parse_period(
    session: Session,
    shop_id: int,
    data: dict,
    entry: SpendEntry | None,
    campaign_id: int | None,
    errors: dict,
) -> tuple[date | None, date | None]:
    """The period an entry asks for: `covers_campaign: true` (its campaign's dates), `period_start` and
    `period_end` (both or neither; sent as null they clear it), else the entry's own (none for a new one).
    Problems go into `errors` by field name."""
    if data.get("covers_campaign") is True:
        campaign = session.get(Campaign, (campaign_id, shop_id)) if campaign_id is not None else None
        if campaign is None:
            errors["covers_campaign"] = "needs the entry's campaign"
        elif not (campaign.starts_on and campaign.ends_on):
            errors["covers_campaign"] = "needs a campaign with a start and an end date"
        else:
            return campaign.starts_on, campaign.ends_on
        return None, None
    if data.get("covers_campaign") not in (None, False):
        errors["covers_campaign"] = "must be true or false"
    if "period_start" not in data and "period_end" not in data:
        return (entry.period_start, entry.period_end) if entry is not None else (None, None)
    start = fields.day(data.get("period_start"), "period_start", errors)
    end = fields.day(data.get("period_end"), "period_end", errors)
    if "period_start" in errors or "period_end" in errors:
        return None, None
    if (start is None) != (end is None):
        errors["period_start" if start is None else "period_end"] = "give both ends of the period, or neither"
    elif start is not None and end < start:
        errors["period_end"] = "must be on or after period_start"
    return start, end


def share(amount: Decimal, start: date, end: date, range_start: date, range_end: date) -> Fraction:
    """The part of `amount` (spread evenly over start..end, both included) falling in range_start..range_end,
    exact."""
    inside = (min(end, range_end) - max(start, range_start)).days + 1
    if inside <= 0:
        return Fraction(0)
    return Fraction(amount) * inside / ((end - start).days + 1)


def as_decimal(value: Fraction) -> Decimal:
    """A Fraction as a Decimal, to the context's 28 significant digits (only ratios and display round)."""
    return Decimal(value.numerator) / Decimal(value.denominator)
