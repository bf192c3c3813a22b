"""Helpers for the order tests: Shopify's webhook JSON Schemas, relaxed once where they are
too strict for realistic bodies (see shared/shopify/webhooks/README.md, "Where they are too
strict"), and small order-spec shortcuts."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMAS = Path(__file__).resolve().parents[1] / "payloads" / "webhook-schemas"
NULL_ONLY_OK = {"payment_terms"}  # typed null|string, an object when present


def relax(node):
    """A copy of a schema where arrays typed ``"items": false`` (empty in every sample the
    schema was inferred from) accept any items, and null-only fields accept any value."""
    if isinstance(node, list):
        return [relax(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "items" and value is False:
            out[key] = {}
        elif key == "properties":
            out[key] = {name: ({} if name in NULL_ONLY_OK else relax(sub)) for name, sub in value.items()}
        else:
            out[key] = relax(value)
    if out.get("type") == "null":
        del out["type"]
    return out


@cache
def validator(topic: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / (topic.replace("/", "__") + ".json")).read_text())
    return Draft202012Validator(relax(schema), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(topic: str, body: dict) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in validator(topic).iter_errors(body)]


def line(title: str = "Tee", price: str = "40.00", quantity: int = 1, **kw) -> dict:
    return {"title": title, "price": price, "quantity": quantity, **kw}


def code(text: str = "ANNA15", value: str = "15.0", kind: str = "percentage") -> dict:
    return {"code": text, "type": kind, "value": value}


def gid_id(gid: str) -> int:
    return int(gid.rsplit("/", 1)[1])


def money(node: dict) -> str:
    """The shop amount of a ``*_set``."""
    return node["shop_money"]["amount"]
