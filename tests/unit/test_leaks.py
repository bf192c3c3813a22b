"""The code-leak check on hand-made order lists (what the evidence says, and when it stays quiet)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from shopify_roi.services.metrics.leaks import CodeOrder, assess, coupon_site

START, END = date(2026, 6, 1), date(2026, 8, 29)  # 90 days; the last 14 are 16-29 August


def orders(n, first: date, step_days=1, link=True, referrer=None, code="MAYA20"):
    return [CodeOrder(first + timedelta(days=i * step_days), code, link, referrer) for i in range(n)]


def test_too_few_code_orders_are_never_judged():
    assert (
        assess(
            "maya", orders(9, START, link=False, referrer="https://www.retailmenot.com/"), START, END, None
        )
        is None
    )


def test_a_creator_whose_code_orders_come_with_her_link_is_fine():
    mixed = orders(30, START, step_days=2) + orders(
        10, START, step_days=5, link=False
    )  # 25 % without the link
    assert assess("maya", mixed, START, END, date(2026, 8, 20)) is None


def test_coupon_sites_give_a_high_warning_naming_them():
    got = assess(
        "maya",
        orders(6, START) + orders(4, START, referrer="https://www.couponfollow.com/x", link=False),
        START,
        END,
        None,
    )
    assert got["level"] == "high" and got["coupon_sites"] == ["www.couponfollow.com"]  # 4 of 10 = 40 %
    assert (
        got["evidence"][0]
        == "4 of 10 orders with MAYA20 (40.0%) came from coupon sites (www.couponfollow.com)."
    )


def test_most_orders_without_the_creators_link_is_a_medium_warning():
    got = assess(
        "maya", orders(19, START, step_days=4, link=False) + orders(1, START), START, END, date(2026, 8, 28)
    )
    assert got["level"] == "medium" and got["no_signal_share"] == "0.95" and not got["surge"]
    assert got["evidence"] == [
        "19 of 20 orders with MAYA20 (95.0%) carry no link of @maya "
        "(no ref or utm_content naming the creator)."
    ]


def test_a_surge_long_after_the_last_activity():
    quiet = orders(10, START, step_days=7)  # 10 orders over 76 days before the window
    surge = orders(12, date(2026, 8, 16), link=False)  # 12 in the last 14 days, no link
    got = assess("maya", quiet + surge, START, END, date(2026, 6, 20))
    # Daily rate: 12 / 14 against 10 / 76 before: 6.5 times. Last activity 20 June, more than 30 days before
    # 16 August.
    assert got["surge"] and got["level"] == "medium"  # 12 of 22 link-less (54.5 %): surge alone is medium
    assert got["evidence"][-1] == (
        "12 orders with MAYA20 in the last 14 days to 2026-08-29 (6.5× the daily rate before), "
        "long after the creator's last activity on 2026-06-20."
    )
    recent_activity = assess("maya", quiet + surge, START, END, date(2026, 8, 1))
    assert recent_activity is None or not recent_activity["surge"]  # the creator posted recently: not a leak


def test_coupon_site_matching_is_by_host():
    assert coupon_site("https://www.retailmenot.com/view/x") == "www.retailmenot.com"
    assert coupon_site("joinhoney.com") == "joinhoney.com"
    assert (
        coupon_site("https://notretailmenot.com/") is None and coupon_site("https://l.instagram.com/") is None
    )
    assert coupon_site(None) is None


@given(
    total=st.integers(0, 400),
    recent_share=st.integers(0, 100),
    days=st.integers(1, 400),
    active_days_ago=st.one_of(st.none(), st.integers(0, 500)),
)
def test_only_a_creator_who_could_surge_needs_their_last_activity_read(
    total, recent_share, days, active_days_ago
):
    """The ROI table reads a creator's last activity (link orders, clicks, posts) only where
    `could_surge` says so: wherever it says no, no last activity can make a warning different."""
    from shopify_roi.services.metrics.leaks import Summary, could_surge, judge

    end = date(2026, 8, 29)
    start = end - timedelta(days=days - 1)
    summary = Summary()
    recent = total * recent_share // 100
    summary.add("MAYA20", False, "", total - recent, 0)
    summary.add("MAYA20", False, "", recent, recent)
    quiet = judge("maya", summary, start, end, None)
    active = None if active_days_ago is None else end - timedelta(days=active_days_ago)
    if not could_surge(summary, start, end):
        assert judge("maya", summary, start, end, active) == quiet
        assert quiet is None or not quiet["surge"]
    else:  # a quiet creator's surge is flagged
        assert quiet is not None and quiet["surge"]
