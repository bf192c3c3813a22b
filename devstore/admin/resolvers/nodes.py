"""``node(id:)`` and ``nodes(ids:)``: look a GID up with the loader registered for its type.

A feature registers ``@node_loader("DiscountCodeNode")`` functions ``(info, numeric_id)``
returning the object dict (with ``"__typename"``) or None when it does not exist. A GID of
a type nobody registered is an explicit ``devstore: ... is not implemented`` error, never a
silent null; a malformed id is Shopify's ``Invalid global id`` error.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from graphql import GraphQLError

from devstore.admin.engine import query

GID_RE = re.compile(r"^gid://shopify/([A-Za-z]+)/(\d+)$")
_loaders: dict[str, Callable] = {}


def node_loader(gid_type: str) -> Callable:
    """Decorator: ``fn(info, numeric_id) -> dict | None`` resolves GIDs of ``gid_type``."""

    def register(fn: Callable) -> Callable:
        _loaders[gid_type] = fn
        return fn

    return register


def load(info, gid: str) -> dict | None:
    """The object for ``gid`` or None if it does not exist (or is deleted)."""
    match = GID_RE.match(str(gid))
    if match is None:
        raise GraphQLError(f"Invalid global id '{gid}'")
    loader = _loaders.get(match.group(1))
    if loader is None:
        raise GraphQLError(f"devstore: node lookup of {match.group(1)} is not implemented")
    return loader(info, int(match.group(2)))


@query("node")
def resolve_node(_root, info, id):
    """The object with this GID, or null."""
    return load(info, id)


@query("nodes")
def resolve_nodes(_root, info, ids):
    """One entry per id, in order: the object, or null for unknown or deleted ones."""
    return [load(info, gid) for gid in ids]
