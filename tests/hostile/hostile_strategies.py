"""Hypothesis strategies for hostile input: wrong types, huge and negative numbers, NaN, unicode
and control characters, lone surrogates, over-long text, dates outside the calendar."""

from __future__ import annotations

import json

from hypothesis import strategies as st

NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "anna\x00",
    "\x1b[31m",
    "\u202eanna",
    "日本語",
    "😀😀😀",
    "a" * 300,
    "A" * 5000,
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "NaN",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "-1",
    "-0.01",
    "1e999999",
    "9" * 400,
    "922337203685477.5808",
    "1E+30",
    "0x10",
    "1_000",
    " 10 ",
    "10%",
    "1.23456789",
    "2026-02-30",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "true",
    "null",
    "[]",
    "{}",
    "ANNA15",
    "anna",
    "@anna",
    "Spring",
    "home",
    "product",
    "fee",
    "seeding",
    "code",
    "link",
]
NUMBERS = [0, -1, 1, 2**31, 2**63, -(2**63), 10**15, 10**30, -(10**30), 1e308, -1e-308, 0.1, 1.5]


def _text(allow_surrogates: bool):
    chars = st.characters(codec="utf-8") if not allow_surrogates else st.characters()
    return st.one_of(
        st.sampled_from(NASTY_TEXT),
        st.text(chars, max_size=24),
        st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=4),
    )


query_text = _text(allow_surrogates=False)  # a URL can only carry UTF-8
json_text = st.one_of(_text(allow_surrogates=False), st.sampled_from(["\ud800", "a\udfffb"]))
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, json_text)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(json_text, inner, max_size=4)),
    max_leaves=8,
)

# Every key a JSON body of /api/ reads (a new field is worth adding here).
BODY_KEYS = (
    "name",
    "handle",
    "platform",
    "followers",
    "commission_percent",
    "commission_rate",
    "notes",
    "campaigns",
    "kind",
    "date",
    "amount",
    "units",
    "unit_cost",
    "shipping",
    "note",
    "campaign",
    "target",
    "target_handle",
    "placement",
    "precedence",
    "from",
    "to",
    "codes",
    "csv",
    "targets",
    "gross_margin",
    "starts_on",
    "ends_on",
    "target_roas",
    "target_revenue",
    "code",
    "percent_off",
    "amount_off",
    "starts_at",
    "ends_at",
    "usage_limit",
    "once_per_customer",
    "combines_with_order",
    "combines_with_product",
    "combines_with_shipping",
    "min_subtotal",
    "variant_id",
)
CODE_KEYS = (
    "code",
    "percent_off",
    "amount_off",
    "starts_at",
    "ends_at",
    "usage_limit",
    "once_per_customer",
    "combines_with_order",
    "combines_with_product",
    "combines_with_shipping",
    "min_subtotal",
)
QUERY_KEYS = (
    "from",
    "to",
    "as_of",
    "campaign",
    "handle",
    "include_archived",
    "target",
    "target_handle",
    "placement",
)

objects = st.fixed_dictionaries(
    {},
    optional={
        **{k: values for k in BODY_KEYS},
        "discount": st.one_of(values, st.fixed_dictionaries({}, optional={k: values for k in CODE_KEYS})),
        "targets": st.one_of(
            values, st.dictionaries(st.sampled_from(["roas_min", "aov_min", "bogus"]), values, max_size=3)
        ),
    },
)


@st.composite
def bodies(draw) -> tuple[str | None, bytes | None]:
    """(Content-Type, raw body): mostly JSON objects with hostile values, sometimes worse."""
    kind = draw(
        st.sampled_from(["object", "object", "object", "object", "value", "garbage", "form", "empty"])
    )
    if kind == "object":
        return "application/json", json.dumps(draw(objects)).encode()
    if kind == "value":
        return "application/json", json.dumps(draw(values)).encode()
    if kind == "garbage":
        return "application/json", draw(st.binary(min_size=1, max_size=64))
    if kind == "form":
        return draw(
            st.sampled_from(["application/x-www-form-urlencoded", "text/plain", "text/csv"])
        ), b"name=x&amount=1"
    return None, None


queries = st.dictionaries(
    st.one_of(st.sampled_from(QUERY_KEYS), st.text(st.characters(codec="utf-8"), max_size=8)),
    query_text,
    max_size=4,
)


def corpus_bodies() -> list[tuple[str | None, bytes]]:
    """Bodies every route taking one is fed, whatever Hypothesis draws: each kind of wrong, once."""
    out = [
        ("application/json", raw)
        for raw in (
            b"[]",
            b"[1]",
            b'"x"',
            b"-1",
            b"null",
            b"true",
            b"{}",
            b"\xff\xfe",
            b'{"name": NaN}',
            b"{",
            b"[" * 100_000 + b"]" * 100_000,
        )
    ]
    for nasty in (
        None,
        [],
        {},
        "\x00",
        "\ud800",
        float("nan"),
        float("inf"),
        10**30,
        -1,
        "-1",
        "9" * 400,
        True,
        "a" * 5000,
        "1e999999",
        "0001-01-01T00:00:00+05:00",
        ["\x00"],
        {"\x00": 1},
    ):
        body = {k: nasty for k in BODY_KEYS}
        body["discount"] = {k: nasty for k in CODE_KEYS}
        out.append(("application/json", json.dumps(body).encode()))
    out.append(("application/x-www-form-urlencoded", b"name=x&amount=1"))
    return out


def corpus_queries() -> list[dict]:
    every_key = [
        {k: v for k in QUERY_KEYS}
        for v in (
            "\x00",
            "",
            "9" * 400,
            "2026-02-30",
            "0001-01-01",
            "9999-12-31",
            "日本",
            "a" * 3000,
            "-1",
            "NaN",
        )
    ]
    dates_only = [
        {"from": lo, "to": hi, "as_of": hi}
        for lo, hi in (
            ("0001-01-01", "0001-01-01"),
            ("9999-12-31", "9999-12-31"),
            ("2026-02-01", "2026-01-01"),
            ("0001-01-01", "9999-12-31"),
        )
    ]
    return every_key + dates_only


CORPUS_PATH_VALUES = {
    "handle": ["\x00", "%00", "a" * 300, "日本", "ANNA", " anna", "anna\n"],
    "int": [0, 2**31, 2**63, 10**30],
}
