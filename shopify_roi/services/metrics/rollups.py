"""The daily rollup's upkeep (models/rollup.py): marking days dirty, bringing a shop's rollup up to date,
rebuilding it in a new time zone.

Writers call `mark` with the local days they touched (orders applied or refunded, first orders whose
cohort facts changed, reattributed orders, clicks) in the same transaction as their writes. `refresh`
makes a shop's rollup current: a shop whose rollup was built in another time zone (or never) is rebuilt,
then every dirty day is recomputed from `orders` and `clicks` (rollup_days.py) and the calendar months of
those days are summed again (rollup_months.py); for a shop that sends its creators to Shopify's
Marketing reports the recomputed days are noted for its next send (marketing_due.py). The worker
refreshes every shop with work every 30 seconds (jobs/schedules.py). PostgreSQL rebuilds a shop in one
pass (`AT TIME ZONE`; the Marketing reports' daily full send covers its days); SQLite marks every day and
recomputes them one by one.

Reads refresh first, on purpose (issue #15, point 7): the API's metric reads (reads.py, each named
`refresh_then_…`) call `refresh` and then read, so such a GET may write: the days dirtied since the
worker's last pass, or the whole rollup after a new time zone. Chosen over reads that would compute dirty
days on the fly without writing, because
- every figure then comes from one computation of a day (rollup_days.py) read back from its rows, so the
  table equals what the stored orders say by construction; an on-the-fly read would be a second way to sum
  a day, and would have to cover a shop being rebuilt (every day dirty) and the code-leak check's
  all-time read of the creators' last activity;
- a day recomputed is left marked when a writer marked it again meanwhile (below), so whatever a read
  computed while orders kept coming is computed again by the next read or the worker's pass;
- it costs a read nothing measurable: the worker leaves it little or nothing to recompute
  (bench/roi_queries.py, bench/README.md).

Concurrency: a recomputation reads the day's mark version without locking it, recomputes the day, and
deletes the mark only if its version is still the one it read (a writer's uncommitted mark makes that
DELETE wait for the writer, and then it finds the new version and leaves the mark). A writer marking the
day meanwhile never waits for the recomputation, only, once the mark is deleted, for the recomputing
transaction to commit; its orders are then counted by the next refresh, as its new mark says. Recomputers
of one day take turns (`_sole_recomputer`). Until 2026-12-07 the recomputation held the mark `FOR UPDATE`
from its start: every writer of that day waited for the whole recomputation, which costs in proportion to
the day's orders (225 ms for a day of 170,000 orders on an idle machine, more beside an import), so a shop
selling 200 orders a second while its ROI page was read fell further behind with every hour of the day
(bench/README.md, #21 item 4). What the lock also gave, and this design gives up: the day's statements
(sums, clicks, code groups) of one recomputation may straddle a writer's commit, so one read may count a
just-committed order in one figure of today and not yet in another; the day stays marked and the next
refresh makes them agree.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.db_connections import is_database_failure
from shopify_roi.db_rows import dialect_insert
from shopify_roi.models import Click, Order, Shop
from shopify_roi.models.rollup import CodeDay, CodeMonth, DirtyDay, OrderDay, OrderMonth, RollupState
from shopify_roi.services.metrics import marketing_due, read_aside, rollup_days, rollup_months
from shopify_roi.services.orders import order_times

log = logging.getLogger(__name__)
MARK_BATCH = 500  # days marked per statement in a rebuild


def local_days(tz: ZoneInfo, instants: Iterable[datetime]) -> set[date]:
    """The local days of these instants; an instant outside the times an order may carry (order_times.py:
    an order stored before they were checked) is on no day the rollup counts."""
    now = utcnow()
    return {
        moment.astimezone(tz).date()
        for moment in instants
        if moment is not None and order_times.allowed(moment, now)
    }


def mark(session: Session, shop_id: int, days: Iterable[date]) -> None:
    """Mark these local days dirty (in order: two writers never wait on each other in a cycle)."""
    days = sorted(set(days))
    if not days:
        return
    stmt = dialect_insert(session)(DirtyDay).values(
        [{"shop_id": shop_id, "day": d, "version": 1} for d in days]
    )
    session.execute(
        stmt.on_conflict_do_update(index_elements=["shop_id", "day"], set_={"version": DirtyDay.version + 1})
    )


def mark_instants(
    session: Session, shop_id: int, instants: Iterable[datetime], tz: ZoneInfo | None = None
) -> None:
    """Mark the local days of these instants; without the shop's zone, the UTC date and both its
    neighbours (every zone's local date is one of them)."""
    if tz is not None:
        mark(session, shop_id, local_days(tz, instants))
        return
    days = set()
    for utc_day in local_days(ZoneInfo("UTC"), instants):
        days |= {utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1)}
    mark(session, shop_id, days)


def refresh(session: Session, shop: Shop) -> list[str]:
    """Make the shop's rollup current (writes): rebuilt for a new time zone, every dirty day recomputed,
    their months summed again. Nothing stored stops it: a day outside the days orders may fall on (one
    marked before order_times.py checked orders) is forgotten, and a day whose recomputation raises stays
    marked and is named in the warnings returned (the reads show them), the other days brought current."""
    tz_name = shop.iana_timezone or "UTC"
    state = session.get(RollupState, shop.id, populate_existing=True)
    if state is None or state.tz != tz_name:
        read_aside.wrote_rollup(session)
        _rebuild(session, shop, tz_name)
    tz = ZoneInfo(tz_name)
    days = list(
        session.scalars(select(DirtyDay.day).where(DirtyDay.shop_id == shop.id).order_by(DirtyDay.day))
    )
    if not days:
        return []
    read_aside.wrote_rollup(session)
    try:
        with session.begin_nested():  # all at once; day by day only when one of them raises
            _recompute(session, shop.id, tz, days)
        return []
    except Exception as exc:  # noqa: BLE001 - judged: the database's failure is raised again
        if is_database_failure(exc):
            raise
    warnings = []
    for day in days:
        try:
            with session.begin_nested():
                _recompute(session, shop.id, tz, [day])
        except Exception as exc:  # noqa: BLE001 - judged: the database's failure is raised again
            if is_database_failure(exc):
                raise
            log.warning("rollup day %s of shop %s not recomputed: %r", day, shop.id, exc)
            reason = f"{type(exc).__name__}: {str(exc)[:200]}"
            warnings.append(f"The figures of {day.isoformat()} could not be brought up to date ({reason}).")
    return warnings


def _recompute(session: Session, shop_id: int, tz: ZoneInfo, days: list[date]) -> None:
    """Recompute these dirty days (each locked, then unmarked if no writer marked it again meanwhile) and
    sum their months again; a day no order may fall on is forgotten instead."""
    first, last = order_times.local_days_span()
    months = set()
    recomputed = []
    _sole_recomputer(session, shop_id, days)
    # Read without a lock, once the days are held: a writer marking a day while it is recomputed never
    # waits for it. A day another process recomputed meanwhile has no mark left.
    marks = session.execute(select(DirtyDay.day, DirtyDay.version).where(DirtyDay.shop_id == shop_id))
    versions = {day: version for day, version in marks}
    for day in days:
        version = versions.get(day)
        if version is None:
            continue
        if first <= day <= last:
            rollup_days.recompute(session, shop_id, tz, day)
            months.add(day.replace(day=1))
            recomputed.append(day)
        else:
            rollup_days.forget(session, shop_id, day)
        session.execute(
            delete(DirtyDay).where(
                DirtyDay.shop_id == shop_id, DirtyDay.day == day, DirtyDay.version == version
            )
        )
    rollup_months.refresh_months(session, shop_id, months)
    marketing_due.note(session, shop_id, recomputed)  # the Marketing engagements of these days may move


def _sole_recomputer(session: Session, shop_id: int, days: list[date]) -> None:
    """On PostgreSQL, wait until no other transaction is recomputing any of these days, and hold them to the
    end of this one (a transaction-level advisory lock on each pair (shop, day), taken in day order in one
    statement, so two recomputers of overlapping days never wait for each other in a circle; writers never
    take it). Two recomputers of one day would delete and insert the same rollup rows. SQLite runs one
    writing transaction at a time."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                "SELECT pg_advisory_xact_lock(:shop, d) FROM unnest(CAST(:days AS int[])) WITH ORDINALITY"
                " AS t(d, n) ORDER BY n"
            ),
            {"shop": shop_id, "days": sorted(day.toordinal() for day in days)},
        ).all()


def shops_to_refresh(session: Session) -> list[int]:
    """The shops with dirty days, and the installed ones without a rollup in their time zone (just
    migrated, just installed, moved)."""
    stale = (
        select(Shop.id)
        .outerjoin(RollupState, RollupState.shop_id == Shop.id)
        .where(
            Shop.uninstalled_at.is_(None),
            (RollupState.tz.is_(None)) | (RollupState.tz != func.coalesce(Shop.iana_timezone, "UTC")),
        )
    )
    return sorted(set(session.scalars(select(DirtyDay.shop_id).distinct())) | set(session.scalars(stale)))


def refresh_shop(session: Session, shop_id: int) -> list[str]:
    """`refresh` for the shop with this id (gone since: nothing); its warnings."""
    shop = session.get(Shop, shop_id)
    return refresh(session, shop) if shop is not None else []


def _rebuild(session: Session, shop: Shop, tz_name: str) -> None:
    """Forget the shop's rollup and build it again in the shop's (new) time zone."""
    session.execute(select(Shop.id).where(Shop.id == shop.id).with_for_update())  # one rebuilder at a time
    state = session.get(RollupState, shop.id, populate_existing=True)
    if state is not None and state.tz == tz_name:
        return
    for table in (OrderDay, CodeDay, OrderMonth, CodeMonth):
        session.execute(delete(table).where(table.shop_id == shop.id))
    # An upsert: on SQLite two first reads may both get here (FOR UPDATE is PostgreSQL's); rebuilding
    # twice is harmless.
    session.execute(
        dialect_insert(session)(RollupState)
        .values(shop_id=shop.id, tz=tz_name)
        .on_conflict_do_update(index_elements=["shop_id"], set_={"tz": tz_name})
    )
    if session.bind.dialect.name == "postgresql":
        # Set-based: a year of a large shop in seconds, not day by day.
        rollup_days.fill_all_days(session, shop.id, tz_name)
        first, last = session.execute(
            select(func.min(OrderDay.day), func.max(OrderDay.day)).where(OrderDay.shop_id == shop.id)
        ).one()
        if first is not None:
            rollup_months.refresh_months(session, shop.id, rollup_months.months_between(first, last))
    else:
        _mark_every_day(session, shop.id, ZoneInfo(tz_name))  # recomputed (and their months) by refresh, next


def _mark_every_day(session: Session, shop_id: int, tz: ZoneInfo) -> None:
    """Mark every local day from the shop's first order or click to its last (recomputed one by one),
    among those at times an order may carry (order_times.py: one stored year 1 or 9999 would otherwise
    make millions of days)."""
    lo, hi = order_times.EARLIEST, order_times.latest()
    span = [
        session.execute(
            select(func.min(Order.created_at), func.max(Order.created_at)).where(
                Order.shop_id == shop_id, Order.created_at >= lo, Order.created_at <= hi
            )
        ).one(),
        session.execute(
            select(func.min(Click.clicked_at), func.max(Click.clicked_at)).where(
                Click.shop_id == shop_id, Click.clicked_at >= lo, Click.clicked_at <= hi
            )
        ).one(),
    ]
    moments = [m for pair in span for m in pair if m is not None]
    if moments:
        first, last = min(local_days(tz, moments)), max(local_days(tz, moments))
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        for start in range(0, len(days), MARK_BATCH):
            mark(session, shop_id, days[start : start + MARK_BATCH])
