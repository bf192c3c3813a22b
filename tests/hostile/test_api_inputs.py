"""Every `/api/` route, fed hostile query strings, path values and bodies: always a clear 4xx (or a
success for input that happens to be valid), never a 5xx, and a refused request changes nothing.

The routes come from the URL map, so a route added later is covered without touching this file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import quote

import pytest
import requests
from flask import Flask
from hostile_strategies import CORPUS_PATH_VALUES, bodies, corpus_bodies, corpus_queries, queries, values
from hostile_support import hostile_settings
from hypothesis import given
from hypothesis import strategies as st
from support import API_KEY, API_SECRET

from shopify_roi import web


def _api_rules() -> list[tuple[str, str, tuple[str, ...]]]:
    app = Flask("routes-only")
    web.register(app)
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                rules.append((method, rule.rule, tuple(sorted(rule.arguments))))
    return sorted(rules, key=lambda r: (r[1], r[0]))


RULES = _api_rules()
# What the merchant's shop holds (deliveries are Shopify's, not the API's, and arrive on their own).
FACTS = ("webhook_deliveries",)


@pytest.fixture(scope="module")
def seeded(hostile):
    """A creator with a code, a tracked link, a campaign, a spend entry and an import to aim at."""
    created = hostile.call(
        "POST",
        "/api/creators",
        json={
            "name": "Anna",
            "handle": "anna",
            "campaigns": ["Spring"],
            "discount": {"code": "ANNA15", "percent_off": "15"},
        },
    )
    assert created.status_code == 201, created.text
    link = hostile.call("POST", "/api/creators/anna/links", json={}).json()
    entry = hostile.call(
        "POST", "/api/creators/anna/spend", json={"kind": "fee", "date": "2026-03-01", "amount": "300.00"}
    )
    imported = hostile.call(
        "POST",
        "/api/creators/import",
        data=b"name,handle,code\nZed,zed,ZED10\n",
        headers={"Content-Type": "text/csv"},
    )
    hostile.stand_in.control.wait_deliveries(hostile.shop, topic="discounts/create", count=1)
    run = hostile.call("POST", "/api/payouts", json={"period_end": "2026-03-31"})
    post = {
        "platform": "instagram",
        "url": "https://instagram.com/p/1",
        "posted_at": "2026-03-02T10:00:00+00:00",
    }
    made_post = hostile.call("POST", "/api/creators/anna/posts", json=post)
    assert made_post.status_code == 201, made_post.text
    report = hostile.call(
        "POST", "/api/creators/anna/report-links", json={"from": "2026-03-01", "to": "2026-03-31"}
    )
    return {
        "handle": ["anna", "zed"],
        "code_id": [created.json()["code"]["id"]],
        "link_id": [link["id"]],
        "campaign_id": [hostile.call("GET", "/api/campaigns").json()["campaigns"][0]["id"]],
        "entry_id": [entry.json()["id"]],
        "import_id": [imported.json()["id"]],
        "run_id": [run.json()["id"]],
        "post_id": [made_post.json()["id"]],
        "report_id": [report.json()["id"]],
        "order_id": ["1001", "%231001"],  # an order the app does not hold: the refusals are the point
    }


def _path_value(name: str, known: dict):
    if name == "handle":
        hostile_handles = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40).filter(
            lambda t: t not in (".", "..")
        )
        return st.one_of(
            st.sampled_from(known[name] + ["ANNA", "@anna", "anna%00", "a" * 65, "import"]), hostile_handles
        )
    return st.one_of(st.sampled_from(known[name]), st.integers(min_value=0, max_value=2**80))


def _probe(
    hostile, method: str, path: str, params: dict, content_type: str | None, body: bytes | None
) -> None:
    """One hostile request: never a 5xx; a 4xx is JSON with an error and changed nothing."""
    headers = {"Content-Type": content_type} if content_type else {}
    before = hostile.stored.digest(exclude=FACTS)
    resp = hostile.call(method, path, params=params, data=body, headers=headers)
    shown = f"{method} {path} {str(params)[:200]} {body[:200] if body else b''!r}"
    assert resp.status_code < 500, f"{shown}: {resp.status_code} {resp.text[:500]}"
    if 400 <= resp.status_code < 500:
        assert hostile.stored.digest(exclude=FACTS) == before, (
            f"{shown} answered {resp.status_code} but changed data"
        )
        assert resp.headers["Content-Type"].startswith("application/json"), f"{shown}: {resp.text[:200]}"
        assert resp.json().get("error"), f"{shown}: {resp.text[:200]}"


def _fill(rule: str, arguments: tuple[str, ...], values: dict) -> str:
    path = rule
    for name in arguments:
        path = path.replace(f"<int:{name}>", str(values[name])).replace(
            f"<{name}>", quote(str(values[name]), safe="")
        )
    return path


@pytest.mark.parametrize("method,rule,arguments", [pytest.param(m, r, a, id=f"{m} {r}") for m, r, a in RULES])
def test_api_route_refuses_hostile_input_clearly_and_changes_nothing(
    hostile, seeded, method, rule, arguments
):
    missing = [a for a in arguments if a not in seeded]
    assert not missing, f"{rule}: no known value for <{', '.join(missing)}>: extend `seeded`"
    takes_body = method in ("POST", "PUT", "PATCH")
    known = {name: seeded[name][0] for name in arguments}
    # Each kind of wrong, once: bodies, query strings, then each path value.
    for content_type, body in corpus_bodies() if takes_body else [(None, None)]:
        _probe(hostile, method, _fill(rule, arguments, known), {}, content_type, body)
    for params in corpus_queries():
        _probe(hostile, method, _fill(rule, arguments, known), params, None, None)
    for name in arguments:
        for value in CORPUS_PATH_VALUES["handle" if name == "handle" else "int"]:
            _probe(
                hostile,
                method,
                _fill(rule, arguments, {**known, name: value}),
                {},
                "application/json" if takes_body else None,
                b"{}" if takes_body else None,
            )

    # And what Hypothesis makes of it.
    @hostile_settings(max_examples=15)
    @given(data=st.data())
    def check(data):
        values = {name: data.draw(_path_value(name, seeded), label=name) for name in arguments}
        params = data.draw(queries, label="query")
        content_type, body = data.draw(bodies(), label="body") if takes_body else (None, None)
        _probe(hostile, method, _fill(rule, arguments, values), params, content_type, body)

    check()


def test_a_10_mb_body_is_refused_with_413_and_stores_nothing(hostile, seeded):
    before = hostile.stored.digest()
    ten_mb = b"x" * 10_000_000
    for path, content_type in (
        ("/api/creators", "application/json"),
        ("/api/creators/import", "text/csv"),
        ("/api/creators/anna/spend", "application/json"),
    ):
        resp = hostile.call("POST", path, data=ten_mb, headers={"Content-Type": content_type})
        assert resp.status_code == 413, path
        assert resp.json() == {"error": "too_large", "message": resp.json()["message"]}
        assert "bytes" in resp.json()["message"]
    # Without a Content-Length (chunked), the limit holds while reading.
    for path, content_type in (("/api/campaigns", "application/json"), ("/api/creators/import", "text/csv")):
        chunks = iter(
            [b"name,handle,code\n"] + [b"Zoe,zoe,ZOE10,\n" * 100_000] * 7
        )  # 11 MB, not a byte dropped
        resp = hostile.call("POST", path, data=chunks, headers={"Content-Type": content_type})
        assert resp.status_code == 413, path
    assert hostile.stored.digest() == before


def test_deeply_nested_json_is_a_400_and_the_server_lives_on(hostile, seeded):
    before = hostile.stored.digest(exclude=FACTS)
    for body in (
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"name": ' + b"[" * 20 + b"1" + b"]" * 20 + b"}",
    ):  # 21 levels: parsable, still refused
        resp = hostile.call("POST", "/api/campaigns", data=body, headers={"Content-Type": "application/json"})
        assert resp.status_code == 400 and "nested" in resp.json()["message"]
    assert hostile.stored.digest(exclude=FACTS) == before
    assert hostile.call("GET", "/api/shop").status_code == 200


@pytest.mark.parametrize(
    "field,value",
    [
        ("amount", "1e15"),
        ("amount", "922337203685477.5808"),
        ("amount", "-1"),
        ("amount", "NaN"),
        ("amount", "Infinity"),
        ("amount", 10**30),
        ("amount", 1e300),
    ],
)
def test_money_beyond_the_money_column_is_a_400_not_an_overflow(hostile, seeded, field, value):
    before = hostile.stored.digest(exclude=FACTS)
    resp = hostile.call(
        "POST", "/api/creators/anna/spend", json={"kind": "fee", "date": "2026-03-01", field: value}
    )
    assert resp.status_code == 400 and field in resp.json()["fields"], resp.text
    seeding = hostile.call(
        "POST",
        "/api/creators/anna/spend",
        json={
            "kind": "seeding",
            "date": "2026-03-01",
            "units": 1_000_000,
            "unit_cost": "99999999999",
            "shipping": "0",
        },
    )
    assert (
        seeding.status_code == 400 and "units" in seeding.json()["fields"]
    )  # 1e6 x 1e11: each fine, the product not
    campaign = hostile.call("POST", "/api/campaigns", json={"name": "Big", "target_revenue": value})
    assert campaign.status_code == 400 and "target_revenue" in campaign.json()["fields"]
    code = hostile.call(
        "POST",
        "/api/creators",
        json={"name": "Big", "handle": "big", "discount": {"code": "BIG10", "amount_off": value}},
    )
    assert code.status_code == 400 and "amount_off" in code.json()["fields"]
    assert hostile.stored.digest(exclude=FACTS) == before
    assert not [
        d for d in hostile.stand_in.control.discounts(hostile.shop) if "BIG10" in d["codes"]
    ]  # Shopify never asked


def test_a_body_that_is_not_json_is_415_except_for_the_csv_import(hostile, seeded):
    form = hostile.call("POST", "/api/campaigns", data={"name": "Form"})
    assert form.status_code == 415 and form.json()["error"] == "unsupported_media_type"
    csv = hostile.call(
        "POST",
        "/api/creators/import",
        data=b"name,handle,code\nA\x00B,nul,NUL10\n",
        headers={"Content-Type": "text/csv"},
    )
    assert csv.status_code == 202  # the file is read; the row is refused and reported
    (row,) = csv.json()["rows"]
    assert row["status"] == "invalid" and "control characters" in row["message"]


def test_ids_beyond_the_id_columns_are_404(hostile, seeded):
    for path in (
        "/api/creators/anna/spend/99999999999999999999999",
        "/api/campaigns/2147483648",
        "/api/creators/imports/0",
    ):
        resp = hostile.call("GET" if "imports" in path else "PATCH", path, json={})
        assert resp.status_code in (404, 405) and resp.json()["error"], path


def test_unauthenticated_hostile_requests_are_401_whatever_the_body(hostile, seeded):
    resp = requests.post(
        f"{hostile.url}/api/campaigns",
        data=b"[" * 100_000,
        timeout=60,
        headers={"Content-Type": "application/json"},
    )
    assert resp.status_code == 401


def _sign(claims: dict) -> str:
    """An HS256 JWT signed with the app secret, whatever the claims hold (PyJWT refuses to encode odd
    ones)."""

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(claims).encode())
    return head + "." + b64(hmac.new(API_SECRET.encode(), head.encode(), hashlib.sha256).digest())


CLAIMS = ("iss", "dest", "aud", "sub", "exp", "nbf", "iat", "jti", "sid")


@given(data=st.data())
@hostile_settings(max_examples=60)
def test_hostile_session_tokens_are_401(hostile, data):
    """Garbage, JWT-shaped garbage, and tokens signed with the real secret whose claims are of the wrong
    kind."""
    now = int(time.time())
    kind = data.draw(st.sampled_from(["text", "jwt-shaped", "signed"]))
    if kind == "text":
        header = data.draw(
            st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=200).map(str.strip)
        )
    elif kind == "jwt-shaped":
        segment = st.text(
            st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_="), max_size=60
        )
        header = "Bearer " + ".".join(data.draw(st.lists(segment, min_size=3, max_size=3)))
    else:
        claims = {
            "iss": f"https://{hostile.shop}/admin",
            "dest": f"https://{hostile.shop}",
            "aud": API_KEY,
            "sub": "42",
            "exp": now + 60,
            "nbf": now - 5,
            "iat": now - 5,
            "jti": "j",
            "sid": "s",
        }
        for name in data.draw(st.lists(st.sampled_from(CLAIMS), min_size=1, max_size=3, unique=True)):
            claims[name] = data.draw(
                st.one_of(
                    values,
                    st.sampled_from(
                        [
                            f"https://{hostile.shop}",
                            "https://evil.com/admin",
                            f"http://{hostile.shop}/admin",
                            2**70,
                            -1,
                        ]
                    ),
                )
            )
        header = "Bearer " + _sign(claims)
    before = hostile.stored.digest(exclude=FACTS)
    resp = requests.get(f"{hostile.url}/api/shop", headers={"Authorization": header}, timeout=60)
    assert resp.status_code in (200, 401), (header[:200], resp.status_code, resp.text[:300])
    assert hostile.stored.digest(exclude=FACTS) == before
