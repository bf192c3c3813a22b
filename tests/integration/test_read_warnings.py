"""The warning every metric read carries when counted orders are dated where no order may be
(read_warnings.py): it names the first five by date, earliest first, and counts the rest, on both sides
of the window."""

from __future__ import annotations

from datetime import UTC, datetime

import factories

from shopify_roi.services.metrics import read_warnings


def test_orders_either_side_of_the_window_are_named_by_date_and_counted(runtime):
    with runtime.db.session() as session:
        shop = factories.shop(session)
        other = factories.shop(session)  # its own stray order is not this shop's warning
        early = [
            datetime(1, 1, d, tzinfo=UTC) for d in (3, 1, 2, 4)
        ]  # year 1, stored before dates were checked
        late = [datetime(9999, 12, d, tzinfo=UTC) for d in (30, 29, 31)]
        for n, at in enumerate(early + late, start=1):
            factories.orders(session, shop, 1, at=at, name=f"#{n}")
        factories.orders(session, shop, 1, at=datetime(2026, 6, 3, tzinfo=UTC), name="#ok")
        factories.orders(session, other, 1, at=datetime(1, 1, 1, tzinfo=UTC), name="#other")
        session.flush()

        (warning,) = read_warnings.orders_left_out(session, shop.id)
        assert read_warnings.orders_left_out(session, other.id)[0].startswith("1 order dated outside")

    # 7 outside: the four of year 1 by date (#2 on the 1st, #3, #1, #4), then the first of 9999 (#6, the 29th)
    assert warning.startswith("7 orders dated outside"), warning
    named = "#2 (0001-01-01), #3 (0001-01-02), #1 (0001-01-03), #4 (0001-01-04), #6 (9999-12-29) and 2 more."
    assert named in warning, warning
    assert "#ok" not in warning and "#other" not in warning
