"""Bulk query operations (``bulkOperationRunQuery``): the inner query runs against the
stand-in's orders in the background and its result is written as Shopify's JSONL, served at
``GET /_devstore/shops/{shop}/bulk/{id}.jsonl`` (the operation's ``url``); then
``bulk_operations/finish`` is sent (lower-case ``status``/``type``).

JSONL: one line per node of the top-level connection; the nodes of every nested connection
each on their own line with ``"__parentId"`` = the ``id`` of the node that holds the connection,
always somewhere after their parent; next to it only with ``groupObjects: true``, else away from it
(``devstore.admin.bulk.layout``). Lists that are not connections stay inline. What the validator refuses
before an operation is created is in ``devstore.admin.bulk.rules``.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, replace

from flask import Blueprint, Response, abort

from devstore.admin.bulk import layout
from devstore.admin.engine import ResolverContext, get_schema, run
from devstore.config import DevstoreConfig
from devstore.context import runtime, shop_or_404
from devstore.store.state import Shop, Store
from devstore.store.times import local_iso, utc_seconds
from devstore.webhooks import delivery

KIND = "bulk_operations"
MAX_RUNNING = 5
DELAY_KEY = "bulk_delay"
bp = Blueprint("bulk", __name__, url_prefix="/_devstore")


@dataclass
class BulkContext(ResolverContext):
    bulk: bool = True


def gid(op_id: int) -> str:
    return f"gid://shopify/BulkOperation/{op_id}"


def running_ids(store: Store, shop: Shop) -> list[int]:
    """The shop's query operations not finished yet (CREATED or RUNNING), oldest first."""
    return sorted(op["id"] for op in store.records(shop, KIND) if op["status"] in ("CREATED", "RUNNING"))


def _is_connection(value) -> bool:
    return (
        isinstance(value, dict)
        and bool(value.keys() & {"edges", "nodes"})
        and set(value) <= {"edges", "nodes", "pageInfo"}
    )


def _nodes(conn: dict) -> list:
    if "nodes" in conn:
        return conn["nodes"]
    return [e["node"] for e in conn.get("edges", []) if isinstance(e, dict) and "node" in e]


def flatten(data: dict) -> tuple[list[dict], list[int | None]]:
    """The JSONL lines of a bulk result ``{"<root>": <connection>}`` in document order (each parent
    followed by its descendants), and for each line the index of its parent line (None: a root)."""
    lines: list[dict | None] = []
    parents: list[int | None] = []

    def walk(obj, line_no: int, line_id):
        """Copy ``obj`` without its connections; their nodes become lines whose parent is ``line_no``."""
        if isinstance(obj, list):
            return [walk(x, line_no, line_id) for x in obj]
        if not isinstance(obj, dict):
            return obj
        copy, children = {}, []
        for key, value in obj.items():
            if _is_connection(value):
                children.append(value)
            else:
                copy[key] = walk(value, line_no, line_id)
        for child in children:
            for node in _nodes(child):
                emit(node, line_no, line_id)
        return copy

    def emit(node: dict, parent_no: int | None, parent_id) -> None:
        lines.append(None)
        parents.append(parent_no)
        no = len(lines) - 1
        line = walk(node, no, node.get("id"))
        if parent_no is not None:
            line["__parentId"] = parent_id
        lines[no] = line

    [root] = data.values()
    for node in _nodes(root):
        emit(node, None, None)
    return lines, parents


class BulkFailed(RuntimeError):
    """The inner query's errors. ``code`` is the operation's ``errorCode``: ``ACCESS_DENIED`` when
    every error is one ("The provided operation `query` returned access denied", BulkOperationErrorCode
    in the 2026-10 schema: missing scopes, or protected customer data the app is not approved for)."""

    def __init__(self, errors):
        super().__init__("; ".join(e.message for e in errors))
        denied = all((e.extensions or {}).get("code") == "ACCESS_DENIED" for e in errors)
        self.code = "ACCESS_DENIED" if denied else "INTERNAL_SERVER_ERROR"


def execute(prepared, context: ResolverContext, group: bool = False, seed: int = 0) -> tuple[str, int, int]:
    """Run the inner query with connections unpaged; (jsonl, objectCount, rootObjectCount). ``group``:
    ``groupObjects`` (Shopify's default is false); ``seed`` makes an ungrouped file repeatable."""
    ctx = BulkContext(context.store, context.shop, context.config, context.scopes)
    result = run(prepared, ctx, None)
    if result.errors:
        raise BulkFailed(result.errors)
    lines, parents = flatten(result.data)
    roots = sum(1 for parent in parents if parent is None)
    ordered = layout.arrange(lines, parents, group, seed)
    text = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in ordered)
    return text, len(lines), roots


def start(
    store: Store,
    shop: Shop,
    config: DevstoreConfig,
    context,
    prepared,
    text: str,
    base_url: str,
    group: bool = False,
) -> dict:
    """Create the operation (CREATED), run it on a thread; the record (stored). ``group``:
    ``groupObjects``."""
    op_id = store.next_id()
    op = {
        "id": op_id,
        "status": "CREATED",
        "query": text,
        "created_at": store.clock(),
        "completed_at": None,
        "error_code": None,
        "object_count": 0,
        "root_object_count": 0,
        "file_size": None,
        "url": None,
        "result": None,
        "group_objects": bool(group),
        "result_url": f"{base_url.rstrip('/')}/_devstore/shops/{shop.domain}/bulk/{op_id}.jsonl",
    }
    store.put_record(shop, KIND, op_id, op)
    context = replace(context)
    threading.Thread(
        target=_work, args=(store, shop, config, context, prepared, op), daemon=True, name=f"bulk-{op_id}"
    ).start()
    return op


def _work(store, shop, config, context, prepared, op) -> None:
    with store.lock:
        op["status"] = "RUNNING"
        delay = float(shop.extras.get(DELAY_KEY) or 0)
    if delay:
        time.sleep(delay)
    try:
        get_schema()
        text, count, roots = execute(prepared, context, op["group_objects"], op["id"])
        with store.lock:
            op.update(
                result=text,
                object_count=count,
                root_object_count=roots,
                file_size=len(text.encode()),
                status="COMPLETED",
                url=op["result_url"] if count else None,
            )
    except Exception as exc:  # noqa: BLE001 - a failed operation is reported, not raised
        with store.lock:
            op.update(
                status="FAILED", error_code=getattr(exc, "code", "INTERNAL_SERVER_ERROR"), error=str(exc)
            )
    with store.lock:
        op["completed_at"] = store.clock()
    body = {
        "admin_graphql_api_id": gid(op["id"]),
        "completed_at": local_iso(shop, op["completed_at"]),
        "created_at": local_iso(shop, op["created_at"]),
        "error_code": op["error_code"].lower() if op["error_code"] else None,
        "status": op["status"].lower(),
        "type": "query",
    }
    try:
        delivery.deliver(config, shop, "bulk_operations/finish", body, store=store)
    except Exception as exc:  # noqa: BLE001
        delivery.log_unsent(store, shop, "bulk_operations/finish", body, f"{type(exc).__name__}: {exc}")


def graphql(op: dict) -> dict:
    """The ``BulkOperation`` object."""
    return {
        "__typename": "BulkOperation",
        "id": gid(op["id"]),
        "status": op["status"],
        "errorCode": op["error_code"],
        "objectCount": str(op["object_count"]),
        "rootObjectCount": str(op["root_object_count"]),
        "fileSize": str(op["file_size"]) if op["file_size"] is not None else None,
        "url": op["url"],
        "partialDataUrl": None,
        "createdAt": utc_seconds(op["created_at"]),
        "completedAt": utc_seconds(op["completed_at"]),
        "query": op["query"],
        "type": "QUERY",
    }


@bp.get("/shops/<shop:shop_domain>/bulk/<int:op_id>.jsonl")
def download(shop_domain: str, op_id: int):
    """The JSONL result (what Shopify serves from its signed storage URL)."""
    shop = shop_or_404(shop_domain)
    store = runtime().store
    with store.lock:
        op = shop.records.get(KIND, {}).get(op_id)
        if op is None or op.get("result") is None:
            abort(404)
        return Response(op["result"], mimetype="application/jsonl")
