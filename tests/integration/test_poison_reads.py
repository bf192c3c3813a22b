"""Nothing stored makes a read fail (#16): an order the app stored before its dates were checked (year 1,
year 9999), the rollup day it left marked, a campaign dated 0001-01-01. Every metrics endpoint answers 200
with a warning naming what is left out; correcting the order repairs the figures; another shop never
notices. Dates a merchant types are refused outside a sane window, with the field named."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import factories
import pytest
from poison_support import hold_orders, installed_shop, march_totals, order_spec, send_again
from sqlalchemy import func, select

from shopify_roi.jobs.schedules import refresh_rollups
from shopify_roi.models import DirtyDay, RollupState

ANNA15 = {"code": "ANNA15", "type": "percentage", "value": "15.0"}
MARCH = "from=2026-03-01&to=2026-03-31&as_of=2026-03-31"


@pytest.fixture
def shops(app_server, runtime, stand_in):
    """Berlin with a 100.00 order on anna's code; New York with a 30.00 order (each has an anna, ANNA15)."""
    berlin = installed_shop(app_server, stand_in, "Europe/Berlin")
    new_york = installed_shop(app_server, stand_in, "America/New_York")
    for merchant in (berlin, new_york):
        assert merchant.create_creator("anna", "ANNA15", "15").status_code == 201
    _, held = hold_orders(stand_in, berlin.shop, [order_spec("100.00", 1, discount_code=ANNA15)])
    send_again(stand_in, berlin.shop, held)
    _, held = hold_orders(stand_in, new_york.shop, [order_spec("30.00", 2)])
    send_again(stand_in, new_york.shop, held)
    runtime.jobs.drain()
    refresh_rollups(runtime)  # the worker keeps every shop's rollup current
    return berlin, new_york


def _store_as_before_16(runtime, shop: str, **order) -> None:
    """An order row as the app stored it before #16 checked dates, with the rollup day it marked dirty (the
    order is a guest's: before #16 a customer's first order in year 9999 already failed its batch)."""
    with runtime.db.session() as session:
        row = factories.shop_named(session, shop)
        stored = factories.order(session, row, customer_id=None, **order)
        local_day = stored.created_at.date()  # Berlin: 12:00 UTC and 05:00 UTC stay on the UTC date
        session.add(DirtyDay(shop_id=row.id, day=local_day, version=1))


def _reads(merchant, campaign: str | None = None) -> dict[str, object]:
    """Every metrics read of the shop, each asserted 200: path -> its JSON (the CSV: its text)."""
    extra = f"&campaign={campaign}" if campaign else ""
    paths = [
        f"/api/metrics/creators?{MARCH}{extra}",
        f"/api/metrics/creators.csv?{MARCH}{extra}",
        f"/api/metrics/creators/anna?{MARCH}",
        f"/api/metrics/timeseries?{MARCH}{extra}",
        f"/api/metrics/creators/anna/orders?{MARCH}",
    ]
    out = {}
    for path in paths:
        resp = merchant.get(path)
        assert resp.status_code == 200, (path, resp.status_code, resp.text[:300])
        out[path.split("?")[0]] = resp.text if path.endswith(".csv") or ".csv?" in path else resp.json()
    return out


def _warnings(reads: dict) -> list[str]:
    table = reads["/api/metrics/creators"]
    assert reads["/api/metrics/creators/anna"]["warnings"] == table["warnings"]
    assert reads["/api/metrics/timeseries"]["warnings"] == table["warnings"]
    return table["warnings"]


def test_stored_orders_of_year_1_and_9999_never_fail_a_read_and_correcting_one_repairs_it(
    shops, runtime, stand_in
):
    """Before #16 every read of the Berlin shop answered 500 (OverflowError recomputing day 9999-12-31 and
    0001-01-01), even once the order was corrected: its old day stayed marked. And a rollup rebuilt (a new
    time zone, migration 0010) marked every day from year 1 to 9999 on SQLite: the read never ended."""
    berlin, new_york = shops
    orders, held = hold_orders(stand_in, berlin.shop, [order_spec("25.00", 3, "2026-03-05T10:00:00Z")])
    _store_as_before_16(  # the version Shopify corrects below (its updated_at is older)
        runtime,
        berlin.shop,
        shopify_id=str(orders[0]["id"]),
        name="#9999",
        at=datetime(9999, 12, 31, 12, 0, tzinfo=UTC),
        shopify_updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        revenue=25,
    )
    _store_as_before_16(runtime, berlin.shop, name="#0001", at=datetime(1, 1, 1, 5, 0, tzinfo=UTC))

    reads = _reads(berlin)
    warnings = _warnings(reads)
    assert len(warnings) == 1 and "2 orders" in warnings[0], warnings
    assert "#9999 (9999-12-31)" in warnings[0] and "#0001 (0001-01-01)" in warnings[0], warnings
    # Only the order on anna's code counts: 100.00 less 15 % = 85.00.
    totals = reads["/api/metrics/creators"]["totals"]
    assert (totals["orders"], Decimal(totals["revenue"])) == (1, Decimal("85.00"))
    assert Decimal(reads["/api/metrics/creators/anna"]["creator"]["revenue"]) == Decimal("85.00")
    assert [Decimal(o["revenue"]) for o in reads["/api/metrics/creators/anna/orders"]["orders"]] == [
        Decimal("85.00")
    ]
    csv_rows = {r["handle"]: r for r in csv.DictReader(io.StringIO(reads["/api/metrics/creators.csv"]))}
    assert Decimal(csv_rows["anna"]["revenue"]) == Decimal("85.00")
    other = _reads(new_york)
    assert _warnings(other) == [] and Decimal(other["/api/metrics/creators"]["totals"]["revenue"]) == 30

    with runtime.db.session() as session:  # the rollup is rebuilt, as after a change of time zone
        session.delete(session.get(RollupState, factories.shop_named(session, berlin.shop).id))
    reads = _reads(berlin)
    assert len(_warnings(reads)) == 1 and march_totals(berlin) == (1, Decimal("85.00"))

    send_again(stand_in, berlin.shop, held)  # Shopify's newer version of the order, made 2026-03-05
    runtime.jobs.drain()
    warnings = _warnings(_reads(berlin))
    assert len(warnings) == 1 and "1 order " in warnings[0] and "#0001" in warnings[0], warnings
    # 85.00 + 25.00 = 110.00 in 2 orders.
    assert march_totals(berlin) == (2, Decimal("110.00"))
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(DirtyDay)) == 0  # no day left unrepairable
    assert _warnings(_reads(new_york)) == []


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [(date(1, 1, 1), date(2026, 3, 31)), (date(9999, 12, 1), date(9999, 12, 31))],
    ids=["0001-01-01", "9999-12"],
)
def test_a_stored_campaign_with_impossible_dates_never_fails_a_read(shops, runtime, starts_on, ends_on):
    """Before #16 the ROI table and the time series of this campaign answered 500 (the baseline moved the
    campaign's dates back by whole weeks, out of the calendar)."""
    berlin, new_york = shops
    with runtime.db.session() as session:
        factories.campaign(
            session,
            factories.shop_named(session, berlin.shop),
            name="Old",
            starts_on=starts_on,
            ends_on=ends_on,
        )
    reads = _reads(berlin, campaign="Old")
    table = reads["/api/metrics/creators"]
    assert any("campaign" in w and starts_on.isoformat() in w for w in table["warnings"]), table["warnings"]
    # The baseline falls back to the range asked for.
    assert (table["baseline"]["from"], table["baseline"]["to"]) == ("2026-03-01", "2026-03-31")
    assert _warnings(_reads(new_york)) == []


def test_campaign_and_spend_dates_outside_the_sane_window_are_refused_naming_the_field(shops):
    """Before #16 each of these was stored (201/200)."""
    berlin, _ = shops
    for body in (
        {"name": "Ancient", "starts_on": "0001-01-01", "ends_on": "2026-03-31"},
        {"name": "Far", "starts_on": "2026-03-01", "ends_on": "9999-12-31"},
        {"name": "Early", "starts_on": "1999-12-31"},
    ):
        resp = berlin.post("/api/campaigns", body)
        field = "starts_on" if body["starts_on"] < "2000" else "ends_on"
        assert resp.status_code == 400 and field in resp.json()["fields"], resp.text
    made = berlin.post("/api/campaigns", {"name": "Spring", "starts_on": "2026-03-01"})
    assert made.status_code == 201, made.text
    edit = berlin.patch(f"/api/campaigns/{made.json()['id']}", {"ends_on": "9999-12-31"})
    assert edit.status_code == 400 and "ends_on" in edit.json()["fields"], edit.text
    for day in ("0001-01-01", "9999-12-31", "1999-12-31"):
        resp = berlin.post("/api/creators/anna/spend", {"kind": "fee", "date": day, "amount": "10.00"})
        assert resp.status_code == 400 and "date" in resp.json()["fields"], resp.text
    ok = berlin.post("/api/creators/anna/spend", {"kind": "fee", "date": "2026-03-02", "amount": "10.00"})
    assert ok.status_code == 201, ok.text
    campaigns = berlin.get("/api/campaigns").json()
    assert [c["name"] for c in campaigns["campaigns"]] == ["Spring"], campaigns
