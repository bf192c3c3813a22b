"""The campaign of an order (METRICS.md "Campaigns"), on campaigns built by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shopify_roi.models import Campaign
from shopify_roi.services.metrics.campaign_orders import campaign_of


def _campaign(id_, slug, starts, ends, created_day):
    return Campaign(
        id=id_,
        name=slug,
        slug=slug,
        starts_on=starts,
        ends_on=ends,
        created_at=datetime(2026, 1, created_day, tzinfo=UTC),
    )


OPEN = _campaign(1, "always", None, None, 1)  # no start: before every dated one
SPRING = _campaign(2, "spring-launch", date(2026, 7, 8), date(2026, 9, 5), 3)
SUMMER = _campaign(3, "summer-drop", date(2026, 8, 1), date(2026, 8, 31), 4)
TWIN = _campaign(
    4, "summer-twin", date(2026, 8, 1), date(2026, 8, 20), 2
)  # same start, created before SUMMER
ALL = [OPEN, SPRING, SUMMER, TWIN]


def test_the_campaign_that_started_last_wins_ties_go_to_the_one_created_first():
    assert campaign_of(ALL, date(2026, 7, 10), None) is SPRING  # 8 Jul beats no start
    assert campaign_of(ALL, date(2026, 8, 10), None) is TWIN  # 1 Aug twice: TWIN was created on 2 Jan
    assert campaign_of(ALL, date(2026, 8, 25), None) is SUMMER  # TWIN ended on 20 Aug
    assert campaign_of(ALL, date(2026, 10, 1), None) is OPEN  # only the open one


def test_the_landing_pages_utm_campaign_wins_among_the_campaigns_containing_the_day():
    assert campaign_of(ALL, date(2026, 8, 10), " Spring-Launch ") is SPRING
    assert campaign_of(ALL, date(2026, 9, 20), "spring-launch") is OPEN  # Spring ended on 5 Sep
    assert campaign_of([SPRING], date(2026, 9, 20), "spring-launch") is None  # outside every campaign
