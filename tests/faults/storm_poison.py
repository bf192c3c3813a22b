"""What the fault storm adds to its stream (test_fault_storm.py, issue #16): poison, signed deliveries the app
cannot use, POSTed straight to its order webhooks as Shopify would send them; an uninstall of a shop raced
by its reinstall; and how long the healthy deliveries waited. Named uniquely so it cannot clash with another
helper module on sys.path."""

from __future__ import annotations

import copy
import json
import math
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
from sqlalchemy import select
from support import API_SECRET, install

from shopify_roi.models import WebhookDelivery
from shopify_roi.models.delivery import FAILED, PROCESSED, QUARANTINED
from shopify_roi.shopify_client.webhook_hmac import sign

ORDER_TOPICS = (
    "orders/create",
    "orders/updated",
    "orders/paid",
    "orders/cancelled",
    "orders/edited",
    "refunds/create",
)
ENDED_ALONE = (FAILED, QUARANTINED)
# Far above the stand-in's ids (a counter from 1,000,000) and still a Shopify id (at most 20 digits).
POISON_IDS = 8_000_000_000_000_000


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def send_signed(
    app_url: str, shop: str, topic: str, raw: bytes, webhook_id: str, triggered_at: str | None = None
):
    """POST a delivery signed with the app's secret and Shopify's headers (shopify.dev, "Webhooks")."""
    path = "/webhooks/app" if topic.startswith("app/") else "/webhooks/orders"
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Event-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": triggered_at or now_iso(),
        "X-Shopify-Hmac-Sha256": sign(raw, API_SECRET),
    }
    return requests.post(app_url + path, data=raw, headers=headers, timeout=60)


def order_template(stand_in, shop: str, seconds: float = 120) -> dict:
    """A real orders/create body of `shop` as the stand-in delivered it (waits for the first one)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        for delivery in stand_in.control.deliveries(shop):
            if delivery.get("topic") == "orders/create" and isinstance(delivery.get("payload"), dict):
                return delivery["payload"]
        time.sleep(0.3)
    raise AssertionError(f"no orders/create delivered for {shop}")


def _with_times(when: str):
    def change(body: dict) -> dict:
        body.update(created_at=when, updated_at=when, processed_at=when)
        return body

    return change


def _with_price(amount: str):
    def change(body: dict) -> dict:
        line = body["line_items"][0]
        line["price"] = amount
        for side in ("shop_money", "presentment_money"):
            line["price_set"][side]["amount"] = amount
        body.update(total_price=amount, subtotal_price=amount)
        return body

    return change


def _with_quantity(body: dict) -> dict:
    line = body["line_items"][0]
    line["quantity"] = line["current_quantity"] = 10**12
    return body


# What a poison delivery carries: (its name, the body changed from a healthy one, or the raw bytes sent).
POISONS = (
    ("created_at in year 9999", _with_times("9999-12-31T23:59:59+00:00")),
    ("created_at in year 0001", _with_times("0001-01-01T00:00:00+00:00")),
    ("a line priced 1e400", _with_price("1e400")),
    ("a line priced -5.00", _with_price("-5.00")),
    ("a line of 10**12 items", _with_quantity),
    ("a body that is not JSON", lambda body: f'{{"id": {body["id"]}, "line_items": [{{"id": '.encode()),
    ("a JSON array", lambda body: json.dumps([body]).encode()),
)


@dataclass
class Poison:
    shop: str
    topic: str
    kind: str
    webhook_id: str
    order_id: int
    raw: bytes
    status: int | None = None
    answer: str = ""


@dataclass
class PoisonSender:
    """Sends `count` poison deliveries, one every `interval` seconds, on a thread, across `shops` (one at a
    time in turn, every kind of POISONS in turn). Deliveries to a shop in `wait_for` are sent only once its
    event is set (a shop whose install is raced: a delivery processed while it is uninstalled is skipped,
    rightly, and would not be poison any more)."""

    app_url: str
    shops: list[str]
    template: dict
    count: int
    interval: float
    wait_for: dict[str, threading.Event] = field(default_factory=dict)
    sent: list[Poison] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def __post_init__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)

    def make(self, n: int) -> Poison:
        kind, change = POISONS[n % len(POISONS)]
        order_id = POISON_IDS + n * 1000
        body = copy.deepcopy(self.template)
        body.update(id=order_id, name=f"#P{n}", refunds=[])
        for j, line in enumerate(body["line_items"]):
            line["id"] = order_id + j + 1
        made = change(body)
        raw = made if isinstance(made, bytes) else json.dumps(made).encode()
        topic = ("orders/create", "orders/updated", "orders/paid")[n // len(self.shops) % 3]
        return Poison(self.shops[n % len(self.shops)], topic, kind, f"poison-{uuid.uuid4()}", order_id, raw)

    def start(self) -> PoisonSender:
        self._thread.start()
        return self

    def _run(self):
        try:
            for n in range(self.count):
                poison = self.make(n)
                if poison.shop in self.wait_for:
                    assert self.wait_for[poison.shop].wait(300), f"{poison.shop} was never ready for poison"
                resp = send_signed(self.app_url, poison.shop, poison.topic, poison.raw, poison.webhook_id)
                poison.status, poison.answer = resp.status_code, resp.text[:300]
                self.sent.append(poison)
                time.sleep(self.interval)
        except BaseException as exc:  # noqa: BLE001 - raised again by join()
            self.errors.append(exc)

    def join(self, seconds: float = 300) -> list[Poison]:
        self._thread.join(seconds)
        assert not self._thread.is_alive(), "the poison sender did not finish"
        if self.errors:
            raise self.errors[0]
        return self.sent


@dataclass
class Race:
    """An uninstall raced by its reinstall: what was sent and answered."""

    shop: str
    late_webhook_id: str = ""
    late_status: int | None = None
    install_status: int | None = None
    seconds: float = 0.0


def race_uninstall_and_reinstall(stand_in, app_url: str, shop: str) -> Race:
    """The merchant uninstalls (the stand-in revokes every token and sends `app/uninstalled` at once) and
    installs again at once, through OAuth; meanwhile another signed `app/uninstalled` of the install that
    ended, triggered now, reaches the app while the reinstall is under way (a late delivery: before or
    after the new grant, whichever comes first). The app's worker processes the uninstalls whenever it
    gets to them: after the reinstall, an uninstall triggered before it is recorded and not applied."""
    race = Race(shop, late_webhook_id=f"late-uninstall-{uuid.uuid4()}")
    started = time.monotonic()
    stand_in.control.uninstall(shop)
    body = json.dumps({"id": 1, "name": shop, "domain": shop, "myshopify_domain": shop}).encode()
    triggered = now_iso()
    answers: list = []
    late = threading.Thread(
        target=lambda: answers.append(
            send_signed(app_url, shop, "app/uninstalled", body, race.late_webhook_id, triggered)
        ),
        daemon=True,
    )
    late.start()
    race.install_status = install(app_url, shop).status_code
    late.join(60)
    race.late_status = answers[0].status_code if answers else None
    race.seconds = time.monotonic() - started
    return race


@dataclass(frozen=True)
class Row:
    shop: str
    webhook_id: str
    topic: str
    status: str
    error: str | None
    result: str | None
    received_at: datetime
    processed_at: datetime | None


def deliveries_of(database, shops: list[str]) -> list[Row]:
    """The inbox's rows of these shops."""
    columns = [
        getattr(WebhookDelivery, name) for name in ("shop_domain", *list(Row.__dataclass_fields__)[1:])
    ]
    with database.session() as session:
        return [
            Row(*r) for r in session.execute(select(*columns).where(WebhookDelivery.shop_domain.in_(shops)))
        ]


def healthy_delay_p99(rows: list[Row], poison_ids: set[str]) -> tuple[float, int]:
    """(p99 of processed_at - received_at in seconds, how many) over the processed order deliveries that are
    not poison."""
    waits = sorted(
        (d.processed_at - d.received_at).total_seconds()
        for d in rows
        if d.topic in ORDER_TOPICS
        and d.status == PROCESSED
        and d.webhook_id not in poison_ids
        and d.processed_at is not None
    )
    if not waits:
        return 0.0, 0
    return waits[max(0, math.ceil(0.99 * len(waits)) - 1)], len(waits)
