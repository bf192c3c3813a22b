"""The rule that makes a customer returning when Shopify counts orders the app cannot see."""

from datetime import UTC, datetime, timedelta

from shopify_roi.services.orders.cohorts import is_returning

CHECKED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_more_orders_in_shopify_than_held_up_to_the_check_is_returning():
    assert is_returning(2, CHECKED, [CHECKED - timedelta(days=3)])  # one order older than the 60 days


def test_equal_counts_is_new():
    assert not is_returning(1, CHECKED, [CHECKED - timedelta(days=3)])


def test_orders_after_the_check_do_not_hide_an_older_one():
    # Shopify counted 2 at the check; the app holds 1 from before it and 2 placed since: still one unseen
    held = [CHECKED - timedelta(days=3), CHECKED + timedelta(days=1), CHECKED + timedelta(days=9)]
    assert is_returning(2, CHECKED, held)


def test_a_late_order_from_before_the_check_makes_the_counts_agree():
    held = [CHECKED - timedelta(days=3), CHECKED - timedelta(days=1)]  # the second arrived after the check
    assert not is_returning(2, CHECKED, held)


def test_a_customer_shopify_no_longer_has_is_decided_by_held_orders_alone():
    assert not is_returning(None, CHECKED, [CHECKED - timedelta(days=3)])


def test_more_held_than_counted_is_new():  # test orders the app holds and Shopify does not count
    assert not is_returning(1, CHECKED, [CHECKED - timedelta(days=2), CHECKED - timedelta(days=1)])
