"""Relay connections as Shopify answers them: ``edges { cursor node }``, ``nodes`` and
``pageInfo { hasNextPage hasPreviousPage startCursor endCursor }``, with opaque base64
cursors like Shopify's (``{"last_id":…,"last_value":…}``)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable

from graphql import GraphQLError


def cursor(key: int) -> str:
    """The opaque cursor of the item whose sort key is ``key``."""
    raw = json.dumps({"last_id": key, "last_value": str(key)}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def _key_of(value: str) -> int:
    try:
        return int(json.loads(base64.b64decode(value, validate=True))["last_id"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise GraphQLError(f"Invalid cursor: {value!r}") from None


def connection(
    items: list[dict],
    key: Callable[[dict], int],
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    reverse: bool | None = False,
    **_ignored,
) -> dict:
    """One page of ``items`` (already in ascending ``key`` order) as a connection dict.

    Like Shopify, one of ``first``/``last`` is required (GraphQLError otherwise); ``after`` /
    ``before`` are cursors from an earlier page; ``reverse`` flips the order. Other arguments
    (query, sortKey, savedSearchId) are accepted and ignored."""
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    if (first is not None and first < 0) or (last is not None and last < 0):
        raise GraphQLError("first and last must be non-negative")
    ordered = list(reversed(items)) if reverse else list(items)
    ahead = (lambda a, b: a < b) if reverse else (lambda a, b: a > b)
    skipped_front = skipped_back = False
    if after is not None:
        bound = _key_of(after)
        kept = [i for i in ordered if ahead(key(i), bound)]
        skipped_front, ordered = len(kept) < len(ordered), kept
    if before is not None:
        bound = _key_of(before)
        kept = [i for i in ordered if ahead(bound, key(i))]
        skipped_back, ordered = len(kept) < len(ordered), kept
    has_next, has_previous = skipped_back, skipped_front
    if first is not None:
        has_next = has_next or len(ordered) > first
        ordered = ordered[:first]
    if last is not None:
        has_previous = has_previous or len(ordered) > last
        ordered = ordered[len(ordered) - last :] if last else []
    edges = [{"cursor": cursor(key(i)), "node": i} for i in ordered]
    return {
        "edges": edges,
        "nodes": ordered,
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }
