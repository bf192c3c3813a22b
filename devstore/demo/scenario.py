"""The demo shop's story: five months of a shop working with a dozen creators of very different
quality, delivered to the app through the real protocol only.

What a merchant would do, done over HTTP: campaigns, creators with their codes, spend and tracked
links through the app's JSON API (with session tokens the stand-in mints, as App Bridge would);
visitors following the short links; the shop's history made by the stand-in's generator (the
last two weeks as signed webhooks, everything older only in the shop, so the app recovers it with a
reconciliation through bulk operations); then a reconciliation asked for and waited on.

``seed(app_url, stand_in_url, shop)`` returns what it made, with the creators' handles by role
(``devstore.demo.standouts``, ``devstore.demo.ordinary``). Only ``requests``: the app and the
stand-in are known by their URLs.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from devstore.demo.clicks import plan_clicks, visit_links
from devstore.demo.history import CAMPAIGNS, CREATOR_SHARE, DAYS, ORDERS, SILENT_DAYS, SITEWIDE
from devstore.demo.merchant import DemoError, Merchant
from devstore.demo.roster import CREATORS, profiles, roles


def seed(
    app_url: str,
    stand_in_url: str,
    shop: str,
    now: datetime | None = None,
    *,
    orders: int = ORDERS,
    random_seed: int = 7,
    clicks: bool = True,
    click_scale: float = 1.0,
    wait: bool = True,
    reconcile: bool = True,
    tick=None,
    timeout: float = 300,
    log=None,
) -> dict:
    """Make the demo shop's five months (the app installed on ``shop`` already). Returns
    ``{"roles": {"star": "maya", ..., "ordinary": [...]}, "start", "now", "generated", "clicks",
    "links", "seconds", "reconciliation"}``."""
    say = log or (lambda _msg: None)
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    start = now - timedelta(days=DAYS)
    merchant = Merchant(app_url, stand_in_url, shop)
    timings: dict[str, float] = {}
    began = time.monotonic()
    links = _creators_campaigns_and_links(merchant, start, now)
    timings["creators"] = time.monotonic() - began
    say(
        f"  {len(CREATORS)} creators, {len(CAMPAIGNS)} campaigns, spend and tracked links made "
        f"({timings['creators']:.1f} s)"
    )
    # Five months of orders; the last two weeks reach the app as webhooks.
    mark = time.monotonic()
    profs = profiles()
    generated = _history(merchant, start, now, orders, random_seed, profs)
    timings["history"] = time.monotonic() - mark
    say(
        f"  {generated['orders']} orders over {DAYS} days generated; "
        f"{generated.get('deliveries', 0)} webhooks "
        f"for the last {SILENT_DAYS} days sent ({timings['history']:.1f} s)"
    )
    # Visitors follow the tracked links. Clicks are recorded at the moment they happen (now), so
    # they are sized on the last 30 days' orders.
    click_counts = plan_clicks(profs, orders, click_scale) if clicks else {}
    if clicks:
        _visit(links, click_counts, random_seed, timings, say)
    # A reconciliation brings in everything older than two weeks (bulk operations). Without
    # ``reconcile`` the caller brings it in (the demo: the merchant's full-history import, as a shop
    # whose history was there before the app reads it).
    run = _reconcile(merchant, wait, timeout, tick, timings, say) if reconcile else None
    timings["total"] = time.monotonic() - began
    return {
        "roles": roles(),
        "start": start.isoformat(),
        "now": now.isoformat(),
        "generated": generated,
        "clicks": click_counts,
        "links": links,
        "seconds": timings,
        "reconciliation": run,
    }


def _creators_campaigns_and_links(merchant: Merchant, start: datetime, now: datetime) -> dict[str, list[str]]:
    """The shop's sitewide code (in the Shopify admin), then through the app: the campaigns, each
    creator with its code, spend and tracked links. Returns each creator's short links."""
    merchant.control(
        "POST",
        "/discounts",
        {"code": SITEWIDE, "percentage": 0.1, "title": "Welcome 10 % off", "startsAt": start.isoformat()},
    )
    for name, lo, hi, target in CAMPAIGNS:
        merchant.call(
            "POST",
            "/api/campaigns",
            {
                "name": name,
                "starts_on": _day(start, lo),
                "ends_on": _day(start, min(hi, DAYS)),
                "target_roas": target,
            },
        )
    return {c.handle: _creator(merchant, c, start, now) for c in CREATORS}


def _creator(merchant: Merchant, c, start: datetime, now: datetime) -> list[str]:
    """One creator through the app's API (profile and code, spend entries, links); its short links."""
    code_starts = (
        (start + timedelta(days=c.starts_day)).isoformat() if c.starts_day < DAYS else now.isoformat()
    )
    merchant.call(
        "POST",
        "/api/creators",
        {
            "name": c.name,
            "handle": c.handle,
            "platform": c.platform,
            "followers": c.followers,
            "commission_percent": c.commission,
            "campaigns": list(c.campaigns),
            "notes": c.notes,
            "discount": {"code": c.code, "starts_at": code_starts, **c.discount},
        },
    )
    for day, entry in c.spend:
        merchant.call("POST", f"/api/creators/{c.handle}/spend", {**entry, "date": _day(start, day)})
    return [
        merchant.call(
            "POST",
            f"/api/creators/{c.handle}/links",
            {"target": "home", "placement": p, "campaign": c.campaigns[-1]},
        )["short_url"]
        for p in c.placements
    ]


def _history(merchant: Merchant, start: datetime, now: datetime, orders: int, seed: int, profs: list) -> dict:
    """The stand-in's generator makes the shop's orders; those of the last ``SILENT_DAYS`` are sent."""
    return merchant.control(
        "POST",
        "/generate",
        {
            "seed": seed,
            "orders": orders,
            "start": start.isoformat(),
            "days": DAYS,
            "until": now.isoformat(),
            "creators": profs,
            "creator_share": CREATOR_SHARE,
            "sitewide_codes": [SITEWIDE],
            "deliver": True,
            "silent_before": (now - timedelta(days=SILENT_DAYS)).isoformat(),
        },
        timeout=1800,
    )


def _visit(links: dict, click_counts: dict, random_seed: int, timings: dict, say) -> None:
    """Visitors follow the tracked links, as many as planned (plus link previewers)."""
    mark = time.monotonic()
    made = visit_links(links, click_counts, seed=random_seed)
    timings["clicks"] = time.monotonic() - mark
    say(
        f"  {sum(click_counts.values())} visits on the tracked links (+ {made - sum(click_counts.values())} "
        f"link previewers, not counted) ({timings['clicks']:.1f} s)"
    )


def _reconcile(merchant: Merchant, wait: bool, timeout: float, tick, timings: dict, say) -> dict | None:
    """Ask the app for a reconciliation; with ``wait``, wait for it and return its run."""
    mark = time.monotonic()
    known = {r["id"] for r in merchant.call("GET", "/api/freshness")["backfills"]}
    merchant.call("POST", "/api/backfill", {})
    if not wait:
        return None
    run = wait_until_reconciled(merchant, known, timeout=timeout, tick=tick)["reconciliation"]
    timings["reconciliation"] = time.monotonic() - mark
    say(
        f"  reconciliation: {run['orders_seen']} orders seen, {run['orders_repaired']} brought in "
        f"({timings['reconciliation']:.1f} s)"
    )
    return run


def _day(start: datetime, day: float) -> str:
    return (start + timedelta(days=day)).date().isoformat()


def wait_until_reconciled(merchant: Merchant, known_runs: set[int], timeout: float = 300, tick=None) -> dict:
    """Poll ``/api/freshness`` until the reconciliation started after ``known_runs`` is done, no
    webhook waits and the queue is empty. ``tick`` (tests: run the queued jobs) is called each round."""
    deadline = time.monotonic() + timeout
    while True:
        if tick is not None:
            tick()
        fresh = merchant.call("GET", "/api/freshness")
        runs = [r for r in fresh["backfills"] if r["id"] not in known_runs]
        failed = [r for r in runs if r["status"] == "failed"]
        if failed:
            raise DemoError(f"the reconciliation failed: {failed[0]}")
        if (
            runs
            and all(r["status"] == "done" for r in runs)
            and not fresh["webhooks_waiting"]
            and not fresh["queue_depth"]
        ):
            return {**fresh, "reconciliation": runs[0]}
        if time.monotonic() > deadline:
            raise DemoError(f"the reconciliation did not finish in {timeout:.0f} s: {fresh}")
        time.sleep(0.25)
