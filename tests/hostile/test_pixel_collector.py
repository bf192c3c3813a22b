"""The creator pixel's collector (`POST /pixel/events`) is public: what an attacker sends gets a clear 4xx
and stores nothing; a replay stores nothing; one visitor over its limit is refused while the others and
another shop go on; the answers allow the storefront's origin."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from hostile_support import HostileServer, truncate
from sqlalchemy import func, select
from support import app_settings, install

from shopify_roi.models import PixelEvent, PixelSettings, Shop

VISITOR_LIMIT = 12


@pytest.fixture(scope="module")
def server(database_url, redis_url, stand_in):
    truncate(database_url)
    s = HostileServer(
        app_settings(
            database_url,
            redis_url,
            stand_in.origin_template,
            pixel_visitor_limit=VISITOR_LIMIT,
            pixel_rate_window_seconds=3600,
        ),
        stand_in,
    )
    created = s.call(
        "POST",
        "/api/creators",
        json={"name": "Anna", "handle": "anna", "discount": {"code": "ANNA15", "percent_off": "15"}},
    )
    assert created.status_code == 201, created.text
    assert s.call("PUT", "/api/settings", json={"creator_pixel": {"enabled": True}}).status_code == 200
    with s.runtime.db.session() as session:
        s.key = session.scalar(
            select(PixelSettings.key)
            .join(Shop, Shop.id == PixelSettings.shop_id)
            .where(Shop.domain == s.shop)
        )
    yield s
    s.close()
    truncate(database_url)


def _stored(server) -> int:
    with server.runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(PixelEvent))


def _event(**fields) -> dict:
    return {"id": uuid.uuid4().hex, "n": "pv", "s": "session-abcdef", "c": "anna", "start": True, **fields}


def _post(server, body, raw: bytes | None = None) -> requests.Response:
    data = raw if raw is not None else json.dumps(body).encode()
    return requests.post(
        f"{server.url}/pixel/events", data=data, headers={"Content-Type": "text/plain"}, timeout=30
    )


def _batch(server, events, **over) -> dict:
    return {
        "v": 1,
        "shop": server.shop,
        "key": server.key,
        "visitor": uuid.uuid4().hex,
        "events": events,
        **over,
    }


def test_a_good_batch_is_stored_and_answered_with_cors(server):
    before = _stored(server)
    resp = _post(server, _batch(server, [_event(), _event(n="vw", p="123")]))
    assert resp.status_code == 204
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert _stored(server) == before + 2
    preflight = requests.options(f"{server.url}/pixel/events", timeout=30)
    assert preflight.status_code == 204 and "POST" in preflight.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    "case",
    [
        "not-json",
        "array",
        "extra-top-field",
        "version-2",
        "no-events",
        "too-many-events",
        "unknown-name",
        "product-view-without-product",
        "letters-in-product",
        "checkout-completed-without-order",
        "handle-with-spaces",
        "extra-event-field",
        "quantity-zero",
        "quantity-bool",
        "start-not-bool",
        "shop-not-myshopify",
        "short-key",
    ],
)
def test_malformed_batches_are_400_and_store_nothing(server, case):
    good = _batch(server, [_event()])
    bodies = {
        "array": [good],
        "extra-top-field": {**good, "admin": True},
        "version-2": {**good, "v": 2},
        "no-events": {**good, "events": []},
        "too-many-events": {**good, "events": [_event() for _ in range(21)]},
        "unknown-name": {**good, "events": [_event(n="zz")]},
        "product-view-without-product": {**good, "events": [_event(n="vw")]},
        "letters-in-product": {**good, "events": [_event(n="vw", p="12a")]},
        "checkout-completed-without-order": {**good, "events": [_event(n="cc")]},
        "handle-with-spaces": {**good, "events": [_event(c="an na")]},
        "extra-event-field": {**good, "events": [_event(revenue="9999.00")]},
        "quantity-zero": {**good, "events": [_event(n="ac", p="1", q=0)]},
        "quantity-bool": {**good, "events": [_event(n="ac", p="1", q=True)]},
        "start-not-bool": {**good, "events": [_event(start="yes")]},
        "shop-not-myshopify": {**good, "shop": "evil.example.com"},
        "short-key": {**good, "key": "abc"},
    }
    before = _stored(server)
    resp = _post(server, bodies.get(case), raw=b"{not json" if case == "not-json" else None)
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]  # a reason the sender can read
    assert _stored(server) == before


def test_a_huge_body_is_413_and_stores_nothing(server):
    before = _stored(server)
    body = _batch(server, [_event()])
    raw = json.dumps({**body, "pad": "x" * 20_000}).encode()
    resp = _post(server, None, raw=raw)
    assert resp.status_code == 413
    assert _stored(server) == before


@pytest.mark.parametrize("who", ["unknown-shop", "wrong-key", "pixel-off-shop"])
def test_a_wrong_shop_or_key_is_403_and_stores_nothing(server, stand_in, who):
    other = f"other-{uuid.uuid4().hex[:8]}.myshopify.com"
    body = _batch(server, [_event()])
    if who == "unknown-shop":
        body["shop"] = other
    elif who == "wrong-key":
        body["key"] = "k" * 32
    else:  # installed, but its merchant never turned the pixel on; the key of another shop does not open it
        stand_in.control.create_shop(other, scopes="read_orders,write_discounts,read_customers")
        assert install(server.url, other).status_code == 302
        body["shop"] = other
    before = _stored(server)
    resp = _post(server, body)
    assert resp.status_code == 403, resp.text
    assert _stored(server) == before


def test_a_replayed_batch_is_409_and_stores_nothing_more(server):
    body = _batch(server, [_event(), _event(n="cs")])
    assert _post(server, body).status_code == 204
    before = _stored(server)
    again = _post(server, body)
    assert again.status_code == 409
    assert _stored(server) == before
    # a batch with one new event among replayed ones stores only the new one
    body["events"].append(_event(n="vw", p="5"))
    assert _post(server, body).status_code == 204
    assert _stored(server) == before + 1


def test_one_visitor_over_its_limit_is_429_and_others_go_on(server):
    flood = _batch(server, [_event() for _ in range(VISITOR_LIMIT)])
    assert _post(server, flood).status_code == 204
    before = _stored(server)
    over = _post(server, {**flood, "events": [_event()]})
    assert over.status_code == 429 and int(over.headers["Retry-After"]) >= 1
    assert _stored(server) == before
    assert _post(server, _batch(server, [_event()])).status_code == 204  # another visitor


def test_one_address_rotating_visitor_ids_is_still_limited(database_url, redis_url, stand_in):
    """A visitor id is the sender's to choose: the client's address is limited too."""
    s = HostileServer(
        app_settings(
            database_url,
            redis_url,
            stand_in.origin_template,
            pixel_address_limit=5,
            pixel_rate_window_seconds=3600,
        ),
        stand_in,
    )
    try:
        assert s.call("PUT", "/api/settings", json={"creator_pixel": {"enabled": True}}).status_code == 200
        with s.runtime.db.session() as session:
            s.key = session.scalar(
                select(PixelSettings.key)
                .join(Shop, Shop.id == PixelSettings.shop_id)
                .where(Shop.domain == s.shop)
            )
        answers = [
            _post(s, _batch(s, [_event()])).status_code for _ in range(7)
        ]  # a new visitor id each time
        assert answers == [204] * 5 + [429] * 2
    finally:
        s.close()
