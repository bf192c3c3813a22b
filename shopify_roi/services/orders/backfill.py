"""History backfill and reconciliation through bulk operations.

A run starts a bulk query of orders (by `updated_at` for reconciliation, by `created_at` for
history), and when Shopify reports it finished (`bulk_operations/finish`, or polling) the JSONL is
streamed, its orders put back together (shopify_client.bulk_jsonl: the line items are not next to
their order since `groupObjects` defaults to false), and upserted in batches through the same rules
as webhooks. The lines of refunds the app does not hold are read per batch through the Admin API
(backfill_refunds: a bulk query cannot carry them). Whatever the run inserts or replaces with a
newer version is what webhooks missed: it is counted as repaired.

Without `read_all_orders` Shopify shows only the last 60 days of orders; the run says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from shopify_roi.db import Database, utcnow
from shopify_roi.models import BackfillRun, Shop
from shopify_roi.models.backfill import DONE, FAILED, INGESTING, RUNNING
from shopify_roi.services.orders import backfill_refunds, read_facts, store
from shopify_roi.services.orders.parse_bulk import parse_graphql_order
from shopify_roi.services.webhooks.inbox import PayloadError
from shopify_roi.shopify_client import bulk
from shopify_roi.shopify_client.admin import AccessDenied, AdminClient
from shopify_roi.timefmt import iso

BATCH = 500
# An ingest with no batch committed this long is taken for dead (its worker killed, its job timed out) and
# queued again. Its batches commit every few seconds (refund lines read at Shopify's restore rate
# included); spilling a 1M-order file before the first batch takes a minute or two.
STALLED_AFTER_SECONDS = 600
VISIBLE_DAYS_WITHOUT_READ_ALL_ORDERS = 60


def _search_time(moment: datetime) -> str:
    """A moment as Shopify's search syntax takes it (UTC, seconds, `Z`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plan(
    shop: Shop, start: date | None = None, end: date | None = None, updated_since: datetime | None = None
) -> tuple[str, str]:
    """(orders search, note for the merchant) of a run."""
    parts, note = [], ""
    if updated_since is not None:
        parts.append(f"updated_at:>='{_search_time(updated_since)}'")
    if start is not None:
        parts.append(f"created_at:>='{_search_time(datetime.combine(start, time(0), UTC))}'")
    if end is not None:
        parts.append(f"created_at:<='{_search_time(datetime.combine(end, time(23, 59, 59), UTC))}'")
    if "read_all_orders" not in shop.scope_set:
        earliest = (utcnow() - timedelta(days=VISIBLE_DAYS_WITHOUT_READ_ALL_ORDERS)).date()
        if start is None or start < earliest:
            note = (
                f"Shopify shows this app only the last {VISIBLE_DAYS_WITHOUT_READ_ALL_ORDERS} days of orders "
                f"(since {earliest.isoformat()}) without the read_all_orders permission; "
                "older history is not included."
            )
    return " AND ".join(parts), note


def start(db: Database, client: AdminClient, shop_id: int, kind: str, **window) -> int:
    """Start a bulk query and record the run; returns the run id."""
    with db.session() as session:
        shop = session.get(Shop, shop_id)
        search, note = plan(shop, **window)
    try:
        operation_id = bulk.start(client, bulk.orders_query(search))
    except AccessDenied as exc:
        # A missing scope or protected customer data approval: no retry can help, so the run is recorded
        # failed with Shopify's words (shown by /api/freshness) instead of a job failing in a loop.
        with db.session() as session:
            run = BackfillRun(
                shop_id=shop_id,
                kind=kind,
                search=search,
                range_note=note,
                status=FAILED,
                error=_refused(exc),
                finished_at=utcnow(),
            )
            session.add(run)
            session.flush()
            return run.id
    with db.session() as session:
        run = BackfillRun(
            shop_id=shop_id, kind=kind, search=search, range_note=note, bulk_operation_id=operation_id
        )
        session.add(run)
        session.flush()
        return run.id


def _refused(exc: AccessDenied) -> str:
    if exc.protected_customer_data:
        return (
            "Shopify refused to show this app the shop's orders: the app is not approved for protected "
            f"customer data (level 1, Partner Dashboard > API access requests). Shopify said: {exc}"
        )
    return f"Shopify refused to show this app the shop's orders: {exc}"


def run_id_for_operation(session: Session, shop_id: int, operation_id: str) -> int | None:
    """The shop's run waiting for this bulk operation, or None (an operation the app did not start)."""
    return session.scalar(
        select(BackfillRun.id).where(
            BackfillRun.shop_id == shop_id, BackfillRun.bulk_operation_id == operation_id
        )
    )


def ingest(
    db: Database,
    client: AdminClient,
    shop_id: int,
    run_id: int,
    progress: Callable[[int, int], None] | None = None,
    between_batches: Callable[[], object] | None = None,
) -> dict:
    """If the bulk operation finished, stream its result into facts, BATCH orders a transaction (a batch
    job commits per batch). Idempotent; returns the run's figures. `between_batches()` runs after
    each full batch: the import job's own rollup work (import_rollup.py)."""
    with db.session() as session:
        run = session.get(BackfillRun, run_id)
        if run.status in (DONE, FAILED):
            return _figures(run)
        operation_id = run.bulk_operation_id
    state = bulk.status(client, operation_id)  # a Shopify call: no transaction open
    if state.status != "COMPLETED":
        return _not_completed(db, run_id, state)
    with db.session() as session:
        run = session.get(BackfillRun, run_id)
        run.status, run.object_count, run.progress_at = INGESTING, state.object_count, utcnow()
    tally, nodes = _Tally(), []
    if state.url:  # an operation that matched nothing has no file
        for node in bulk.assemble_orders(bulk.stream_raw_lines(state.url)):
            nodes.append(node)
            tally.seen += 1
            if len(nodes) >= BATCH:
                _ingest_batch(db, client, shop_id, run_id, nodes, tally)
                nodes = []
                if progress:
                    progress(tally.seen, state.object_count)
                if between_batches:
                    between_batches()
    _ingest_batch(db, client, shop_id, run_id, nodes, tally)
    if progress:
        progress(tally.seen, state.object_count)
    with db.session() as session:
        run = session.get(BackfillRun, run_id)
        run.status, run.finished_at = DONE, utcnow()
        return _figures(run)


def _not_completed(db: Database, run_id: int, state: bulk.BulkStatus) -> dict:
    """A run's figures while its bulk operation runs, or once Shopify ended it without a result."""
    if state.status not in ("FAILED", "CANCELED", "EXPIRED"):
        return {"status": RUNNING}
    with db.session() as session:
        run = session.get(BackfillRun, run_id)
        run.status, run.error, run.finished_at = (
            FAILED,
            f"Shopify ended the bulk operation: {state.status} {state.error_code or ''}".strip(),
            utcnow(),
        )
        return _figures(run)


@dataclass
class _Tally:
    """A run's counts so far: orders read, orders and refunds the run stored (what webhooks missed)."""

    seen: int = 0
    repaired: int = 0
    refunds_repaired: int = 0
    refused: list[str] = field(default_factory=list)  # the orders the parser refused, with their reasons


def _ingest_batch(
    db: Database, client: AdminClient, shop_id: int, run_id: int, nodes: list[dict], tally: _Tally
) -> None:
    """Write a batch of bulk orders through the one write path (store.apply_batch) and count what it
    repaired; the refund lines it lacks are read from Shopify first, outside any transaction."""
    refund_lines = backfill_refunds.lines_of(db, client, shop_id, nodes)
    batch = []
    for node in nodes:  # an order the parser refuses is skipped with its reason, never the whole run
        try:
            batch.append(parse_graphql_order(node, refund_lines))
        except PayloadError as exc:
            tally.refused.append(f"{str(node.get('id'))[:64]}: {exc}")
    with db.session() as session:
        written = store.apply_batch(session, shop_id, batch, source="backfill")
        read_facts.refresh_for(session, shop_id, batch)
        tally.repaired += written.orders_repaired
        tally.refunds_repaired += len(written.carried_refunds)
        run = session.get(BackfillRun, run_id)
        run.orders_seen, run.orders_repaired, run.refunds_repaired, run.progress_at = (
            tally.seen,
            tally.repaired,
            tally.refunds_repaired,
            utcnow(),
        )
        if tally.refused:
            run.error = f"{len(tally.refused)} orders refused and skipped: " + "; ".join(tally.refused[:3])


def _figures(run: BackfillRun) -> dict:
    return {
        "id": run.id,
        "kind": run.kind,
        "status": run.status,
        "orders_seen": run.orders_seen,
        "orders_repaired": run.orders_repaired,
        "refunds_repaired": run.refunds_repaired,
        "note": run.range_note,
        "error": run.error,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
    }


def latest(session: Session, shop_id: int, limit: int = 5) -> list[dict]:
    rows = session.scalars(
        select(BackfillRun).where(BackfillRun.shop_id == shop_id).order_by(BackfillRun.id.desc()).limit(limit)
    )
    return [_figures(r) for r in rows]


def unfinished(
    session: Session, older_than_seconds: float = 30, stalled_after_seconds: float = STALLED_AFTER_SECONDS
) -> list[tuple[int, int]]:
    """(shop id, run id) of runs to ask about again: waiting on Shopify's bulk operation for over
    `older_than_seconds` (its finish webhook may be lost), or ingesting with no progress for
    `stalled_after_seconds` (a dead worker). An ingest that moves is left to its job: queued again beside
    it, a second job would read the whole file again (with a free bulk slot) or wait for one in a chain of
    retries that grows every poll (without)."""
    now = utcnow()
    stalled = select(BackfillRun.shop_id, BackfillRun.id).where(
        or_(
            (BackfillRun.status == RUNNING)
            & (BackfillRun.started_at < now - timedelta(seconds=older_than_seconds)),
            (BackfillRun.status == INGESTING)
            & (
                func.coalesce(BackfillRun.progress_at, BackfillRun.started_at)
                < now - timedelta(seconds=stalled_after_seconds)
            ),
        )
    )
    return [(shop_id, run_id) for shop_id, run_id in session.execute(stalled)]


# Shopify's BulkOperationStatus values, lower-cased as `bulk_operations/finish` sends them.
BULK_STATUSES = frozenset({"canceled", "canceling", "completed", "created", "expired", "failed", "running"})


def on_bulk_finish(session: Session, delivery, payload: dict) -> str:
    """`bulk_operations/finish` (lower-case status and type; no URL: the job asks for it)."""
    gid = payload.get("admin_graphql_api_id")
    if not isinstance(gid, str) or not re.fullmatch(r"gid://shopify/BulkOperation/[0-9]{1,20}", gid):
        raise PayloadError("`admin_graphql_api_id` is not a BulkOperation GID")
    status = payload.get("status")
    # The result is stored as text (PostgreSQL's refuses a NUL): only a status Shopify sends is echoed in
    # it. The job asks Shopify for the operation itself, whatever the body says.
    known = isinstance(status, str) and status in BULK_STATUSES
    return f"finished {gid} ({status if known else 'an unknown status'})"


def last_reconciliation(session: Session, shop_id: int) -> BackfillRun | None:
    return session.scalar(
        select(BackfillRun)
        .where(BackfillRun.shop_id == shop_id, BackfillRun.status == DONE)
        .order_by(BackfillRun.id.desc())
        .limit(1)
    )
