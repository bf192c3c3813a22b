"""The demo's seeding follow-up (issue 20), done through the app as a merchant would: each seeding entry of
the creators' spend marked sent two days after its date, and each creator's first post after it linked to
it; Ella Brown was seeded five months ago and never posted (the page lists her as not posted). One more
gift, an order tagged `creator-roi-seeding:<star>` in Shopify ten days ago, is recorded by the app itself
at Shopify's cost per item and marked sent: still waiting for its post."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

from devstore.demo.merchant import DemoError, Merchant
from devstore.demo.roster import CREATORS, roles


def seed_seeding(app_url: str, stand_in_url: str, shop: str) -> dict:
    began = time.monotonic()
    merchant = Merchant(app_url, stand_in_url, shop)
    today = datetime.now(UTC).date()
    sent = linked = 0
    for creator in CREATORS:
        entries = merchant.call("GET", f"/api/creators/{creator.handle}/spend")["entries"]
        seedings = [e for e in entries if e["kind"] == "seeding"]
        if not seedings:
            continue
        span = {"from": (today - timedelta(days=400)).isoformat(), "to": today.isoformat()}
        query = "&".join(f"{k}={v}" for k, v in span.items())
        posts = merchant.call("GET", f"/api/creators/{creator.handle}/posts?{query}")["posts"]
        posts = sorted(posts, key=lambda p: p["posted_at"])
        for entry in seedings:
            day = min(date.fromisoformat(entry["date"]) + timedelta(days=2), today)
            merchant.call("PATCH", f"/api/seeding/{entry['id']}", {"sent_on": day.isoformat()})
            sent += 1
            first = next(
                (p for p in posts if p["posted_at"][:10] >= day.isoformat() and not p["seeding"]), None
            )
            if first is not None:
                merchant.call(
                    "PATCH", f"/api/creators/{creator.handle}/posts/{first['id']}", {"seeding": entry["id"]}
                )
                first["seeding"] = entry["id"]
                linked += 1
    gift = _tagged_gift(merchant, today)
    return {"sent": sent + 1, "linked": linked, "gift": gift, "seconds": time.monotonic() - began}


def _tagged_gift(merchant: Merchant, today: date) -> str:
    """A gift order tagged in Shopify; the app records it by itself; then it is marked sent."""
    star = roles()["star"]
    product = merchant.control(
        "POST",
        "/products",
        {
            "title": "Glow serum gift set",
            "variants": [{"title": "Default", "price": "64.00", "unit_cost": "14.50"}],
        },
    )["product"]
    at = datetime.now(UTC) - timedelta(days=10)
    order = merchant.control(
        "POST",
        "/orders",
        {
            "created_at": at.isoformat(),
            "customer_id": 990_001,
            "line_items": [
                {
                    "title": "Glow serum gift set",
                    "price": "64.00",
                    "quantity": 2,
                    "variant_id": product["variants"][0]["id"],
                }
            ],
            "tags": ["creator-roi-seeding:" + star],
            "shipping": "9.90",
        },
    )
    span = f"from={(today - timedelta(days=30)).isoformat()}&to={today.isoformat()}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        found = [
            s for s in merchant.call("GET", f"/api/seeding?{span}")["seedings"] if s["order"] == order["name"]
        ]
        if found:
            merchant.call(
                "PATCH",
                f"/api/seeding/{found[0]['id']}",
                {"sent_on": (today - timedelta(days=9)).isoformat()},
            )
            return order["name"]
        time.sleep(0.5)
    raise DemoError(f"the app did not record the tagged gift {order['name']} within 90 s")
