"""Shopify's limit on input arrays: "Input arguments that accept an array have a maximum size of 250.
Queries and mutations return an error if an input array exceeds 250 items." (shopify.dev "GraphQL
Admin API rate limits" / "Shopify API limits", *Input limits*, https://shopify.dev/docs/api/usage/limits).

The error is the one Shopify answers (as captured from a live shop by github
airhorns/shopify-draft-proxy): HTTP 200, ``{"message": "The input array size of 251 is greater than
the maximum allowed of 250.", "path": [field, argument, ...], "extensions": {"code":
"MAX_INPUT_SIZE_EXCEEDED"}}``, and nothing runs. Every argument of every selected field is checked,
inside input objects too (``product: {tags: [...]}``), whether written inline or passed as a variable.
"""

from __future__ import annotations

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    VariableNode,
)

MAX_INPUT_ARRAY = 250


def oversized(operation: OperationDefinitionNode, fragments: dict, variables: dict) -> list[dict]:
    """Shopify's MAX_INPUT_SIZE_EXCEEDED errors for the operation's arguments (empty when none)."""
    errors: list[dict] = []
    for path, field in _fields(operation.selection_set, fragments, ()):
        for argument in field.arguments or ():
            _check(_value(argument.value, variables), [*path, argument.name.value], errors)
    return errors


def _fields(selection_set, fragments: dict, path: tuple):
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            yield (*path, key), selection
            yield from _fields(selection.selection_set, fragments, (*path, key))
        else:
            fragment = (
                fragments.get(selection.name.value)
                if isinstance(selection, FragmentSpreadNode)
                else selection
            )
            if fragment is not None:
                yield from _fields(fragment.selection_set, fragments, path)


def _value(node, variables: dict):
    """The argument's value with variables put in (literal lists and objects kept as Python ones)."""
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, ListValueNode):
        return [_value(v, variables) for v in node.values]
    if isinstance(node, ObjectValueNode):
        return {f.name.value: _value(f.value, variables) for f in node.fields}
    return None  # a scalar literal: no array inside


def _check(value, path: list, errors: list[dict]) -> None:
    if isinstance(value, list):
        if len(value) > MAX_INPUT_ARRAY:
            errors.append(
                {
                    "message": f"The input array size of {len(value)} is greater than the maximum allowed of "
                    f"{MAX_INPUT_ARRAY}.",
                    "path": path,
                    "extensions": {"code": "MAX_INPUT_SIZE_EXCEEDED"},
                }
            )
            return
        for item in value:
            _check(item, path, errors)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(item, [*path, key], errors)
