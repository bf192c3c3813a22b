"""GraphQL bulk operations: start a bulk query, read its status, stream its JSONL result.

The JSONL has one line per object; nodes of a nested connection are lines of their own that
carry `__parentId` (shopify-platform.md 3.5). The result is streamed, never loaded whole.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

import requests

from .admin import AdminClient, load_query


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
    payload = client.mutate(load_query("bulk_run_query"), {"query": inner_query}, "bulkOperationRunQuery", "RunBulkQuery")
    return payload["bulkOperation"]["id"]


def status(client: AdminClient, operation_id: str) -> BulkStatus:
    data = client.execute(load_query("bulk_operation"), {"id": operation_id}, "BulkOperationStatus")
    op = data.get("bulkOperation") or {}
    return BulkStatus(op.get("id", operation_id), op.get("status", ""), op.get("errorCode"),
                      int(op.get("objectCount") or 0), op.get("url"))


def stream_lines(url: str, http: requests.Session | None = None) -> Iterator[dict]:
    """Each JSON object of the result file, read line by line from the network."""
    sender = http or requests
    with sender.get(url, stream=True, timeout=(5, 300)) as resp:
        resp.raise_for_status()
        for line in resp.iter_lines():
            if line:
                yield json.loads(line)


def assemble_orders(lines: Iterator[dict]) -> Iterator[dict]:
    """Orders with their `lineItems` and each refund's `refundLineItems` put back as lists.

    An order's children follow it in the file, so an order is complete when the next one starts.
    """
    current: dict | None = None
    refunds: dict[str, dict] = {}
    for obj in lines:
        parent = obj.pop("__parentId", None)
        if parent is None:
            if current is not None:
                yield current
            current = obj
            current["lineItems"] = []
            refunds = {}
            for refund in current.get("refunds") or []:
                refund["refundLineItems"] = []
                refunds[refund["id"]] = refund
        elif current is not None and parent == current["id"]:
            current["lineItems"].append(obj)
        elif parent in refunds:
            refunds[parent]["refundLineItems"].append(obj)
    if current is not None:
        yield current
