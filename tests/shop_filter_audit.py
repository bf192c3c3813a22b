"""Which of the app's queries of a shop's rows do not filter by the shop (README "Scale-out").

Under Citus a query that names its shop is routed to that shop's node; one that does not goes to every
node. A pytest plugin, off by default: `ROI_SHOP_FILTER_AUDIT=<file> pytest -p shop_filter_audit ...`
parses every statement the app sends (sqlglot) and writes, per statement shape, each shop table it reads,
updates or deletes without `shop_id` (`shop_domain` for the deliveries) in its WHERE or a JOIN's ON,
with the app's line that sent it. `python tests/shop_filter_audit.py <file>...` prints the list.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections import Counter
from functools import lru_cache
from pathlib import Path

SHOP_COLUMN: dict[str, str] = {}


def _shop_tables() -> dict[str, str]:
    from shopify_roi.models import Base

    columns = {t.name: "shop_id" for t in Base.metadata.sorted_tables if "shop_id" in t.c}
    columns.pop("link_routes", None)  # a reference table, read by the short id the public link brings
    return columns | {"webhook_deliveries": "shop_domain"}


@lru_cache(maxsize=20000)
def unfiltered(sql: str, dialect: str) -> tuple[str, ...]:
    """The shop tables `sql` reads, updates or deletes without naming their shop in a condition."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read="postgres" if dialect == "postgresql" else "sqlite")
    except Exception:  # noqa: BLE001 (COPY, PRAGMA and what sqlglot does not read: not a query of rows)
        return ()
    found = []
    for table in tree.find_all(exp.Table):
        column = SHOP_COLUMN.get(table.name)
        statement = table.find_ancestor(exp.Select, exp.Update, exp.Delete, exp.Insert)
        if column is None or statement is None or isinstance(statement, exp.Insert):
            continue
        tables = list(statement.find_all(exp.Table))
        conditions = [statement.args.get("where")] + [
            j.args.get("on") for j in statement.args.get("joins") or []
        ]
        named = any(
            c.name == column and (c.table == table.alias_or_name or (not c.table and len(tables) == 1))
            for condition in conditions
            if condition is not None
            for c in condition.find_all(exp.Column)
        )
        if not named:
            found.append(f"{type(statement).__name__.upper()} {table.name}")
    return tuple(found)


def _sender() -> str:
    for frame in reversed(traceback.extract_stack()[:-2]):
        if f"{os.sep}shopify_roi{os.sep}" in frame.filename:
            return f"{frame.filename.split(os.sep + 'shopify_roi' + os.sep)[1]}:{frame.lineno} {frame.name}"
    return ""


def pytest_configure(config):
    path = os.environ.get("ROI_SHOP_FILTER_AUDIT")
    if not path:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    SHOP_COLUMN.update(_shop_tables())
    seen: Counter = Counter()
    config._shop_filter_audit = (path + "." + os.environ.get("PYTEST_XDIST_WORKER", "main"), seen)

    @event.listens_for(Engine, "before_cursor_execute")
    def _audit(conn, cursor, statement, parameters, context, executemany):
        tables = unfiltered(statement, conn.dialect.name)
        if tables:
            sender = _sender()
            if sender:  # the app's own queries (not a test's, not the stand-in's)
                for table in tables:
                    seen[(table, sender)] += 1


def pytest_unconfigure(config):
    audit = getattr(config, "_shop_filter_audit", None)
    if audit:
        path, seen = audit
        with open(path, "w") as out:
            json.dump([[table, sender, n] for (table, sender), n in seen.items()], out)


def main(paths: list[str]) -> None:
    total: Counter = Counter()
    for path in paths:
        for table, sender, n in json.loads(Path(path).read_text()):
            total[(table, sender)] += n
    for (table, sender), n in sorted(total.items()):
        print(f"{table:<40} {sender}  ({n} times)")
    print(
        f"{len(total)} statement shapes of the app name no shop; {len({s for _, s in total})} lines send them"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
