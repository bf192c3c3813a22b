"""A realistic store, generated deterministically from a seed: orders spread over a period,
customers who come back, creators' codes and ``?ref=`` links, sitewide codes, refunds
(partial and full, with tax and shipping), cancellations, edits, test orders and orders
paid in another currency.

Each creator is a profile (``PROFILE_KEYS``): how many orders it brings (``weight``, and
``active_days`` windows, each of which may change the profile inside it, e.g. a surge), how they
come (code or link: ``link_share``, ``no_link_share``, ``referrers``), how big the baskets are
(``lines``, ``aov``), how much comes back (``return_rate``, ``full_refund_share``) and how its
customers order again (``repeat_rate``: again through the creator; ``comeback_rate``: later
organic orders, no code and no link). A key left out keeps the generator's default behaviour
and draws nothing from the random sequence, so an older request makes the same store.

Everything happens in time order: each order is placed at its time, and what follows it
(a refund days later, an edit within hours, a cancellation) is queued at its own time and
applied when the clock of the generation reaches it, so webhooks (when delivered) come in
the order a real shop would send them.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from devstore.orders import changes, order_records
from devstore.orders.money import parse_time
from devstore.store.state import Shop, Store

CATALOG = [
    ("Linen shirt", "59.00"),
    ("Canvas tote", "24.50"),
    ("Silk scarf", "39.90"),
    ("Wool beanie", "19.99"),
    ("Leather belt", "45.00"),
    ("Denim jacket", "129.00"),
    ("Sun hat", "32.00"),
    ("Rain jacket", "149.95"),
    ("Cotton tee", "22.00"),
    ("Sneakers", "89.00"),
    ("Socks 3-pack", "14.99"),
    ("Sunglasses", "74.50"),
]
FOREIGN = [("EUR", "0.92"), ("GBP", "0.79"), ("CAD", "1.37")]
SOURCES = ["instagram", "tiktok", "youtube"]
LINE_COUNTS = (1, 1, 1, 2, 2, 3)
LINK_SHARE, NO_LINK_SHARE = 0.35, 0.4 / 0.65  # the defaults: 35 % link only, 40 % code only, 25 % both
FULL_REFUND_SHARE = 0.4
COMEBACK_DAYS = (7.0, 60.0)
PROFILE_KEYS = (
    "handle",
    "code",
    "percent",
    "amount",
    "weight",
    "return_rate",
    "full_refund_share",
    "repeat_rate",
    "comeback_rate",
    "comeback_days",
    "comeback_max",
    "link_share",
    "no_link_share",
    "referrers",
    "lines",
    "aov",
    "active_days",
)
WINDOW_KEYS = tuple(
    k
    for k in PROFILE_KEYS
    if k
    not in (
        "handle",
        "code",
        "percent",
        "amount",
        "active_days",
        "repeat_rate",
        "comeback_rate",
        "comeback_days",
        "comeback_max",
    )
)
Emit = Callable[[list], None]


def _windows(creator: dict) -> list[tuple[float, float, dict]] | None:
    """``active_days`` as (from_day, to_day, overrides): ``[a, b]``, a list of them, or dicts
    ``{"from": a, "to": b, <profile keys valid inside>}``; None when always active."""
    spec = creator.get("active_days")
    if spec is None:
        return None
    if isinstance(spec, (list, tuple)) and len(spec) == 2 and all(isinstance(x, (int, float)) for x in spec):
        spec = [spec]
    out = []
    for window in spec:
        if isinstance(window, dict):
            extra = {k: v for k, v in window.items() if k not in ("from", "to")}
            unknown = set(extra) - set(WINDOW_KEYS)
            if unknown:
                raise ValueError(f"active_days of {creator.get('handle')}: unknown keys {sorted(unknown)}")
            out.append((float(window["from"]), float(window["to"]), extra))
        else:
            lo, hi = window
            out.append((float(lo), float(hi), {}))
    return out


class Generator:
    """One run; ``run()`` returns a summary. ``emit(events)`` receives the webhooks of each step."""

    def __init__(self, store: Store, shop: Shop, body: dict, emit: Emit | None):
        self.store, self.shop, self.emit = store, shop, emit
        self.rng = random.Random(body.get("seed", 0))
        self.n = int(body.get("orders", 100))
        start = datetime.fromisoformat(str(body.get("start", "2026-06-01")))
        self.start = start if start.tzinfo else start.replace(tzinfo=UTC)
        self.days = int(body.get("days", 120))
        self.creators = list(body.get("creators") or [])
        self.sitewide = [str(c) for c in body.get("sitewide_codes") or []]
        self.creator_share = float(body.get("creator_share", 0.45))
        self.test_rate = float(body.get("test_rate", 0.01))
        self.cancel_rate = float(body.get("cancel_rate", 0.02))
        self.edit_rate = float(body.get("edit_rate", 0.03))
        self.foreign_rate = float(body.get("foreign_rate", 0.08))
        self.organic_return_rate = float(body.get("organic_return_rate", 0.05))
        self.tax_rate = body.get("tax_rate", "0.08")
        self.taxes_included = bool(body.get("taxes_included", False))
        self.customers: dict[str, list[int]] = {}  # creator handle or "" -> customer keys
        self.next_customer = int(body.get("first_customer_id", 1))
        self.new_customer = False  # whether the last _customer() made a new one
        for creator in self.creators:
            unknown = set(creator) - set(PROFILE_KEYS)
            if unknown:
                raise ValueError(f"creator {creator.get('handle')}: unknown keys {sorted(unknown)}")
        self.windows = {id(c): _windows(c) for c in self.creators}
        # Events dated before it are stored but not sent (the app recovers them by reconciliation).
        self.silent_before = parse_time(body["silent_before"], 0) if body.get("silent_before") else None
        # Nothing is dated after it: what would happen later (a refund, a comeback) has not happened yet.
        self.until = parse_time(body["until"], 0) if body.get("until") else None
        self.full_refund_share: dict[int, float] = {}  # order id -> its creator's full_refund_share
        self.queue: list = []
        self.seq = 0
        self.counts = {
            "orders": 0,
            "refunds": 0,
            "full_refunds": 0,
            "cancellations": 0,
            "voided": 0,
            "edits": 0,
            "test_orders": 0,
            "foreign_currency": 0,
            "returning_customers": 0,
            "creator_orders": 0,
            "sitewide_code_orders": 0,
            "comeback_orders": 0,
            "silent_events": 0,
        }

    # scheduling -----------------------------------------------------------
    def _at(self, when: datetime, action: str, payload) -> None:
        if self.until is not None and when > self.until:
            return
        self.seq += 1
        heapq.heappush(self.queue, (when, self.seq, action, payload))

    def run(self) -> dict:
        span = self.days * 86400
        times = sorted(self.rng.random() * span for _ in range(self.n))
        for offset in times:
            self._at(self.start + timedelta(seconds=offset), "create", None)
        while self.queue:
            when, _seq, action, payload = heapq.heappop(self.queue)
            getattr(self, "_" + action)(when, payload)
        return self.counts

    def _send(self, events: list, when: datetime) -> None:
        if self.silent_before is not None and when < self.silent_before:
            self.counts["silent_events"] += len(events)
            return
        if self.emit is not None:
            self.emit(events)

    # orders ----------------------------------------------------------------
    def _customer(self, pool: str, repeat_rate: float) -> int:
        known = self.customers.setdefault(pool, [])
        self.new_customer = False
        if known and self.rng.random() < repeat_rate:
            self.counts["returning_customers"] += 1
            return self.rng.choice(known)
        self.new_customer = True
        key = self.next_customer
        self.next_customer += 1
        known.append(key)
        return key

    def _lines(self, counts=LINE_COUNTS) -> list[dict]:
        picks = self.rng.sample(CATALOG, self.rng.choice(counts))
        return [{"title": t, "price": p, "quantity": self.rng.choice((1, 1, 1, 2))} for t, p in picks]

    def _profile(self, creator: dict, when: datetime) -> dict | None:
        """The creator's profile at ``when`` (with its window's overrides), None when inactive."""
        windows = self.windows[id(creator)]
        if windows is None:
            return creator
        day = (when - self.start).total_seconds() / 86400
        for lo, hi, extra in windows:
            if lo <= day < hi:
                return {**creator, **extra} if extra else creator
        return None

    def _pick_creator(self, when: datetime) -> dict | None:
        rng = self.rng
        if not any(w is not None for w in self.windows.values()):
            weights = [float(c.get("weight", 1)) for c in self.creators]
            return rng.choices(self.creators, weights=weights)[0]
        active = [p for p in (self._profile(c, when) for c in self.creators) if p is not None]
        weights = [float(p.get("weight", 1)) for p in active]
        if not active or sum(weights) <= 0:
            return None
        return rng.choices(active, weights=weights)[0]

    def _code(self, creator: dict) -> dict:
        kind = "fixed_amount" if creator.get("amount") else "percentage"
        value = creator.get("amount") or creator.get("percent", "10")
        return {
            "code": self.rng.choice((creator["code"], str(creator["code"]).lower())),
            "type": kind,
            "value": str(value),
        }

    def _link(self, spec: dict, handle: str) -> None:
        source = self.rng.choice(SOURCES)
        spec["landing_site"] = (
            f"/?ref={handle}&utm_content={handle}&utm_source={source}"
            f"&utm_medium=creator&utm_campaign={handle}"
        )
        spec["referring_site"] = f"https://l.{source}.com/"

    def _creator_order(self, spec: dict, creator: dict) -> None:
        """Code and/or link signals, and the basket, of one of the creator's orders."""
        rng, handle = self.rng, str(creator["handle"])
        if not any(k in creator for k in ("link_share", "no_link_share", "referrers")):
            how = rng.random()  # the default mix, drawn as it always was
            if how < 0.65 and creator.get("code"):
                spec["discount_code"] = self._code(creator)
            if how > 0.4:
                self._link(spec, handle)
        else:
            with_code = bool(creator.get("code")) and rng.random() >= float(
                creator.get("link_share", LINK_SHARE)
            )
            if with_code:
                spec["discount_code"] = self._code(creator)
            if not with_code or rng.random() >= float(creator.get("no_link_share", NO_LINK_SHARE)):
                self._link(spec, handle)
            elif creator.get("referrers"):  # the code alone, typed in after a visit from elsewhere
                spec["referring_site"] = rng.choice(list(creator["referrers"]))
                spec["landing_site"] = rng.choice(("/", "/", "/collections/sale", "/products/linen-shirt"))
        if creator.get("lines"):
            spec["line_items"] = self._lines(tuple(int(n) for n in creator["lines"]))
        if creator.get("aov") is not None:  # bigger baskets: each quantity times the factor on average
            factor = float(creator["aov"])
            whole, part = int(factor), factor - int(factor)
            for li in spec["line_items"]:
                q = li["quantity"]
                li["quantity"] = max(1, q * whole + (q if rng.random() < part else 0))

    def _spec(self, when: datetime, payload: dict | None = None) -> tuple[dict, dict | None]:
        rng = self.rng
        spec: dict = {
            "created_at": when.isoformat(),
            "line_items": self._lines(),
            "shipping": rng.choice(("0.00", "4.95", "7.50")),
            "tax_rate": self.tax_rate,
            "taxes_included": self.taxes_included,
        }
        creator = None
        if payload is not None:  # a creator's customer comes back on their own: no code, no link
            spec["customer_id"] = payload["customer"]
            self.new_customer = False
            self.counts["returning_customers"] += 1
            self.counts["comeback_orders"] += 1
            spec["landing_site"] = rng.choice(("/", "/products/linen-shirt", "/collections/summer", None))
            spec["referring_site"] = rng.choice(("https://www.google.com/", None, None))
        elif (
            self.creators
            and rng.random() < self.creator_share
            and (creator := self._pick_creator(when)) is not None
        ):
            handle = str(creator["handle"])
            self.counts["creator_orders"] += 1
            spec["customer_id"] = self._customer(handle, float(creator.get("repeat_rate", 0.2)))
            self._creator_order(spec, creator)
        else:
            spec["customer_id"] = self._customer("", 0.25)
            if self.sitewide and rng.random() < 0.15:
                spec["discount_code"] = {
                    "code": rng.choice(self.sitewide),
                    "type": "percentage",
                    "value": "10.0",
                }
                self.counts["sitewide_code_orders"] += 1
            spec["landing_site"] = rng.choice(("/", "/products/linen-shirt", "/collections/summer", None))
            spec["referring_site"] = rng.choice(("https://www.google.com/", None, None))
        if rng.random() < self.foreign_rate:
            spec["presentment_currency"], spec["rate"] = rng.choice(FOREIGN)
            self.counts["foreign_currency"] += spec["presentment_currency"] != self.shop.currency
        if rng.random() < self.test_rate:
            spec["test"] = True
            self.counts["test_orders"] += 1
        spec["financial_status"] = "pending" if rng.random() < 0.02 else "paid"
        return spec, creator

    def _create(self, when: datetime, payload: dict | None) -> None:
        spec, creator = self._spec(when, payload)
        with self.store.lock:
            number = len(self.shop.records.get(order_records.KIND, {})) + 1
            record = order_records.build(self.store, self.shop, spec, number)
            self.store.put_record(self.shop, order_records.KIND, record["id"], record)
            events = [("orders/create", record["rest"])]
            if record["rest"]["financial_status"] == "paid":
                events.append(("orders/paid", record["rest"]))
            self._send(events, when)
        self.counts["orders"] += 1
        rng, oid = self.rng, record["id"]
        if creator is not None and "full_refund_share" in creator:
            self.full_refund_share[oid] = float(creator["full_refund_share"])
        if creator is not None and self.new_customer and creator.get("comeback_rate"):
            self._comebacks(when, spec["customer_id"], creator)
        return_rate = float(creator.get("return_rate", 0.1)) if creator else self.organic_return_rate
        if rng.random() < self.cancel_rate or spec["financial_status"] == "pending":
            self._at(when + timedelta(hours=rng.uniform(0.5, 30)), "cancel", oid)
        elif rng.random() < return_rate:
            self._at(when + timedelta(days=rng.uniform(3, 25)), "refund", oid)
        if rng.random() < self.edit_rate:
            self._at(when + timedelta(minutes=rng.uniform(5, 300)), "edit", oid)

    def _comebacks(self, when: datetime, customer: int, creator: dict) -> None:
        """A new customer of the creator orders again later, on their own (unattributed)."""
        rate = float(creator["comeback_rate"])
        lo, hi = (float(d) for d in creator.get("comeback_days", COMEBACK_DAYS))
        for _ in range(int(creator.get("comeback_max", 2))):
            if self.rng.random() >= rate:
                break
            when = when + timedelta(days=self.rng.uniform(lo, hi))
            self._at(when, "create", {"customer": customer})

    def _change(self, when: datetime, oid: int, change, body: dict) -> bool:
        body["created_at"] = when.isoformat()
        with self.store.lock:
            record = self.shop.records[order_records.KIND][oid]
            try:
                events = change(self.store, self.shop, record, body)
            except changes.OrderError:
                return False
            self._send(events, when)
        return True

    def _cancel(self, when: datetime, oid: int) -> None:
        voided = self.shop.records[order_records.KIND][oid]["rest"]["financial_status"] == "pending"
        if self._change(when, oid, changes.cancel, {"refund": True}):
            self.counts["cancellations"] += 1
            self.counts["voided"] += voided

    def _refund(self, when: datetime, oid: int) -> None:
        rest = self.shop.records[order_records.KIND][oid]["rest"]
        done = order_records.refunded_by_line(rest)
        open_lines = [
            (li["id"], li["quantity"] - done.get(li["id"], {}).get("quantity", 0))
            for li in rest["line_items"]
        ]
        open_lines = [(i, q) for i, q in open_lines if q > 0]
        if not open_lines:
            return
        if self.rng.random() < self.full_refund_share.get(
            oid, FULL_REFUND_SHARE
        ):  # everything back, shipping too
            body = {
                "line_items": [{"line_item_id": i, "quantity": q} for i, q in open_lines],
                "shipping": "all",
            }
            full = True
        else:
            lid, _q = self.rng.choice(open_lines)
            body, full = {"line_items": [{"line_item_id": lid, "quantity": 1}]}, False
        if self._change(when, oid, changes.refund, body):
            self.counts["refunds"] += 1
            self.counts["full_refunds"] += full

    def _edit(self, when: datetime, oid: int) -> None:
        rest = self.shop.records[order_records.KIND][oid]["rest"]
        live = [li["id"] for li in rest["line_items"] if li["quantity"] > 0]
        if len(live) > 1 and self.rng.random() < 0.5:
            body = {"remove": [self.rng.choice(live)]}
        else:
            title, price = self.rng.choice(CATALOG)
            body = {"add": [{"title": title, "price": price, "quantity": 1}]}
        if self._change(when, oid, changes.edit, body):
            self.counts["edits"] += 1
