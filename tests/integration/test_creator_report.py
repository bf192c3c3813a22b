"""A report link a merchant sends a creator (issue 20): the creator's own figures, computed by hand here,
and nothing of another creator, a customer or the shop's costs; it expires and can be revoked.

Anna (ANNA15, 15 % off, commission 10 %) has two orders: 100.00 (revenue 85.00) and 40.00 (34.00), the
second of two units at 20.00, one of them returned: returns 17.00 (20.00 less its 15 % discount). Net revenue
85.00 + 34.00 - 17.00 = 102.00; commission 10.20. Ben (BEN10) has one order of 999.00 and a 500.00 fee.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlalchemy import update
from support import Merchant, install

from shopify_roi.db import utcnow
from shopify_roi.models import CreatorReportLink

ANNA = {"code": "ANNA15", "type": "percentage", "value": "15.0"}
BEN = {"code": "BEN10", "type": "percentage", "value": "10.0"}


@pytest.fixture
def merchant(app_server, stand_in, shop_domain, runtime):
    install(app_server.url, shop_domain)
    m = Merchant(app_server.url, stand_in, shop_domain)
    assert m.create_creator("anna", "ANNA15").status_code == 201
    assert m.create_creator("ben", "BEN10", percent="10").status_code == 201
    c = stand_in.control
    c.create_order(
        shop_domain,
        customer_id=5101,
        email="ada@example.com",
        line_items=[{"title": "Mug", "price": "100.00", "quantity": 1}],
        discount_code=ANNA,
    )
    two = c.create_order(
        shop_domain,
        customer_id=5102,
        email="bo@example.com",
        line_items=[{"title": "Cup", "price": "20.00", "quantity": 2}],
        discount_code=ANNA,
    )
    c.create_order(
        shop_domain,
        customer_id=5103,
        email="cy@example.com",
        line_items=[{"title": "Secret thing", "price": "1110.00", "quantity": 1}],
        discount_code=BEN,
    )
    c.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    c.refund_order(
        shop_domain, two["id"], line_items=[{"line_item_id": two["line_items"][0]["id"], "quantity": 1}]
    )
    c.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    fee = {"kind": "fee", "amount": "500.00", "date": utcnow().date().isoformat()}
    assert m.post("/api/creators/ben/spend", fee).status_code == 201
    post = {
        "platform": "tiktok",
        "url": "https://tiktok.com/@anna/video/9",
        "posted_at": utcnow().isoformat(),
        "reach": 2000,
        "likes": 100,
    }
    assert m.post("/api/creators/anna/posts", post).status_code == 201
    return m


def _range() -> dict:
    today = utcnow().date()
    return {"from": (today - timedelta(days=30)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}


def test_the_creator_sees_their_own_figures_and_nothing_else(merchant):
    made = merchant.post("/api/creators/anna/report-links", {**_range(), "expires_in_days": 14})
    assert made.status_code == 201, made.text
    link = made.json()
    assert link["state"] == "live" and "/r/" in link["url"]
    page = requests.get(link["url"], timeout=30)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store" and "noindex" in page.headers["X-Robots-Tag"]
    text = page.text
    for figure, shown in (
        ("orders", "2"),
        ("net_revenue", "102.00"),
        ("commission", "10.20"),
        ("returns", "17.00"),
    ):
        assert f'data-figure="{figure}">{shown}' in text, figure
    assert "tiktok" in text and "5.0 %" in text  # her post: 100 likes / 2,000 reach
    for secret in (
        "ben",
        "BEN10",
        "Secret thing",
        "1110",
        "999",
        "500.00",
        "ada@example.com",
        "5101",
        "bo@example",
    ):
        assert secret not in text, secret
    # the merchant's list never shows the link's secret again
    listed = merchant.get("/api/creators/anna/report-links").json()["links"]
    assert [entry["id"] for entry in listed] == [link["id"]] and "url" not in listed[0]
    assert listed[0]["last_viewed_at"] is not None


def test_a_tampered_or_foreign_token_reaches_nothing(merchant, app_server):
    anna = merchant.post("/api/creators/anna/report-links", _range()).json()
    ben = merchant.post("/api/creators/ben/report-links", _range()).json()
    anna_id, anna_secret = anna["url"].rsplit("/", 1)[1].split(".", 1)
    ben_id = ben["url"].rsplit("/", 1)[1].split(".", 1)[0]
    for token in (
        f"{ben_id}.{anna_secret}",
        f"{anna_id}.{anna_secret[:-1]}{'B' if anna_secret.endswith('A') else 'A'}",  # one character changed
        anna_id,
        "1",
        "anna",
        f"{anna_id}.x",
    ):
        resp = requests.get(f"{app_server.url}/r/{token}", timeout=30)
        assert resp.status_code == 404, token
        assert "anna" not in resp.text.lower() and "ben" not in resp.text.lower()


def test_a_revoked_or_expired_link_stops_working(merchant, runtime):
    first = merchant.post("/api/creators/anna/report-links", _range()).json()
    second = merchant.post("/api/creators/anna/report-links", _range()).json()
    revoked = merchant.delete(f"/api/creators/anna/report-links/{first['id']}")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    gone = requests.get(first["url"], timeout=30)
    assert gone.status_code == 410 and "102.00" not in gone.text
    assert requests.get(second["url"], timeout=30).status_code == 200
    with runtime.db.session() as session:
        session.execute(
            update(CreatorReportLink)
            .where(CreatorReportLink.id == second["id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    expired = requests.get(second["url"], timeout=30)
    assert expired.status_code == 410 and "102.00" not in expired.text
    states = {e["id"]: e["state"] for e in merchant.get("/api/creators/anna/report-links").json()["links"]}
    assert states == {first["id"]: "revoked", second["id"]: "expired"}


def test_a_bad_request_names_its_fields(merchant):
    bad = merchant.post("/api/creators/anna/report-links", {"from": "2026-13-01", "expires_in_days": 365})
    assert bad.status_code == 400 and {"from", "to", "expires_in_days"} <= set(bad.json()["fields"])
    assert merchant.get("/api/creators/anna/report-links").json()["links"] == []
