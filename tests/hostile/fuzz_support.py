"""The world of the fuzzing net (test_fuzz_deliveries.py): the app with a healthy shop, whose orders the
stand-in generates and delivers, and fuzzed shops, whose deliveries are drawn by fuzz_strategies.py, signed
and sent here; then the worker drains, and what came of every delivery is read back.

Sizes: FUZZ_EXAMPLES (storms, Hypothesis examples), FUZZ_DELIVERIES (fuzzed deliveries per storm),
FUZZ_ORDERS (the healthy shop's orders per storm). Unset, the short profile of the suite: derandomized, no
example database, a few storms of a few dozen deliveries. `make fuzz` and bench/fuzz.py run bigger ones.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import requests
from hypothesis import HealthCheck, settings
from rq.registry import FailedJobRegistry, ScheduledJobRegistry
from sqlalchemy import select
from support import API_SECRET, install, session_token

from shopify_roi import runtime as runtime_mod
from shopify_roi.jobs.orders import drain_flag, drain_orders
from shopify_roi.models import Order, Shop, WebhookDelivery
from shopify_roi.shopify_client.webhook_hmac import sign
from shopify_roi.web.webhooks import TOPICS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0") or 0)
DELIVERIES = int(os.environ.get("FUZZ_DELIVERIES", "0") or 0) or 24
ORDERS = int(os.environ.get("FUZZ_ORDERS", "0") or 0) or 16
PATH_OF = {topic: f"/webhooks/{key}" for key, topics in TOPICS.items() for topic in topics}
CREATORS = (("anna", "ANNA15", "15"), ("ben", "BEN10", "10"))
SCOPES = "read_orders,write_discounts,read_customers"
# A delivery ends in one of these; a failed or quarantined one says why, a skipped one too.
ENDED = {"processed", "failed", "quarantined", "skipped"}


def fuzz_settings(max_examples: int):
    """The short profile by default (fixed: derandomized, no example database); FUZZ_EXAMPLES explores."""
    return settings(
        max_examples=EXAMPLES or max_examples,
        deadline=None,
        database=None,
        derandomize=not EXAMPLES,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )


def _now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Sent:
    """One fuzzed delivery as sent, and the app's answer."""

    shop: str
    topic: str
    webhook_id: str
    raw: bytes
    status: int
    answer: str


@dataclass
class Storm:
    """What one storm sent: the fuzzed deliveries and the healthy shop's generation."""

    sent: list[Sent] = field(default_factory=list)
    generated: dict = field(default_factory=dict)


class FuzzWorld:
    """The app of `hostile` (whose shop is the healthy one) plus two fuzzed shops installed through OAuth,
    and one shop that never installed the app."""

    def __init__(self, hostile):
        self.hostile, self.stand_in, self.runtime = hostile, hostile.stand_in, hostile.runtime
        self.healthy = hostile.shop
        self.fuzzed = [self._new_shop("fuzz-a"), self._new_shop("fuzz-b")]
        self.stranger = f"stranger-{uuid.uuid4().hex[:8]}.myshopify.com"
        self.own_ids: dict[str, list[int]] = {shop: [] for shop in self.shops}
        self.webhook_ids: dict[str, list[str]] = {shop: [] for shop in self.shops}
        for handle, code, percent in CREATORS:
            body = {
                "name": handle.title(),
                "handle": handle,
                "discount": {"code": code, "percent_off": percent},
            }
            assert hostile.call("POST", "/api/creators", json=body).status_code == 201
        # Duplicates and reordering on the healthy shop's webhooks (Shopify's at-least-once, any order).
        self.stand_in.control.faults(self.healthy, webhooks={"duplicate": 0.1, "reorder": 0.2, "seed": 7})
        self.templates = self._templates(self.fuzzed[0])
        self.start = date.today() - timedelta(days=30)
        self.settle()

    @property
    def shops(self) -> list[str]:
        return [*self.fuzzed, self.stranger]

    def _new_shop(self, prefix: str) -> str:
        shop = f"{prefix}-{uuid.uuid4().hex[:8]}.myshopify.com"
        self.stand_in.control.create_shop(
            shop, name=prefix.title(), currency="EUR", timezone="Europe/Berlin", scopes=SCOPES
        )
        assert install(self.hostile.url, shop).status_code == 302
        return shop

    def _templates(self, shop: str) -> dict[str, dict]:
        """A real body of every topic the app subscribes to, as the stand-in sends them."""
        control = self.stand_in.control
        order = control.create_order(
            shop,
            customer_id=501,
            discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
            line_items=[
                {"title": "Tee", "price": "40.00", "quantity": 2},
                {"title": "Cap", "price": "15.50", "quantity": 1},
            ],
        )
        line = order["line_items"][0]["id"]
        control.refund_order(shop, order["id"], line_items=[{"line_item_id": line, "quantity": 1}])
        control.edit_order(shop, order["id"], add=[{"title": "Sock", "price": "5.00", "quantity": 1}])
        control.cancel_order(shop, order["id"], refund=False)
        for topic in PATH_OF:
            if not topic.startswith(("orders/", "refunds/", "bulk_operations/")):
                control.send_webhook(shop, topic)
        control.flush_webhooks(shop)
        bodies = {}
        for delivery in control.deliveries(shop):
            if delivery.get("payload") is not None:
                bodies.setdefault(delivery["topic"], delivery["payload"])
        bodies["bulk_operations/finish"] = {
            "admin_graphql_api_id": "gid://shopify/BulkOperation/1",
            "status": "completed",
            "type": "query",
            "error_code": None,
            "completed_at": _now_iso(),
            "created_at": _now_iso(),
        }
        missing = sorted(set(PATH_OF) - set(bodies))
        assert not missing, f"no template body for {missing}"
        return bodies

    # -- sending ------------------------------------------------------------------------------
    def send(self, shop: str, topic: str, raw: bytes, webhook_id: str) -> Sent:
        """POST a signed delivery as Shopify sends it (headers of shopify.dev "Webhooks delivery")."""
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-API-Version": "2026-10",
            "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-Event-Id": str(uuid.uuid4()),
            "X-Shopify-Triggered-At": _now_iso(),
            "X-Shopify-Hmac-Sha256": sign(raw, API_SECRET),
        }
        resp = requests.post(self.hostile.url + PATH_OF[topic], data=raw, headers=headers, timeout=60)
        self.webhook_ids[shop].append(webhook_id)
        return Sent(shop, topic, webhook_id, raw, resp.status_code, resp.text[:300])

    def generate_healthy(self, seed: int, orders: int) -> dict:
        """The stand-in makes `orders` orders of the healthy shop over the last month (refunds, edits,
        cancellations, test orders included) and starts delivering their webhooks; answers at once."""
        return self.stand_in.control.generate(
            self.healthy,
            seed=seed,
            orders=orders,
            start=self.start.isoformat(),
            days=25,
            until=_now_iso(),
            deliver=True,
            creator_share=0.6,
            first_customer_id=1_000_000 * (seed + 1),
            creators=[
                {
                    "handle": h,
                    "code": c,
                    "percent": p,
                    "link_share": 0,
                    "no_link_share": 1,
                    "return_rate": 0.3,
                }
                for h, c, p in CREATORS
            ],
            **{"async": True},
        )

    def healthy_order_ids(self) -> list[int]:
        return [o["id"] for o in self.stand_in.control.orders(self.healthy)]

    # -- draining -----------------------------------------------------------------------------
    def settle(self, rounds: int = 50) -> None:
        """Wait for every webhook the stand-in is sending, then let the worker drain everything queued.
        Raises when deliveries stay `received` with nothing left that would take them."""
        self.stand_in.control.flush_webhooks(self.healthy)
        runtime_mod.install(self.runtime)
        before = None
        for _ in range(rounds):
            self.runtime.jobs.drain()
            left = self.received()
            if self.runtime.jobs.depth() == 0 and not left:
                return
            if left == before and self.runtime.jobs.depth() == 0:
                break
            before = left
            # As the sweeper would: a drain for any order delivery no job took, then look again.
            self.runtime.jobs.redis.delete(drain_flag(self.runtime))
            drain_orders()
        raise AssertionError(
            f"acknowledged, never processed: {left}; jobs that raised: {self.escaped_jobs()}"
        )

    def received(self) -> list[tuple]:
        with self.runtime.db.session() as session:
            return list(
                session.execute(
                    select(WebhookDelivery.shop_domain, WebhookDelivery.topic).where(
                        WebhookDelivery.status == "received"
                    )
                )
            )

    def forget_escaped_jobs(self) -> None:
        """Start from empty failed and retry registries (a test before may have left a job there)."""
        queue = self.runtime.jobs.queue
        for registry in (FailedJobRegistry(queue=queue), ScheduledJobRegistry(queue=queue)):
            for job_id in registry.get_job_ids():
                registry.remove(job_id, delete_job=True)

    def escaped_jobs(self) -> list[str]:
        """Jobs that raised: failed for good, or waiting for RQ's retry."""
        queue = self.runtime.jobs.queue
        return [
            f"{name}: {job_id}"
            for name, registry in (("failed", FailedJobRegistry), ("retrying", ScheduledJobRegistry))
            for job_id in registry(queue=queue).get_job_ids()
        ]

    # -- reading back -------------------------------------------------------------------------
    def deliveries(self, shop: str) -> dict[str, dict]:
        """webhook id -> the stored delivery of the shop."""
        with self.runtime.db.session() as session:
            rows = session.scalars(select(WebhookDelivery).where(WebhookDelivery.shop_domain == shop))
            return {
                d.webhook_id: {"topic": d.topic, "status": d.status, "error": d.error, "result": d.result}
                for d in rows
            }

    def stored_customers(self, shop: str) -> dict[str, str | None]:
        """order id -> the customer id the app holds for it."""
        with self.runtime.db.session() as session:
            shop_id = session.scalar(select(Shop.id).where(Shop.domain == shop))
            rows = session.execute(
                select(Order.shopify_id, Order.customer_id).where(Order.shop_id == shop_id)
            )
            return dict(rows.all())

    def api(self, shop: str, path: str, **params) -> requests.Response:
        return requests.get(
            self.hostile.url + path,
            params=params,
            headers={"Authorization": f"Bearer {session_token(shop)}"},
            timeout=120,
        )

    def metrics_range(self) -> dict[str, str]:
        """Every day the generated orders can fall on, in any time zone."""
        return {
            "from": (self.start - timedelta(days=2)).isoformat(),
            "to": (date.today() + timedelta(days=2)).isoformat(),
            "as_of": date.today().isoformat(),
        }

    def reinstall_if_gone(self) -> None:
        """A fuzzed app/uninstalled or shop/redact may have ended a fuzzed shop's install: install again, so
        the next storm reaches it."""
        for shop in self.fuzzed:
            if self.api(shop, "/api/shop").status_code != 200:
                assert install(self.hostile.url, shop).status_code == 302


def figures(row: dict) -> tuple:
    """The additive figures the stand-in's /totals also reports."""
    return (row["orders"], Decimal(row["revenue"]), Decimal(row["returns"]), Decimal(row["net_revenue"]))
