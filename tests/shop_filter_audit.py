"""Which of the app's queries of a shop's rows do not filter by the shop (README "Scale-out").

Under Citus a query that names its shop is routed to that shop's node; one that does not goes to every
node. A pytest plugin, off by default: `ROI_SHOP_FILTER_AUDIT=<file> pytest -p shop_filter_audit ...`
parses every statement the app sends (sqlglot) and writes, per statement shape, each shop table it reads,
updates or deletes without `shop_id` (`shop_domain` for the deliveries) in its WHERE or a JOIN's ON,
with the app's line that sent it. `python tests/shop_filter_audit.py [--check] <file>...` prints the list;
with `--check` it fails on one that ALLOWED does not name (`.ci/run` runs the PostgreSQL pass so).
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

# The app's queries that name no shop on purpose, (table, module, function): why.
_EVERY_SHOP = "a periodic pass over every shop (under Citus: sent to every node)"
_UNKEYED_JOB = (
    "only for a job queued before deliveries were keyed by their shop (migration 0029): it names the"
    " delivery's id alone"
)
ALLOWED = {
    ("webhook_deliveries", "services/orders/ingest.py", "claim"): (
        "the inbox drain takes the due order deliveries of every shop, oldest first (under Citus, which"
        " locks rows FOR UPDATE only in a query sent to one node, the drain would claim per shop)"
    ),
    ("webhook_deliveries", "services/webhooks/inbox.py", "stale_received"): _EVERY_SHOP,
    ("order_days_dirty", "services/metrics/rollups.py", "shops_to_refresh"): _EVERY_SHOP,
    ("backfill_runs", "services/orders/backfill.py", "unfinished"): _EVERY_SHOP,
    ("creator_report_links", "services/creators/report_links.py", "open_link"): (
        "a creator's report link is opened from its address alone, which names no shop (as /l/<short_id>)"
    ),
    ("webhook_deliveries", "services/webhooks/dispatch.py", "topic_of"): _UNKEYED_JOB,
    ("webhook_deliveries", "services/webhooks/dispatch.py", "process"): _UNKEYED_JOB,
    ("webhook_deliveries", "services/webhooks/inbox.py", "process"): _UNKEYED_JOB,
}


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

    head = sql.lstrip()[:8].upper()
    if not head.startswith(("SELECT", "UPDATE", "DELETE", "INSERT", "WITH")):
        return ()  # COPY, CREATE, PRAGMA, SAVEPOINT…: not a query of rows
    if head.startswith("INSERT") and "SELECT" not in sql.upper():
        return ()  # INSERT … VALUES: writes rows it names (their shop_id among them), reads none
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
        if table.find_ancestor(exp.Create):  # CREATE TABLE … AS SELECT … WITH NO DATA: a shape, no rows
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
    """The app's line that sent the statement ("" for a test's own, the stand-in's, a migration's)."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        if f"{os.sep}shopify_roi{os.sep}" in frame.filename:
            path = frame.filename.split(os.sep + "shopify_roi" + os.sep)[1]
            return "" if path == "migrate.py" else f"{path}:{frame.lineno} {frame.name}"
    return ""


def start(process: str) -> tuple[str, Counter] | None:
    """Audit every statement this process sends from now on (ROI_SHOP_FILTER_AUDIT set, else None):
    (the file `write` puts them in, the counts). `process` names the file among the others of the pass."""
    path = os.environ.get("ROI_SHOP_FILTER_AUDIT")
    if not path:
        return None
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    SHOP_COLUMN.update(_shop_tables())
    seen: Counter = Counter()

    @event.listens_for(Engine, "before_cursor_execute")
    def _audit(conn, cursor, statement, parameters, context, executemany):
        tables = unfiltered(statement, conn.dialect.name)
        if tables:
            sender = _sender()
            if sender:  # the app's own queries (not a test's, not the stand-in's)
                for table in tables:
                    seen[(table, sender)] += 1

    return f"{path}.{process}", seen


def write(path: str, seen: Counter) -> None:
    with open(path, "w") as out:
        json.dump([[table, sender, n] for (table, sender), n in seen.items()], out)


def pytest_configure(config):
    config._shop_filter_audit = start(os.environ.get("PYTEST_XDIST_WORKER", "main"))


def pytest_unconfigure(config):
    audit = getattr(config, "_shop_filter_audit", None)
    if audit:
        write(*audit)


def _allowed(table: str, sender: str) -> bool:
    where, function = sender.split(" ", 1)
    return (table.split(" ")[-1], where.split(":")[0], function) in ALLOWED


def main(args: list[str]) -> int:
    check = args[:1] == ["--check"]
    total: Counter = Counter()
    for path in args[1:] if check else args:
        for table, sender, n in json.loads(Path(path).read_text()):
            total[(table, sender)] += n
    wrong = 0
    for (table, sender), n in sorted(total.items()):
        mark = "allowed" if _allowed(table, sender) else "NAMES NO SHOP"
        wrong += mark != "allowed"
        print(f"{mark:<14} {table:<24} {sender}  ({n} times)")
    allowed = len(total) - wrong
    print(f"shop filter: {wrong} statement shapes name no shop and are not allowed; {allowed} allowed")
    return 1 if check and wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
