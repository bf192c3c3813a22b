"""A realistic store, generated deterministically from a seed: orders spread over a period,
customers who come back, creators' codes and ``?ref=`` links, sitewide codes, refunds
(partial and full, with tax and shipping), cancellations, edits, test orders and orders
paid in another currency.

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

from devstore import order_changes, orders
from devstore.state import Shop, Store

CATALOG = [
    ("Linen shirt", "59.00"), ("Canvas tote", "24.50"), ("Silk scarf", "39.90"),
    ("Wool beanie", "19.99"), ("Leather belt", "45.00"), ("Denim jacket", "129.00"),
    ("Sun hat", "32.00"), ("Rain jacket", "149.95"), ("Cotton tee", "22.00"),
    ("Sneakers", "89.00"), ("Socks 3-pack", "14.99"), ("Sunglasses", "74.50"),
]
FOREIGN = [("EUR", "0.92"), ("GBP", "0.79"), ("CAD", "1.37")]
SOURCES = ["instagram", "tiktok", "youtube"]
Emit = Callable[[list], None]


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
        self.queue: list = []
        self.seq = 0
        self.counts = {"orders": 0, "refunds": 0, "full_refunds": 0, "cancellations": 0,
                       "voided": 0, "edits": 0, "test_orders": 0, "foreign_currency": 0,
                       "returning_customers": 0, "creator_orders": 0, "sitewide_code_orders": 0}

    # scheduling -----------------------------------------------------------
    def _at(self, when: datetime, action: str, payload) -> None:
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

    def _send(self, events: list) -> None:
        if self.emit is not None:
            self.emit(events)

    # orders ----------------------------------------------------------------
    def _customer(self, pool: str, repeat_rate: float) -> int:
        known = self.customers.setdefault(pool, [])
        if known and self.rng.random() < repeat_rate:
            self.counts["returning_customers"] += 1
            return self.rng.choice(known)
        key = self.next_customer
        self.next_customer += 1
        known.append(key)
        return key

    def _lines(self) -> list[dict]:
        picks = self.rng.sample(CATALOG, self.rng.choice((1, 1, 1, 2, 2, 3)))
        return [{"title": t, "price": p, "quantity": self.rng.choice((1, 1, 1, 2))} for t, p in picks]

    def _spec(self, when: datetime) -> tuple[dict, dict | None]:
        rng = self.rng
        spec: dict = {"created_at": when.isoformat(), "line_items": self._lines(),
                      "shipping": rng.choice(("0.00", "4.95", "7.50")), "tax_rate": self.tax_rate,
                      "taxes_included": self.taxes_included}
        creator = None
        if self.creators and rng.random() < self.creator_share:
            weights = [float(c.get("weight", 1)) for c in self.creators]
            creator = rng.choices(self.creators, weights=weights)[0]
            handle = str(creator["handle"])
            self.counts["creator_orders"] += 1
            spec["customer_id"] = self._customer(handle, float(creator.get("repeat_rate", 0.2)))
            how = rng.random()
            if how < 0.65 and creator.get("code"):
                kind = "fixed_amount" if creator.get("amount") else "percentage"
                value = creator.get("amount") or creator.get("percent", "10")
                spec["discount_code"] = {"code": rng.choice((creator["code"], str(creator["code"]).lower())),
                                         "type": kind, "value": str(value)}
            if how > 0.4:
                source = rng.choice(SOURCES)
                spec["landing_site"] = (f"/?ref={handle}&utm_content={handle}&utm_source={source}"
                                        f"&utm_medium=creator&utm_campaign={handle}")
                spec["referring_site"] = f"https://l.{source}.com/"
        else:
            spec["customer_id"] = self._customer("", 0.25)
            if self.sitewide and rng.random() < 0.15:
                spec["discount_code"] = {"code": rng.choice(self.sitewide), "type": "percentage", "value": "10.0"}
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

    def _create(self, when: datetime, _payload) -> None:
        spec, creator = self._spec(when)
        with self.store.lock:
            number = len(self.shop.records.get(orders.KIND, {})) + 1
            record = orders.build(self.store, self.shop, spec, number)
            self.store.put_record(self.shop, orders.KIND, record["id"], record)
            events = [("orders/create", record["rest"])]
            if record["rest"]["financial_status"] == "paid":
                events.append(("orders/paid", record["rest"]))
            self._send(events)
        self.counts["orders"] += 1
        rng, oid = self.rng, record["id"]
        return_rate = float(creator.get("return_rate", 0.1)) if creator else self.organic_return_rate
        if rng.random() < self.cancel_rate or spec["financial_status"] == "pending":
            self._at(when + timedelta(hours=rng.uniform(0.5, 30)), "cancel", oid)
        elif rng.random() < return_rate:
            self._at(when + timedelta(days=rng.uniform(3, 25)), "refund", oid)
        if rng.random() < self.edit_rate:
            self._at(when + timedelta(minutes=rng.uniform(5, 300)), "edit", oid)

    def _change(self, when: datetime, oid: int, change, body: dict) -> bool:
        body["created_at"] = when.isoformat()
        with self.store.lock:
            record = self.shop.records[orders.KIND][oid]
            try:
                events = change(self.store, self.shop, record, body)
            except order_changes.OrderError:
                return False
            self._send(events)
        return True

    def _cancel(self, when: datetime, oid: int) -> None:
        voided = self.shop.records[orders.KIND][oid]["rest"]["financial_status"] == "pending"
        if self._change(when, oid, order_changes.cancel, {"refund": True}):
            self.counts["cancellations"] += 1
            self.counts["voided"] += voided

    def _refund(self, when: datetime, oid: int) -> None:
        rest = self.shop.records[orders.KIND][oid]["rest"]
        done = orders.refunded_by_line(rest)
        open_lines = [(li["id"], li["quantity"] - done.get(li["id"], {}).get("quantity", 0))
                      for li in rest["line_items"]]
        open_lines = [(i, q) for i, q in open_lines if q > 0]
        if not open_lines:
            return
        if self.rng.random() < 0.4:  # everything back, shipping too
            body = {"line_items": [{"line_item_id": i, "quantity": q} for i, q in open_lines], "shipping": "all"}
            full = True
        else:
            lid, _q = self.rng.choice(open_lines)
            body, full = {"line_items": [{"line_item_id": lid, "quantity": 1}]}, False
        if self._change(when, oid, order_changes.refund, body):
            self.counts["refunds"] += 1
            self.counts["full_refunds"] += full

    def _edit(self, when: datetime, oid: int) -> None:
        rest = self.shop.records[orders.KIND][oid]["rest"]
        live = [li["id"] for li in rest["line_items"] if li["quantity"] > 0]
        if len(live) > 1 and self.rng.random() < 0.5:
            body = {"remove": [self.rng.choice(live)]}
        else:
            title, price = self.rng.choice(CATALOG)
            body = {"add": [{"title": title, "price": price, "quantity": 1}]}
        if self._change(when, oid, order_changes.edit, body):
            self.counts["edits"] += 1

