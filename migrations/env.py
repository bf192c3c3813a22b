"""Alembic environment: the URL comes from the caller (`shopify-roi db upgrade`) or DATABASE_URL."""

from __future__ import annotations

from alembic import context

from shopify_roi import models  # noqa: F401 - registers every table on Base.metadata
from shopify_roi.config import from_env
from shopify_roi.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.attributes.get("database_url") or from_env().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # Batch mode re-creates a table (copy, drop the old, rename): with foreign keys enforced,
            # dropping a parent table deletes its children's rows by their ON DELETE CASCADE (migration
            # 0027 re-creates tracked_links, and every click went with it). Alembic's batch documentation
            # ("Dealing with Referencing Foreign Keys") turns them off for the run; SQLite ignores the pragma
            # inside a transaction, so it is set before the first one (this engine is the migration's own).
            cursor = conn.connection.dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.close()
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,  # SQLite cannot ALTER columns in place
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:  # with the keys off for the run, what they would refuse is refused here, all rolled back
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"the migration left rows whose parent is gone: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
