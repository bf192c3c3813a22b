"""Code-leak warning from order data alone (no Shopify Plus, no checkout extension).

A creator's code has leaked when its orders stop looking like the creator's audience:
- many of them arrive from coupon sites (the order's `referring_site`);
- most carry no link of the creator (no `ref`/`utm_content` naming the handle);
- a surge of code orders long after the creator's last activity (last order through the creator's
  link, or last click on a tracked link).
Each check gives a plain sentence of evidence; the level is "high" when the evidence is strong
(coupon sites, or a surge of link-less orders), "medium" otherwise.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from urllib.parse import urlsplit

# Coupon and deal aggregators and browser coupon extensions (the hosts and their subdomains).
COUPON_SITES = (
    "retailmenot.com",
    "couponfollow.com",
    "joinhoney.com",
    "honey.io",
    "dealspotr.com",
    "knoji.com",
    "wethrift.com",
    "couponbirds.com",
    "coupons.com",
    "groupon.com",
    "slickdeals.net",
    "rakuten.com",
    "capitaloneshopping.com",
    "coupert.com",
    "dealsplus.com",
    "promocodes.com",
    "couponcabin.com",
    "savings.com",
    "karmanow.com",
    "goodshop.com",
    "hotdeals.com",
    "vouchercodes.co.uk",
    "myvouchercodes.co.uk",
    "vouchercloud.com",
    "offers.com",
    "couponchief.com",
    "dontpayfull.com",
    "couponsurfer.com",
    "wikibuy.com",
    "hotukdeals.com",
    "mydealz.de",
    "dealabs.com",
    "simplycodes.com",
    "couponlawn.com",
    "promopro.com",
    "lovecoupons.com",
    "knoji.com",
    "couponanalysis.com",
    "codes.com",
    "couponupto.com",
)
MIN_ORDERS = 10  # fewer code orders than this: too few to judge
COUPON_HIGH, COUPON_MEDIUM = Decimal("0.40"), Decimal("0.15")
NO_LINK_MOST = Decimal("0.90")
SURGE_DAYS, SURGE_FACTOR, SURGE_MIN_ORDERS, QUIET_DAYS = 14, 3, 5, 30


@dataclass(frozen=True)
class CodeOrder:
    day: date  # local date of the order
    code: str  # the creator's code it used (upper case)
    has_link: bool  # ref or utm_content names the creator
    referrer: str | None  # referring_site


@dataclass
class Summary:
    """One creator's code orders in the range, counted: what the check reads (SQL groups, Python judges)."""

    total: int = 0
    codes: Counter = field(default_factory=Counter)  # code used -> orders
    referrers: Counter = field(default_factory=Counter)  # referring host ("" for none) -> orders
    no_link: int = 0
    recent: int = 0  # orders in the last SURGE_DAYS days of the range

    def add(self, code: str, has_link: bool, referrer_host: str, orders: int = 1, recent: int = 0) -> None:
        self.total += orders
        self.codes[code] += orders
        self.referrers[referrer_host or ""] += orders
        self.no_link += 0 if has_link else orders
        self.recent += recent


def summarize(orders: list[CodeOrder], end: date) -> Summary:
    recent_from = end - timedelta(days=SURGE_DAYS - 1)
    summary = Summary()
    for o in orders:
        summary.add(o.code, o.has_link, host(o.referrer), 1, 1 if o.day >= recent_from else 0)
    return summary


def host(url: str | None) -> str:
    if not url:
        return ""
    text = str(url).strip()
    parts = urlsplit(text if "//" in text else "//" + text)
    return (parts.hostname or "").lower()


@lru_cache(maxsize=4096)
def coupon_site(url: str | None) -> str | None:
    """The referrer's host when it is a coupon site, else None (cached: a shop has few referrers)."""
    name = host(url)
    if not name:
        return None
    return name if any(name == site or name.endswith("." + site) for site in COUPON_SITES) else None


def _pct(part: int, whole: int) -> str:
    return str((Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) + "%"


def assess(
    handle: str, orders: list[CodeOrder], start: date, end: date, last_activity: date | None
) -> dict | None:
    """The warning for one creator's code orders in `start`..`end`, or None when nothing looks wrong."""
    return judge(handle, summarize(orders, end), start, end, last_activity)


def judge(handle: str, summary: Summary, start: date, end: date, last_activity: date | None) -> dict | None:
    """The warning for one creator's counted code orders in `start`..`end`, or None."""
    total = summary.total
    if total < MIN_ORDERS:
        return None
    code = summary.codes.most_common(1)[0][0]
    sites: Counter = Counter()
    for referrer, n in summary.referrers.items():
        site = coupon_site(referrer)
        if site:
            sites[site] += n
    from_coupons = sum(sites.values())
    no_link = summary.no_link
    coupon_share = Decimal(from_coupons) / total
    no_link_share = Decimal(no_link) / total

    evidence: list[str] = []
    if coupon_share >= COUPON_MEDIUM:
        named = ", ".join(s for s, _ in sites.most_common(3))
        evidence.append(
            f"{from_coupons} of {total} orders with {code} ({_pct(from_coupons, total)}) "
            f"came from coupon sites ({named})."
        )
    if no_link_share >= Decimal("0.5"):
        evidence.append(
            f"{no_link} of {total} orders with {code} ({_pct(no_link, total)}) carry no link of @{handle} "
            f"(no ref or utm_content naming the creator)."
        )

    surge_evidence = _surge(code, summary, start, end, last_activity)
    surge = surge_evidence is not None
    if surge:
        evidence.append(surge_evidence)

    if coupon_share >= COUPON_HIGH or (surge and no_link_share >= Decimal("0.8")):
        level = "high"
    elif coupon_share >= COUPON_MEDIUM or surge or no_link_share >= NO_LINK_MOST:
        level = "medium"
    else:
        return None
    return {
        "code": code,
        "level": level,
        "evidence": evidence,
        "code_orders": total,
        "no_signal_share": str(no_link_share),
        "coupon_referrer_share": str(coupon_share),
        "coupon_sites": [s for s, _ in sites.most_common()],
        "surge": surge,
    }


def could_surge(summary: Summary, start: date, end: date) -> bool:
    """Whether these code orders make a surge if the creator was quiet: the only case in which the
    judgement reads the creator's last activity (so the ROI table reads it for these creators alone)."""
    recent_from = end - timedelta(days=SURGE_DAYS - 1)
    before_days = (recent_from - start).days
    recent = summary.recent
    before = summary.total - recent
    # recent / SURGE_DAYS >= SURGE_FACTOR x before / before_days, kept in integers
    return (
        summary.total >= MIN_ORDERS
        and before_days >= SURGE_DAYS
        and recent >= SURGE_MIN_ORDERS
        and recent * before_days >= SURGE_FACTOR * max(before, 1) * SURGE_DAYS
    )


def _surge(code: str, summary: Summary, start: date, end: date, last_activity: date | None) -> str | None:
    """The evidence of a surge: in the last SURGE_DAYS days of the range, at least SURGE_FACTOR times the
    daily rate of code orders before, long after the creator's last activity; None without one."""
    recent_from = end - timedelta(days=SURGE_DAYS - 1)
    before_days = (recent_from - start).days
    recent = summary.recent
    before = summary.total - recent
    quiet = last_activity is None or last_activity < recent_from - timedelta(days=QUIET_DAYS)
    if not (quiet and could_surge(summary, start, end)):
        return None
    since = (
        f"the creator's last activity on {last_activity.isoformat()}"
        if last_activity
        else "any activity of the creator"
    )
    return (
        f"{recent} orders with {code} in the last {SURGE_DAYS} days to {end.isoformat()} "
        f"({_daily_factor(recent, before, before_days)}), long after {since}."
    )


def _daily_factor(recent: int, before: int, before_days: int) -> str:
    if before == 0:
        return f"none in the {before_days} days before"
    factor = (Decimal(recent) * before_days / (Decimal(before) * SURGE_DAYS)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return f"{factor}× the daily rate before"
