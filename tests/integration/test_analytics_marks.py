"""Campaigns on Shopify's analytics charts (issue 18, "Annotations and targets"): once the merchant turns it
on and grants write_analytics_annotations and write_reports, each dated campaign is an annotation spanning
its days, its target revenue a `total_sales` target over its dates, and a creator's first attributed order an
annotation; edits update the same records, a second run calls Shopify for nothing, turning it off deletes
them, and a shop whose calls fail holds up no other."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import delete, select
from support import Merchant, install

from shopify_roi.jobs.analytics_marks import sync_analytics_marks
from shopify_roi.models import AnalyticsMark, Campaign
from shopify_roi.services.creators import analytics_sync

SCOPES = ["write_analytics_annotations", "write_reports"]
MAYA = {"code": "MAYA15", "type": "percentage", "value": "15"}
WINTER = {
    "name": "Winter drop",
    "starts_on": "2026-11-01",
    "ends_on": "2026-12-31",
    "target_roas": "3.5",
    "target_revenue": "5000",
}


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _settle(runtime, stand_in, shop_domain, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        stand_in.control.flush_webhooks(shop_domain)
        runtime.jobs.drain()
        if runtime.jobs.depth() == 0:
            return
        time.sleep(0.1)
    raise AssertionError("jobs did not settle")


def _turn_on(merchant, runtime, stand_in, shop_domain) -> None:
    saved = merchant.put("/api/settings", {"analytics_annotations": {"enabled": True}})
    assert saved.status_code == 200, saved.text
    assert saved.json()["analytics_annotations"] == {"enabled": True, "missing_scopes": SCOPES}
    assert stand_in.control.request_scopes(shop_domain, SCOPES)["result"] == "granted-all"
    stand_in.control.wait_deliveries(shop_domain, "app/scopes_update")
    _settle(runtime, stand_in, shop_domain)
    now = merchant.get("/api/settings").json()["analytics_annotations"]
    assert now == {"enabled": True, "missing_scopes": []}


def _charts(stand_in, shop_domain) -> tuple[list[dict], list[dict]]:
    held = stand_in.control.analytics(shop_domain)
    assert all(r["createdBy"] == "this-app" for r in held["annotations"] + held["targets"])
    return held["annotations"], held["targets"]


def _calls(stand_in, shop_domain) -> list[str]:
    return [
        e["operation_name"]
        for e in stand_in.control.graphql_log(shop_domain)
        if str(e.get("operation_name") or "").startswith("Analytics")
    ]


def _run_job(runtime, shop_domain):
    runtime.jobs.enqueue(sync_analytics_marks, shop_domain)
    runtime.jobs.drain()


def test_a_new_campaign_becomes_an_annotation_and_a_sales_target(merchant, runtime, stand_in, shop_domain):
    _turn_on(merchant, runtime, stand_in, shop_domain)
    assert merchant.post("/api/campaigns", WINTER).status_code == 201
    _settle(runtime, stand_in, shop_domain)
    (note,), (target,) = _charts(stand_in, shop_domain)
    assert {k: note[k] for k in ("type", "title", "description", "startedAt", "endedAt", "source")} == {
        "type": "campaign",
        "title": "Winter drop",
        # no target metric is a ROAS (total_sales, orders): the ROAS target is told in the description
        "description": "Creator campaign, target ROAS 3.5, target revenue 5000.00",
        "startedAt": "2026-11-01T00:00:00Z",
        "endedAt": "2027-01-01T00:00:00Z",  # the end of 31 December
        "source": "APP",
    }
    assert {k: target[k] for k in ("name", "metric", "expectedValue", "startDate", "endDate")} == {
        "name": "Winter drop: revenue target",
        "metric": "total_sales",
        "expectedValue": "5000.00",
        "startDate": "2026-11-01",
        "endDate": "2026-12-31",
    }
    with runtime.db.session() as session:
        stored = {m.key: m.shopify_id for m in session.scalars(select(AnalyticsMark))}
    campaign_id = merchant.get("/api/campaigns").json()["campaigns"][0]["id"]
    assert stored == {f"campaign:{campaign_id}": note["id"], f"target:{campaign_id}": target["id"]}


def test_an_edit_updates_the_same_records_and_a_second_run_calls_shopify_for_nothing(
    merchant, runtime, stand_in, shop_domain
):
    _turn_on(merchant, runtime, stand_in, shop_domain)
    made = merchant.post("/api/campaigns", WINTER).json()
    _settle(runtime, stand_in, shop_domain)
    (before,), (target_before,) = _charts(stand_in, shop_domain)
    edited = merchant.patch(
        f"/api/campaigns/{made['id']}", {"ends_on": "2026-12-15", "target_revenue": "4000"}
    )
    assert edited.status_code == 200, edited.text
    _settle(runtime, stand_in, shop_domain)
    (note,), (target,) = _charts(stand_in, shop_domain)
    assert (note["id"], note["endedAt"]) == (before["id"], "2026-12-16T00:00:00Z")
    assert (target["id"], target["endDate"], target["expectedValue"]) == (
        target_before["id"],
        "2026-12-15",
        "4000.00",
    )
    assert _calls(stand_in, shop_domain) == [
        "AnalyticsAnnotationCreate",
        "AnalyticsTargetCreate",
        "AnalyticsAnnotationUpdate",
        "AnalyticsTargetUpdate",
    ]
    _run_job(runtime, shop_domain)
    _run_job(runtime, shop_domain)
    assert len(_calls(stand_in, shop_domain)) == 4


def test_a_long_name_is_cut_to_75_characters_with_an_ellipsis(merchant, runtime, stand_in, shop_domain):
    _turn_on(merchant, runtime, stand_in, shop_domain)
    name = "Spring " + "x" * 93  # 100 characters
    assert merchant.post("/api/campaigns", {"name": name, "starts_on": "2026-03-01"}).status_code == 201
    _settle(runtime, stand_in, shop_domain)
    (note,), targets = _charts(stand_in, shop_domain)
    assert note["title"] == "Spring " + "x" * 67 + "…" and len(note["title"]) == 75
    assert note["endedAt"] is None  # no end date: open-ended
    assert targets == []  # no target revenue (and no end date): no target


def test_a_creators_first_attributed_order_is_an_annotation(merchant, runtime, stand_in, shop_domain):
    assert merchant.create_creator("maya", "MAYA15").status_code == 201
    _turn_on(merchant, runtime, stand_in, shop_domain)
    for when in ("2026-11-30T23:30:00+00:00", "2026-12-02T10:00:00+00:00"):
        stand_in.control.create_order(
            shop_domain,
            created_at=when,
            customer_id="ines",
            line_items=[{"title": "Trail mug", "price": "40.00", "quantity": 1}],
            discount_code=MAYA,
        )
    _settle(runtime, stand_in, shop_domain)
    _run_job(runtime, shop_domain)  # the hourly run (no campaign edit asked for one)
    (note,), _ = _charts(stand_in, shop_domain)
    assert (note["type"], note["title"]) == ("influencer_collaboration", "@maya: first attributed order")
    assert (note["startedAt"], note["endedAt"]) == ("2026-11-30T23:30:00Z", None)  # the earlier order


def test_nothing_is_written_without_the_setting_and_turning_it_off_deletes_everything(
    merchant, runtime, stand_in, shop_domain
):
    assert merchant.post("/api/campaigns", WINTER).status_code == 201
    _settle(runtime, stand_in, shop_domain)
    assert _charts(stand_in, shop_domain) == ([], []) and _calls(stand_in, shop_domain) == []
    _turn_on(merchant, runtime, stand_in, shop_domain)
    assert [len(x) for x in _charts(stand_in, shop_domain)] == [1, 1]
    assert merchant.put("/api/settings", {"analytics_annotations": {"enabled": False}}).status_code == 200
    _settle(runtime, stand_in, shop_domain)
    assert _charts(stand_in, shop_domain) == ([], [])
    with runtime.db.session() as session:
        assert session.scalars(select(AnalyticsMark)).all() == []


def test_a_shop_whose_calls_fail_does_not_hold_up_another(
    merchant, app_server, runtime, stand_in, shop_domain
):
    other = shop_domain.replace("shop-", "other-")
    stand_in.control.create_shop(
        other, scopes="read_orders,write_discounts,read_customers", timezone="Europe/Berlin"
    )
    install(app_server.url, other)
    second = Merchant(app_server.url, stand_in, other)
    for who, domain in ((merchant, shop_domain), (second, other)):
        _turn_on(who, runtime, stand_in, domain)
    stand_in.control.faults(shop_domain, fail_next=50, status=402)  # frozen: not retried by the client
    for who in (merchant, second):
        assert who.post("/api/campaigns", WINTER).status_code == 201
    _settle(runtime, stand_in, shop_domain)
    _settle(runtime, stand_in, other)
    assert [len(x) for x in _charts(stand_in, other)] == [1, 1]
    stand_in.control.reset_faults(shop_domain)
    assert _charts(stand_in, shop_domain) == ([], [])
    _run_job(runtime, shop_domain)  # nothing was recorded, so the next run sends it all
    assert [len(x) for x in _charts(stand_in, shop_domain)] == [1, 1]


def test_a_refused_target_keeps_its_reason_and_is_not_sent_again_until_it_changes(
    merchant, runtime, stand_in, shop_domain
):
    """Two campaigns on the same dates: a target is unique by metric and dates, so Shopify refuses the second
    (TAKEN); its annotation is still made, and the next runs do not send the refused target again."""
    _turn_on(merchant, runtime, stand_in, shop_domain)
    assert merchant.post("/api/campaigns", WINTER).status_code == 201
    twin = merchant.post("/api/campaigns", {**WINTER, "name": "Winter twin"})
    assert twin.status_code == 201
    _settle(runtime, stand_in, shop_domain)
    notes, targets = _charts(stand_in, shop_domain)
    assert sorted(n["title"] for n in notes) == ["Winter drop", "Winter twin"]
    assert [t["name"] for t in targets] == ["Winter drop: revenue target"]
    with runtime.db.session() as session:
        refused = session.scalar(
            select(AnalyticsMark).where(AnalyticsMark.key == f"target:{twin.json()['id']}")
        )
        assert refused.shopify_id is None and refused.error.startswith("TAKEN: ")
    calls = len(_calls(stand_in, shop_domain))
    _run_job(runtime, shop_domain)
    assert len(_calls(stand_in, shop_domain)) == calls
    # moved a day later, it is a different target: sent again, and made
    merchant.patch(f"/api/campaigns/{twin.json()['id']}", {"ends_on": "2027-01-01"})
    _settle(runtime, stand_in, shop_domain)
    assert len(_charts(stand_in, shop_domain)[1]) == 2


def test_a_removed_campaign_loses_its_annotation_and_target(merchant, runtime, stand_in, shop_domain):
    """The app has no route that deletes a campaign yet: the row goes as any removal would take it."""
    _turn_on(merchant, runtime, stand_in, shop_domain)
    made = merchant.post("/api/campaigns", WINTER).json()
    kept = merchant.post("/api/campaigns", {"name": "Spring", "starts_on": "2027-03-01"}).json()
    _settle(runtime, stand_in, shop_domain)
    assert [len(x) for x in _charts(stand_in, shop_domain)] == [2, 1]
    with runtime.db.session() as session:
        session.execute(delete(Campaign).where(Campaign.id == made["id"]))
    _run_job(runtime, shop_domain)
    notes, targets = _charts(stand_in, shop_domain)
    assert [n["title"] for n in notes] == ["Spring"] and targets == []
    with runtime.db.session() as session:
        assert set(session.scalars(select(AnalyticsMark.key))) == {f"campaign:{kept['id']}"}


def test_a_long_backlog_goes_on_in_the_next_run(merchant, runtime, stand_in, shop_domain, monkeypatch):
    monkeypatch.setattr(analytics_sync, "MAX_CALLS", 2)
    _turn_on(merchant, runtime, stand_in, shop_domain)
    for n in range(3):  # three annotations and three targets (6 calls): three runs of two
        body = {**WINTER, "name": f"Drop {n}", "starts_on": f"2026-11-0{n + 1}"}
        assert merchant.post("/api/campaigns", body).status_code == 201
    _settle(runtime, stand_in, shop_domain)
    assert [len(x) for x in _charts(stand_in, shop_domain)] == [3, 3]
    assert len(_calls(stand_in, shop_domain)) == 6


def test_an_annotation_the_app_did_not_make_is_never_changed(merchant, runtime, stand_in, shop_domain):
    """A stored id pointing at the merchant's own annotation (a mix-up, or Shopify lost the app's): Shopify
    answers NOT_FOUND to the update, so the app makes its own and the merchant's stays as it was."""
    theirs = stand_in.control.seed_annotation(shop_domain, title="Theme change")
    _turn_on(merchant, runtime, stand_in, shop_domain)
    made = merchant.post("/api/campaigns", {"name": "Spring", "starts_on": "2027-03-01"}).json()
    _settle(runtime, stand_in, shop_domain)
    with runtime.db.session() as session:
        row = session.scalar(select(AnalyticsMark).where(AnalyticsMark.key == f"campaign:{made['id']}"))
        row.shopify_id, row.written = theirs["id"], "{}"
    _run_job(runtime, shop_domain)
    held = stand_in.control.analytics(shop_domain)["annotations"]
    # the first "Spring" is the one the mix-up lost track of; the merchant's note is untouched
    assert sorted((a["title"], a["createdBy"]) for a in held) == [
        ("Spring", "this-app"),
        ("Spring", "this-app"),
        ("Theme change", "other"),
    ]
    assert next(a for a in held if a["id"] == theirs["id"])["startedAt"] == theirs["startedAt"]
    with runtime.db.session() as session:
        row = session.scalar(select(AnalyticsMark).where(AnalyticsMark.key == f"campaign:{made['id']}"))
        assert row.shopify_id not in (theirs["id"], None) and row.error == ""
