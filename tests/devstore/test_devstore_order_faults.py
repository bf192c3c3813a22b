"""Order webhook delivery faults: duplicates (same webhook id), reordering (held back until
the next delivery, or a flush), drops; deterministic for a seed; sync and async sending."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from devstore_order_support import line


@pytest.fixture
def installed(devstore, shop, receiver, tokens):
    return shop


def pattern(deliveries: list[dict]) -> list[tuple]:
    return [
        (
            d["topic"],
            d["payload"].get("name", None),
            bool(d.get("dropped")),
            bool(d.get("duplicate")),
            bool(d.get("reordered")),
        )
        for d in deliveries
    ]


def place(devstore, shop, n: int) -> None:
    for i in range(n):
        devstore.control.create_order(shop, customer_id=i, line_items=[line()])


def test_faults_are_deterministic_for_a_seed_and_counted(devstore, installed, receiver):
    faults = {"duplicate": 0.2, "reorder": 0.2, "drop": 0.1, "seed": 7}
    devstore.control.faults(installed, webhooks=faults)
    place(devstore, installed, 30)
    devstore.control.flush_webhooks(installed)
    first = pattern(devstore.control.deliveries(installed))
    stats = devstore.control.webhook_stats(installed)
    print("order webhook faults:", {k: stats[k] for k in ("sent", "dropped", "reordered", "duplicated")})
    assert stats["dropped"] > 0 and stats["duplicated"] > 0 and stats["reordered"] > 0
    assert stats["sent"] + stats["dropped"] == 60 and stats["held"] == 0
    logged = Counter(
        (d.get("dropped", False), d.get("duplicate", False)) for d in devstore.control.deliveries(installed)
    )
    assert logged[(True, False)] == stats["dropped"] and logged[(False, True)] == stats["duplicated"]
    assert len(receiver.received) == stats["sent"] + stats["duplicated"]

    devstore.control.faults(installed, webhooks=faults)  # same seed: the same draws again
    before = len(devstore.control.deliveries(installed))
    place(devstore, installed, 30)
    devstore.control.flush_webhooks(installed)
    second = pattern(devstore.control.deliveries(installed)[before:])
    strip = [(t, d, u, r) for t, _name, d, u, r in first]
    assert [(t, d, u, r) for t, _name, d, u, r in second] == strip


def test_a_duplicate_carries_the_same_webhook_id_and_body(devstore, installed, receiver):
    devstore.control.faults(installed, webhooks={"duplicate": 1.0, "seed": 1})
    devstore.control.create_order(installed, line_items=[line()], financial_status="pending")
    first, again = receiver.received
    for key in ("X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Triggered-At"):
        assert first["headers"][key] == again["headers"][key]
    assert first["body"] == again["body"]


def test_a_reordered_delivery_comes_after_the_next_one_or_at_flush(devstore, installed, receiver):
    devstore.control.faults(installed, webhooks={"reorder": 1.0, "seed": 3})
    order = devstore.control.create_order(installed, line_items=[line()], financial_status="pending")
    assert receiver.received == []  # held back
    devstore.control.cancel_order(installed, order["id"])
    topics = [d["headers"]["X-Shopify-Topic"] for d in receiver.received]
    assert topics == ["orders/cancelled", "orders/create"]  # orders/updated now held
    devstore.control.flush_webhooks(installed)
    assert receiver.received[-1]["headers"]["X-Shopify-Topic"] == "orders/updated"
    assert devstore.control.webhook_stats(installed)["reordered"] == 2


def test_a_dropped_delivery_is_logged_never_sent(devstore, installed, receiver):
    devstore.control.faults(installed, webhooks={"drop": 1.0})
    devstore.control.create_order(installed, line_items=[line()])
    assert receiver.received == []
    assert [d["dropped"] for d in devstore.control.deliveries(installed)] == [True, True]
    devstore.control.reset_faults(installed)
    devstore.control.create_order(installed, line_items=[line()])
    assert len(receiver.received) == 2


def test_async_sends_in_the_background_in_order(devstore, installed, receiver):
    order = devstore.control.create_order(installed, line_items=[line("Tee", "10.00", 2)], **{"async": True})
    devstore.control.refund_order(
        installed,
        order["id"],
        line_items=[{"line_item_id": order["line_items"][0]["id"], "quantity": 1}],
        **{"async": True},
    )
    found = devstore.control.wait_deliveries(installed, count=4)
    assert [d["topic"] for d in found] == ["orders/create", "orders/paid", "refunds/create", "orders/updated"]
    paid = json.loads(receiver.received[1]["body"])
    assert paid["financial_status"] == "paid" and paid["refunds"] == []  # a snapshot, not the later state


def test_with_concurrency_deliveries_overlap_and_none_is_lost(devstore, installed, receiver):
    """Shopify sends a shop's webhooks at once and in no guaranteed order; `concurrency` does so."""
    receiver.hold = 0.05
    devstore.control.faults(installed, webhooks={"concurrency": 4, "duplicate": 0.25, "seed": 3})
    for i in range(20):  # each order: orders/create and orders/paid
        devstore.control.create_order(installed, customer_id=i, line_items=[line()], **{"async": True})
    devstore.control.flush_webhooks(installed)  # waits for every send
    stats = devstore.control.webhook_stats(installed)
    assert stats["sent"] == 40 and stats["duplicated"] > 0 and stats["faults"]["concurrency"] == 4
    assert len(receiver.received) == 40 + stats["duplicated"]
    assert 1 < receiver.most_at_once <= 4
    created = [
        json.loads(r["body"])["name"]
        for r in receiver.received
        if r["headers"]["X-Shopify-Topic"] == "orders/create"
    ]
    assert len(set(created)) == 20  # every order arrived (duplicates aside), in whatever order


def test_by_default_one_delivery_at_a_time_in_the_order_made(devstore, installed, receiver):
    receiver.hold = 0.02
    for i in range(5):
        devstore.control.create_order(installed, customer_id=i, line_items=[line()], **{"async": True})
    devstore.control.flush_webhooks(installed)
    assert receiver.most_at_once == 1
    created = [
        json.loads(r["body"])["name"]
        for r in receiver.received
        if r["headers"]["X-Shopify-Topic"] == "orders/create"
    ]
    assert created == sorted(created, key=lambda name: int(name.lstrip("#")))
