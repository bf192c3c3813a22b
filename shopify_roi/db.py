"""Engine, session factory and the declarative Base (with a constraint naming convention)."""

from __future__ import annotations

import logging
import os
import select
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import ARRAY, DateTime, MetaData, any_, bindparam, create_engine, event, exc, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)
T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on both PostgreSQL and SQLite (which drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; timestamps are aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(database_url: str) -> Engine:
    """Create the engine; SQLite gets WAL, a busy timeout and foreign keys on."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://") :]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    # No pool_pre_ping: its SELECT 1 is one more round trip on every checkout (a quarter of a webhook's
    # wall time). A pooled connection is checked without a round trip instead (`_check_on_checkout`),
    # connections are renewed after 30 minutes, and the webhook path retries once on a disconnect.
    engine = create_engine(database_url, pool_size=10, max_overflow=10, pool_recycle=RECYCLE_SECONDS)
    _check_on_checkout(engine)
    event.listen(engine, "connect", _prefer_lz4)
    event.listen(engine, "connect", _custom_plans)
    return engine


def _custom_plans(dbapi_conn, _record) -> None:
    """Plan every statement for its own parameters. psycopg prepares a statement on the server after
    five executions, and PostgreSQL may then switch to a generic plan that ignores the values: the
    ROI table's date-range sums went from 150 ms to 900 ms on the sixth request (bench/roi_queries.py)."""
    try:
        dbapi_conn.autocommit = True
        dbapi_conn.execute("SET plan_cache_mode = force_custom_plan")
    except Exception as exc:  # noqa: BLE001 - a planner preference only (PostgreSQL 12+)
        log.debug("plan_cache_mode stays the server's: %s", exc)
    finally:
        dbapi_conn.autocommit = False


def _prefer_lz4(dbapi_conn, _record) -> None:
    """Compress TOASTed values (webhook bodies, ~7 KB of JSON each) with lz4 rather than pglz: a
    quarter less server CPU per stored webhook, and faster to read back. Values already stored stay
    as they are (PostgreSQL reads both). A server without lz4 (built without it, before 14) keeps pglz."""
    try:
        dbapi_conn.autocommit = True
        dbapi_conn.execute("SET default_toast_compression = lz4")
    except Exception as exc:  # noqa: BLE001 - only a preference
        log.debug("default_toast_compression stays the server's: %s", exc)
    finally:
        dbapi_conn.autocommit = False


RECYCLE_SECONDS = 1800
PING_IDLE_SECONDS = (
    5.0  # a connection idle longer than this is pinged on checkout (cheap when traffic is low)
)


def _has_pending_input(dbapi_conn) -> bool:
    """True when the server sent something to an idle connection, or it cannot be told.

    An idle PostgreSQL connection in the pool has nothing to read. When the backend is terminated
    (pg_terminate_backend, a server shutdown or restart) the server sends a FATAL message and closes
    the socket, so the socket turns readable: that is seen here with a poll(0), no round trip.
    """
    try:
        fd = dbapi_conn.fileno()
    except Exception:  # noqa: BLE001 - closed or not a psycopg connection: let the ping decide
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _check_on_checkout(engine: Engine) -> None:
    """Ping a pooled connection on checkout only when it may be dead: the server wrote to it while
    it was idle (see `_has_pending_input`), or it sat idle for more than PING_IDLE_SECONDS. Under
    load neither holds and a checkout costs no round trip. A failed ping invalidates the pool (the
    server restarted: every older connection is dead too) and the checkout reconnects. A connection
    killed between this check and its first statement still fails once: `Database.retrying` covers
    the paths that must not fail (the webhook inbox)."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_conn, record):
        if dbapi_conn is not None:
            record.info["shopify_roi.idle_since"] = (dbapi_conn, time.monotonic())

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, _proxy):
        conn, since = record.info.pop("shopify_roi.idle_since", (None, 0.0))
        if conn is not dbapi_conn:  # a new connection: nothing to check
            return
        if time.monotonic() - since <= PING_IDLE_SECONDS and not _has_pending_input(dbapi_conn):
            return
        try:
            dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as err:
            log.info("a pooled database connection was dead (%s); reconnecting", err.__class__.__name__)
            raise exc.InvalidatePoolError(str(err)) from err


def is_disconnect(error: BaseException) -> bool:
    """A statement failed because its connection was dead (the pool has already been invalidated)."""
    return isinstance(error, exc.DBAPIError) and bool(error.connection_invalidated)


class Database:
    """Holds the engine and the session factory of one app or worker process."""

    def __init__(self, database_url: str):
        self.url = database_url
        self.engine = make_engine(database_url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Idle autocommit connections of the webhook path (see `autocommit`): (connection, created, last used).
        self._idle: list[tuple[Any, float, float]] = []
        # A forked child (gunicorn, RQ's forking worker) must not reuse the parent's connections.
        os.register_at_fork(after_in_child=self._forget_connections)

    def _forget_connections(self) -> None:
        self.engine.dispose(close=False)
        # The parent's sockets: never used here, and kept referenced, since a connection that is
        # garbage-collected says goodbye to the server on the socket the parent still uses.
        self._inherited, self._idle = self._idle, []

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.sessions() as session, session.begin():
            yield session

    IDLE_AUTOCOMMIT_MAX = 8  # idle autocommit connections kept per process (gunicorn: a worker's threads)

    @contextmanager
    def autocommit(self) -> Iterator[Any]:
        """A connection in autocommit: each statement commits on its own, in one round trip (no BEGIN,
        no COMMIT). For the webhook path's one INSERT (services.inbox.receive).

        On PostgreSQL it is a psycopg connection of its own, kept in a small free list beside the
        pool (taking one is a list pop, no pool bookkeeping, no mode switch), checked as pooled ones
        are (`_check_on_checkout`: pinged only when the server wrote to it while idle or it idled
        longer than PING_IDLE_SECONDS) and renewed after RECYCLE_SECONDS. A disconnect raises a
        DBAPIError with `connection_invalidated` (see `retrying`). Elsewhere (SQLite) it is a Core
        Connection in AUTOCOMMIT.
        """
        if self.engine.dialect.name != "postgresql":
            with self.engine.connect() as conn:
                yield conn.execution_options(isolation_level="AUTOCOMMIT")
            return
        dialect = self.engine.dialect
        conn, created = self._take_autocommit()
        try:
            yield conn
        except dialect.loaded_dbapi.Error as err:
            if dialect.is_disconnect(err, conn, None):
                # The server restarted or cut its connections: the idle ones are as dead as this one.
                idle, self._idle = self._idle, []
                for dead in [conn] + [c for c, _, _ in idle]:
                    dead.close()
                raise exc.DBAPIError.instance(
                    None, None, err, dialect.loaded_dbapi.Error, connection_invalidated=True, dialect=dialect
                ) from err
            self._give_back(conn, created)
            raise
        except BaseException:
            conn.close()  # interrupted mid-statement: its state is unknown
            raise
        self._give_back(conn, created)

    def _take_autocommit(self) -> tuple[Any, float]:
        now = time.monotonic()
        while True:
            try:
                conn, created, used = self._idle.pop()  # the most recently used: the warmest
            except IndexError:
                break
            if now - created > RECYCLE_SECONDS or conn.closed or conn.broken:
                conn.close()
                continue
            if now - used > PING_IDLE_SECONDS or _has_pending_input(conn):
                try:
                    self.engine.dialect.do_ping(conn)
                except self.engine.dialect.loaded_dbapi.Error:
                    log.info("an idle autocommit connection was dead; reconnecting")
                    conn.close()
                    continue
            return conn, created
        # A new connection, made by the engine (its connect events run), then kept out of the pool.
        pooled = self.engine.raw_connection()
        conn = pooled.driver_connection
        pooled.detach()
        conn.rollback()  # (a pooled connection is idle, so no round trip: autocommit can only be set when idle)
        conn.autocommit = True
        return conn, now

    def _give_back(self, conn, created: float) -> None:
        if conn.closed or conn.broken or len(self._idle) >= self.IDLE_AUTOCOMMIT_MAX:
            conn.close()
        else:
            self._idle.append((conn, created, time.monotonic()))

    def retrying(self, work: Callable[[], T], attempts: int = 2) -> T:
        """`work()`, run again (up to `attempts` times in all) when it failed on a dead connection.

        Only for idempotent work: a statement whose connection died may or may not have committed.
        """
        for attempt in range(1, attempts + 1):
            try:
                return work()
            except exc.DBAPIError as error:
                if attempt == attempts or not is_disconnect(error):
                    raise
                log.warning(
                    "database connection lost (%s); retrying on a new connection",
                    error.orig.__class__.__name__,
                )
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        idle, self._idle = self._idle, []
        for conn, _, _ in idle:
            conn.close()
        self.engine.dispose()


# Many rows at once -------------------------------------------------------------------------------
# SQLAlchemy sends an executemany of an INSERT to psycopg as multi-row VALUES statements
# ("insertmanyvalues"): a statement of ~1,000 rows x 27 named placeholders, too long for psycopg's
# query cache, so psycopg splits it with a regex afresh for every page: 45 % of a backfill's time
# (py-spy, 2026-12-03). On PostgreSQL these write the rows with COPY instead (no placeholders at all).


def _copy_rows(table, rows: list[dict], dialect, defaults: bool = True) -> tuple[list[str], list[tuple]]:
    """The column names and value tuples to COPY: the rows' keys (every row has the same) plus, for an insert,
    each column with a Python-side default they leave out (what an INSERT would fill in), each value through
    its type's bind processor (Money to integers, aware datetimes to UTC), as an INSERT would send it."""
    names = list(rows[0])
    filled, defaults = defaults, []
    for column in table.columns if filled else ():
        if column.name in names or column.default is None or column.primary_key:
            continue
        if column.default.is_scalar:
            defaults.append((column.name, column.default.arg))
        elif column.default.is_callable:
            defaults.append((column.name, column.default.arg(None)))  # e.g. utcnow: once for the batch
    processors = [table.c[name].type.bind_processor(dialect) for name in names]
    values = []
    for row in rows:
        try:
            values.append(
                tuple(
                    v if p is None else p(v)
                    for p, v in zip(processors, (row[n] for n in names), strict=False)
                )
                + tuple(v for _, v in defaults)
            )
        except (ValueError, TypeError, ArithmeticError) as err:  # e.g. an amount beyond the Money column
            raise exc.DataError(f"COPY {table.name}", None, err) from err
    return names + [n for n, _ in defaults], values


def _stage(session: Session, table, columns: str, extra: str = "") -> str:
    """A temporary table of these columns of `table` (kept by the connection, emptied at every commit)."""
    stage = f"stage_{table.name}_{zlib.crc32((columns + extra).encode()):08x}"  # one per column list
    session.execute(
        text(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "
            f"SELECT {columns}{extra} FROM {table.name} WITH NO DATA"
        )
    )
    return stage


def _copy(session: Session, table_name: str, names: list[str], values: list[tuple]) -> None:
    conn = session.connection()
    dialect = conn.dialect
    sql = f"COPY {table_name} ({', '.join(names)}) FROM STDIN"
    try:
        with conn.connection.driver_connection.cursor() as cur, cur.copy(sql) as copy:
            for row in values:
                copy.write_row(row)
    except dialect.loaded_dbapi.Error as err:  # as SQLAlchemy would raise it (DataError, OperationalError…)
        raw = conn.connection.driver_connection
        disconnect = dialect.is_disconnect(err, conn.connection.dbapi_connection, None)
        # A COPY cut off midway (its connection terminated) can leave psycopg with a command in progress: such a
        # connection must not go back to the pool ("another command is already in progress" ever after).
        from psycopg.pq import TransactionStatus

        unusable = (
            raw.closed
            or raw.broken
            or raw.info.transaction_status
            not in (TransactionStatus.IDLE, TransactionStatus.INTRANS, TransactionStatus.INERROR)
        )
        if disconnect or unusable:
            disconnect = True
            conn.invalidate(err)
        raise exc.DBAPIError.instance(
            sql, None, err, dialect.loaded_dbapi.Error, connection_invalidated=disconnect, dialect=dialect
        ) from err


def insert_rows(session: Session, table, rows: list[dict]) -> None:
    """INSERT these rows (the same keys in each): COPY on PostgreSQL, an executemany elsewhere."""
    if not rows:
        return
    if session.bind.dialect.name != "postgresql":
        session.execute(table.insert(), rows)
        return
    names, values = _copy_rows(table, rows, session.bind.dialect)
    _copy(session, table.name, names, values)


def insert_new_rows(
    session: Session, table, rows: list[dict], unique: list[str], returning: list[str]
) -> list[tuple]:
    """INSERT … ON CONFLICT (unique) DO NOTHING RETURNING these columns, for rows in this order (the order
    their unique keys are locked in: two writers of the same rows wait for each other, never deadlock).
    PostgreSQL: COPY into a temporary staging table (kept by the connection, emptied at commit), then one
    INSERT … SELECT; elsewhere an executemany."""
    if not rows:
        return []
    returned = [table.c[name] for name in returning]
    if session.bind.dialect.name != "postgresql":
        stmt = sqlite.insert(table).on_conflict_do_nothing(index_elements=unique).returning(*returned)
        return [tuple(r) for r in session.execute(stmt, rows)]
    names, values = _copy_rows(table, rows, session.bind.dialect)
    columns = ", ".join(names)
    stage = _stage(session, table, columns, ", 0 AS stage_seq")
    _copy(session, stage, [*names, "stage_seq"], [(*row, seq) for seq, row in enumerate(values)])
    out = session.execute(
        text(
            f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {stage} ORDER BY stage_seq "
            f"ON CONFLICT ({', '.join(unique)}) DO NOTHING RETURNING {', '.join(returning)}"
        )
    ).all()
    session.execute(text(f"TRUNCATE {stage}"))
    return [tuple(r) for r in out]


def update_rows(session: Session, table, rows: list[dict], key: str = "id") -> None:
    """UPDATE each row `key` names with the row's other values (the same keys in every row). PostgreSQL:
    COPY into a staging table and one UPDATE … FROM; elsewhere an executemany. The caller has locked the
    rows (in id order), so the order the UPDATE visits them in does not matter."""
    if not rows:
        return
    names = [n for n in rows[0] if n != key]
    if session.bind.dialect.name != "postgresql":
        # Bound names apart from the column names (SQLAlchemy reserves those for the SET clause).
        stmt = (
            table.update()
            .where(table.c[key] == bindparam("b_key"))
            .values({n: bindparam(f"v_{n}") for n in names})
        )
        session.execute(stmt, [{"b_key": r[key], **{f"v_{n}": r[n] for n in names}} for r in rows])
        return
    columns, values = _copy_rows(table, rows, session.bind.dialect, defaults=False)
    stage = _stage(session, table, ", ".join(columns))
    _copy(session, stage, columns, values)
    session.execute(
        text(
            f"UPDATE {table.name} AS t SET {', '.join(f'{n} = s.{n}' for n in names)} "
            f"FROM {stage} AS s WHERE t.{key} = s.{key}"
        )
    )
    session.execute(text(f"TRUNCATE {stage}"))


def among(session: Session, column, values):
    """`column IN (values)`; on PostgreSQL as one bound array (`= ANY(%s)`): an IN list of 500 placeholders is
    too long for psycopg's query cache, so psycopg would parse that statement again for every execution."""
    values = list(values)
    if session.bind.dialect.name != "postgresql":
        return column.in_(values)
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
