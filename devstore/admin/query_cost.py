"""Shopify's calculated query cost for the GraphQL Admin API: requested (before execution, from
the query alone) and actual (after execution, from what was returned).

Source: shopify.dev "GraphQL Admin API rate limits", *Cost calculation*
(https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): a field's cost is set by
what it returns - scalar 0, enum 0, object 1, interface and union "maximum of possible
selections", connection "sized by `first` and `last` arguments", mutation 10. The connection
formula is the one in Shopify Engineering's "Rate Limiting GraphQL APIs by Calculating Query
Complexity" (https://shopify.engineering/rate-limiting-graphql-apis-calculating-query-complexity):
"two points plus the number of returned objects", i.e. ``2 + first x (cost of one node)``.

Where the doc is silent the stand-in charges the stricter reading, never the cheaper one:

- ``nodes(ids:)`` is sized by the number of ids (one lookup per id);
- a plain list field with ``first``/``last`` (``Order.refunds(first:)``) is sized like a
  connection's nodes, without the connection's 2; a list with no size is charged as one object;
- a connection without ``first``/``last`` (refused at execution anyway) is sized 1;
- an interface or union costs 1 plus the fields every possible type shares, plus the most
  expensive ``... on Type`` selection.

Not modelled: the manual costs Shopify "reserves the right to set" on single fields, and the
lower costs it now charges for big pages (a community report shows ``variants(first: 250)``
requested at 25: community.shopify.dev/t/23101). Both only make Shopify cheaper than this.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLSchema,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)

MUTATION_COST = 10  # "Mutation | 10" in the cost table
CONNECTION_COST = 2  # "two points plus the number of returned objects"
OBJECT_COST = 1


@dataclass
class _Ctx:
    schema: GraphQLSchema
    fragments: dict
    variables: dict


def requested_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict,
    variables: dict | None = None,
) -> int:
    """The requested cost of a validated operation (what the bucket must hold before it runs)."""
    ctx = _Ctx(schema, fragments, variables or {})
    if operation.operation == OperationType.MUTATION:
        common, _ = _split(ctx, schema.mutation_type, operation.selection_set)
        return MUTATION_COST * len(common)
    root = schema.query_type
    common, _ = _split(ctx, root, operation.selection_set)
    return sum(_field_cost(ctx, root, node) for node in common)


def actual_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict,
    variables: dict | None,
    data: dict | None,
) -> int:
    """The cost of what was returned: connections count the nodes they gave, a null object
    costs its own point and nothing below it. Never more than the requested cost."""
    ctx = _Ctx(schema, fragments, variables or {})
    requested = requested_cost(schema, operation, fragments, variables)
    if operation.operation == OperationType.MUTATION:
        return requested
    root = schema.query_type
    common, _ = _split(ctx, root, operation.selection_set)
    spent = sum(_field_actual(ctx, root, node, data or {}) for node in common)
    return min(spent, requested)


# -- selections --------------------------------------------------------------------------------
def _split(ctx: _Ctx, parent, selection_set) -> tuple[list[FieldNode], dict[str, list[FieldNode]]]:
    """The fields selected on ``parent``: those every possible type gets, and per concrete type
    the fields of ``... on Type`` fragments (an abstract parent's "possible selections")."""
    common: list[FieldNode] = []
    specific: dict[str, list[FieldNode]] = {}
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            common.append(selection)
            continue
        fragment = (
            ctx.fragments.get(selection.name.value)
            if isinstance(selection, FragmentSpreadNode)
            else selection
        )
        if fragment is None:
            continue
        condition = fragment.type_condition.name.value if fragment.type_condition else None
        target = ctx.schema.type_map.get(condition) if condition else None
        if target is None or target is parent or is_abstract_type(target) or not is_abstract_type(parent):
            inner_common, inner_specific = _split(ctx, parent, fragment.selection_set)
            common += inner_common
            for name, fields in inner_specific.items():
                specific.setdefault(name, []).extend(fields)
        else:
            inner_common, _ = _split(ctx, target, fragment.selection_set)
            specific.setdefault(target.name, []).extend(inner_common)
    return common, specific


def _field_def(parent, node: FieldNode):
    if node.name.value.startswith("__"):
        return None  # __typename and introspection: free
    return (getattr(parent, "fields", None) or {}).get(node.name.value)


def _is_connection(named) -> bool:
    fields = getattr(named, "fields", None) or {}
    return named.name.endswith("Connection") and "pageInfo" in fields


def _is_list(field) -> bool:
    kind = field.type.of_type if is_non_null_type(field.type) else field.type
    return is_list_type(kind)


def _size(ctx: _Ctx, node: FieldNode, parent, field) -> int | None:
    """The page size a field asks for: ``first``/``last``, or the number of ``ids`` of ``nodes``."""
    for argument in node.arguments or ():
        name, value = argument.name.value, argument.value
        if isinstance(value, VariableNode):
            value = ctx.variables.get(value.name.value)
        elif isinstance(value, IntValueNode):
            value = int(value.value)
        elif isinstance(value, ListValueNode):
            value = list(value.values)
        if name in ("first", "last") and isinstance(value, int):
            return value
        if name == "ids" and parent is ctx.schema.query_type and isinstance(value, list):
            return len(value)
    return None


# -- requested ---------------------------------------------------------------------------------
def _field_cost(ctx: _Ctx, parent, node: FieldNode) -> int:
    field = _field_def(parent, node)
    if field is None:
        return 0
    named = get_named_type(field.type)
    if is_leaf_type(named):
        return 0
    size = _size(ctx, node, parent, field)
    if _is_connection(named):
        return CONNECTION_COST + (1 if size is None else size) * _item_cost(ctx, named, node.selection_set)
    one = _value_cost(ctx, named, node.selection_set)
    return size * one if size is not None and _is_list(field) else one


def _item_cost(ctx: _Ctx, connection, selection_set) -> int:
    """The cost of one node of a connection: ``edges { node }`` and ``nodes`` selections
    (``pageInfo`` and ``cursor`` are in the connection's 2 points)."""
    total = 0
    common, _ = _split(ctx, connection, selection_set)
    for node in common:
        if node.name.value == "nodes":
            total += _value_cost(ctx, get_named_type(connection.fields["nodes"].type), node.selection_set)
        elif node.name.value == "edges":
            edge = get_named_type(connection.fields["edges"].type)
            for inner in _split(ctx, edge, node.selection_set)[0]:
                if inner.name.value == "node":
                    total += _value_cost(ctx, get_named_type(edge.fields["node"].type), inner.selection_set)
    return total


def _value_cost(ctx: _Ctx, named, selection_set) -> int:
    """One object (1 + its fields), or for an interface/union the dearest possible selection."""
    common, specific = _split(ctx, named, selection_set)
    base = OBJECT_COST + sum(_field_cost(ctx, named, n) for n in common)
    if not is_abstract_type(named):
        return base
    extra = [
        sum(_field_cost(ctx, ctx.schema.type_map[t], n) for n in fields) for t, fields in specific.items()
    ]
    return base + max(extra, default=0)


# -- actual ------------------------------------------------------------------------------------
def _key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def _field_actual(ctx: _Ctx, parent, node: FieldNode, data: dict) -> int:
    field = _field_def(parent, node)
    if field is None or not isinstance(data, dict):
        return 0
    named = get_named_type(field.type)
    if is_leaf_type(named):
        return 0
    value = data.get(_key(node))
    if _is_connection(named):
        return CONNECTION_COST + _items_actual(ctx, named, node.selection_set, value)
    if isinstance(value, list):
        if _size(ctx, node, parent, field) is None:
            value = value[0] if value else None  # an unsized list is charged as one object
        else:
            return sum(_value_actual(ctx, named, node.selection_set, item) for item in value)
    return _value_actual(ctx, named, node.selection_set, value)


def _items_actual(ctx: _Ctx, connection, selection_set, value) -> int:
    if not isinstance(value, dict):
        return 0
    total = 0
    for node in _split(ctx, connection, selection_set)[0]:
        key = _key(node)
        if node.name.value == "nodes":
            named = get_named_type(connection.fields["nodes"].type)
            total += sum(_value_actual(ctx, named, node.selection_set, v) for v in value.get(key) or [])
        elif node.name.value == "edges":
            edge = get_named_type(connection.fields["edges"].type)
            for inner in _split(ctx, edge, node.selection_set)[0]:
                if inner.name.value == "node":
                    named = get_named_type(edge.fields["node"].type)
                    total += sum(
                        _value_actual(ctx, named, inner.selection_set, (e or {}).get(_key(inner)))
                        for e in value.get(key) or []
                    )
    return total


def _value_actual(ctx: _Ctx, named, selection_set, value) -> int:
    if not isinstance(value, dict):
        return OBJECT_COST  # a null object still cost its lookup, nothing below it
    common, specific = _split(ctx, named, selection_set)
    base = OBJECT_COST + sum(_field_actual(ctx, named, n, value) for n in common)
    if not is_abstract_type(named):
        return base
    typename = value.get("__typename")
    if typename in specific:
        concrete = ctx.schema.type_map[typename]
        return base + sum(_field_actual(ctx, concrete, n, value) for n in specific[typename])
    if typename is not None:
        return base
    extra = [
        sum(_field_actual(ctx, ctx.schema.type_map[t], n, value) for n in fields)
        for t, fields in specific.items()
    ]
    return base + max(extra, default=0)
