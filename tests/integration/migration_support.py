"""What the migration tests share: an engine on a test database's URL, its tables as they are, and rows
made with only the columns a test names (plain values for the other required ones)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def reflected(url: str) -> tuple[sa.Engine, dict[str, sa.Table]]:
    """An engine on `url` and the tables the database holds now (after an `upgrade` to some revision)."""
    eng = engine(url)
    meta = sa.MetaData()
    meta.reflect(eng)
    return eng, meta.tables


def filled(table: sa.Table, given: dict) -> dict:
    """`given`, plus a plain value for every other required column (the test names what it checks)."""
    row = dict(given)
    for column in table.columns:
        if column.name in row or column.nullable or column.server_default is not None or column.primary_key:
            continue
        try:
            kind = column.type.python_type
        except NotImplementedError:
            kind = str
        plain = {int: 0, bool: False, datetime: NOW, date: NOW.date(), Decimal: Decimal(0)}
        row[column.name] = plain.get(kind, "")
    return row


def insert_row(conn, table: sa.Table, **given) -> int:
    """Insert a row of `given` values (the rest plain); its id."""
    return conn.execute(sa.insert(table).values(filled(table, given)).returning(table.c.id)).scalar()
