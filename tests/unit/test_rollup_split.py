"""Which parts of a range the ROI table reads from month rows, and which from day rows."""

from datetime import date

from shopify_roi.services.metrics.rollup_months import month_end, split


def test_month_end_handles_every_length():
    assert [month_end(date(2026, m, 1)).day for m in (1, 2, 4, 12)] == [31, 28, 30, 31]
    assert month_end(date(2028, 2, 1)) == date(2028, 2, 29)


def test_whole_months_inside_the_range_come_from_months_and_the_edges_from_days():
    intervals, months = split(date(2026, 1, 15), date(2026, 4, 10))
    assert months == [date(2026, 2, 1), date(2026, 3, 1)]
    assert intervals == [(date(2026, 1, 15), date(2026, 1, 31)), (date(2026, 4, 1), date(2026, 4, 10))]


def test_a_range_of_whole_months_has_no_days():
    assert split(date(2026, 1, 1), date(2026, 3, 31)) == (
        [],
        [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)],
    )


def test_a_month_a_cutoff_falls_inside_is_read_by_its_days():
    # as_of 2026-06-15: the 30-day cutoff is 16 May, inside May; 31 March is March's last day
    # (March stays whole)
    intervals, months = split(
        date(2026, 1, 1), date(2026, 6, 15), cutoffs=[date(2026, 5, 16), date(2026, 3, 31)]
    )
    assert months == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    assert intervals == [(date(2026, 5, 1), date(2026, 6, 15))]


def test_a_range_inside_one_month_is_days_only():
    assert split(date(2026, 3, 3), date(2026, 3, 20)) == ([(date(2026, 3, 3), date(2026, 3, 20))], [])
