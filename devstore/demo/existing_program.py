"""`--adopt`: a shop that ran creator codes before it found the app ("Bring your existing program").

Before the install the merchant made five creator codes and a sitewide code by hand in the Shopify admin,
and a year of orders used them (only in the shop, never sent to the app). After the install the merchant
allows the full history, opens Creators > Adopt existing codes, keeps the suggestions and adopts them; the
ROI table then shows those creators over the year. ``adopt_and_read_roi`` times each step.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from devstore.demo.merchant import DemoError, Merchant

DAYS = 365
ORDERS = 1500
SITEWIDE = "WELCOME10"
# code, percent off, share of the creators' orders (weight), and the creator's habits
EXISTING = [
    ("LENA15", "15", 4, {"return_rate": 0.05}),
    ("KAI10", "10", 3, {"repeat_rate": 0.3}),
    ("ROSA20", "20", 2, {"return_rate": 0.35}),
    ("FINN12", "12", 1, {}),
    ("MIA25", "25", 1, {}),
]


def seed_before_install(
    stand_in_url: str, shop: str, orders: int = ORDERS, now: datetime | None = None
) -> dict:
    """The hand-made codes and a year of code-only orders, in the shop only (no webhook reaches the app)."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    start = now - timedelta(days=DAYS)
    merchant = Merchant("http://unused", stand_in_url, shop)
    for code, percent, _, _ in EXISTING:
        body = {"code": code, "percentage": int(percent) / 100, "title": f"{code} (influencer)"}
        merchant.control("POST", "/discounts", {**body, "startsAt": start.isoformat()})
    merchant.control(
        "POST", "/discounts", {"code": SITEWIDE, "percentage": 0.1, "startsAt": start.isoformat()}
    )
    creators = [
        {"handle": code.rstrip("0123456789").lower(), "code": code, "percent": percent, "weight": weight}
        | {"link_share": 0.0, "no_link_share": 1.0}  # the codes alone: the program had no tracked links
        | habits
        for code, percent, weight, habits in EXISTING
    ]
    body = {"seed": 11, "orders": orders, "start": start.isoformat(), "days": DAYS, "until": now.isoformat()}
    body |= {"creators": creators, "creator_share": 0.4, "sitewide_codes": [SITEWIDE], "deliver": False}
    return merchant.control("POST", "/generate", body, timeout=1800)


def adopt_and_read_roi(app_url: str, stand_in_url: str, shop: str, timeout: float = 120, tick=None) -> dict:
    """Staff list the shop's codes, adopt every suggested one as suggested, then open the ROI table (last
    365 days) until it shows every adopted creator's orders. Returns the table and seconds per step."""
    merchant = Merchant(app_url, stand_in_url, shop)
    began = time.monotonic()
    listed = merchant.call("GET", "/api/discounts/existing")["codes"]
    seconds = {"list": time.monotonic() - began}
    rows = [{"discount_id": c["discount_id"], **c["suggested"]} for c in listed if c["suggested"]]
    answer = merchant.call("POST", "/api/creators/adopt", {"codes": rows})
    seconds["adopt"] = time.monotonic() - began - seconds["list"]
    adopted = {r["handle"] for r in answer["results"] if r["status"] in ("adopted", "unchanged")}
    today = datetime.now(UTC).date()
    params = f"from={(today - timedelta(days=DAYS)).isoformat()}&to={today.isoformat()}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tick is not None:
            tick()
        table = merchant.call("GET", f"/api/metrics/creators?{params}")
        shown = {r["handle"] for r in table["creators"] if r["orders"]}
        if adopted and adopted <= shown:
            seconds["roi"] = time.monotonic() - began - seconds["list"] - seconds["adopt"]
            return {"adopted": sorted(adopted), "table": table, "seconds": seconds}
        time.sleep(0.2)
    raise DemoError(f"the ROI table did not show the adopted creators in {timeout:.0f} s")
