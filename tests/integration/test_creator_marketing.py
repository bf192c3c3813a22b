"""Creators in Shopify's Marketing reports (issue 18): once the merchant turns it on and grants
write_marketing_events, each creator x campaign is an external marketing activity under its campaign's,
and each day its engagement carries the ROI API's own one-day figures for that creator and campaign, to
the cent, sent again when a refund or a late webhook changes the day, and never twice otherwise.

The fixture, in a Berlin shop (EUR), a campaign "Winter drop" from d0, creator maya (code MAYA15: 15 %
off; commission 10 % of net revenue) in it; days d0..d4 end today (d4), so every figure is known:
- a 70.00 fee over d0..d0+6 (7 days: 10.00 a day) and a dated 5.00 fee on d2, both the campaign's;
- d1: A, customer 501 (new), 100.00 -> 85.00; B, customer 502 (new), 40.00 -> 34.00, refunded in full on
  d3 after the first run (returns dated to the order: d1);
- d2: C, customer 501 again (returning), 60.00 -> 51.00;
- d3: D, customer 503 (new), 20.00 -> 17.00, whose orders/create Shopify delivers only after the first run
  (a late webhook, inside the app's 48-hour replay window).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import select
from support import API_SECRET, Merchant, install

from shopify_roi.db import utcnow
from shopify_roi.jobs import schedules
from shopify_roi.jobs.marketing import send_marketing
from shopify_roi.models import Creator, MarketingDueDay, MarketingSent
from shopify_roi.services.shops.tokens import admin_client
from shopify_roi.shopify_client.admin import load_query
from shopify_roi.shopify_client.webhook_hmac import sign

BERLIN = ZoneInfo("Europe/Berlin")
SCOPE = "write_marketing_events"
CAMPAIGN = "Winter drop"


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _days() -> list:
    today = utcnow().astimezone(BERLIN).date()
    return [today - timedelta(days=4 - n) for n in range(5)]


def _at_noon(day) -> str:
    return datetime.combine(day, datetime.min.time().replace(hour=12), BERLIN).isoformat()


def _order(stand_in, shop, customer, day, price, **extra) -> dict:
    return stand_in.control.create_order(
        shop,
        created_at=_at_noon(day),
        customer_id=customer,
        line_items=[{"title": "Trail mug", "price": price, "quantity": 1}],
        discount_code={"code": "MAYA15", "type": "percentage", "value": "15.0"},
        **extra,
    )


def _set_up(merchant, stand_in, shop) -> dict:
    d = _days()
    made = merchant.post("/api/campaigns", {"name": CAMPAIGN, "starts_on": d[0].isoformat()})
    assert made.status_code == 201, made.text
    assert merchant.create_creator("maya", "MAYA15", campaigns=[CAMPAIGN]).status_code == 201
    period = {"period_start": d[0].isoformat(), "period_end": (d[0] + timedelta(days=6)).isoformat()}
    for body in (
        {"kind": "fee", "amount": "70.00", "campaign": CAMPAIGN, **period},
        {"kind": "fee", "amount": "5.00", "campaign": CAMPAIGN, "date": d[2].isoformat()},
    ):
        assert merchant.post("/api/creators/maya/spend", body).status_code == 201
    _order(stand_in, shop, 501, d[1], "100.00")
    b = _order(stand_in, shop, 502, d[1], "40.00")
    _order(stand_in, shop, 501, d[2], "60.00")
    return b


def _turn_on(merchant, runtime, stand_in, shop) -> None:
    saved = merchant.put("/api/settings", {"marketing_activities": {"enabled": True}})
    assert saved.status_code == 200, saved.text
    assert saved.json()["marketing_activities"] == {"enabled": True, "missing_scopes": [SCOPE]}
    assert stand_in.control.request_scopes(shop, [SCOPE])["result"] == "granted-all"
    stand_in.control.wait_deliveries(shop, "app/scopes_update")
    stand_in.control.flush_webhooks(shop)
    runtime.jobs.drain()
    assert merchant.get("/api/settings").json()["marketing_activities"] == {
        "enabled": True,
        "missing_scopes": [],
    }


def _engagements(stand_in, shop) -> dict:
    """occurredOn -> (adSpend, sales, orders, clicks, first-time, returning) of maya's activity."""
    held = stand_in.control.marketing(shop)["engagements"]
    return {
        e["occurredOn"]: (
            e["adSpend"]["amount"],
            e["sales"]["amount"],
            e["orders"],
            e["clicksCount"],
            e["firstTimeCustomers"],
            e["returningCustomers"],
        )
        for e in held
        if e["remoteId"].endswith("-creator-" + str(_creator_id(held)))
    }


def _creator_id(held) -> str:
    return held[0]["remoteId"].rsplit("-", 1)[1] if held else ""


def _api_day(merchant, day) -> tuple:
    """The ROI API's figures for maya on that one day, the campaign's, to the cent."""
    body = merchant.get(
        "/api/metrics/creators", params={"from": day.isoformat(), "to": day.isoformat(), "campaign": CAMPAIGN}
    )
    assert body.status_code == 200, body.text
    row = next(r for r in body.json()["creators"] if r["handle"] == "maya")
    cent = Decimal("0.01")
    return (
        str(Decimal(row["spend"]).quantize(cent)),
        str(Decimal(row["net_revenue"]).quantize(cent)),
        str(row["orders"]),
        row["clicks"],
        str(row["new_customers"]),
        str(row["orders"] - row["new_customers"]),
    )


def _calls(stand_in, shop, operation) -> int:
    return sum(1 for e in stand_in.control.graphql_log(shop) if e.get("operation_name") == operation)


def _late_order(app_server, runtime, stand_in, shop, day) -> None:
    """D: placed on `day`, its orders/create dropped, then delivered (signed) only now."""
    stand_in.control.faults(shop, webhooks={"drop": 1.0, "seed": 5})
    order = _order(stand_in, shop, 503, day, "20.00")
    stand_in.control.reset_faults(shop)
    (logged,) = [
        d
        for d in stand_in.control.deliveries(shop)
        if d["topic"] == "orders/create" and d["payload"]["id"] == order["id"]
    ]
    raw = json.dumps(logged["payload"]).encode()
    resp = requests.post(
        f"{app_server.url}/webhooks/orders",
        data=raw,
        headers={
            "Content-Type": "application/json",
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-Hmac-Sha256": sign(raw, API_SECRET),
            "X-Shopify-API-Version": "2026-10",
            "X-Shopify-Webhook-Id": logged["webhook_id"],
            "X-Shopify-Triggered-At": _at_noon(day),
        },
        timeout=60,
    )
    assert resp.status_code == 200
    runtime.jobs.drain()


def _run(runtime, shop, full: bool = True) -> None:
    runtime.jobs.enqueue(send_marketing, shop, full)
    runtime.jobs.drain()


def _noted(runtime) -> list:
    with runtime.db.session() as session:
        return [r.day for r in session.scalars(select(MarketingDueDay))]


def test_each_days_engagement_equals_the_roi_apis_figures_after_a_refund_and_a_late_webhook(
    app_server, merchant, runtime, stand_in, shop_domain
):
    d = _days()
    b = _set_up(merchant, stand_in, shop_domain)
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    _turn_on(merchant, runtime, stand_in, shop_domain)

    held = stand_in.control.marketing(shop_domain)
    activities = {a["remoteId"]: a for a in held["activities"]}
    assert len(activities) == 2
    (campaign,) = [a for a in activities.values() if a["hierarchyLevel"] == "CAMPAIGN"]
    (ad,) = [a for a in activities.values() if a["hierarchyLevel"] == "AD"]
    assert ad["parentRemoteId"] == campaign["remoteId"]
    assert (campaign["title"], ad["title"]) == (CAMPAIGN, f"Maya · {CAMPAIGN}")
    assert ad["utm"] == {"campaign": "winter-drop", "source": "instagram", "medium": "maya"}
    assert (ad["tactic"], ad["marketingChannelType"], ad["status"]) == ("AFFILIATE", "SOCIAL", "ACTIVE")

    # By hand, before the refund and the late order (adSpend = fees + 10 % commission of net revenue):
    # d0: 10.00 fee; d1: 10.00 + 11.90 (10 % of 85.00 + 34.00) = 21.90, sales 119.00, 2 orders, 2 new;
    # d2: 10.00 + 5.00 + 5.10 = 20.10, sales 51.00, 1 order by a returning customer; d3, d4: 10.00.
    first = {
        d[0].isoformat(): ("10.00", "0.00", "0", 0, "0", "0"),
        d[1].isoformat(): ("21.90", "119.00", "2", 0, "2", "0"),
        d[2].isoformat(): ("20.10", "51.00", "1", 0, "0", "1"),
        d[3].isoformat(): ("10.00", "0.00", "0", 0, "0", "0"),
        d[4].isoformat(): ("10.00", "0.00", "0", 0, "0", "0"),
    }
    assert _engagements(stand_in, shop_domain) == first
    assert {day: _api_day(merchant, date) for day, date in zip(first, d, strict=True)} == first
    sent = _calls(stand_in, shop_domain, "MarketingEngagementCreate")
    assert sent == 5

    # B refunded in full on d3, and D's orders/create arriving only now.
    line = b["line_items"][0]["id"]
    stand_in.control.refund_order(
        shop_domain, b["id"], line_items=[{"line_item_id": line, "quantity": 1}], created_at=_at_noon(d[3])
    )
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    _late_order(app_server, runtime, stand_in, shop_domain, d[3])
    # The rollup recomputes d1 and d3 (the worker's 30-second pass does it here) and notes them; the
    # hourly run compares those days and today only.
    schedules.refresh_rollups(runtime)
    assert sorted(_noted(runtime)) == [d[1], d[3]]
    _run(runtime, shop_domain, full=False)
    assert _noted(runtime) == []

    # d1: net 85.00 (B's 34.00 returned, still 2 orders), commission 8.50: 18.50.
    # d3: D (17.00, new): commission 1.70: 10.00 + 1.70 = 11.70; sales 17.00; 1 order, 1 new.
    second = {
        **first,
        d[1].isoformat(): ("18.50", "85.00", "2", 0, "2", "0"),
        d[3].isoformat(): ("11.70", "17.00", "1", 0, "1", "0"),
    }
    assert _engagements(stand_in, shop_domain) == second
    assert {day: _api_day(merchant, date) for day, date in zip(second, d, strict=True)} == second
    assert _calls(stand_in, shop_domain, "MarketingEngagementCreate") == sent + 2  # the two changed days

    upserts = _calls(stand_in, shop_domain, "MarketingActivityUpsert")
    _run(runtime, shop_domain, full=False)  # nothing changed: nothing is sent
    _run(runtime, shop_domain)  # nor by a full comparison
    assert _calls(stand_in, shop_domain, "MarketingEngagementCreate") == sent + 2
    assert _calls(stand_in, shop_domain, "MarketingActivityUpsert") == upserts == 2


def test_nothing_is_sent_until_turned_on_and_granted(merchant, runtime, stand_in, shop_domain):
    _set_up(merchant, stand_in, shop_domain)
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    _run(runtime, shop_domain)
    assert merchant.put("/api/settings", {"marketing_activities": {"enabled": True}}).status_code == 200
    _run(runtime, shop_domain)  # on, but write_marketing_events not granted: Shopify would refuse
    assert stand_in.control.marketing(shop_domain) == {"activities": [], "engagements": []}
    assert merchant.put("/api/settings", {"marketing_activities": True}).status_code == 400


def test_a_failing_shop_fails_alone(app_server, runtime, stand_in, shop_domain):
    """Two shops on: one whose Shopify refuses every call, the other's reports are sent all the same."""
    domains = [shop_domain]
    other = shop_domain.replace("shop-", "other-")
    stand_in.control.create_shop(
        other,
        name="Other",
        currency="EUR",
        timezone="Europe/Berlin",
        scopes="read_orders,write_discounts,read_customers",
    )
    domains.append(other)
    for shop in domains:
        install(app_server.url, shop)
        merchant = Merchant(app_server.url, stand_in, shop)
        _set_up(merchant, stand_in, shop)
        stand_in.control.flush_webhooks(shop)
        runtime.jobs.drain()
    stand_in.control.faults(shop_domain, fail_every=1, status=500)
    for shop in domains:
        _turn_on(Merchant(app_server.url, stand_in, shop), runtime, stand_in, shop)
    assert stand_in.control.marketing(shop_domain)["activities"] == []
    assert len(stand_in.control.marketing(other)["engagements"]) == 5
    with runtime.db.session() as session:
        rows = session.scalars(select(MarketingSent)).all()
        assert {r.error for r in rows} == {""}  # the failing shop stored nothing as sent

    stand_in.control.reset_faults(shop_domain)
    _run(runtime, shop_domain)  # Shopify back: the next run sends everything
    assert len(stand_in.control.marketing(shop_domain)["engagements"]) == 5


def test_a_refused_activity_fails_alone(merchant, runtime, stand_in, shop_domain):
    """Shopify already holds another activity with maya's UTM parameters (made by another tool): maya's
    activity is refused with Shopify's reason kept, and lee's, in the same campaign, is sent all the same."""
    d = _days()
    _set_up(merchant, stand_in, shop_domain)
    assert merchant.create_creator("lee", "LEE10", campaigns=[CAMPAIGN]).status_code == 201
    fee = {"kind": "fee", "amount": "3.00", "campaign": CAMPAIGN, "date": d[4].isoformat()}
    assert merchant.post("/api/creators/lee/spend", fee).status_code == 201
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    assert stand_in.control.request_scopes(shop_domain, [SCOPE])["result"] == "granted-all"
    stand_in.control.wait_deliveries(shop_domain, "app/scopes_update")
    squatter = {
        "remoteId": "another-tool-1",
        "title": "Someone else's",
        "tactic": "LINK",
        "marketingChannelType": "SOCIAL",
        "status": "ACTIVE",
        "remoteUrl": "https://other.example/",
        "utm": {"campaign": "winter-drop", "source": "instagram", "medium": "maya"},
    }
    made = admin_client(runtime, shop_domain).mutate(
        load_query("marketing_activity_upsert"), {"input": squatter}, "marketingActivityUpsertExternal"
    )
    assert made["marketingActivity"]["id"]
    _turn_on(merchant, runtime, stand_in, shop_domain)

    held = stand_in.control.marketing(shop_domain)
    titles = sorted(a["title"] for a in held["activities"])
    assert titles == [f"Lee · {CAMPAIGN}", "Someone else's", CAMPAIGN]
    # lee: his 3.00 fee on d4 (today), no sales: one engagement; maya: none.
    assert [(e["occurredOn"], e["adSpend"]["amount"]) for e in held["engagements"]] == [
        (d[4].isoformat(), "3.00")
    ]
    with runtime.db.session() as session:
        maya = session.scalar(select(Creator.id).where(Creator.handle == "maya"))
        refused = [r for r in session.scalars(select(MarketingSent)) if r.error]
    (activity,) = refused  # maya's activity alone, with Shopify's reason
    assert activity.remote_id.endswith(f"-creator-{maya}") and activity.sent == ""
    assert "same UTM campaign, medium, and source" in activity.error

    calls = len(stand_in.control.graphql_log(shop_domain))
    _run(runtime, shop_domain, full=False)  # maya is tried again (refused again); lee's nothing changed
    log = stand_in.control.graphql_log(shop_domain)[calls:]
    assert [e["operation_name"] for e in log] == ["MarketingActivityUpsert"]


def test_a_new_platform_keeps_the_activitys_first_utm_parameters(merchant, runtime, stand_in, shop_domain):
    """Shopify never changes an activity's UTM parameters (IMMUTABLE_UTM_PARAMETERS): a creator moved to
    another platform keeps the first ones (utm_source), and a new name reaches the title."""
    _set_up(merchant, stand_in, shop_domain)
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    _turn_on(merchant, runtime, stand_in, shop_domain)
    edited = merchant.patch("/api/creators/maya", {"platform": "tiktok", "name": "Maya Ray"})
    assert edited.status_code == 200, edited.text
    runtime.jobs.drain()  # the edit asked for a full send
    (ad,) = [a for a in stand_in.control.marketing(shop_domain)["activities"] if a["hierarchyLevel"] == "AD"]
    assert ad["title"] == f"Maya Ray · {CAMPAIGN}"
    assert ad["utm"] == {"campaign": "winter-drop", "source": "instagram", "medium": "maya"}
    with runtime.db.session() as session:
        assert [r.error for r in session.scalars(select(MarketingSent)) if r.error] == []
