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

from collections.abc import Callable, Iterator
from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from shopify_roi.db import Database, utcnow
from shopify_roi.models import BackfillRun, Shop
from shopify_roi.models.backfill import DONE, FAILED, INGESTING, RUNNING
from shopify_roi.services.orders import backfill_refunds, backfill_shares, read_facts, store
from shopify_roi.services.orders.backfill_plan import plan
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
    processes: int = 1,
) -> dict:
    """If the bulk operation finished, stream its result into facts, BATCH orders a transaction (a batch
    job commits per batch). Idempotent; returns the run's figures. `between_batches()` runs after
    each full batch of the job's own process: the import job's own rollup work (import_rollup.py).
    `processes`: how many processes may share a large file (backfill_shares.py)."""
    with db.session() as session:
        run = session.get(BackfillRun, (run_id, shop_id))
        if run.status in (DONE, FAILED):
            return _figures(run)
        operation_id = run.bulk_operation_id
    state = bulk.status(client, operation_id)  # a Shopify call: no transaction open
    if state.status != "COMPLETED":
        return _not_completed(db, shop_id, run_id, state)
    with db.session() as session:
        run = session.get(BackfillRun, (run_id, shop_id))
        run.status, run.object_count, run.progress_at = INGESTING, state.object_count, utcnow()
        run.orders_seen = run.orders_repaired = run.refunds_repaired = 0  # counted again from the start
    refused: list[str] = []  # the orders the parser refused, with their reasons
    if state.url:  # an operation that matched nothing has no file
        each_progress = (lambda seen: progress(seen, state.object_count)) if progress else None
        _ingest_file(
            db, client, shop_id, run_id, state.url, refused, each_progress, between_batches, processes
        )
    with db.session() as session:
        run = session.get(BackfillRun, (run_id, shop_id))
        run.status, run.finished_at = DONE, utcnow()
        if refused:
            run.error = _refused_note(refused)
        return _figures(run)


def _ingest_file(
    db: Database,
    client: AdminClient,
    shop_id: int,
    run_id: int,
    url: str,
    refused: list[str],
    progress: Callable[[int], None] | None,
    between_batches: Callable[[], object] | None,
    processes: int,
) -> None:
    """The bulk result at `url`, spilled to disk and read back by the job's process, or (a large file on
    PostgreSQL) by forked children while it waits, doing what it does between batches (backfill_shares.py)."""
    with bulk.spilled_orders(bulk.stream_raw_lines(url)) as spill:
        children = processes if backfill_shares.worth_sharing(db, processes, spill.roots()) else 0
        slices = backfill_shares.Slices(
            spill.slices(backfill_shares.SLICE_ORDERS) if children else [(0, None)], shared=children > 0
        )

        def child_work() -> list[str]:
            client.forked()
            own: list[str] = []
            for lo, hi in slices:
                _ingest_share(db, client, shop_id, run_id, spill.read(lo, hi, own_connection=True), own)
            return own

        def while_children_work() -> None:
            if between_batches:
                between_batches()
            if progress:
                with db.session() as session:
                    progress(session.get(BackfillRun, (run_id, shop_id)).orders_seen)

        with backfill_shares.in_children(children, child_work, while_children_work) as children_refused:
            if not children:  # one process: the job's own
                for lo, hi in slices:
                    _ingest_share(
                        db, client, shop_id, run_id, spill.read(lo, hi), refused, progress, between_batches
                    )
        refused.extend(children_refused)


def _ingest_share(
    db: Database,
    client: AdminClient,
    shop_id: int,
    run_id: int,
    orders: Iterator[dict],
    refused: list[str],
    progress: Callable[[int], None] | None = None,
    between_batches: Callable[[], object] | None = None,
) -> None:
    """Ingest these bulk orders, BATCH a transaction; after each, `progress(orders seen by the run so
    far)` and, after each full one, `between_batches()`."""
    nodes: list[dict] = []
    for node in orders:
        nodes.append(node)
        if len(nodes) >= BATCH:
            seen = _ingest_batch(db, client, shop_id, run_id, nodes, refused)
            nodes = []
            if progress:
                progress(seen)
            if between_batches:
                between_batches()
    if nodes:
        seen = _ingest_batch(db, client, shop_id, run_id, nodes, refused)
        if progress:
            progress(seen)


def _not_completed(db: Database, shop_id: int, run_id: int, state: bulk.BulkStatus) -> dict:
    """A run's figures while its bulk operation runs, or once Shopify ended it without a result."""
    if state.status not in ("FAILED", "CANCELED", "EXPIRED"):
        return {"status": RUNNING}
    with db.session() as session:
        run = session.get(BackfillRun, (run_id, shop_id))
        run.status, run.error, run.finished_at = (
            FAILED,
            f"Shopify ended the bulk operation: {state.status} {state.error_code or ''}".strip(),
            utcnow(),
        )
        return _figures(run)


def _ingest_batch(
    db: Database, client: AdminClient, shop_id: int, run_id: int, nodes: list[dict], refused: list[str]
) -> int:
    """Write a batch of bulk orders through the one write path (store.apply_batch) and count what it
    repaired; the refund lines it lacks are read from Shopify first, outside any transaction. The run's
    counts are added to in the database (another process may be writing another share of the file);
    returns the run's orders seen so far."""
    refund_lines = backfill_refunds.lines_of(db, client, shop_id, nodes) if nodes else {}
    batch = []
    refused_before = len(refused)
    for node in nodes:  # an order the parser refuses is skipped with its reason, never the whole run
        try:
            batch.append(parse_graphql_order(node, refund_lines))
        except PayloadError as exc:
            refused.append(f"{str(node.get('id'))[:64]}: {exc}")
    with db.session() as session:
        written = store.apply_batch(session, shop_id, batch, source="backfill")
        read_facts.refresh_for(session, shop_id, batch)
        values = dict(
            orders_seen=BackfillRun.orders_seen + len(nodes),
            orders_repaired=BackfillRun.orders_repaired + written.orders_repaired,
            refunds_repaired=BackfillRun.refunds_repaired + len(written.carried_refunds),
            progress_at=utcnow(),
        )
        if len(refused) > refused_before:
            values["error"] = _refused_note(refused)
        return session.execute(
            update(BackfillRun)
            .where(BackfillRun.id == run_id, BackfillRun.shop_id == shop_id)
            .values(**values)
            .returning(BackfillRun.orders_seen)
        ).scalar_one()


def _refused_note(refused: list[str]) -> str:
    return f"{len(refused)} orders refused and skipped: " + "; ".join(refused[:3])


FIGURES = ("id", "kind", "status", "orders_seen", "orders_repaired", "refunds_repaired")


def _figures(run: BackfillRun) -> dict:
    return {name: getattr(run, name) for name in FIGURES} | {
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


def last_reconciliation(session: Session, shop_id: int) -> BackfillRun | None:
    return session.scalar(
        select(BackfillRun)
        .where(BackfillRun.shop_id == shop_id, BackfillRun.status == DONE)
        .order_by(BackfillRun.id.desc())
        .limit(1)
    )
