"""Shopify's GraphQL Admin rate limit: a leaky bucket per shop and the query cost estimate.

Costs follow shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits, simplified:
scalar and enum fields cost 0, object/interface/union fields 1, a mutation root field
costs a flat 10 (its selection is free), and a field taking ``first``/``last`` N (a
connection) multiplies the cost of its selection by N. Fragments are expanded in place
(interfaces are summed over all fragments, so the estimate errs high, never low).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    get_named_type,
    is_leaf_type,
)

DEFAULT_MAXIMUM = 2000.0
DEFAULT_RESTORE_RATE = 100.0
MUTATION_COST = 10
SINGLE_QUERY_MAX_COST = 1000


@dataclass
class LeakyBucket:
    """Points available to one shop; refills at ``restore_rate`` points/s up to ``maximum``.

    Not thread-safe by itself: callers hold the store lock.
    """

    maximum: float = DEFAULT_MAXIMUM
    restore_rate: float = DEFAULT_RESTORE_RATE
    available: float = DEFAULT_MAXIMUM
    updated_at: float = 0.0

    def refill(self, now: float) -> None:
        """Add what leaked back since the last call (never above ``maximum``)."""
        if self.updated_at:
            self.available = min(
                self.maximum,
                self.available + (now - self.updated_at) * self.restore_rate,
            )
        self.updated_at = now

    def try_take(self, cost: float, now: float) -> bool:
        """Deduct ``cost`` and return True if that many points are available, else False."""
        self.refill(now)
        if cost > self.available:
            return False
        self.available -= cost
        return True

    def reset(
        self, maximum: float | None = None, restore_rate: float | None = None
    ) -> None:
        """Set new limits (None keeps the current one) and fill the bucket."""
        if maximum is not None:
            self.maximum = float(maximum)
        if restore_rate is not None:
            self.restore_rate = float(restore_rate)
        self.available = self.maximum
        self.updated_at = 0.0

    def status(self) -> dict:
        """The ``throttleStatus`` object Shopify puts in ``extensions.cost``."""
        return {
            "maximumAvailable": float(self.maximum),
            "currentlyAvailable": int(self.available),
            "restoreRate": float(self.restore_rate),
        }


def cost_extension(
    requested: int | None, actual: int | None, bucket: LeakyBucket
) -> dict:
    """The ``extensions`` object every GraphQL response carries."""
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": bucket.status(),
        }
    }


def estimate_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict,
    variables: dict | None = None,
) -> int:
    """Requested cost of an already validated operation, per the rules in the module docstring."""
    variables = variables or {}
    if operation.operation == OperationType.MUTATION:
        return MUTATION_COST * len(_fields(operation.selection_set, fragments))
    root = (
        schema.query_type
        if operation.operation == OperationType.QUERY
        else schema.subscription_type
    )
    return _selection_cost(
        schema.type_map, root, operation.selection_set, fragments, variables
    )


def _fields(selection_set, fragments) -> list[FieldNode]:
    out: list[FieldNode] = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            out.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            out.extend(_fields(selection.selection_set, fragments))
        elif (
            isinstance(selection, FragmentSpreadNode)
            and selection.name.value in fragments
        ):
            out.extend(
                _fields(fragments[selection.name.value].selection_set, fragments)
            )
    return out


def _type_conditions(parent, selection_set, fragments, schema_types):
    """Yield (parent type, field node) pairs, following fragments' type conditions."""
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            yield parent, selection
            continue
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
        else:
            fragment = selection
        if fragment is None:
            continue
        condition = fragment.type_condition
        inner = schema_types.get(condition.name.value, parent) if condition else parent
        yield from _type_conditions(
            inner, fragment.selection_set, fragments, schema_types
        )


def _selection_cost(types, parent, selection_set, fragments, variables) -> int:
    total = 0
    for owner, node in _type_conditions(parent, selection_set, fragments, types):
        fields = getattr(owner, "fields", None) or {}
        field = fields.get(node.name.value)
        if field is None:  # __typename and other meta fields
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            continue
        child = _selection_cost(types, named, node.selection_set, fragments, variables)
        total += 1 + _page_size(node, variables) * child
    return total


def _page_size(node: FieldNode, variables: dict) -> int:
    for argument in node.arguments or ():
        if argument.name.value not in ("first", "last"):
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode) and isinstance(
            variables.get(value.name.value), int
        ):
            return variables[value.name.value]
    return 1
