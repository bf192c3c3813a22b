"""A bulk result's orders put back together from its JSONL lines, wherever the children landed.

Shopify writes one line per object; the nodes of a nested connection (an order's line items) are lines
of their own with `__parentId`. Since API 2026-01 `groupObjects` defaults to false (shopify.dev
changelog "Bulk operations group objects default changed to false"): a child is no longer kept next to
its parent; the only guarantee is that it comes somewhere after it (Shopify/shopify-api-ruby issue
#729). So an order is complete only at the end of the file.

Bounded memory whatever the order of the lines: every line is spilled, as it arrives, to a temporary
SQLite file on disk (roots and children in two tables, children indexed by parent id), and when the
download has ended the orders are read back in file order, each with its children, by one streaming
join. Python holds one insert batch and one order at a time; SQLite's page cache is capped at
`CACHE_KB`. The file is deleted when the iteration ends (or is abandoned). Lines are parsed by orjson
(C; the stdlib's json was a seventh of a 1M-order import's time, for the same values: ids and money
are strings in Shopify's GraphQL, and orjson refuses what json would also refuse, or NaN and integers
beyond 64 bits, which Shopify never writes).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

INSERT_BATCH = 5000
CACHE_KB = 16_384


class BulkShapeError(ValueError):
    """The file holds a line the query cannot have produced (a child of no order, an unknown child)."""


def assemble(raw_lines: Iterator[bytes], children: dict[str, str]) -> Iterator[dict]:
    """Each root object of the file, in file order, with its children in lists: `children` maps a
    child's GID type to the root's field it goes in (`{"LineItem": "lineItems"}`), in file order.
    Every root gets every field of `children` (empty when it has none). Raises BulkShapeError for a
    child of another type, or whose parent is not a root of the file."""
    with spilled(raw_lines, children) as spill:
        yield from spill.read()


class Spill:
    """A spilled file, ready to be read back: all of it, or a share (a range of line numbers), by any
    process (a forked one opens its own connection: `read(..., own_connection=True)`)."""

    def __init__(self, path: Path, db: sqlite3.Connection, children: dict[str, str]):
        self.path, self.db, self.children = path, db, children

    def roots(self) -> int:
        return self.db.execute("SELECT count(*) FROM roots").fetchone()[0]

    def slices(self, size: int) -> list[tuple[int, int | None]]:
        """Ranges of line numbers [from, to) of `size` roots each (the last one fewer), in file order."""
        starts = [
            seq
            for (seq,) in self.db.execute(
                "SELECT seq FROM (SELECT seq, row_number() OVER (ORDER BY seq) - 1 AS n FROM roots) "
                "WHERE n % ? = 0",
                (size,),
            )
        ] or [0]
        return list(zip(starts, [*starts[1:], None], strict=True))

    def read(self, lo: int = 0, hi: int | None = None, own_connection: bool = False) -> Iterator[dict]:
        """The roots of lines [lo, hi) in file order, each with its children."""
        if not own_connection:
            yield from _read(self.db, self.children, lo, hi)
            return
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
        try:
            db.execute(f"PRAGMA cache_size=-{CACHE_KB}")
            yield from _read(db, self.children, lo, hi)
        finally:
            db.close()


@contextmanager
def spilled(raw_lines: Iterator[bytes], children: dict[str, str]) -> Iterator[Spill]:
    """The whole file spilled to a temporary SQLite file (deleted on leaving), to be read back."""
    folder = Path(tempfile.mkdtemp(prefix="roi_bulk_"))
    db = sqlite3.connect(folder / "lines.sqlite3", isolation_level=None)
    try:
        _spill(db, raw_lines, children)
        yield Spill(folder / "lines.sqlite3", db, children)
    finally:
        db.close()
        shutil.rmtree(folder, ignore_errors=True)


def _spill(db: sqlite3.Connection, raw_lines: Iterator[bytes], children: dict[str, str]) -> None:
    # A scratch file read once: no journal, no fsync.
    for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{CACHE_KB}", "temp_store=FILE"):
        db.execute(f"PRAGMA {pragma}")
    db.execute("CREATE TABLE roots (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, body BLOB NOT NULL)")
    db.execute("CREATE TABLE children (seq INTEGER PRIMARY KEY, parent TEXT NOT NULL, body BLOB NOT NULL)")
    roots: list[tuple] = []
    kids: list[tuple] = []
    db.execute("BEGIN")
    for seq, raw in enumerate(raw_lines):
        obj = orjson.loads(raw)
        parent = obj.get("__parentId")
        if parent is None:
            roots.append((seq, str(obj.get("id")), raw))
        else:
            kind = str(obj.get("id") or "").split("/")[-2:-1]
            if not kind or kind[0] not in children:
                raise BulkShapeError(f"line {seq + 1}: a child {obj.get('id')!r} the query does not select")
            kids.append((seq, str(parent), raw))
        if len(roots) + len(kids) >= INSERT_BATCH:
            _flush(db, roots, kids)
    _flush(db, roots, kids)
    db.execute("CREATE INDEX children_parent ON children (parent, seq)")
    db.execute("CREATE UNIQUE INDEX roots_id ON roots (id)")
    db.execute("COMMIT")
    orphan = db.execute(
        "SELECT seq, parent FROM children WHERE parent NOT IN (SELECT id FROM roots) LIMIT 1"
    ).fetchone()
    if orphan is not None:
        raise BulkShapeError(f"line {orphan[0] + 1}: its parent {orphan[1]!r} is not an object of the file")


def _flush(db: sqlite3.Connection, roots: list[tuple], kids: list[tuple]) -> None:
    db.executemany("INSERT INTO roots VALUES (?, ?, ?)", roots)
    db.executemany("INSERT INTO children VALUES (?, ?, ?)", kids)
    roots.clear()
    kids.clear()


def _read(db: sqlite3.Connection, children: dict[str, str], lo: int, hi: int | None) -> Iterator[dict]:
    """Roots of lines [lo, hi) in file order, each with its children (file order): one join, streamed."""
    current: dict | None = None
    current_seq = None
    rows = db.execute(
        "SELECT r.seq, r.body, c.body FROM roots r LEFT JOIN children c ON c.parent = r.id "
        "WHERE r.seq >= ? AND r.seq < ? ORDER BY r.seq, c.seq",
        (lo, hi if hi is not None else 1 << 62),
    )
    for seq, root, child in rows:
        if seq != current_seq:
            if current is not None:
                yield current
            current, current_seq = orjson.loads(root), seq
            for field in children.values():
                current[field] = []
        if child is not None:
            obj = orjson.loads(child)
            del obj["__parentId"]
            current[children[obj["id"].split("/")[-2]]].append(obj)
    if current is not None:
        yield current
