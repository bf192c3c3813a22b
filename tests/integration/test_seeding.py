"""Seeding follow-up (issue 20 item 2; README "Seeding"), from the merchant's side, counted by hand.

Products: Serum (cost per item 12.00), Cleanser (8.00). Anna has code ANNA15 (15 % off), Ben BEN10.
- G1, 31 days ago: 2 Serum + 1 Cleanser with ANNA15, tagged `creator-roi-seeding` in Shopify: anna's by its
  code; recorded by itself at Shopify's cost: 2 x 12.00 + 8.00 = 32.00.
- G2, 26 days ago: 1 Serum, no code, tagged `creator-roi-seeding:ben`: ben's, 12.00.
- M, 6 days ago: 1 Serum (30.00) with ANNA15, a sale (revenue 25.50) until staff mark it as seeding in the
  app with shipping 6.50: 12.00 + 6.50 = 18.50.
- S, 3 days ago: 1 Cleanser (20.00) with ANNA15: a sale, revenue 17.00.
Sent: G1 30 days ago (two posts link to it), G2 25 days ago (no post), M 5 days ago (no post).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import requests
from support import Merchant, install


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    m = Merchant(app_server.url, stand_in, shop_domain)
    assert m.create_creator("anna", "ANNA15").status_code == 201
    assert m.create_creator("ben", "BEN10", "10").status_code == 201
    return m


def _product(stand_in, shop: str, title: str, price: str, cost: str | None) -> int:
    made = requests.post(
        f"{stand_in.url}/_devstore/shops/{shop}/products",
        timeout=60,
        json={"title": title, "variants": [{"title": "30 ml", "price": price, "unit_cost": cost}]},
    ).json()["product"]
    return made["variants"][0]["id"]


def _order(stand_in, shop, days_ago: int, lines, code=None, tags=(), customer=900) -> dict:
    spec = {
        "created_at": (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(),
        "customer_id": customer,
        "line_items": [
            {"title": title, "price": price, "quantity": qty, "variant_id": variant}
            for title, price, qty, variant in lines
        ],
        "tags": list(tags),
    }
    if code:
        spec["discount_code"] = {"code": code, "type": "percentage", "value": "15.0"}
    return stand_in.control.create_order(shop, **spec)


def _row(body: dict, handle: str) -> dict:
    return next(r for r in body["creators"] if r["handle"] == handle)


def test_seeding_orders_become_spend_and_the_follow_up_counts_who_posted(
    merchant, runtime, stand_in, shop_domain
):
    serum = _product(stand_in, shop_domain, "Serum", "30.00", "12.00")
    cleanser = _product(stand_in, shop_domain, "Cleanser", "20.00", "8.00")
    zone = ZoneInfo(merchant.get("/api/shop").json()["timezone"] or "UTC")
    today = datetime.now(zone).date()

    def ago(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    g1 = _order(
        stand_in,
        shop_domain,
        31,
        [("Serum", "30.00", 2, serum), ("Cleanser", "20.00", 1, cleanser)],
        "ANNA15",
        ["gift", "creator-roi-seeding"],
        customer=901,
    )
    g2 = _order(
        stand_in, shop_domain, 26, [("Serum", "30.00", 1, serum)], None, ["Creator-ROI-Seeding:ben"], 902
    )
    m = _order(stand_in, shop_domain, 6, [("Serum", "30.00", 1, serum)], "ANNA15", customer=903)
    _order(stand_in, shop_domain, 3, [("Cleanser", "20.00", 1, cleanser)], "ANNA15", customer=904)
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()

    span = {"from": ago(40), "to": ago(0), "as_of": ago(0)}
    table = merchant.get("/api/metrics/creators", params=span).json()
    anna = _row(table, "anna")
    assert (anna["orders"], D(anna["revenue"])) == (2, D("42.50"))  # M 25.50 + S 17.00; G1 is a gift
    assert D(anna["seeding"]) == D("32.00")  # G1 by itself: 2 x 12.00 + 8.00 at Shopify's cost, no shipping
    assert (_row(table, "ben")["orders"], D(_row(table, "ben")["seeding"])) == (0, D("12.00"))

    # Staff mark M as seeding in the app, with what shipping it cost
    marked = merchant.post("/api/seeding/orders", {"order": m["name"], "shipping": "6.50"})
    assert marked.status_code == 201, marked.text
    assert D(marked.json()["amount"]) == D("18.50") and marked.json()["from_order"] is True
    assert "1 × Serum at 12.00" in marked.json()["note"]
    again = merchant.post("/api/seeding/orders", {"order": str(m["id"]), "shipping": "6.50"})
    assert again.status_code == 201 and again.json()["id"] == marked.json()["id"]  # one entry per order
    table = merchant.get("/api/metrics/creators", params=span).json()
    anna = _row(table, "anna")
    assert (anna["orders"], D(anna["revenue"])) == (1, D("17.00"))  # only S is a sale now
    assert D(anna["seeding"]) == D("50.50")  # 32.00 + 18.50
    behind = merchant.get("/api/metrics/creators/anna/orders", params=span).json()["orders"]
    assert {o["name"]: o["seeding"] for o in behind} == {
        g1["name"]: "tag",
        m["name"]: "app",
        behind[-1]["name"]: None,
    }

    # A later version of M (an edit in Shopify) keeps staff's mark
    stand_in.control.edit_order(shop_domain, m["id"], add=[{"title": "Mask", "price": "5.00", "quantity": 1}])
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    assert _row(merchant.get("/api/metrics/creators", params=span).json(), "anna")["orders"] == 1

    # Sent on their days; two posts came of G1
    follow = merchant.get("/api/seeding", params=span).json()
    by_order = {s["order"]: s for s in follow["seedings"]}
    assert {s["status"] for s in follow["seedings"]} == {"not_sent"}
    for name, days in ((g1["name"], 30), (g2["name"], 25), (m["name"], 5)):
        sent = merchant.patch(f"/api/seeding/{by_order[name]['id']}", {"sent_on": ago(days)})
        assert sent.status_code == 200 and sent.json()["sent_on"] == ago(days)
    for n in (1, 2):
        post = {
            "platform": "instagram",
            "url": f"https://instagram.com/p/gift{n}",
            "posted_at": f"{ago(20 + n)}T12:00:00",
            "seeding": by_order[g1["name"]]["id"],
        }
        assert merchant.post("/api/creators/anna/posts", post).status_code == 201
    wrong = {"platform": "tiktok", "url": "https://tiktok.com/x", "posted_at": f"{ago(2)}T12:00:00"}
    refused = merchant.post("/api/creators/anna/posts", {**wrong, "seeding": by_order[g2["name"]]["id"]})
    assert refused.status_code == 400 and "seeding" in refused.json()["fields"]  # ben's seeding, not anna's

    follow = merchant.get("/api/seeding", params=span).json()
    assert follow["follow_up_days"] == 21
    status = {s["order"]: (s["status"], len(s["posts"]), s["days_since_sent"]) for s in follow["seedings"]}
    assert status == {
        g1["name"]: ("posted", 2, 30),
        g2["name"]: ("not_posted", 0, 25),  # 25 days >= 21: not posted
        m["name"]: ("waiting", 0, 5),
    }
    totals = follow["totals"]
    assert (totals["sent"], totals["posted"], totals["waiting"], totals["not_posted"]) == (3, 1, 1, 1)
    assert D(totals["posting_rate"]) == D("0.5")  # 1 posted / (1 posted + 1 not posted); M still waits
    assert D(totals["cost"]) == D("62.50")  # 32.00 + 12.00 + 18.50
    assert D(totals["cost_per_post"]) == D("22")  # (32.00 + 12.00) / 2 posts
    ben = _row(follow, "ben")
    assert (ben["not_posted"], ben["posting_rate"], ben["cost_per_post"]) == (1, "0", None)  # "—": no post

    # The follow-up days are the shop's: at 30, ben's 25 days still wait
    saved = merchant.put("/api/settings", {"seeding": {"follow_up_days": 30}})
    assert saved.status_code == 200 and saved.json()["seeding"] == {"follow_up_days": 30}
    totals = merchant.get("/api/seeding", params=span).json()["totals"]
    assert (totals["posted"], totals["waiting"], totals["not_posted"]) == (1, 2, 0)
    assert D(totals["posting_rate"]) == D(1) and D(totals["cost_per_post"]) == D("16")  # 32.00 / 2 posts

    # The mark taken back: M is a sale again (25.50, and the 5.00 Mask its edit added: an edit's new line
    # does not take the code's discount); a tag is Shopify's to remove
    assert merchant.delete(f"/api/seeding/orders/{m['id']}").status_code == 200
    anna = _row(merchant.get("/api/metrics/creators", params=span).json(), "anna")
    assert (anna["orders"], D(anna["revenue"]), D(anna["seeding"])) == (
        2,
        D("17.00") + D("25.50") + D("5.00"),
        D("32"),
    )
    tagged = merchant.delete(f"/api/seeding/orders/{g1['id']}")
    assert tagged.status_code == 409 and "tag" in tagged.json()["message"]


def test_a_seeding_order_shopify_has_no_cost_for_waits_for_staff(merchant, runtime, stand_in, shop_domain):
    uncosted = _product(stand_in, shop_domain, "Candle", "40.00", None)
    order = _order(
        stand_in, shop_domain, 2, [("Candle", "40.00", 2, uncosted)], None, ["creator-roi-seeding"]
    )
    stranger = _order(
        stand_in, shop_domain, 2, [("Candle", "40.00", 1, uncosted)], None, ["creator-roi-seeding:zoe"]
    )
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    today = datetime.now(UTC).date()
    span = {"from": (today - timedelta(days=5)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    follow = merchant.get("/api/seeding", params=span).json()
    waiting = {o["name"]: o for o in follow["to_record"]}
    assert waiting[order["name"]]["creator"] is None and "creator" in waiting[order["name"]]["reason"].lower()
    assert waiting[stranger["name"]]["creator"] is None
    assert follow["seedings"] == []
    # no creator named, and Shopify has no cost: staff name both
    waits = merchant.post("/api/seeding/orders", {"order": order["name"], "creator": "anna"})
    assert waits.status_code == 202 and waits.json()["recorded"] is False  # seeding; its cost still to enter
    assert "no cost per item" in waits.json()["reason"] and "product_cost" in waits.json()["fields"]
    done = merchant.post(
        "/api/seeding/orders",
        {"order": order["name"], "creator": "anna", "product_cost": "30.00", "shipping": "4.00"},
    )
    assert done.status_code == 201 and D(done.json()["amount"]) == D("34.00")
    follow = merchant.get("/api/seeding", params=span).json()
    assert [o["name"] for o in follow["to_record"]] == [stranger["name"]]
    # staff delete the entry: the order waits again, and is not recorded again by itself
    entry_id = done.json()["id"]
    assert merchant.delete(f"/api/creators/anna/spend/{entry_id}").status_code == 200
    runtime.jobs.drain()
    follow = merchant.get("/api/seeding", params=span).json()
    assert sorted(o["name"] for o in follow["to_record"]) == sorted([order["name"], stranger["name"]])
    assert "deleted" in next(o for o in follow["to_record"] if o["name"] == order["name"])["reason"]


def test_seeding_requests_refused_with_their_reason(merchant, stand_in, shop_domain):
    assert merchant.post("/api/seeding/orders", {"order": "#99999"}).status_code == 404
    assert merchant.post("/api/seeding/orders", {"order": ["#1"]}).status_code == 400
    assert merchant.post("/api/seeding/orders", []).status_code == 400
    assert merchant.patch("/api/seeding/12345", {"sent_on": "2026-01-01"}).status_code == 404
    assert merchant.put("/api/settings", {"seeding": {"follow_up_days": 0}}).status_code == 400
    assert merchant.put("/api/settings", {"seeding": {"follow_up_days": "21"}}).status_code == 400


def test_shopify_down_while_recording_is_a_503_and_stores_nothing(merchant, runtime, stand_in, shop_domain):
    serum = _product(stand_in, shop_domain, "Serum", "30.00", "12.00")
    order = _order(stand_in, shop_domain, 1, [("Serum", "30.00", 1, serum)], "ANNA15")
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    stand_in.control.faults(shop_domain, fail_next=50, status=402)  # a frozen shop: the client gives up
    refused = merchant.post("/api/seeding/orders", {"order": order["name"]})
    assert refused.status_code == 503 and "enter the cost" in refused.json()["message"]
    stand_in.control.reset_faults(shop_domain)
    behind = merchant.get(
        "/api/metrics/creators/anna/orders", params={"from": "2000-01-01", "to": "2099-12-31"}
    )
    assert [(o["counted"], o["seeding"]) for o in behind.json()["orders"]] == [(True, None)]  # still a sale
    assert merchant.get("/api/creators/anna/spend").json()["entries"] == []


def test_a_sale_marked_as_seeding_without_a_cost_stops_counting_and_waits_for_it(
    merchant, runtime, stand_in, shop_domain
):
    """Marking says "this was a gift" even when Shopify has no cost per item: the order stops counting at
    once (anna: 0 orders) and waits among the orders to record, with the reason, until the cost is entered."""
    uncosted = _product(stand_in, shop_domain, "Candle", "40.00", None)
    order = _order(stand_in, shop_domain, 1, [("Candle", "40.00", 1, uncosted)], "ANNA15")
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    today = datetime.now(UTC).date()
    span = {"from": (today - timedelta(days=5)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    assert _row(merchant.get("/api/metrics/creators", params=span).json(), "anna")["orders"] == 1
    waits = merchant.post("/api/seeding/orders", {"order": str(order["id"])})
    assert waits.status_code == 202, waits.text
    assert _row(merchant.get("/api/metrics/creators", params=span).json(), "anna")["orders"] == 0
    listed = merchant.get("/api/seeding", params=span).json()["to_record"]
    assert [(o["name"], o["creator"]) for o in listed] == [(order["name"], "anna")]
    assert "no cost per item" in listed[0]["reason"]
    done = merchant.post("/api/seeding/orders", {"order": order["name"], "product_cost": "15.00"})
    assert done.status_code == 201 and D(done.json()["amount"]) == D("15.00")
    assert merchant.get("/api/seeding", params=span).json()["to_record"] == []
    assert merchant.delete(f"/api/seeding/orders/{order['id']}").status_code == 200  # a sale again
    assert _row(merchant.get("/api/metrics/creators", params=span).json(), "anna")["orders"] == 1


def test_a_seeding_tag_removed_in_shopify_makes_the_order_a_sale_and_takes_its_spend_away(
    merchant, runtime, stand_in, shop_domain
):
    """G: 2 Serum (30.00, cost 12.00) with ANNA15, tagged `creator-roi-seeding`: anna's seeding, 2 x 12.00 =
    24.00, and a post came of it. Staff remove the tag in Shopify: G is a sale, 2 x 30.00 x 0.85 = 51.00,
    and its 24.00 is no longer spend (else the product would count as spend and as revenue); the post stays,
    naming no seeding. The tag put back: a gift again, recorded again by itself."""
    serum = _product(stand_in, shop_domain, "Serum", "30.00", "12.00")
    g = _order(stand_in, shop_domain, 4, [("Serum", "30.00", 2, serum)], "ANNA15", ["creator-roi-seeding"])
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    today = datetime.now(ZoneInfo(merchant.get("/api/shop").json()["timezone"] or "UTC")).date()
    span = {"from": (today - timedelta(days=10)).isoformat(), "to": today.isoformat()}
    anna = _row(merchant.get("/api/metrics/creators", params=span).json(), "anna")
    assert (anna["orders"], D(anna["revenue"]), D(anna["seeding"])) == (0, D(0), D("24.00"))
    entry = merchant.get("/api/seeding", params=span).json()["seedings"][0]
    post = {
        "platform": "instagram",
        "url": "https://instagram.com/p/g",
        "posted_at": f"{today - timedelta(days=1)}T12:00:00",
        "seeding": entry["id"],
    }
    made = merchant.post("/api/creators/anna/posts", post)
    assert made.status_code == 201

    def at(
        days_ago: int,
    ) -> str:  # the admin's edits on their own seconds (Shopify's updated_at is to the second)
        return (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()

    stand_in.control.retag_order(shop_domain, g["id"], remove=["creator-roi-seeding"], created_at=at(2))
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    anna = _row(merchant.get("/api/metrics/creators", params=span).json(), "anna")
    assert (anna["orders"], D(anna["revenue"]), D(anna["seeding"] or 0)) == (1, D("51.00"), D(0))
    follow = merchant.get("/api/seeding", params=span).json()
    assert follow["seedings"] == [] and follow["to_record"] == []
    posts = merchant.get("/api/creators/anna/posts", params=span).json()["posts"]
    assert [(p["url"], p["seeding"]) for p in posts] == [("https://instagram.com/p/g", None)]

    stand_in.control.retag_order(shop_domain, g["id"], add=["creator-roi-seeding"], created_at=at(1))
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    anna = _row(merchant.get("/api/metrics/creators", params=span).json(), "anna")
    assert (anna["orders"], D(anna["revenue"]), D(anna["seeding"])) == (0, D(0), D("24.00"))
