"""The app's PostgreSQL connections: what each new one is set to (custom plans, lz4 compression), how a
pooled or idle one is checked on checkout without a round trip, and how a failed statement is told apart
(a dead connection, a transaction the server chose to roll back)."""

from __future__ import annotations

import logging
import select
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
    serialization failure): the same work run again in a new transaction can succeed."""
    return isinstance(error, exc.DBAPIError) and getattr(error.orig, "sqlstate", None) in TRANSIENT_SQLSTATES
