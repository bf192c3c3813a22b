"""GraphQL bulk operations: start a bulk query, read its status, stream its JSONL result.

The JSONL has one line per object; nodes of a nested connection are lines of their own that
carry `__parentId` (shopify-platform.md 3.5), not next to their parent unless `groupObjects` is
true: `bulk_jsonl` puts the orders back together. The result is streamed, never loaded whole.
The query (queries/orders_bulk.graphql) is what Shopify's bulk validator accepts: two connections
(orders, their line items), `id` on every parent, and no connection within a list, so a refund's
lines are not in it (`refunds.refund_lines` reads them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

import requests

from shopify_roi.shopify_client import bulk_jsonl
from shopify_roi.shopify_client.admin import AdminClient, load_query


@dataclass(frozen=True)
class BulkStatus:
    id: str
    status: str
    error_code: str | None
    object_count: int
    url: str | None


def orders_query(search: str) -> str:
    """The inner bulk query for orders matching Shopify's search syntax (e.g. updated_at ranges)."""
    return load_query("orders_bulk").replace("__SEARCH__", search.replace("\\", "\\\\").replace('"', '\\"'))


def start(client: AdminClient, inner_query: str) -> str:
    """Start a bulk query; returns the BulkOperation id (raises UserErrors, e.g. LIMIT_REACHED)."""
    payload = client.mutate(
        load_query("bulk_run_query"), {"query": inner_query}, "bulkOperationRunQuery", "RunBulkQuery"
    )
    return payload["bulkOperation"]["id"]


def status(client: AdminClient, operation_id: str) -> BulkStatus:
    data = client.execute(load_query("bulk_operation"), {"id": operation_id}, "BulkOperationStatus")
    op = data.get("bulkOperation") or {}
    return BulkStatus(
        op.get("id", operation_id),
        op.get("status", ""),
        op.get("errorCode"),
        int(op.get("objectCount") or 0),
        op.get("url"),
    )


READ_CHUNK = 64 * 1024


def stream_raw_lines(url: str, http: requests.Session | None = None) -> Iterator[bytes]:
    """Each line of the result file (JSON text), read line by line from the network."""
    sender = http or requests
    with sender.get(url, stream=True, timeout=(5, 300)) as resp:
        resp.raise_for_status()
        # 64 KiB reads: requests' default of 512 bytes made a 1 GB file ~2 million reads
        for line in resp.iter_lines(chunk_size=READ_CHUNK):
            if line:
                yield line


def assemble_orders(raw_lines: Iterator[bytes]) -> Iterator[dict]:
    """The orders of an `orders_bulk` result, in file order, each with its `lineItems` as a list (its
    `refunds` stay as the query gives them: `[{id, createdAt}]`), wherever the line items landed."""
    return bulk_jsonl.assemble(raw_lines, {"LineItem": "lineItems"})


def spilled_orders(raw_lines: Iterator[bytes]) -> AbstractContextManager[bulk_jsonl.Spill]:
    """The `orders_bulk` result spilled, to be read back whole or in shares (`assemble_orders`' file)."""
    return bulk_jsonl.spilled(raw_lines, {"LineItem": "lineItems"})
