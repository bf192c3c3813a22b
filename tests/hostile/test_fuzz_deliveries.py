"""The fuzzing net (issue #16): storms of signed deliveries of every topic the app subscribes to, drawn from
Shopify's webhook JSON Schemas with hostile values mixed in (fuzz_strategies.py), sent to two fuzzed shops
and one that never installed the app, while the stand-in delivers a healthy shop's generated orders
(duplicated and reordered, as Shopify does) at the same time. Then the worker drains, and:

- every delivery was answered 200 (no 5xx), and ends stored (processed) or alone with its reason
  (failed, quarantined, or skipped: the shop is not installed);
- every delivery of the healthy shop is processed, and its ROI figures equal the stand-in's own totals
  to the cent, for the shop and for each creator; it holds exactly the stand-in's orders, each with its
  own customer (nothing of a fuzzed shop leaked in, nothing of it was touched by another shop's ids);
- no job raised (failed, or waiting for a retry); no API read of any shop answers a 5xx.

The short profile runs in the suite (fuzz_support.fuzz_settings); `make fuzz` and bench/fuzz.py run longer.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections import Counter

import pytest
from fuzz_strategies import INDEX, body, pick
from fuzz_support import (
    CREATORS,
    DELIVERIES,
    ENDED,
    ORDERS,
    PATH_OF,
    FuzzWorld,
    Storm,
    figures,
    fuzz_settings,
)
from hypothesis import given
from hypothesis import strategies as st

ORDER_TOPICS = sorted(t for t in PATH_OF if t.startswith(("orders/", "refunds/")))
# Order topics three times as often as each other topic: most of what a shop sends, most of what is read.
TOPICS = ORDER_TOPICS * 3 + sorted(set(PATH_OF) - set(ORDER_TOPICS))
API_READS = (
    "/api/shop",
    "/api/creators",
    "/api/freshness",
    "/api/webhooks",
    "/api/metrics/creators",
    "/api/metrics/creators.csv",
    "/api/metrics/timeseries",
)


@pytest.fixture(scope="module")
def world(hostile):
    return FuzzWorld(hostile)


def _storm(world: FuzzWorld, data, seed: int) -> Storm:
    storm = Storm(generated=world.generate_healthy(seed, ORDERS))
    foreign = world.healthy_order_ids()
    for _ in range(DELIVERIES):
        shop = data.draw(st.sampled_from(world.shops), label="shop")
        topic = data.draw(st.sampled_from(TOPICS), label="topic")
        raw = data.draw(body(topic, world.templates.get(topic), world.own_ids[shop], foreign), label="body")
        resent, which = data.draw(st.integers(0, 9), label="resent"), data.draw(INDEX, label="which")
        webhook_id = pick(which, world.webhook_ids[shop], None) if resent == 9 else None
        webhook_id = webhook_id or str(uuid.uuid4())
        storm.sent.append(world.send(shop, topic, raw, webhook_id))
        _note_order_id(world, shop, topic, raw)
    return storm


def _note_order_id(world: FuzzWorld, shop: str, topic: str, raw: bytes) -> None:
    """Later deliveries to the shop may name the orders it was sent (an update, a refund of them)."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return
    if topic.startswith("orders/") and isinstance(document, dict) and type(document.get("id")) is int:
        world.own_ids[shop].append(document["id"])


def _check_every_delivery_ended_alone(world: FuzzWorld, storm: Storm, tally: Counter) -> None:
    for sent in storm.sent:
        assert sent.status == 200, (sent.shop, sent.topic, sent.status, sent.answer, sent.raw[:300])
    stored = {shop: world.deliveries(shop) for shop in world.shops}
    for sent in storm.sent:
        row = stored[sent.shop].get(sent.webhook_id)
        if row is None:  # only shop/redact erases deliveries (every one of the shop, but its own)
            assert _erased(stored[sent.shop]), (
                "acknowledged, not stored",
                sent.shop,
                sent.topic,
                sent.raw[:300],
            )
            continue
        assert row["status"] in ENDED, (sent.topic, row, sent.raw[:300])
        tally[row["status"]] += 1
        if row["status"] in ("failed", "quarantined"):
            assert row["error"], (sent.topic, row, sent.raw[:300])
        if row["status"] == "skipped":
            assert row["result"], (sent.topic, row, sent.raw[:300])
    for row in world.deliveries(world.stranger).values():  # never installed: no order of it is applied
        assert row["topic"] not in ORDER_TOPICS or row["status"] != "processed", row


def _erased(deliveries: dict[str, dict]) -> bool:
    return any(
        row["topic"] == "shop/redact" and (row["result"] or "").startswith("erased ")
        for row in deliveries.values()
    )


def _check_healthy_shop_adds_up(world: FuzzWorld) -> None:
    healthy = world.deliveries(world.healthy)
    not_processed = [row for row in healthy.values() if row["status"] != "processed"]
    assert not not_processed, ("the healthy shop's deliveries must all be processed", not_processed[:5])
    truth = world.stand_in.control.totals(world.healthy)
    page = world.api(world.healthy, "/api/metrics/creators", **world.metrics_range())
    assert page.status_code == 200, page.text[:300]
    table = page.json()
    assert figures(table["totals"]) == figures(truth["overall"]), (table["totals"], truth["overall"])
    rows = {row["handle"]: row for row in table["creators"]}
    for handle, code, _ in CREATORS:
        expected = truth["by_code"].get(code)
        if expected is None:
            assert rows[handle]["orders"] == 0, rows[handle]
        else:
            assert figures(rows[handle]) == figures(expected), (handle, rows[handle], expected)
    orders = world.stand_in.control.orders(world.healthy)
    expected_customers = {str(o["id"]): str(o["customer_id"]) for o in orders}
    assert world.stored_customers(world.healthy) == expected_customers


def _check_no_5xx_and_no_escaped_job(world: FuzzWorld) -> None:
    assert world.escaped_jobs() == [], world.runtime.jobs.failed_jobs()
    for shop in (world.healthy, *world.fuzzed):
        for path in API_READS:
            resp = world.api(shop, path, **world.metrics_range())
            assert resp.status_code < 500, (shop, path, resp.status_code, resp.text[:300])
    stats = world.stand_in.control.webhook_stats(world.healthy)
    assert stats.get("failed", 0) == 0 and stats.get("retried", 0) == 0, stats


def test_fuzzed_deliveries_fail_alone_and_the_healthy_shop_adds_up_to_the_cent(world):
    seeds, tally = itertools.count(1), Counter()
    world.forget_escaped_jobs()

    @fuzz_settings(max_examples=3)
    @given(data=st.data())
    def storm(data):
        sent = _storm(world, data, next(seeds))
        world.settle()
        _check_every_delivery_ended_alone(world, sent, tally)
        _check_healthy_shop_adds_up(world)
        _check_no_5xx_and_no_escaped_job(world)
        world.reinstall_if_gone()

    storm()
    healthy = Counter(row["status"] for row in world.deliveries(world.healthy).values())
    print(f"\nfuzz: {sum(tally.values())} fuzzed deliveries, {dict(tally)}; healthy shop {dict(healthy)}")


# -- what the net found, each as a minimal reproducer ------------------------------------------------
def _send_json(world: FuzzWorld, shop: str, topic: str, document: dict):
    return world.send(shop, topic, json.dumps(document).encode(), str(uuid.uuid4()))


def test_a_bulk_finish_whose_status_holds_a_nul_ends_alone_and_the_next_one_is_processed(world):
    """Found by the net on PostgreSQL: `bulk_operations/finish` echoed the body's `status` into the
    delivery's result, and PostgreSQL's text refuses a NUL, so the job raised, the delivery stayed
    `received` and was retried for ever (RQ's retries, then the sweeper)."""
    world.forget_escaped_jobs()
    shop, finish = world.fuzzed[1], world.templates["bulk_operations/finish"]
    poisoned = _send_json(world, shop, "bulk_operations/finish", {**finish, "status": "completed\x00"})
    healthy = _send_json(world, shop, "bulk_operations/finish", finish)
    world.settle()
    rows = world.deliveries(shop)
    assert rows[poisoned.webhook_id]["status"] == "processed", rows[poisoned.webhook_id]
    assert "\x00" not in rows[poisoned.webhook_id]["result"]
    assert rows[healthy.webhook_id]["status"] == "processed"
    assert world.escaped_jobs() == []
