"""The demo shop's story: five months of a shop working with a dozen creators of very different
quality, delivered to the app through the real protocol only.

What a merchant would do, done over HTTP: campaigns, creators with their codes, spend and tracked
links through the app's JSON API (with session tokens the stand-in mints, as App Bridge would);
visitors following the short links; the shop's history made by the stand-in's generator (the
last two weeks as signed webhooks, everything older only in the shop, so the app recovers it with a
reconciliation through bulk operations); then a reconciliation asked for and waited on.

``seed(app_url, stand_in_url, shop)`` returns what it made, with the creators' handles by role:
``star`` (volume, big baskets, few returns), ``returns`` (half the revenue comes back),
``leaked`` (a code on coupon sites: code orders without a link, coupon referrers, a surge in the
last three weeks long after the creator's posts), ``loyal`` (customers come back on their own,
unattributed), ``no_sales`` (signed this week, nothing yet) and seven ``ordinary`` ones, some
losing money. Only ``requests``: the app and the stand-in are known by their URLs.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import requests

DAYS = 150  # the history: day 0 is DAYS days before now
SILENT_DAYS = 14  # the last two weeks reach the app as webhooks; older orders only by reconciliation
ORDERS = 2500
CREATOR_SHARE = 0.5
SITEWIDE = "WELCOME10"
COUPON_SITES = [
    "https://www.retailmenot.com/",
    "https://www.couponfollow.com/",
    "https://joinhoney.com/",
    "https://www.dealspotr.com/",
    "https://www.retailmenot.com/view/demo-outdoor-co",
    "https://www.couponfollow.com/site/demo-outdoor-co",
    None,
]

CAMPAIGNS = [  # name, first day, last day, target ROAS
    ("Spring launch", 0, 59, "3.0"),
    ("Summer drop", 60, 119, "3.0"),
    ("Fall creators", 110, DAYS, "2.5"),
]


@dataclass(frozen=True)
class Creator:
    role: str
    handle: str
    name: str
    platform: str
    followers: int
    commission: str  # percent of net revenue
    code: str
    discount: dict  # {"percent_off": "15"} or {"amount_off": "10.00"}
    campaigns: tuple[str, ...]
    starts_day: int  # the code is valid from this day of the history
    profile: dict | None  # the generator's creator profile (devstore/README.md); None: no orders
    spend: tuple = ()  # (day, {"kind", "amount" | "units", "unit_cost", "shipping", "note", "campaign"})
    conversion: float | None = None  # orders ÷ clicks over the last 30 days (sizes the clicks)
    clicks: int | None = None  # or a fixed number of clicks
    placements: tuple[str, ...] = ("post",)
    notes: str = ""


def _fee(day: int, amount: str, note: str, campaign: str | None = None) -> tuple:
    return day, {
        "kind": "fee",
        "amount": amount,
        "note": note,
        **({"campaign": campaign} if campaign else {}),
    }


def _seeding(day: int, units: int, unit_cost: str, shipping: str, campaign: str | None = None) -> tuple:
    return day, {
        "kind": "seeding",
        "units": units,
        "unit_cost": unit_cost,
        "shipping": shipping,
        "note": f"{units} gifted items",
        **({"campaign": campaign} if campaign else {}),
    }


def _other(day: int, amount: str, note: str, campaign: str | None = None) -> tuple:
    return day, {
        "kind": "other",
        "amount": amount,
        "note": note,
        **({"campaign": campaign} if campaign else {}),
    }


SPRING, SUMMER, FALL = (c[0] for c in CAMPAIGNS)
CREATORS: list[Creator] = [
    Creator(
        "star",
        "maya",
        "Maya Lopez",
        "instagram",
        412_000,
        "10",
        "MAYA15",
        {"percent_off": "15"},
        (SPRING, SUMMER, FALL),
        3,
        {
            "weight": 6,
            "lines": [2, 2, 3, 3, 4],
            "aov": 1.4,
            "return_rate": 0.04,
            "full_refund_share": 0.3,
            "repeat_rate": 0.08,
            "comeback_rate": 0.12,
            "link_share": 0.45,
            "no_link_share": 0.35,
            "active_days": [3, DAYS],
        },
        spend=(
            _seeding(1, 8, "38.00", "24.00", SPRING),
            _fee(3, "2500.00", "Spring: 3 posts + 6 stories", SPRING),
            _fee(62, "2500.00", "Summer: 3 posts + 6 stories", SUMMER),
            _other(70, "450.00", "Paid amplification of the summer reel", SUMMER),
            _fee(112, "2500.00", "Fall: 3 posts + 6 stories", FALL),
        ),
        conversion=0.042,
        placements=("post", "story"),
    ),
    Creator(
        "returns",
        "jules",
        "Jules Carter",
        "tiktok",
        96_000,
        "12",
        "JULES20",
        {"percent_off": "20"},
        (SPRING, SUMMER),
        5,
        {
            "weight": 3,
            "return_rate": 0.62,
            "full_refund_share": 0.75,
            "repeat_rate": 0.05,
            "comeback_rate": 0.05,
            "active_days": [5, DAYS],
        },
        spend=(
            _seeding(4, 5, "30.00", "18.00", SPRING),
            _fee(5, "900.00", "Try-on hauls", SPRING),
            _fee(65, "900.00", "Try-on hauls", SUMMER),
        ),
        conversion=0.034,
        placements=("video",),
    ),
    Creator(
        "leaked",
        "tyler",
        "Tyler Brooks",
        "youtube",
        58_000,
        "10",
        "TYLER25",
        {"percent_off": "25"},
        (SPRING,),
        0,
        {
            "weight": 2.5,
            "repeat_rate": 0.03,
            "return_rate": 0.08,
            "active_days": [
                {"from": 0, "to": 45, "link_share": 0.4, "no_link_share": 0.35},  # his own video and its link
                {
                    "from": 45,
                    "to": DAYS - 21,
                    "weight": 0.5,
                    "link_share": 0,
                    "no_link_share": 1,
                    "referrers": COUPON_SITES,
                },  # the code on coupon sites
                {
                    "from": DAYS - 21,
                    "to": DAYS,
                    "weight": 7,
                    "link_share": 0,
                    "no_link_share": 1,
                    "referrers": COUPON_SITES,
                },  # a coupon site features it: a surge
            ],
        },
        spend=(_seeding(0, 3, "42.00", "15.00", SPRING), _fee(2, "600.00", "One review video", SPRING)),
        clicks=0,
        placements=("video",),
        notes="One review video in the spring.",
    ),
    Creator(
        "loyal",
        "priya",
        "Priya Shah",
        "youtube",
        35_000,
        "10",
        "PRIYA10",
        {"percent_off": "10"},
        (SPRING, SUMMER),
        0,
        {
            "weight": 2.5,
            "return_rate": 0.05,
            "repeat_rate": 0.04,
            "comeback_rate": 0.65,
            "comeback_max": 3,
            "comeback_days": [10, 70],
        },
        spend=(
            _seeding(0, 4, "38.00", "20.00", SPRING),
            _fee(2, "700.00", "Long-form review", SPRING),
            _fee(70, "700.00", "Follow-up video", SUMMER),
        ),
        conversion=0.046,
        placements=("video",),
    ),
    Creator(
        "no_sales",
        "noah",
        "Noah Kim",
        "tiktok",
        12_000,
        "15",
        "NOAH10",
        {"percent_off": "10"},
        (FALL,),
        DAYS,
        None,
        notes="Signed this week; first video next week.",
    ),
    Creator(
        "ordinary",
        "lena",
        "Lena Fischer",
        "instagram",
        150_000,
        "10",
        "LENA15",
        {"percent_off": "15"},
        (SPRING, SUMMER, FALL),
        0,
        {"weight": 3.5, "return_rate": 0.1, "repeat_rate": 0.08, "comeback_rate": 0.1},
        spend=(
            _seeding(0, 4, "35.00", "20.00", SPRING),
            _fee(1, "1200.00", "Monthly retainer x2", SPRING),
            _fee(61, "1200.00", "Monthly retainer x2", SUMMER),
            _fee(111, "900.00", "Fall posts", FALL),
        ),
        conversion=0.038,
        placements=("post", "story"),
    ),
    Creator(
        "ordinary",
        "omar",
        "Omar Haddad",
        "youtube",
        220_000,
        "8",
        "OMAR10",
        {"percent_off": "10"},
        (SUMMER,),
        70,
        {
            "weight": 2,
            "return_rate": 0.12,
            "repeat_rate": 0.05,
            "comeback_rate": 0.05,
            "active_days": [70, DAYS],
        },
        spend=(
            _seeding(68, 6, "45.00", "30.00", SUMMER),
            _fee(70, "6500.00", "Sponsored segment, 2 videos", SUMMER),
            _other(85, "800.00", "Usage rights for ads", SUMMER),
        ),
        conversion=0.015,
        placements=("video",),
    ),
    Creator(
        "ordinary",
        "sofia",
        "Sofia Rossi",
        "pinterest",
        41_000,
        "10",
        "SOFIA15",
        {"percent_off": "15"},
        (SUMMER, FALL),
        75,
        {
            "weight": 1.5,
            "return_rate": 0.08,
            "repeat_rate": 0.08,
            "comeback_rate": 0.12,
            "active_days": [75, DAYS],
        },
        spend=(_seeding(73, 3, "32.00", "15.00", SUMMER), _fee(75, "400.00", "Pin boards", SUMMER)),
        conversion=0.028,
        placements=("post",),
    ),
    Creator(
        "ordinary",
        "kai",
        "Kai Nakamura",
        "tiktok",
        310_000,
        "10",
        "KAI20",
        {"percent_off": "20"},
        (SPRING,),
        0,
        {
            "weight": 2.5,
            "return_rate": 0.15,
            "repeat_rate": 0.05,
            "comeback_rate": 0.05,
            "active_days": [0, 90],
        },
        spend=(_seeding(0, 10, "30.00", "40.00", SPRING), _fee(1, "7800.00", "Spring takeover", SPRING)),
        clicks=120,
        placements=("video", "live"),
    ),
    Creator(
        "ordinary",
        "ella",
        "Ella Brown",
        "blog",
        18_000,
        "15",
        "ELLA10",
        {"percent_off": "10"},
        (SPRING, SUMMER, FALL),
        0,
        {"weight": 0.8, "return_rate": 0.06, "repeat_rate": 0.04, "comeback_rate": 0.08},
        spend=(_seeding(0, 2, "45.00", "12.00", SPRING), _fee(20, "150.00", "Gift guide listing", SPRING)),
        conversion=0.048,
        placements=("post",),
    ),
    Creator(
        "ordinary",
        "marco",
        "Marco Silva",
        "instagram",
        75_000,
        "10",
        "MARCO15",
        {"percent_off": "15"},
        (SUMMER, FALL),
        40,
        {
            "weight": 1.2,
            "return_rate": 0.18,
            "repeat_rate": 0.05,
            "comeback_rate": 0.05,
            "active_days": [40, DAYS],
        },
        spend=(
            _seeding(38, 12, "42.00", "60.00", SUMMER),
            _fee(40, "3200.00", "Reels package", SUMMER),
            _fee(110, "2400.00", "Reels package (fall)", FALL),
        ),
        conversion=0.018,
        placements=("reel",),
    ),
    Creator(
        "ordinary",
        "zoe",
        "Zoe Martin",
        "newsletter",
        9_000,
        "20",
        "ZOE10",
        {"amount_off": "10.00"},
        (FALL,),
        30,
        {
            "weight": 0.7,
            "return_rate": 0.05,
            "repeat_rate": 0.1,
            "comeback_rate": 0.1,
            "active_days": [30, DAYS],
        },
        spend=(),
        conversion=0.045,
        placements=("newsletter",),
        notes="Affiliate: commission only.",
    ),
]

USER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
    "Instagram 334.0.4.32.98 (iPhone14,5; iOS 17_4; en_US; en; scale=3.00; 1170x2532; 606935142)",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile "
    "Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.179 Mobile "
    "Safari/537.36 musical_ly_2023405030 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/34.5.3",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 "
    "Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0",
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 "
    "Safari/604.1",
]
BOT_AGENTS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
]


class DemoError(RuntimeError):
    """The app or the stand-in refused a step of the scenario."""


class _Merchant:
    """The merchant's browser in the embedded page: every call carries a fresh session token."""

    def __init__(self, app_url: str, stand_in_url: str, shop: str):
        self.app_url, self.stand_in_url, self.shop = app_url.rstrip("/"), stand_in_url.rstrip("/"), shop
        self.http = requests.Session()
        self._token, self._minted = "", 0.0

    def token(self) -> str:
        if time.monotonic() - self._minted > 30:  # session tokens live a minute
            resp = self.http.post(
                f"{self.stand_in_url}/_devstore/shops/{self.shop}/session-token", json={}, timeout=30
            )
            _check(resp, "session token")
            self._token, self._minted = resp.json()["token"], time.monotonic()
        return self._token

    def call(self, method: str, path: str, json=None, ok=(200, 201, 202)) -> dict:
        resp = self.http.request(
            method,
            self.app_url + path,
            json=json,
            timeout=120,
            headers={"Authorization": f"Bearer {self.token()}"},
        )
        _check(resp, f"{method} {path}", ok)
        return resp.json()

    def control(self, method: str, path: str, json=None, timeout: float = 60) -> dict:
        resp = self.http.request(
            method, f"{self.stand_in_url}/_devstore/shops/{self.shop}{path}", json=json, timeout=timeout
        )
        _check(resp, f"stand-in {method} {path}")
        return resp.json()


def _check(resp: requests.Response, what: str, ok=(200, 201, 202)) -> None:
    if resp.status_code not in ok:
        raise DemoError(f"{what}: HTTP {resp.status_code} {resp.text[:400]}")


def _day(start: datetime, day: float) -> str:
    return (start + timedelta(days=day)).date().isoformat()


def profiles() -> list[dict]:
    """The generator's creator profiles (creators with orders only)."""
    out = []
    for c in CREATORS:
        if c.profile is None:
            continue
        money = (
            {"amount": c.discount["amount_off"]}
            if "amount_off" in c.discount
            else {"percent": c.discount["percent_off"]}
        )
        out.append({"handle": c.handle, "code": c.code, **money, **c.profile})
    return out


def expected_orders(
    profs: list[dict],
    orders: int,
    days: float,
    from_day: float,
    to_day: float,
    creator_share: float = CREATOR_SHARE,
) -> dict[str, float]:
    """The generator's expected number of each creator's orders between two days of the history
    (orders are spread evenly; each goes to a creator with ``creator_share``, picked by weight
    among the creators active then)."""

    def weight(p: dict, day: float) -> float:
        windows = p.get("active_days")
        if windows is None:
            return float(p.get("weight", 1))
        if len(windows) == 2 and all(isinstance(x, (int, float)) for x in windows):
            windows = [windows]
        for w in windows:
            lo, hi = (w["from"], w["to"]) if isinstance(w, dict) else w
            if lo <= day < hi:
                return float(
                    w.get("weight", p.get("weight", 1)) if isinstance(w, dict) else p.get("weight", 1)
                )
        return 0.0

    step, out = 0.05, {p["handle"]: 0.0 for p in profs}
    per_step = orders / days * step * creator_share
    day = from_day + step / 2
    while day < to_day:
        weights = {p["handle"]: weight(p, day) for p in profs}
        total = sum(weights.values())
        for handle, w in weights.items():
            if total:
                out[handle] += per_step * w / total
        day += step
    return out


def visit_links(links: dict[str, list[str]], clicks: dict[str, int], seed: int = 7, workers: int = 6) -> int:
    """Visitors follow the creators' short links (real browsers' user agents, each from its own
    address, plus a few link previewers, which the app does not count); returns the requests made."""
    rng = random.Random(seed)
    visits: list[tuple[str, str]] = []
    for handle, urls in links.items():
        visits += [(urls[i % len(urls)], rng.choice(USER_AGENTS)) for i in range(clicks.get(handle, 0))]
        visits += [(url, agent) for url in urls for agent in BOT_AGENTS]
    rng.shuffle(visits)
    visits_with_ip = [
        (
            url,
            agent,
            f"{rng.randint(24, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        )
        for url, agent in visits
    ]
    local = threading.local()

    def visit(job: tuple[str, str, str]) -> int:
        http = getattr(local, "http", None)
        if http is None:
            http = local.http = requests.Session()
        url, agent, ip = job
        return http.get(
            url,
            allow_redirects=False,
            timeout=30,
            headers={"User-Agent": agent, "X-Forwarded-For": ip, "Accept-Language": "en-US,en;q=0.9"},
        ).status_code

    with ThreadPoolExecutor(workers) as pool:
        answers = list(pool.map(visit, visits_with_ip))
    refused = [code for code in answers if code != 302]
    if refused:
        raise DemoError(
            f"{len(refused)} of {len(answers)} link visits were not redirected (HTTP {refused[0]})"
        )
    return len(visits)


def wait_until_reconciled(merchant: _Merchant, known_runs: set[int], timeout: float = 300, tick=None) -> dict:
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
    merchant = _Merchant(app_url, stand_in_url, shop)
    timings: dict[str, float] = {}
    began = time.monotonic()

    # The shop's own sitewide code, made in the Shopify admin (not a creator's).
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
    links: dict[str, list[str]] = {}
    for c in CREATORS:
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
        links[c.handle] = [
            merchant.call(
                "POST",
                f"/api/creators/{c.handle}/links",
                {"target": "home", "placement": p, "campaign": c.campaigns[-1]},
            )["short_url"]
            for p in c.placements
        ]
    timings["creators"] = time.monotonic() - began
    say(
        f"  {len(CREATORS)} creators, {len(CAMPAIGNS)} campaigns, spend and tracked links made ({timings['creators']:.1f} s)"
    )

    # Five months of orders; the last two weeks reach the app as webhooks.
    mark = time.monotonic()
    profs = profiles()
    generated = merchant.control(
        "POST",
        "/generate",
        {
            "seed": random_seed,
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
    timings["history"] = time.monotonic() - mark
    say(
        f"  {generated['orders']} orders over {DAYS} days generated; {generated.get('deliveries', 0)} webhooks "
        f"for the last {SILENT_DAYS} days sent ({timings['history']:.1f} s)"
    )

    # Visitors follow the tracked links. Clicks are recorded at the moment they happen (now), so
    # they are sized on the last 30 days' orders.
    mark = time.monotonic()
    click_counts = plan_clicks(profs, orders, click_scale) if clicks else {}
    if clicks:
        made = visit_links(links, click_counts, seed=random_seed)
        timings["clicks"] = time.monotonic() - mark
        say(
            f"  {sum(click_counts.values())} visits on the tracked links (+ {made - sum(click_counts.values())} "
            f"link previewers, not counted) ({timings['clicks']:.1f} s)"
        )

    # A reconciliation brings in everything older than two weeks (bulk operations).
    mark = time.monotonic()
    known = {r["id"] for r in merchant.call("GET", "/api/freshness")["backfills"]}
    merchant.call("POST", "/api/backfill", {})
    result = {
        "roles": roles(),
        "start": start.isoformat(),
        "now": now.isoformat(),
        "generated": generated,
        "clicks": click_counts,
        "links": links,
        "seconds": timings,
        "reconciliation": None,
    }
    if wait:
        fresh = wait_until_reconciled(merchant, known, timeout=timeout, tick=tick)
        result["reconciliation"] = fresh["reconciliation"]
        timings["reconciliation"] = time.monotonic() - mark
        run = fresh["reconciliation"]
        say(
            f"  reconciliation: {run['orders_seen']} orders seen, {run['orders_repaired']} brought in "
            f"({timings['reconciliation']:.1f} s)"
        )
    timings["total"] = time.monotonic() - began
    return result


def plan_clicks(profs: list[dict], orders: int, scale: float = 1.0) -> dict[str, int]:
    """Clicks per creator: a fixed number, or the expected orders of the last 30 days ÷ the
    creator's conversion rate."""
    recent = expected_orders(profs, orders, DAYS, DAYS - 30, DAYS)
    out: dict[str, int] = {}
    for c in CREATORS:
        if c.clicks is not None:
            out[c.handle] = round(c.clicks * scale)
        elif c.conversion:
            out[c.handle] = round(recent.get(c.handle, 0) / c.conversion * scale)
    return out


def roles() -> dict:
    """Handles by role: star, returns, leaked, loyal, no_sales (one each) and ordinary (a list)."""
    out: dict = {"ordinary": []}
    for c in CREATORS:
        if c.role == "ordinary":
            out["ordinary"].append(c.handle)
        else:
            out[c.role] = c.handle
    return out
