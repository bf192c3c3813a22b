"""What the migration tests share: an engine on a test database's URL, and its tables as they are."""

from __future__ import annotations

import sqlalchemy as sa


def engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def reflected(url: str) -> tuple[sa.Engine, dict[str, sa.Table]]:
    """An engine on `url` and the tables the database holds now (after an `upgrade` to some revision)."""
    eng = engine(url)
    meta = sa.MetaData()
    meta.reflect(eng)
    return eng, meta.tables
