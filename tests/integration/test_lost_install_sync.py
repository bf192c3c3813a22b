"""An install's follow-up work (`sync_shop`: the shop's name, currency, time zone and scopes, then the
history import) is a queued job; a Redis restart between the OAuth callback and the worker loses it
(found by the fault storm of #16: a shop reinstalled during the storm had no install backfill). The
worker's periodic work queues it again for an install with no backfill run since it, once the install
is a few minutes old, for a day (the nightly reconciliation covers the shop after that)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from support import install

from shopify_roi.db import utcnow
from shopify_roi.jobs import schedules
from shopify_roi.models import BackfillRun, Shop


def _shop(runtime, domain: str) -> Shop:
    with runtime.db.session() as session:
        return session.scalar(select(Shop).where(Shop.domain == domain))


def _runs(runtime, shop_id: int) -> int:
    with runtime.db.session() as session:
        return session.scalar(
            select(func.count()).select_from(BackfillRun).where(BackfillRun.shop_id == shop_id)
        )


def _installed_ago(runtime, shop_id: int, ago: timedelta) -> None:
    with runtime.db.session() as session:
        session.execute(update(Shop).where(Shop.id == shop_id).values(installed_at=utcnow() - ago))


def test_an_install_whose_sync_job_was_lost_is_synced_and_imported_by_the_periodic_work(
    app_server, runtime, stand_in, shop_domain
):
    runtime.jobs.queue.empty()
    assert install(app_server.url, shop_domain).status_code == 302
    runtime.jobs.queue.empty()  # Redis restarted: sync_shop is gone
    shop = _shop(runtime, shop_domain)
    assert shop.currency is None and _runs(runtime, shop.id) == 0

    assert schedules.finish_installs(runtime) == 0  # a minute-old install: its job may still be queued
    _installed_ago(runtime, shop.id, timedelta(minutes=3))
    assert schedules.finish_installs(runtime) == 1
    runtime.jobs.drain()
    shop = _shop(runtime, shop_domain)
    assert (shop.name, shop.currency, shop.iana_timezone) == (
        "Test Shop",
        "EUR",
        "Europe/Berlin",
    )  # the stand-in's shop
    assert _runs(runtime, shop.id) == 1  # the install's history import
    assert schedules.finish_installs(runtime) == 0  # done: not queued again


def test_an_install_older_than_a_day_is_left_to_the_nightly_reconciliation(
    app_server, runtime, stand_in, shop_domain
):
    runtime.jobs.queue.empty()
    assert install(app_server.url, shop_domain).status_code == 302
    runtime.jobs.queue.empty()
    _installed_ago(runtime, _shop(runtime, shop_domain).id, timedelta(days=2))
    assert schedules.finish_installs(runtime) == 0
