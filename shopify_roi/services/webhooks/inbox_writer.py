"""The webhook path's writer of the inbox: on PostgreSQL the rows of concurrent requests are committed
together (group_commit.py), one INSERT and one commit for all of them; each request still answers only
after its own row is committed.

Why: the INSERT and its commit are most of a webhook request's cost, and the commit is PostgreSQL's
work, shared by every web process. Batched, PostgreSQL spends 23-45 % less CPU per webhook (bench/README.md,
"Ingest: one commit for the requests of the same moment"). Elsewhere (SQLite, one writer at a time
anyway) each row is written as before.

Failures stay each request's own:
- a connection found dead fails every row of its batch with the disconnect, which each request retries
  (the webhook view's `Database.retrying`; storing is idempotent, keyed by the webhook id);
- any other error of a batch of several rows writes them again one by one, so a row the server refuses
  fails alone and the others are stored.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from shopify_roi import db_connections
from shopify_roi.db import Database
from shopify_roi.process_local import PerProcess
from shopify_roi.services.webhooks import inbox
from shopify_roi.services.webhooks.group_commit import GroupCommit

log = logging.getLogger(__name__)


class InboxWriter:
    def __init__(self, db: Database):
        self._db_ref = weakref.ref(db)  # weakly: the writer is kept per database (process_local.py)
        self._group: GroupCommit[inbox.Receipt] = GroupCommit(self._write)

    @property
    def _db(self) -> Database:
        db = self._db_ref()
        if db is None:
            raise RuntimeError("the database of this inbox writer was disposed of")
        return db

    def receive(self, **fields: Any) -> inbox.Receipt:
        """Store a verified delivery once (`inbox.row_values`'s arguments); committed when this returns."""
        if self._db.engine.dialect.name != "postgresql":
            with self._db.autocommit() as conn:
                return inbox.receive(conn, **fields)
        return self._group.submit(inbox.row_values(**fields))

    def _write(self, rows: list[dict]) -> list[inbox.Receipt | BaseException]:
        try:
            with self._db.autocommit() as conn:
                return list(inbox.receive_rows(conn, rows))
        except Exception as error:  # noqa: BLE001 - given back to each row's request
            if len(rows) == 1 or db_connections.is_disconnect(error):
                return [error] * len(rows)
            log.warning("a batch of %d webhook rows failed (%s); writing them one by one", len(rows), error)
        outcomes: list[inbox.Receipt | BaseException] = []
        for row in rows:
            try:
                with self._db.autocommit() as conn:
                    outcomes.extend(inbox.receive_rows(conn, [row]))
            except Exception as error:  # noqa: BLE001 - this row's request raises it
                outcomes.append(error)
        return outcomes


_writers: PerProcess[Database, InboxWriter] = PerProcess()


def inbox_writer(db: Database) -> InboxWriter:
    """The database's InboxWriter in this process."""
    return _writers.get(db, lambda: InboxWriter(db))
