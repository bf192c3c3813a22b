"""A history import steps aside while another shop's webhooks wait for a drain (README "Fair between
shops"): a bulk slot keeps a worker free for the other shops, the give-way keeps them a share of the CPU
and the database (bench/fairness.py measures it)."""

from __future__ import annotations

import os
import time
import uuid
from datetime import date, timedelta
from types import SimpleNamespace

import factories
import pytest
import requests
from sqlalchemy import select
from support import Merchant, install

from shopify_roi.db import Database, utcnow
from shopify_roi.jobs import schedules
from shopify_roi.models import DirtyDay
from shopify_roi.models.delivery import PROCESSED
from shopify_roi.services.orders import backfill, import_yield


def _shop() -> str:
    return f"shop-{uuid.uuid4().hex[:8]}.myshopify.com"


def test_the_import_gives_way_only_to_another_shops_delivery_waiting_over_two_seconds(clean_db):
    db = Database(clean_db)
    importing, selling = _shop(), _shop()
    assert not import_yield.others_waiting(db, importing)  # an empty inbox

    with db.session() as session:  # the importing shop's own live webhook waits: not another shop's
        factories.webhook_delivery(session, importing, received_at=utcnow() - timedelta(seconds=30))
    assert not import_yield.others_waiting(db, importing)

    with db.session() as session:  # the other shop's webhook just arrived: its drain is on its way
        factories.webhook_delivery(session, selling, received_at=utcnow() - timedelta(seconds=0.5))
    assert not import_yield.others_waiting(db, importing)

    with db.session() as session:  # one set aside for a later retry, one already drained: no backlog
        factories.webhook_delivery(
            session,
            selling,
            received_at=utcnow() - timedelta(seconds=60),
            retry_at=utcnow() + timedelta(seconds=30),
        )
        factories.webhook_delivery(
            session, selling, received_at=utcnow() - timedelta(seconds=60), status=PROCESSED
        )
    assert not import_yield.others_waiting(db, importing)

    with db.session() as session:  # the other shop's webhook has waited 3 s: the import steps aside
        factories.webhook_delivery(session, selling, received_at=utcnow() - timedelta(seconds=3))
    assert import_yield.others_waiting(db, importing)
    assert import_yield.others_waiting(db, selling)  # and the other way round, the importing shop's


def test_the_import_sleeps_at_most_four_times_its_last_batch_and_stops_once_nothing_waits():
    slept: list[float] = []
    # a backlog that never clears: 4 x 1.1 s = 4.4 s, in steps of 0.25 s (the last one 0.15 s)
    total = import_yield.give_way(None, "a", 1.1, sleep=slept.append, waiting=lambda: True)
    assert round(total, 6) == 4.4 and len(slept) == 18 and round(slept[-1], 6) == 0.15

    answers = iter([True, True, True, False])  # the backlog clears after three looks
    slept.clear()
    assert import_yield.give_way(None, "a", 10.0, sleep=slept.append, waiting=lambda: next(answers)) == 0.75
    assert slept == [0.25, 0.25, 0.25]

    slept.clear()  # nothing waits: no sleep at all
    assert import_yield.give_way(None, "a", 10.0, sleep=slept.append, waiting=lambda: False) == 0
    assert slept == []


def test_the_embedded_mode_never_gives_way_its_one_worker_thread_would_wait_on_itself():
    embedded = SimpleNamespace(jobs=SimpleNamespace(in_process=True), db=None)
    assert import_yield.for_job(embedded, "a.myshopify.com", 1) is None
    assert import_yield.importing(embedded, [1]) == set()
    import_yield.import_ended(embedded, 1)  # nothing to do, nothing touched (no Redis)
    workers = SimpleNamespace(jobs=SimpleNamespace(in_process=False), db=None)
    assert callable(import_yield.for_job(workers, "a.myshopify.com", 1))


def test_the_import_job_looks_after_every_full_batch_and_imports_every_order(
    app_server, runtime, stand_in, shop_domain, monkeypatch
):
    """Five orders in batches of two: the job offers to give way after the two full batches (with the
    seconds each took), not after the last one, and all five orders are stored."""
    install(app_server.url, shop_domain)
    merchant = Merchant(app_server.url, stand_in, shop_domain)
    for n in range(5):
        requests.post(
            f"{stand_in.url}/_devstore/shops/{shop_domain}/orders",
            timeout=30,
            json={"line_items": [{"title": f"t{n}", "price": "10.00", "quantity": 1}]},
        ).raise_for_status()
    runtime.jobs.drain()
    offered: list[float] = []
    monkeypatch.setattr(backfill, "BATCH", 2)
    monkeypatch.setattr(import_yield, "for_job", lambda rt, domain, shop_id: offered.append)
    assert merchant.post("/api/backfill", {}).status_code == 202
    for _ in range(300):
        runtime.jobs.drain()
        runs = merchant.get("/api/freshness").json()["backfills"]
        if runs and runs[0]["kind"] == "manual" and runs[0]["status"] == "done":
            break
        time.sleep(0.1)
    assert runs[0]["orders_seen"] == 5
    assert len(offered) == 2 and all(seconds > 0 for seconds in offered)


needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="the importing mark is shared through Redis (REDIS_URL)"
)


@needs_redis
def test_the_periodic_rollup_pass_leaves_an_importing_shop_to_its_own_import(runtime):
    """The pass runs in the worker the other shops' drains run in: while a shop imports, its dirty days
    are recomputed by the import job itself (every 30 s between batches), not there; once the import
    ends (done or raised), the pass takes the shop again."""
    day = date.today() - timedelta(days=3)
    with runtime.db.session() as session:
        importing, selling = factories.shop(session), factories.shop(session)
        ids = importing.id, selling.id
        for shop in (importing, selling):
            session.add(DirtyDay(shop_id=shop.id, day=day, version=1))
    between = import_yield.for_job(runtime, "importing.myshopify.com", ids[0])
    assert between is not None
    between(0.0)  # a batch written: the shop is marked as importing (nothing else waits: no sleep)
    assert import_yield.importing(runtime, list(ids)) == {ids[0]}

    schedules.refresh_rollups(runtime)
    assert _dirty(runtime) == {ids[0]}  # the selling shop's day recomputed, the importing shop's left

    import_yield.import_ended(runtime, ids[0])
    assert import_yield.importing(runtime, list(ids)) == set()
    schedules.refresh_rollups(runtime)
    assert _dirty(runtime) == set()  # the next pass takes it


@needs_redis
def test_the_import_refreshes_its_own_rollup_every_30_seconds_between_batches(runtime, monkeypatch):
    with runtime.db.session() as session:
        shop = factories.shop(session)
        session.add(DirtyDay(shop_id=shop.id, day=date.today(), version=1))
        shop_id = shop.id
    clock = [1000.0]
    monkeypatch.setattr(import_yield.time, "monotonic", lambda: clock[0])
    between = import_yield.for_job(runtime, "a.myshopify.com", shop_id)
    clock[0] += 29.0
    between(0.0)  # 29 s in: not yet
    assert _dirty(runtime) == {shop_id}
    clock[0] += 1.0
    between(0.0)  # 30 s in: its own dirty day recomputed, in the import's worker
    assert _dirty(runtime) == set()
    import_yield.import_ended(runtime, shop_id)


def _dirty(runtime) -> set[int]:
    with runtime.db.session() as session:
        return set(session.scalars(select(DirtyDay.shop_id).distinct()))
