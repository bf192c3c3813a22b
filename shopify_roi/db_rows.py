"""Many rows at once: insert, insert-or-ignore, update, and `column IN (many values)`.

SQLAlchemy sends an executemany of an INSERT to psycopg as multi-row VALUES statements
("insertmanyvalues"): a statement of ~1,000 rows x 27 named placeholders, too long for psycopg's
query cache, so psycopg splits it with a regex afresh for every page: 45 % of a backfill's time
(py-spy, 2026-12-03). On PostgreSQL these write the rows with COPY instead (no placeholders at all);
elsewhere (SQLite) they are one executemany.

`insert_or_ignore` is the app's one INSERT … ON CONFLICT DO NOTHING for rows of a session's
transaction (the webhook inbox's single-row insert on the request path keeps its own precompiled
statement: services/webhooks/inbox.py).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from psycopg.pq import TransactionStatus
from sqlalchemy import ARRAY, any_, bindparam, exc, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

CHUNK = 500  # values per IN list (or bound array) and per statement of a batch


def chunked(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    """`values` in lists of at most `size`, in order."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def dialect_insert(session: Session):
    """The `insert` construct of the session's dialect (PostgreSQL or SQLite), for ON CONFLICT clauses."""
    return postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert


def insert_rows(session: Session, table, rows: list[dict]) -> None:
    """INSERT these rows (the same keys in each): COPY on PostgreSQL, an executemany elsewhere."""
    if not rows:
        return
    if session.bind.dialect.name != "postgresql":
        session.execute(table.insert(), rows)
        return
    names, values = _copy_rows(table, rows, session.bind.dialect)
    _copy(session, table.name, names, values)


def insert_or_ignore(
    session: Session, table, rows: list[dict], unique: list[str], returning: list[str] = ()
) -> list[tuple]:
    """INSERT … ON CONFLICT (unique) DO NOTHING [RETURNING these columns], for rows in this order (the order
    their unique keys are locked in: two writers of the same rows wait for each other, never deadlock); a
    row another transaction holds (or is inserting: the statement waits for it) is skipped, and returns
    nothing. PostgreSQL: COPY into a temporary staging table (kept by the connection, emptied at commit),
    then one INSERT … SELECT; elsewhere an executemany."""
    if not rows:
        return []
    if session.bind.dialect.name != "postgresql":
        stmt = dialect_insert(session)(table).on_conflict_do_nothing(index_elements=unique)
        if not returning:
            session.execute(stmt, rows)
            return []
        stmt = stmt.returning(*(table.c[name] for name in returning))
        return [tuple(r) for r in session.execute(stmt, rows)]
    names, values = _copy_rows(table, rows, session.bind.dialect)
    columns = ", ".join(names)
    stage = _stage(session, table, columns, ", 0 AS stage_seq")
    _copy(session, stage, [*names, "stage_seq"], [(*row, seq) for seq, row in enumerate(values)])
    sql = (
        f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {stage} ORDER BY stage_seq "
        f"ON CONFLICT ({', '.join(unique)}) DO NOTHING"
    )
    result = session.execute(text(sql + (f" RETURNING {', '.join(returning)}" if returning else "")))
    out = [tuple(r) for r in result] if returning else []
    session.execute(text(f"TRUNCATE {stage}"))
    return out


def update_rows(session: Session, table, shop_id: int, rows: list[dict], key: str = "id") -> None:
    """UPDATE each of the shop's rows `key` names with the row's other values (the same keys in every
    row); the shop in the condition, so under Citus it goes to the shop's node. PostgreSQL: COPY into a
    staging table and one UPDATE … FROM; elsewhere an executemany. The caller has locked the rows (in id
    order), so the order the UPDATE visits them in does not matter."""
    if not rows:
        return
    names = [n for n in rows[0] if n != key]
    if session.bind.dialect.name != "postgresql":
        # Bound names apart from the column names (SQLAlchemy reserves those for the SET clause).
        stmt = (
            table.update()
            .where(table.c[key] == bindparam("b_key"), table.c.shop_id == shop_id)
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
            f"FROM {stage} AS s WHERE t.{key} = s.{key} AND t.shop_id = :shop_id"
        ),
        {"shop_id": shop_id},
    )
    session.execute(text(f"TRUNCATE {stage}"))


def among(session: Session, column, values):
    """`column IN (values)`; on PostgreSQL as one bound array (`= ANY(%s)`): an IN list of 500 placeholders is
    too long for psycopg's query cache, so psycopg would parse that statement again for every execution."""
    values = list(values)
    if session.bind.dialect.name != "postgresql":
        return column.in_(values)
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))


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
        disconnect = dialect.is_disconnect(err, conn.connection.dbapi_connection, None)
        # A COPY cut off midway (its connection terminated) can leave psycopg with a command in progress:
        # such a connection must not go back to the pool ("another command is already in progress" after).
        if disconnect or _unusable(conn.connection.driver_connection):
            disconnect = True
            conn.invalidate(err)
        raise exc.DBAPIError.instance(
            sql, None, err, dialect.loaded_dbapi.Error, connection_invalidated=disconnect, dialect=dialect
        ) from err


def _unusable(raw) -> bool:
    """A psycopg connection closed, broken, or with a command still in progress."""
    usable = (TransactionStatus.IDLE, TransactionStatus.INTRANS, TransactionStatus.INERROR)
    return raw.closed or raw.broken or raw.info.transaction_status not in usable
