"""A history import keeps its own rollup work in its own worker (README "Fair between shops"): while a
shop imports, the periodic rollup pass, which runs in the worker the other shops' drains run in, leaves
it alone, and the import job recomputes its shop's dirty days itself every 30 s (import_rollup.py)."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from types import SimpleNamespace

import factories
import pytest
import requests
from sqlalchemy import select
from support import Merchant, finish_backfills, install

from shopify_roi.jobs import schedules
from shopify_roi.models import DirtyDay
from shopify_roi.services.orders import backfill, import_rollup

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="the importing mark is shared through Redis (REDIS_URL)"
)


def test_the_embedded_mode_keeps_no_mark_its_one_worker_thread_does_everything():
    embedded = SimpleNamespace(jobs=SimpleNamespace(in_process=True), db=None)
    assert import_rollup.for_job(embedded, 1) is None
    assert import_rollup.importing(embedded, [1]) == set()
    import_rollup.import_ended(embedded, 1)  # nothing to do, nothing touched (no Redis)
    workers = SimpleNamespace(jobs=SimpleNamespace(in_process=False), db=None)
    assert callable(import_rollup.for_job(workers, 1))


def test_the_import_job_acts_after_every_full_batch_and_imports_every_order(
    app_server, runtime, stand_in, shop_domain, monkeypatch
):
    """Five orders in batches of two: the job acts after the two full batches, not after the last one,
    and all five orders are stored."""
    install(app_server.url, shop_domain)
    merchant = Merchant(app_server.url, stand_in, shop_domain)
    for n in range(5):
        requests.post(
            f"{stand_in.url}/_devstore/shops/{shop_domain}/orders",
            timeout=30,
            json={"line_items": [{"title": f"t{n}", "price": "10.00", "quantity": 1}]},
        ).raise_for_status()
    # the install's own import first: its batches are not this test's to count
    finish_backfills(runtime, merchant)
    acted: list[int] = []
    monkeypatch.setattr(backfill, "BATCH", 2)
    monkeypatch.setattr(import_rollup, "for_job", lambda rt, shop_id: lambda: acted.append(shop_id))
    assert merchant.post("/api/backfill", {}).status_code == 202
    for _ in range(300):
        runtime.jobs.drain()
        runs = merchant.get("/api/freshness").json()["backfills"]
        if runs and runs[0]["kind"] == "manual" and runs[0]["status"] == "done":
            break
        time.sleep(0.1)
    assert runs[0]["orders_seen"] == 5
    assert len(acted) == 2


@needs_redis
def test_the_periodic_rollup_pass_leaves_an_importing_shop_to_its_own_import(runtime):
    """While a shop imports, its dirty days are not recomputed by the pass; once the import ends (done or
    raised), the pass takes the shop again."""
    day = date.today() - timedelta(days=3)
    with runtime.db.session() as session:
        importing, selling = factories.shop(session), factories.shop(session)
        ids = importing.id, selling.id
        for shop in (importing, selling):
            session.add(DirtyDay(shop_id=shop.id, day=day, version=1))
    between = import_rollup.for_job(runtime, ids[0])
    assert between is not None
    between()  # a batch written: the shop is marked as importing
    assert import_rollup.importing(runtime, list(ids)) == {ids[0]}

    schedules.refresh_rollups(runtime)
    assert _dirty(runtime) == {ids[0]}  # the selling shop's day recomputed, the importing shop's left

    import_rollup.import_ended(runtime, ids[0])
    assert import_rollup.importing(runtime, list(ids)) == set()
    schedules.refresh_rollups(runtime)
    assert _dirty(runtime) == set()  # the next pass takes it


@needs_redis
def test_the_import_refreshes_its_own_rollup_every_30_seconds_between_batches(runtime, monkeypatch):
    with runtime.db.session() as session:
        shop = factories.shop(session)
        session.add(DirtyDay(shop_id=shop.id, day=date.today(), version=1))
        shop_id = shop.id
    clock = [1000.0]
    monkeypatch.setattr(import_rollup.time, "monotonic", lambda: clock[0])
    between = import_rollup.for_job(runtime, shop_id)
    clock[0] += 29.0
    between()  # 29 s in: not yet
    assert _dirty(runtime) == {shop_id}
    clock[0] += 1.0
    between()  # 30 s in: its own dirty day recomputed, in the import's worker
    assert _dirty(runtime) == set()
    import_rollup.import_ended(runtime, shop_id)


def _dirty(runtime) -> set[int]:
    with runtime.db.session() as session:
        return set(session.scalars(select(DirtyDay.shop_id).distinct()))
