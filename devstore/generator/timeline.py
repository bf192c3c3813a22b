"""A realistic store, generated deterministically from a seed: orders spread over a period,
customers who come back, creators' codes and ``?ref=`` links, sitewide codes, refunds
(partial and full, with tax and shipping), cancellations, edits, test orders and orders
paid in another currency.

Each creator is a profile (``devstore.generator.profiles``): how many orders it brings, how they
come (code or link), how big the baskets are, how much comes back (``return_rate``,
``full_refund_share``) and how its customers order again (``repeat_rate``: again through the
creator; ``comeback_rate``: later organic orders, no code and no link). What each order looks like
is ``devstore.generator.order_specs``.

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

from devstore.generator.order_specs import CATALOG, OrderSpecs
from devstore.generator.profiles import Profiles
from devstore.orders import changes, order_records, totals
from devstore.store.state import Shop, Store
from devstore.store.times import now, parse_time

FULL_REFUND_SHARE = 0.4
COMEBACK_DAYS = (7.0, 60.0)
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
        self.cancel_rate = float(body.get("cancel_rate", 0.02))
        self.edit_rate = float(body.get("edit_rate", 0.03))
        self.organic_return_rate = float(body.get("organic_return_rate", 0.05))
        profiles = Profiles(list(body.get("creators") or []), self.start)
        # Events dated before it are stored but not sent (the app recovers them by reconciliation).
        self.silent_before = parse_time(body["silent_before"], 0) if body.get("silent_before") else None
        # Nothing is dated after it: what would happen later (a refund, a comeback) has not happened yet.
        # By default the shop's clock: Shopify dates nothing ahead of its own now.
        self.until = parse_time(body["until"], 0) if body.get("until") else parse_time(None, now(store, shop))
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
        self.specs = OrderSpecs(self.rng, body, profiles, shop.currency, self.counts)

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

    def _create(self, when: datetime, payload: dict | None) -> None:
        spec, creator = self.specs.spec(when, payload)
        with self.store.lock:
            record, events = order_records.place(self.store, self.shop, spec)
            self._send(events, when)
        self.counts["orders"] += 1
        rng, oid = self.rng, record["id"]
        if creator is not None and "full_refund_share" in creator:
            self.full_refund_share[oid] = float(creator["full_refund_share"])
        if creator is not None and self.specs.new_customer and creator.get("comeback_rate"):
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
        # current_quantity: the units neither refunded nor removed by an edit
        open_lines = [(li["id"], li["current_quantity"]) for li in rest["line_items"]]
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
        record = self.shop.records[order_records.KIND][oid]
        rest = record["rest"]
        removed = totals.removed_by_line(record)
        live = [li["id"] for li in rest["line_items"] if li["quantity"] > removed.get(li["id"], 0)]
        if len(live) > 1 and self.rng.random() < 0.5:
            body = {"remove": [self.rng.choice(live)]}
        else:
            title, price = self.rng.choice(CATALOG)
            body = {"add": [{"title": title, "price": price, "quantity": 1}]}
        if self._change(when, oid, changes.edit, body):
            self.counts["edits"] += 1
