"""Periodic work, run by `shopify-roi worker` (and the in-process worker).

- the inbox sweeper: an acknowledged webhook whose queue entry was lost (Redis restarted,
  enqueue failed) is still `received` in the inbox and is re-enqueued; processing is idempotent;
- imports with no progress for two minutes (their worker died) are resumed;
- every few hours, each installed shop's codes are checked against the shop (edits in the
  Shopify admin whose webhook was lost) and pending codes are finished;
- every ten minutes, each shop without read_all_orders has its new customers checked against Shopify's
  lifetime order counts (the drain asks for it too; this catches a lost request);
- every 30 seconds, the days of the daily rollup that new orders, refunds and clicks made dirty are
  recomputed, so the ROI page seldom has any left to recompute when it is opened;
- nightly, each installed shop is reconciled: orders updated since the last reconciliation, or since the
  oldest late order delivery received meanwhile (services/webhooks/late_deliveries.py);
- every ten minutes, expired OAuth states are deleted (services/shops/oauth_states.py);
- every ten minutes, each shop that writes the creator metafields has those of the orders changed since
  the last run written, and refused ones tried again (the drain asks for it too; this catches a lost
  request); daily, every order is compared (a lost customers/redact or campaign edit request);
- hourly, each shop that shows its campaigns on Shopify's analytics charts has its annotations and targets
  compared with its campaigns (a lost campaign-edit request; a creator's first order);
- hourly, each shop that sends its creators to Shopify's Marketing reports has the engagements of the
  days the rollup recomputed since (refunds, late webhooks) sent again where they changed; daily, every
  day of every campaign is compared (spend, commission and campaign edits whose request was lost);
- daily, each shop that sends the app's Flow triggers is checked for code leaks and creators below their
  ROAS target over the last 30 days (services/flow/checks.py), each sent once;
- every five minutes, an install of the last day with no history import since it (its `sync_shop` job
  was lost: Redis restarted between the OAuth callback and the worker) is synced again.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from shopify_roi.db import utcnow
from shopify_roi.jobs.analytics_marks import request_analytics_sync
from shopify_roi.jobs.backfill import ingest_backfill, nightly_since, start_backfill
from shopify_roi.jobs.creators import complete_pending_codes, run_import, sync_discounts
from shopify_roi.jobs.customers import request_customer_check
from shopify_roi.jobs.deliveries import process_delivery
from shopify_roi.jobs.flow import check_flow_triggers
from shopify_roi.jobs.installs import sync_shop
from shopify_roi.jobs.marketing import request_marketing_send
from shopify_roi.jobs.metafields import request_metafield_write
from shopify_roi.jobs.orders import drain_orders
from shopify_roi.runtime import Runtime
from shopify_roi.services.creators import analytics_sync, imports
from shopify_roi.services.metrics import marketing_sync, rollups
from shopify_roi.services.orders import backfill, customer_checks, import_rollup, ingest, metafield_sync
from shopify_roi.services.shops import lookup, oauth_states
from shopify_roi.services.webhooks import inbox, late_deliveries

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(seconds=30)
CODE_CHECK_EVERY = timedelta(hours=6)
RECONCILE_EVERY = timedelta(hours=24)  # nightly by default
POLL_BACKFILLS_EVERY = timedelta(minutes=1)
ROLLUPS_EVERY = timedelta(seconds=30)
CUSTOMERS_EVERY = timedelta(minutes=10)
METAFIELDS_EVERY = timedelta(minutes=10)
ANALYTICS_MARKS_EVERY = timedelta(hours=1)
MARKETING_EVERY = timedelta(hours=1)
OAUTH_STATES_EVERY = timedelta(minutes=10)
INSTALLS_EVERY = timedelta(minutes=5)
INSTALL_SETTLE = timedelta(minutes=2)  # an install's own sync_shop job normally runs within seconds
INSTALL_WITHIN = timedelta(days=1)  # older: the nightly reconciliation covers the shop
# How far back a late delivery can make the nightly reconciliation look: Shopify shows 60 days of orders
# without read_all_orders, and an older replayed body must not make every night a full backfill.
LATE_LOOKBACK_MAX_HOURS = 60 * 24


def sweep_inbox(rt: Runtime, older_than: timedelta = STALE_AFTER) -> int:
    """Re-enqueue deliveries still unprocessed after `older_than`; returns how many."""
    with rt.db.session() as session:
        stale = inbox.stale_received(session, older_than)
    if any(topic in ingest.ORDER_TOPICS for _, topic, _ in stale):
        rt.jobs.enqueue(drain_orders)  # one batched drain takes them all
    for delivery_id, topic, domain in stale:
        if topic not in ingest.ORDER_TOPICS:
            rt.jobs.enqueue(process_delivery, delivery_id, domain, shop=domain)
    if stale:
        log.info("sweeper re-enqueued %d webhook deliveries", len(stale))
    return len(stale)


def _requeue(rt: Runtime, unfinished, job) -> int:
    """Queue `job(shop domain, id)` for each (shop id, id) that `unfinished(session)` lists; how many."""
    with rt.db.session() as session:
        waiting = unfinished(session)
        domains = lookup.domains_by_id(session)
    for shop_id, item_id in waiting:
        rt.jobs.enqueue(job, domains[shop_id], item_id, job_timeout=3600)
    return len(waiting)


def resume_imports(rt: Runtime) -> int:
    """Resume imports with no progress for a while (their worker died)."""
    return _requeue(rt, imports.unfinished, run_import)


def _lookback_hours(rt: Runtime, session, shop_id: int, domain: str) -> float:
    """Hours a shop's nightly reconciliation looks back: since its last reconciliation, and at least to
    the oldest late order delivery received since then (with an hour's margin), at most 60 days."""
    run = backfill.last_reconciliation(session, shop_id)
    since = run.started_at if run else None
    hours = nightly_since(since)
    window = rt.settings.webhook_replay_window_hours
    late = late_deliveries.oldest_order_trigger(session, domain, window, since)
    if late is not None:
        hours = max(hours, min((utcnow() - late).total_seconds() / 3600 + 1, LATE_LOOKBACK_MAX_HOURS))
    return hours


def reconcile_nightly(rt: Runtime) -> int:
    """Queue a reconciliation of every installed shop: orders updated since the last one, or since the
    oldest late order delivery received meanwhile."""
    with rt.db.session() as session:
        shops = lookup.installed_shops(session)
        lookback = {sid: _lookback_hours(rt, session, sid, domain) for sid, domain in shops}
    for shop_id, domain in shops:
        rt.jobs.enqueue(start_backfill, domain, "nightly", None, None, lookback[shop_id])
    return len(shops)


def purge_oauth_states(rt: Runtime) -> int:
    """Delete expired OAuth states (they are also purged whenever /auth writes one); returns how many."""
    with rt.db.session() as session:
        return oauth_states.purge_expired(session)


def finish_installs(rt: Runtime) -> int:
    """Queue `sync_shop` again for recent installs whose follow-up job was lost; returns how many."""
    with rt.db.session() as session:
        domains = lookup.installs_not_synced(session, utcnow(), INSTALL_SETTLE, INSTALL_WITHIN)
    for domain in domains:
        log.warning("install of %s has no history import: its sync job is queued again", domain)
        rt.jobs.enqueue(sync_shop, domain)
    return len(domains)


def poll_backfills(rt: Runtime) -> int:
    """Ingest runs whose finish webhook never came (polling is the fallback)."""
    return _requeue(rt, backfill.unfinished, ingest_backfill)


def check_codes(rt: Runtime) -> int:
    """Queue the discount check and pending-code completion for every installed shop."""
    with rt.db.session() as session:
        domains = [domain for _, domain in lookup.installed_shops(session)]
    for domain in domains:
        rt.jobs.enqueue(complete_pending_codes, domain)
        rt.jobs.enqueue(sync_discounts, domain)
    return len(domains)


def check_customers(rt: Runtime) -> int:
    """Queue the new-customer check of every installed shop without read_all_orders (a request the
    drain made may have been lost)."""
    with rt.db.session() as session:
        installed = {domain for _, domain in lookup.installed_shops(session)}
        domains = customer_checks.shops_to_check(session, installed)
    return sum(request_customer_check(rt, domain, from_start=True) for domain in domains)


def write_metafields(rt: Runtime, full: bool = False) -> int:
    """Queue the creator metafield write of every shop that turned it on (`full`: every order, else the
    orders changed since the last run and the refused ones); how many were queued."""
    with rt.db.session() as session:
        domains = metafield_sync.shops_writing(session)
    return sum(request_metafield_write(rt, domain, full) for domain in domains)


def write_all_metafields(rt: Runtime) -> int:
    return write_metafields(rt, full=True)


def sync_analytics_marks(rt: Runtime) -> int:
    """Queue the annotation and target sync of every shop that turned it on (or holds marks to delete)."""
    with rt.db.session() as session:
        domains = analytics_sync.shops_marking(session)
    return sum(request_analytics_sync(rt, domain) for domain in domains)


def send_marketing(rt: Runtime, full: bool = False) -> int:
    """Queue the Marketing reports' send of every shop that turned it on (`full`: every day, else the days
    changed since); how many were queued."""
    with rt.db.session() as session:
        domains = marketing_sync.shops_reporting(session)
    return sum(request_marketing_send(rt, domain, full) for domain in domains)


def send_all_marketing(rt: Runtime) -> int:
    return send_marketing(rt, full=True)


def refresh_rollups(rt: Runtime) -> int:
    """Bring every shop's daily rollup up to date: dirty days recomputed, a shop without one (just
    migrated, just installed) or with a new time zone rebuilt, so the ROI page seldom has any left to
    do; returns how many shops had work. A transaction per shop."""
    with rt.db.session() as session:
        shop_ids = rollups.shops_to_refresh(session)
    # a shop importing its history refreshes its own rollup in the import's worker (import_rollup.py)
    shop_ids = [s for s in shop_ids if s not in import_rollup.importing(rt, shop_ids)]
    for shop_id in shop_ids:
        with rt.db.session() as session:
            rollups.refresh_shop(session, shop_id)
    return len(shop_ids)


class Ticker:
    """Runs the periodic work every `interval` seconds in a daemon thread."""

    def __init__(self, rt: Runtime, interval: float | None = None):
        self.rt, self.interval = rt, interval if interval is not None else rt.settings.sweep_interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="schedules", daemon=True)

    def start(self) -> Ticker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _claim(self, name: str, every: timedelta) -> bool:
        """With several worker processes, one of them runs each periodic task per period."""
        try:
            return bool(
                self.rt.jobs.redis.set(
                    f"shopify-roi:periodic:{name}", 1, nx=True, ex=max(1, int(every.total_seconds()) - 1)
                )
            )
        except Exception:  # noqa: BLE001 - without Redis, run it: the work is idempotent
            return True

    def _run(self) -> None:
        last = {
            "codes": 0.0,
            "reconcile": time.monotonic(),
            "poll": 0.0,
            "rollups": 0.0,
            "customers": time.monotonic(),
            "metafields": time.monotonic(),
            "metafields_full": time.monotonic(),
            "analytics_marks": time.monotonic(),
            "marketing": time.monotonic(),
            "marketing_full": time.monotonic(),
            "flow_daily": time.monotonic(),
            "oauth_states": 0.0,
            "installs": 0.0,
        }
        due = {
            "codes": CODE_CHECK_EVERY,
            "reconcile": RECONCILE_EVERY,
            "poll": POLL_BACKFILLS_EVERY,
            "rollups": ROLLUPS_EVERY,
            "customers": CUSTOMERS_EVERY,
            "metafields": METAFIELDS_EVERY,
            "metafields_full": RECONCILE_EVERY,
            "analytics_marks": ANALYTICS_MARKS_EVERY,
            "marketing": MARKETING_EVERY,
            "marketing_full": RECONCILE_EVERY,
            "flow_daily": RECONCILE_EVERY,
            "oauth_states": OAUTH_STATES_EVERY,
            "installs": INSTALLS_EVERY,
        }
        work = {
            "codes": check_codes,
            "reconcile": reconcile_nightly,
            "poll": poll_backfills,
            "rollups": refresh_rollups,
            "customers": check_customers,
            "metafields": write_metafields,
            "metafields_full": write_all_metafields,
            "analytics_marks": sync_analytics_marks,
            "marketing": send_marketing,
            "marketing_full": send_all_marketing,
            "flow_daily": check_flow_triggers,
            "oauth_states": purge_oauth_states,
            "installs": finish_installs,
        }
        while not self._stop.wait(self.interval):
            try:
                sweep_inbox(self.rt, timedelta(seconds=self.rt.settings.inbox_stale_after))
                resume_imports(self.rt)
                for name, every in due.items():
                    if time.monotonic() - last[name] >= every.total_seconds():
                        last[name] = time.monotonic()
                        if self._claim(name, every):
                            work[name](self.rt)
            except Exception:  # noqa: BLE001 - keep ticking through a database blip
                log.exception("periodic work failed")
