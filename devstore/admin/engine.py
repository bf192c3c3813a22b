"""The Admin GraphQL engine: the real 2026-10 schema (loaded once per process), request
preparation (parse, validate, pick the operation, coerce variables), execution, and the
registry that binds resolvers to root fields.

Resolvers live in ``devstore/admin/resolvers/*.py``; every module there is imported when the
schema first loads, so a new feature adds a module with ``@query("orders")`` or
``@mutation("discountCodeBasicCreate")`` functions and nothing else. A resolver receives
``(root, info, **args)`` with ``info.context`` a ``ResolverContext`` and returns plain
dicts (``"__typename"`` for interfaces/unions). A root field with no resolver, or a dict
lacking a selected key, yields the error ``devstore: ... is not implemented``.
"""

from __future__ import annotations

import functools
import gzip
import importlib
import json
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    build_client_schema,
    execute,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values
from graphql.language import FragmentDefinitionNode
from graphql.utilities import get_operation_ast

from devstore.admin import customer_data
from devstore.config import DevstoreConfig
from devstore.store.state import Shop, Store

SCHEMA_PATH = Path(__file__).parent / "schema" / "admin-schema-2026-10.json.gz"
RESOLVERS = "devstore.admin.resolvers"

_schema: GraphQLSchema | None = None
_schema_lock = threading.Lock()
_registry: dict[str, dict[str, Callable]] = {"query": {}, "mutation": {}}


@dataclass
class ResolverContext:
    """``info.context`` for resolvers: the shop the token belongs to and where its data lives."""

    store: Store
    shop: Shop
    config: DevstoreConfig
    scopes: str


@dataclass
class Prepared:
    """A request that passed parsing, validation and variable coercion."""

    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]
    operation_name: str | None


class RequestRejected(Exception):
    """The request is not valid GraphQL for the schema; ``errors`` are Shopify-style dicts."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors[0]["message"] if errors else "invalid request")
        self.errors = errors


def query(name: str) -> Callable:
    """Decorator: make the function the resolver of ``QueryRoot.<name>``."""
    return lambda fn: register("query", name, fn)


def mutation(name: str) -> Callable:
    """Decorator: make the function the resolver of ``Mutation.<name>``."""
    return lambda fn: register("mutation", name, fn)


def register(kind: str, name: str, fn: Callable) -> Callable:
    """Record ``fn`` for a root field (and bind it at once if the schema is loaded)."""
    _registry[kind][name] = fn
    if _schema is not None:
        _bind(_schema, kind, name, fn)
    return fn


def get_schema() -> GraphQLSchema:
    """The Admin API schema with every registered resolver bound; built once per process (~0.4 s)."""
    global _schema
    with _schema_lock:
        if _schema is None:
            with gzip.open(SCHEMA_PATH) as fh:
                schema = build_client_schema(json.load(fh)["data"])
            for root in (schema.query_type, schema.mutation_type):
                for name, field in root.fields.items():
                    field.resolve = _not_implemented(name)
            _discover_resolvers()
            for kind, fns in _registry.items():
                for name, fn in fns.items():
                    _bind(schema, kind, name, fn)
            _schema = schema
        return _schema


def _discover_resolvers() -> None:
    """Import every module of ``devstore.admin.resolvers``: each registers its root fields.

    By name, when the schema loads: the resolvers import this module (``@query``), so importing
    them at its top would be circular."""
    package = importlib.import_module(RESOLVERS)
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")


def _bind(schema: GraphQLSchema, kind: str, name: str, fn: Callable) -> None:
    root = schema.query_type if kind == "query" else schema.mutation_type
    if name not in root.fields:
        raise KeyError(f"{root.name} has no field {name!r} in the Admin API schema")
    root.fields[name].resolve = fn


def _not_implemented(name: str) -> Callable:
    def resolve(_root, _info, **_args):
        raise GraphQLError(f"devstore: {name} is not implemented")

    return resolve


def dict_field_resolver(source, info, **args):
    """Read the selected field from a dict (calling it if callable); a missing key is an
    explicit 'not implemented' error rather than a silent null. A protected customer field the
    app is not approved for is redacted with Shopify's error (``customer_data.check_field``)."""
    customer_data.check_field(info)
    if isinstance(source, dict):
        if info.field_name not in source:
            raise GraphQLError(f"devstore: {info.parent_type.name}.{info.field_name} is not implemented")
        value = source[info.field_name]
    else:
        value = getattr(source, info.field_name, None)
    return value(info, **args) if callable(value) else value


def _error_dict(error: GraphQLError, code: str) -> dict:
    formatted = dict(error.formatted)
    formatted["extensions"] = {**(formatted.get("extensions") or {}), "code": code}
    return formatted


@functools.lru_cache(maxsize=1024)
def _parsed(source: str) -> tuple[DocumentNode | None, GraphQLError | None, tuple[GraphQLError, ...]]:
    """A document's parse and its validation against the one Admin schema: both depend on its text only, so
    an app sending the same operation again is judged as before, without parsing and validating it again
    (graphql-core never changes a parsed document). Variables are coerced afresh on every request."""
    try:
        document = parse(source)
    except GraphQLError as error:
        return None, error, ()
    return document, None, tuple(validate(get_schema(), document))


def prepare(source: Any, variables: Any = None, operation_name: str | None = None) -> Prepared:
    """Parse, validate against the schema, select the operation and coerce variables.

    Raises RequestRejected with GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED or
    INVALID_VARIABLE errors.
    """
    schema = get_schema()
    if not isinstance(source, str) or not source.strip():
        raise RequestRejected(
            [
                {
                    "message": "No query string was present",
                    "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
                }
            ]
        )
    if variables is not None and not isinstance(variables, dict):
        raise RequestRejected(
            [
                {
                    "message": "Variables must be an object",
                    "extensions": {"code": "INVALID_VARIABLE"},
                }
            ]
        )
    document, parse_error, errors = _parsed(source)
    if parse_error is not None:
        raise RequestRejected([_error_dict(parse_error, "GRAPHQL_PARSE_FAILED")]) from None
    if errors:
        raise RequestRejected([_error_dict(e, "GRAPHQL_VALIDATION_FAILED") for e in errors])
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = (
            f'Unknown operation named "{operation_name}".'
            if operation_name
            else "An operation name is required when the document has several operations."
        )
        raise RequestRejected([{"message": message, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}])
    coerced = get_variable_values(schema, operation.variable_definitions or [], variables or {})
    if isinstance(coerced, list):
        raise RequestRejected([_error_dict(e, "INVALID_VARIABLE") for e in coerced])
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return Prepared(
        document,
        operation,
        fragments,
        coerced,
        operation.name.value if operation.name else operation_name,
    )


def run(prepared: Prepared, context: ResolverContext, raw_variables: dict | None) -> ExecutionResult:
    """Execute a prepared request with the registered resolvers."""
    return execute(
        get_schema(),
        prepared.document,
        root_value=None,
        context_value=context,
        variable_values=raw_variables or {},
        operation_name=prepared.operation_name,
        field_resolver=dict_field_resolver,
    )


def format_errors(errors: list[GraphQLError] | None) -> list[dict]:
    """Execution errors as Shopify-style dicts (message, locations, path, extensions)."""
    return [dict(e.formatted) for e in errors or []]
