"""The minutely poll (jobs/schedules.py, `poll_backfills`) asks again about a history import whose bulk
operation's finish webhook may be lost, and resumes one whose worker died; it never queues an import
again beside the job still ingesting it (bench/fairness.py found that: every minute it queued the
importing run again, and a second worker spent 32 s on a copy of the import while another shop's
orders waited)."""

from __future__ import annotations

from datetime import timedelta

import factories
import pytest
from sqlalchemy import select, update
from support import Merchant, install

from shopify_roi.db import utcnow
from shopify_roi.jobs import schedules
from shopify_roi.models import BackfillRun, Shop
from shopify_roi.models.backfill import DONE, INGESTING, RUNNING
from shopify_roi.services.orders import backfill, import_rollup


def _run(session, shop: Shop, status: str, started_ago: timedelta, progress_ago: timedelta | None) -> int:
    now = utcnow()
    run = BackfillRun(
        shop_id=shop.id,
        search="",
        status=status,
        started_at=now - started_ago,
        progress_at=None if progress_ago is None else now - progress_ago,
        bulk_operation_id=f"gid://shopify/BulkOperation/{factories._next()}",
    )
    session.add(run)
    session.flush()
    return run.id


def test_the_poll_resumes_a_stalled_import_and_leaves_a_moving_one_to_its_job(runtime):
    hour, minute, second = timedelta(hours=1), timedelta(minutes=1), timedelta(seconds=1)
    with runtime.db.session() as session:
        shop = factories.shop(session)
        domain = shop.domain
        runs = {
            "ingesting, a batch 5 s ago": _run(session, shop, INGESTING, hour, 5 * second),
            "ingesting, no batch for 11 min": _run(session, shop, INGESTING, hour, 11 * minute),
            "ingesting since before the upgrade (no mark)": _run(session, shop, INGESTING, hour, None),
            "waiting on Shopify for 2 min": _run(session, shop, RUNNING, 2 * minute, None),
            "waiting on Shopify for 5 s": _run(session, shop, RUNNING, 5 * second, None),
            "done": _run(session, shop, DONE, hour, hour),
        }
    expected = {
        runs["ingesting, no batch for 11 min"],  # its worker died: resumed
        runs["ingesting since before the upgrade (no mark)"],  # judged by its start, as before
        runs["waiting on Shopify for 2 min"],  # its finish webhook may be lost: asked again
    }
    with runtime.db.session() as session:
        mine = {run_id for shop_id, run_id in backfill.unfinished(session) if shop_id == shop.id}
    assert mine == expected

    runtime.jobs.queue.empty()
    schedules.poll_backfills(runtime)
    queued = [job.args for job in runtime.jobs.queue.get_jobs() if job.args and job.args[0] == domain]
    assert sorted(run_id for _, run_id in queued) == sorted(expected)
    runtime.jobs.queue.empty()


def test_an_import_that_commits_batches_is_never_queued_again_beside_its_job(
    app_server, runtime, stand_in, shop_domain, monkeypatch
):
    """The merchant's reconciliation ingests 7 orders in batches of 2; between batches the run is made to
    look an hour old (its start), and the poll's list never names it while its batches keep coming."""
    install(app_server.url, shop_domain)
    merchant = Merchant(app_server.url, stand_in, shop_domain)
    for n in range(7):
        stand_in.control.create_order(
            shop_domain, line_items=[{"title": "t", "price": f"{n + 1}.00", "quantity": 1}]
        )
    monkeypatch.setattr(backfill, "BATCH", 2)
    seen: list[set[int]] = []
    real_for_job = import_rollup.for_job

    def for_job(rt, shop_id):
        own = real_for_job(rt, shop_id)

        def between():
            with rt.db.session() as session:
                session.execute(
                    update(BackfillRun)
                    .where(BackfillRun.shop_id == shop_id, BackfillRun.status == INGESTING)
                    .values(started_at=utcnow() - timedelta(hours=1))
                )
            with rt.db.session() as session:
                seen.append({run_id for sid, run_id in backfill.unfinished(session) if sid == shop_id})
            return own() if own else None  # the embedded mode has no own refresh

        return between

    monkeypatch.setattr(import_rollup, "for_job", for_job)
    runtime.jobs.drain()  # the install's own import
    assert merchant.post("/api/backfill", {}).status_code == 202
    for _ in range(20):
        runtime.jobs.drain()
        if merchant.get("/api/freshness").json()["backfills"][0]["status"] in ("done", "failed"):
            break
    with runtime.db.session() as session:
        shop_id = session.scalar(select(Shop.id).where(Shop.domain == shop_domain))
        latest = session.scalar(
            select(BackfillRun).where(BackfillRun.shop_id == shop_id).order_by(BackfillRun.id.desc()).limit(1)
        )
        assert (latest.status, latest.orders_seen) == (DONE, 7)
        assert latest.progress_at is not None and latest.progress_at >= latest.started_at
    assert len(seen) >= 3  # 7 orders in batches of 2: three full batches before the last
    assert all(s == set() for s in seen)


@pytest.fixture(autouse=True)
def _no_leftover_jobs(runtime):
    yield
    runtime.jobs.queue.empty()
