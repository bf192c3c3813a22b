"""The app's database connections: what each new one is set to (PostgreSQL: custom plans, lz4 compression;
SQLite: WAL, a busy timeout, foreign keys and transactions that begin where SQLAlchemy begins them), how a
pooled or idle one is checked on checkout without a round trip, and how a failed statement is told apart
(a dead connection, a transaction the database chose to roll back, the database failing rather than the
data)."""

from __future__ import annotations

import logging
import select
import sqlite3
import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
# PostgreSQL's codes for a transaction rolled back to let others go on: deadlock detected, serialization
# failure. Running the transaction again is the cure.
TRANSIENT_SQLSTATES = {"40P01", "40001"}


def custom_plans(dbapi_conn, _record) -> None:
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


def prefer_lz4(dbapi_conn, _record) -> None:
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
# A connection idle longer than this is pinged on checkout (cheap when traffic is low).
PING_IDLE_SECONDS = 5.0


def has_pending_input(dbapi_conn) -> bool:
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


def check_on_checkout(engine: Engine) -> None:
    """Ping a pooled connection on checkout only when it may be dead: the server wrote to it while
    it was idle (see `has_pending_input`), or it sat idle for more than PING_IDLE_SECONDS. Under
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
        if time.monotonic() - since <= PING_IDLE_SECONDS and not has_pending_input(dbapi_conn):
            return
        try:
            dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as err:
            log.info("a pooled database connection was dead (%s); reconnecting", err.__class__.__name__)
            raise exc.InvalidatePoolError(str(err)) from err


def is_disconnect(error: BaseException) -> bool:
    """A statement failed because its connection was dead (the pool has already been invalidated)."""
    return isinstance(error, exc.DBAPIError) and bool(error.connection_invalidated)


def is_transient(error: BaseException) -> bool:
    """The database rolled the transaction back to resolve a conflict with another (a deadlock, a
    serialization failure; SQLite: the write lock still held by another writer after the busy timeout):
    the same work run again in a new transaction can succeed."""
    if not isinstance(error, exc.DBAPIError):
        return False
    if getattr(error.orig, "sqlstate", None) in TRANSIENT_SQLSTATES:
        return True
    return isinstance(error.orig, sqlite3.OperationalError) and "database is locked" in str(error.orig)


def is_database_failure(error: BaseException) -> bool:
    """The database failed the statement, not the values in it: a lost connection, a lock, a deadlock, a
    full disk (DBAPI's OperationalError, InterfaceError, InternalError). Such work is run again whole,
    never charged to one delivery or row. A value refused (DataError, IntegrityError) is the data's."""
    return isinstance(error, (exc.OperationalError, exc.InterfaceError, exc.InternalError)) or is_disconnect(
        error
    )


def sqlite_transactions(engine: Engine) -> None:
    """SQLite connections: WAL, foreign keys, a 30 s busy timeout, and transactions begun by SQLAlchemy.

    pysqlite's legacy transaction control emits BEGIN only before INSERT/UPDATE/DELETE, never before a
    SAVEPOINT: a savepoint opened first was then the transaction itself, and releasing it committed, so a
    drain batch that failed after its savepoint left its orders stored while its deliveries stayed
    `received`. SQLAlchemy's SQLite dialect documentation gives the cure ("Transactions with SQLite and
    the sqlite3 driver", once "Serializable isolation / Savepoints / Transactional DDL"): turn pysqlite's
    control off (`isolation_level = None`) when connecting and emit BEGIN in the engine's "begin" event.

    The BEGIN is IMMEDIATE: a transaction takes the write lock when it begins, waiting up to the busy
    timeout for it. A deferred transaction that read first and wrote later failed at once with `database
    is locked` (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits for) whenever another connection had
    committed since its first read: the drain, whose savepoint's reads came first, against the web
    process storing webhooks. One writer at a time is what SQLite allows anyway; a transaction that only
    reads and must not wait for a writer is a read session (Database.read_session: BEGIN DEFERRED)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # pysqlite emits no BEGIN (nor COMMIT before DDL) of its own
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # A read-only session (Database.read_session) begins DEFERRED: in WAL it reads a snapshot and never
        # waits for the writer; it must not write.
        mode = conn.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


SQLITE_BEGIN = "sqlite_begin"  # an execution option: how a SQLite transaction begins (IMMEDIATE, DEFERRED)
