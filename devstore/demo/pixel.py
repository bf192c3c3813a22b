"""The demo shop's creator pixel: the merchant turns it on in Settings (Shopify asks for write_pixels and
read_customer_events; the merchant accepts), the app activates its web pixel (webPixelCreate), and the
storefront visits of the creators' audiences over the last two weeks reach the app's collector as the pixel
sends them (the same compact batches, to the endpoint and with the key of the settings the app gave
Shopify). Each creator order of those two weeks ends a visit that viewed a product, added it to the cart and
checked out; more visits stop earlier, so each creator's funnel has a shape of its own. The app dates an
event when it receives it: the demo's funnel reads "today" for all of them."""

from __future__ import annotations

import json
import random
import time
import uuid
from datetime import UTC, datetime, timedelta

import requests

from devstore.demo.merchant import DemoError, Merchant
from devstore.demo.roster import CREATORS

SCOPES = ["write_pixels", "read_customer_events"]
DAYS = 14


def _turn_on(merchant: Merchant, timeout: float, tick) -> dict:
    answer = merchant.control("POST", "/scopes/request", {"scopes": SCOPES})
    if answer.get("result") != "granted-all":
        raise DemoError(f"the pixel's scopes were not granted: {answer}")
    merchant.call("PUT", "/api/settings", {"creator_pixel": {"enabled": True}})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tick is not None:
            tick()
        pixel = merchant.control("GET", "/storefront").get("web_pixel")
        if pixel:
            settings = pixel["settings"]
            return json.loads(settings) if isinstance(settings, str) else settings
        time.sleep(0.2)
    raise DemoError(f"the app did not activate its web pixel in {timeout:.0f} s")


def _sessions(orders: list[dict], owners: dict[str, str], rng: random.Random) -> list[tuple[str, list[str]]]:
    """(handle, the steps of one visit) for every visit: each creator order ends one, and more stop
    earlier (per creator: a conversion of its own)."""
    visits: list[tuple[str, list[str]]] = []
    per_creator: dict[str, int] = {}
    for order in orders:
        handle = next((owners[c.upper()] for c in order["discount_codes"] if c.upper() in owners), None)
        if handle is None:
            continue
        per_creator[handle] = per_creator.get(handle, 0) + 1
        visits.append((handle, ["pv", "vw", "ac", "cs", f"cc:{order['id']}"]))
    for handle, bought in per_creator.items():
        browse, view, cart, checkout = (rng.uniform(*r) for r in ((3, 9), (0.4, 0.8), (0.2, 0.5), (0.4, 0.8)))
        for _ in range(int(bought * browse)):
            steps = ["pv"]
            if rng.random() < view:
                steps.append("vw")
                if rng.random() < cart:
                    steps.append("ac")
                    if rng.random() < checkout:
                        steps.append("cs")
            visits.append((handle, steps))
    rng.shuffle(visits)
    return visits


def _batch(settings: dict, handle: str, steps: list[str], rng: random.Random) -> dict:
    session = uuid.UUID(int=rng.getrandbits(128)).hex
    events = []
    for i, step in enumerate(steps):
        name, _, order = step.partition(":")
        event = {"id": f"demo-{session}-{i}", "n": name, "s": session, "c": handle}
        if i == 0:
            event.update(start=True, l=True)
        if name in ("vw", "ac"):
            event["p"] = str(9_100_000_000 + rng.randrange(12))
        if name == "ac":
            event["q"] = 1
        if order:
            event["o"] = str(order)
        events.append(event)
    visitor = uuid.UUID(int=rng.getrandbits(128)).hex
    return {"v": 1, "shop": settings["shop"], "key": settings["key"], "visitor": visitor, "events": events}


def seed_pixel(
    app_url: str, stand_in_url: str, shop: str, seed: int = 7, timeout: float = 120, tick=None
) -> dict:
    """Turn the pixel on and send two weeks of visits; returns {"visits", "orders", "seconds"}."""
    began = time.monotonic()
    merchant = Merchant(app_url, stand_in_url, shop)
    settings = _turn_on(merchant, timeout, tick)
    since = datetime.now(UTC) - timedelta(days=DAYS)
    orders = [
        o
        for o in merchant.control("GET", "/orders", timeout=120)
        if datetime.fromisoformat(o["created_at"]).astimezone(UTC) >= since and not o["test"]
    ]
    owners = {c.code.upper(): c.handle for c in CREATORS if c.code}
    rng = random.Random(seed)
    visits = _sessions(orders, owners, rng)
    http = requests.Session()
    for handle, steps in visits:
        resp = http.post(
            settings["endpoint"], data=json.dumps(_batch(settings, handle, steps, rng)), timeout=30
        )
        if resp.status_code != 204:
            raise DemoError(f"the app's collector answered {resp.status_code}: {resp.text[:300]}")
    completed = sum(1 for _, steps in visits if steps[-1].startswith("cc:"))
    return {"visits": len(visits), "orders": completed, "seconds": time.monotonic() - began}
