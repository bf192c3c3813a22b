"""Clicks on the creators' tracked links: how many each creator gets (its expected orders of the last
30 days ÷ its conversion rate, or a fixed number), and the visitors who make them (real browsers'
user agents, each from its own address, plus link previewers the app does not count)."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from devstore.demo.history import CREATOR_SHARE, DAYS
from devstore.demo.merchant import DemoError
from devstore.demo.roster import CREATORS

USER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 Instagram 334.0.4.32.98 (iPhone14,5; iOS 17_4; en_US; en; scale=3.00; 1170x2532; "
    "606935142)",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/125.0.6422.165 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.6367.179 Mobile Safari/537.36 musical_ly_2023405030 JsSdk/1.0 NetType/WIFI "
    "Channel/googleplay AppName/musical_ly app_version/34.5.3",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0",
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
    "Mobile/15E148 Safari/604.1",
]
BOT_AGENTS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
]


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
