"""What Shopify's bulk query validator refuses: ``bulkOperationRunQuery`` answers these as
``userErrors`` (``field: ["query"]``, ``code: INVALID``) and creates no operation.

Sources (read before modelling; the messages are Shopify's own, as captured from a live shop):
- shopify.dev "Perform bulk operations with the GraphQL Admin API"
  (https://shopify.dev/docs/apps/build/apis/graphql-admin/bulk-operations/queries), "Operation
  restrictions": at least one connection, at most five connections, nested connections at most two
  levels deep, no top-level ``node``/``nodes``; the query selects a single top-level field.
- The 2026-10 schema's description of ``bulkOperationRunQuery`` (devstore/admin/schema): "The query must
  include at least one connection field and supports up to five connections with a maximum nesting
  depth of two levels."
- The validator's messages: github airhorns/shopify-draft-proxy,
  ``fixtures/conformance/harry-test-heelo.myshopify.com/2026-04/bulk-operations/bulk-operation-run-query-validators.json``
  (answers of Shopify's Admin API 2026-04 captured 2026-06-24) and ``…-user-error-codes.json``;
  estuary/connectors PR #4650 ("Bulk operations reject a connection nested inside a list",
  ``Order.refunds → refundLineItems``).

Connections and lists are recognised from the schema, not from names: a connection is a field whose
type is an object named ``…Connection`` with ``edges`` and ``pageInfo``; a list is a field whose type
is a GraphQL list (a connection's own ``edges`` list does not count).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLID,
    GraphQLObjectType,
    GraphQLSchema,
    OperationType,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_object_type,
)

MAX_CONNECTIONS = 5
MAX_DEPTH = 2

# Captured answers (see the module docstring), word for word.
OPERATION_TYPE = "Invalid operation type. Only `query` operations are supported."
NODES_INSTEAD_OF_EDGES = (
    "All connection fields in a bulk query must select their contents using 'edges' > 'node', "
    "e.g: '{first} {{ edges {{ node {{'. Selecting via 'nodes' is not supported. "
    "Invalid connection fields: {all}."
)
TOP_LEVEL_NODE = "Bulk queries cannot contain a top level `node` field."
TOO_DEEP = f"Bulk queries cannot contain connections with a nesting depth greater than {MAX_DEPTH}."
TOO_MANY = f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections."
PARENT_WITHOUT_ID = (
    "The parent 'node' field for a nested connection must select the 'id' field without an alias and must be "
    "of 'ID' return type. Connection fields without 'id': {names}."
)
CONNECTION_IN_LIST = (
    "Queries that contain a connection field within a list field are not currently supported."
)
NO_CONNECTION = "Bulk queries must contain at least one connection."
# Not captured anywhere public: the docs forbid a top-level `nodes` and more than one top-level field
# but no answer has been published, so these two are the stand-in's wording (stricter, never lenient).
TOP_LEVEL_NODES = "Bulk queries cannot contain a top level `nodes` field."
ONE_ROOT = "Bulk queries must contain exactly one top level field."


def user_error(message: str) -> dict:
    """One ``BulkOperationUserError`` as Shopify answers the validator's refusals."""
    return {"field": ["query"], "message": message, "code": "INVALID"}


@dataclass
class _Analysis:
    connections: int = 0
    depth: int = 0
    in_list: bool = False
    via_nodes: list[str] = field(default_factory=list)
    parents_without_id: list[str] = field(default_factory=list)


def refusals(schema: GraphQLSchema, prepared) -> list[dict]:
    """Every userError Shopify's validator gives the (schema-valid) inner query, in Shopify's order;
    [] when the query may run. ``prepared`` is ``devstore.admin.engine.Prepared``."""
    operation = prepared.operation
    if operation.operation != OperationType.QUERY:
        return [user_error(OPERATION_TYPE)]
    fragments = prepared.fragments
    roots = list(_fields(schema.query_type, operation.selection_set, fragments, schema))
    analysis = _Analysis()
    for owner, node in roots:
        _walk_field(schema, owner, node, fragments, analysis, depth=0, in_list=False, parent=None)
    names = {node.name.value for _, node in roots}
    errors = []
    if analysis.via_nodes:
        quoted = ", ".join(f"'{n}'" for n in analysis.via_nodes)
        errors.append(NODES_INSTEAD_OF_EDGES.format(first=analysis.via_nodes[0], all=quoted))
    if "node" in names:
        errors.append(TOP_LEVEL_NODE)
    if "nodes" in names:
        errors.append(TOP_LEVEL_NODES)
    if analysis.depth > MAX_DEPTH:
        errors.append(TOO_DEEP)
    if analysis.connections > MAX_CONNECTIONS:
        errors.append(TOO_MANY)
    if analysis.parents_without_id:
        errors.append(PARENT_WITHOUT_ID.format(names=", ".join(analysis.parents_without_id)))
    if analysis.in_list:
        errors.append(CONNECTION_IN_LIST)
    if analysis.connections == 0:
        errors.append(NO_CONNECTION)
    if len(roots) != 1:
        errors.append(ONE_ROOT)
    return [user_error(m) for m in errors]


def _fields(owner, selection_set, fragments, schema) -> Iterator[tuple]:
    """(type the field is selected on, field node), following fragments and their type conditions."""
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            yield owner, selection
            continue
        fragment = (
            fragments.get(selection.name.value) if isinstance(selection, FragmentSpreadNode) else selection
        )
        if fragment is None:
            continue
        condition = fragment.type_condition
        inner = schema.type_map.get(condition.name.value, owner) if condition else owner
        yield from _fields(inner, fragment.selection_set, fragments, schema)


def _is_connection(named) -> bool:
    return (
        is_object_type(named)
        and named.name.endswith("Connection")
        and "edges" in named.fields
        and "pageInfo" in named.fields
    )


def _walk_field(
    schema,
    owner,
    node: FieldNode,
    fragments,
    analysis: _Analysis,
    depth: int,
    in_list: bool,
    parent: tuple[str, bool] | None,
) -> None:
    """Count what ``node`` selects. ``parent``: (name, selects id) of the connection whose node holds it."""
    definition = (getattr(owner, "fields", None) or {}).get(node.name.value)
    if definition is None:  # __typename
        return
    named = get_named_type(definition.type)
    if is_leaf_type(named):
        return
    if not _is_connection(named):
        listed = in_list or is_list_type(get_nullable_type(definition.type))
        for inner_owner, child in _fields(named, node.selection_set, fragments, schema):
            _walk_field(schema, inner_owner, child, fragments, analysis, depth, listed, parent)
        return
    _walk_connection(schema, named, node, fragments, analysis, depth, in_list, parent)


def _walk_connection(
    schema,
    connection: GraphQLObjectType,
    node: FieldNode,
    fragments,
    analysis: _Analysis,
    depth: int,
    in_list: bool,
    parent: tuple[str, bool] | None,
) -> None:
    name = node.name.value
    analysis.connections += 1
    analysis.depth = max(analysis.depth, depth + 1)
    # A connection under a list field: Shopify cannot give its nodes a parent line to point at.
    analysis.in_list = analysis.in_list or in_list
    # A nested connection's lines carry `__parentId` = the enclosing node's `id`, so that node must select it.
    if parent is not None and not parent[1] and parent[0] not in analysis.parents_without_id:
        analysis.parents_without_id.append(parent[0])
    node_type = get_named_type(connection.fields["nodes"].type) if "nodes" in connection.fields else None
    node_selections = []
    for _, child in _fields(connection, node.selection_set, fragments, schema):
        if child.name.value == "nodes":
            if name not in analysis.via_nodes:
                analysis.via_nodes.append(name)
            node_selections.append(child)
        elif child.name.value == "edges":
            edge_type = get_named_type(connection.fields["edges"].type)
            node_selections.extend(
                c
                for _, c in _fields(edge_type, child.selection_set, fragments, schema)
                if c.name.value == "node"
            )
    selected = [
        (o, f) for sel in node_selections for o, f in _fields(node_type, sel.selection_set, fragments, schema)
    ]
    has_id = any(f.name.value == "id" and f.alias is None and _is_id(o, f) for o, f in selected)
    for inner_owner, child in selected:
        _walk_field(schema, inner_owner, child, fragments, analysis, depth + 1, False, (name, has_id))


def _is_id(owner, node: FieldNode) -> bool:
    definition = (getattr(owner, "fields", None) or {}).get("id")
    return definition is not None and get_named_type(definition.type).name == GraphQLID.name
