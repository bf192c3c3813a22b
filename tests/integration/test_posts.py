"""A creator's posts (issue 20): figures reported and updated, and what they yield, computed by hand.

Anna (code ANNA15, 15 % off, commission 10 % of net revenue) has a 100.00 fee. Post P1 at T1 (reach 1,000,
impressions 4,000; first reported with 30 likes, then updated: 50 likes, 10 comments, 5 shares, 15 saves =
80 engagements); post P2 three days later (reach 500, impressions 1,000; 10 + 2 + 3 + 5 = 20 engagements).
Orders with ANNA15: A 50.00 two hours after P1 (revenue 42.50), B 100.00 an hour after P2 (85.00), C 20.00
nine days after P1 (17.00). Net revenue 144.50, commission 14.45, spend 114.45, two posts: 57.225 each.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import requests
from support import Merchant, bearer, install

CODE = {"code": "ANNA15", "type": "percentage", "value": "15.0"}


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    m = Merchant(app_server.url, stand_in, shop_domain)
    assert m.create_creator("anna", "ANNA15").status_code == 201
    return m


def _order(stand_in, shop, at: datetime, price: str, customer: int) -> None:
    stand_in.control.create_order(
        shop,
        created_at=at.isoformat(),
        customer_id=customer,
        line_items=[{"title": "Mug", "price": price, "quantity": 1}],
        discount_code=CODE,
    )


def test_posts_yield_engagement_cost_and_sales_after_each_as_counted_by_hand(
    merchant, runtime, stand_in, shop_domain
):
    zone = ZoneInfo(merchant.get("/api/shop").json()["timezone"] or "UTC")
    t1 = (datetime.now(UTC) - timedelta(days=20)).replace(microsecond=0)
    first_day, today = t1.astimezone(zone).date(), datetime.now(zone).date()
    fee = {"kind": "fee", "amount": "100.00", "date": first_day.isoformat()}
    assert merchant.post("/api/creators/anna/spend", fee).status_code == 201
    p1 = merchant.post(
        "/api/creators/anna/posts",
        {
            "platform": "instagram",
            "url": "https://instagram.com/p/one",
            "posted_at": t1.isoformat(),
            "format": "reel",
            "reach": 1000,
            "impressions": 4000,
            "likes": 30,
        },
    )
    assert p1.status_code == 201, p1.text
    p1 = p1.json()
    later = {"likes": 50, "comments": 10, "shares": 5, "saves": 15}  # figures grow: a new dated report
    assert merchant.post(f"/api/creators/anna/posts/{p1['id']}/figures", later).status_code == 201
    t2 = t1 + timedelta(days=3)
    p2 = merchant.post(
        "/api/creators/anna/posts",
        {
            "platform": "tiktok",
            "url": "https://tiktok.com/@anna/video/2",
            "posted_at": t2.isoformat(),
            "format": "video",
            "reach": 500,
            "impressions": 1000,
            "likes": 10,
            "comments": 2,
            "shares": 3,
            "saves": 5,
        },
    ).json()
    _order(stand_in, shop_domain, t1 + timedelta(hours=2), "50.00", 801)
    _order(stand_in, shop_domain, t2 + timedelta(hours=1), "100.00", 802)
    _order(stand_in, shop_domain, t1 + timedelta(days=9), "20.00", 803)
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()

    got = merchant.get(
        "/api/creators/anna/posts", params={"from": first_day.isoformat(), "to": today.isoformat()}
    ).json()
    by_id = {p["id"]: p for p in got["posts"]}
    one, two = by_id[p1["id"]], by_id[p2["id"]]
    assert [p["id"] for p in got["posts"]] == [p2["id"], p1["id"]]  # newest first
    assert one["figures"]["likes"] == 50 and one["figures"]["reach"] == 1000 and len(one["reports"]) == 2
    assert one["engagements"] == 80 and Decimal(one["engagement_rate"]) == Decimal("0.08")
    assert Decimal(one["cost"]) == Decimal("57.225")
    assert Decimal(one["cpm"]) == Decimal("14.30625")  # 57.225 / 4,000 x 1,000
    assert Decimal(one["cpe"]) == Decimal("0.7153125")  # 57.225 / 80
    assert Decimal(two["engagement_rate"]) == Decimal("0.04")  # 20 / 500
    assert Decimal(two["cpm"]) == Decimal("57.225") and Decimal(two["cpe"]) == Decimal("2.86125")

    def sales(post):
        return {k: (v["orders"], Decimal(v["net_revenue"])) for k, v in post["sales_after"].items()}

    # P1: the first day holds A; its week A and B; its 30 days all three
    assert sales(one) == {
        "1d": (1, Decimal("42.50")),
        "7d": (2, Decimal("127.50")),
        "30d": (3, Decimal("144.50")),
    }
    # P2 (three days later): B within a day; B and C (six days after P2) within a week
    assert sales(two) == {
        "1d": (1, Decimal("85.00")),
        "7d": (2, Decimal("102.00")),
        "30d": (2, Decimal("102.00")),
    }

    totals = got["totals"]
    assert (totals["posts"], totals["reach"], totals["impressions"], totals["engagements"]) == (
        2,
        1500,
        5000,
        100,
    )
    assert Decimal(totals["spend"]) == Decimal("114.45")
    assert Decimal(totals["cost_per_post"]) == Decimal("57.225")
    assert Decimal(totals["cpm"]) == Decimal("22.89")  # 114.45 / 5,000 x 1,000
    assert Decimal(totals["cpe"]) == Decimal("1.1445")  # 114.45 / 100
    assert Decimal(totals["engagement_rate"]).quantize(Decimal("0.0001")) == Decimal("0.0667")  # 100 / 1,500
    # the decay curve: A (day 0 after P1), B (day 0 after P2), C (day 6 after P2, the latest before it)
    curve = {d["day"]: (d["orders"], Decimal(d["net_revenue"])) for d in got["decay"] if d["orders"]}
    assert curve == {0: (2, Decimal("127.50")), 6: (1, Decimal("17.00"))}

    table = merchant.get(
        "/api/metrics/posts", params={"from": first_day.isoformat(), "to": today.isoformat()}
    )
    (row,) = table.json()["creators"]
    assert row["handle"] == "anna" and row["posts"] == 2 and Decimal(row["cpm"]) == Decimal("22.89")


def test_a_bad_post_names_each_field_and_stores_nothing(merchant):
    bad = merchant.post(
        "/api/creators/anna/posts",
        {
            "platform": "",
            "url": "javascript:alert(1)",
            "posted_at": "yesterday",
            "format": "tweet",
            "reach": -5,
            "campaign": "No such",
            "revenue": "9",
        },
    )
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) >= {
        "platform",
        "url",
        "posted_at",
        "format",
        "reach",
        "campaign",
        "revenue",
    }
    listed = merchant.get(
        "/api/creators/anna/posts", params={"from": "2026-01-01", "to": "2026-12-31"}
    ).json()
    assert listed["posts"] == []
    assert (
        merchant.get(
            "/api/creators/nobody/posts", params={"from": "2026-01-01", "to": "2026-12-31"}
        ).status_code
        == 404
    )


def test_a_time_without_offset_is_read_in_the_time_zone_given(merchant):
    made = merchant.post(
        "/api/creators/anna/posts",
        {
            "platform": "instagram",
            "url": "https://instagram.com/p/tz",
            "posted_at": "2026-11-20T18:30",
            "timezone": "America/New_York",
        },
    )
    assert made.status_code == 201, made.text
    assert (
        made.json()["posted_at"] == "2026-11-20T23:30:00+00:00"
        and made.json()["timezone"] == "America/New_York"
    )
    post_id = made.json()["id"]
    assert (
        merchant.patch(f"/api/creators/anna/posts/{post_id}", {"format": "story"}).json()["format"] == "story"
    )
    assert merchant.delete(f"/api/creators/anna/posts/{post_id}").status_code == 200


def test_a_recent_post_is_the_creators_activity_for_the_code_leak_check(
    merchant, runtime, stand_in, shop_domain
):
    """A surge of code orders long after the creator's last activity is leak evidence; a post is activity."""
    zone = ZoneInfo(merchant.get("/api/shop").json()["timezone"] or "UTC")
    now = datetime.now(UTC).replace(microsecond=0)
    # 3 early orders, then 8 in the last 14 days (11 code orders: enough to judge; 8 x 47 >= 3 x 3 x 14)
    for n, days_ago in enumerate((50, 45, 40, 12, 11, 10, 9, 7, 5, 3, 2)):
        _order(stand_in, shop_domain, now - timedelta(days=days_ago), "40.00", 900 + n)
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    params = {
        "from": (now - timedelta(days=60)).astimezone(zone).date().isoformat(),
        "to": now.astimezone(zone).date().isoformat(),
    }

    def surge():
        rows = {
            r["handle"]: r for r in merchant.get("/api/metrics/creators", params=params).json()["creators"]
        }
        return (rows["anna"]["leak_warning"] or {}).get("surge")

    assert surge() is True  # no link order, no click, no post: the surge came long after any activity
    post = {
        "platform": "instagram",
        "url": "https://instagram.com/p/new",
        "posted_at": (now - timedelta(days=4)).isoformat(),
    }
    assert merchant.post("/api/creators/anna/posts", post).status_code == 201
    assert surge() is False  # she posted four days ago: the orders follow her post, not a leak


def test_a_csv_adds_posts_and_later_reports_and_a_bad_file_stores_nothing(
    merchant, app_server, stand_in, shop_domain
):
    def upload(text: str):
        headers = {**bearer(stand_in.control.session_token(shop_domain)), "Content-Type": "text/csv"}
        return requests.post(
            f"{app_server.url}/api/posts/import", data=text.encode(), headers=headers, timeout=30
        )

    first = (
        "handle,platform,url,posted_at,timezone,format,reach,likes\n"
        "anna,instagram,https://instagram.com/p/a1,2026-11-02T09:00,Europe/Berlin,reel,900,40\n"
    )
    assert upload(first).json() == {"posts": 1, "reports": 0}
    # a week later, the same post's grown figures: a new dated report of the same post
    later = "handle,platform,url,posted_at,likes,comments\nANNA,instagram,https://instagram.com/p/a1,2026-11-02T08:00:00+00:00,75,9\n"
    assert upload(later).json() == {"posts": 0, "reports": 1}
    got = merchant.get("/api/creators/anna/posts", params={"from": "2026-11-01", "to": "2026-11-30"}).json()
    (post,) = got["posts"]
    assert post["posted_at"] == "2026-11-02T08:00:00+00:00"  # 09:00 in Berlin
    assert (post["figures"]["reach"], post["figures"]["likes"], post["figures"]["comments"]) == (900, 75, 9)
    assert len(post["reports"]) == 2
    bad = (
        "handle,platform,url,posted_at,likes\nzed,instagram,https://x.com/1,2026-11-02T09:00,1\n"
        "anna,instagram,ftp://x,soon,-1\nanna,tiktok,https://tiktok.com/2,2026-11-03T09:00,5\n"
    )
    refused = upload(bad)
    assert refused.status_code == 400
    assert set(refused.json()["fields"]) == {"row 2 handle", "row 3 url", "row 3 posted_at", "row 3 likes"}
    after = merchant.get("/api/creators/anna/posts", params={"from": "2026-11-01", "to": "2026-11-30"}).json()
    assert len(after["posts"]) == 1  # the good third row was not stored either
