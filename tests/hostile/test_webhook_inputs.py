"""Webhook bodies and headers, hostile: a correctly signed body the app cannot use is acknowledged
(200) and recorded as failed with its reason, changing no fact; an unsigned or wrongly signed one
is a 401 and stores nothing; a stale one (past the replay window) is recorded and not applied."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from hostile_strategies import json_text, values
from hostile_support import hostile_settings
from hypothesis import given
from hypothesis import strategies as st
from support import API_SECRET

from shopify_roi import runtime as runtime_mod
from shopify_roi.jobs.deliveries import process_delivery
from shopify_roi.jobs.orders import drain_flag, drain_orders
from shopify_roi.shopify_client.domains import valid_shop_domain
from shopify_roi.shopify_client.webhook_hmac import sign
from shopify_roi.web.webhooks import TOPICS

PATH_OF = {topic: f"/webhooks/{key}" for key, topics in TOPICS.items() for topic in topics}
# Topics whose body is read (app/uninstalled and shop/redact act on the header alone, by design).
READ_TOPICS = sorted(t for t in PATH_OF if t not in ("app/uninstalled", "shop/redact"))
ORDER_TOPICS = {
    "orders/create",
    "orders/updated",
    "orders/paid",
    "orders/cancelled",
    "orders/edited",
    "refunds/create",
}
FACTS = ("webhook_deliveries",)
SAME_PARSER_AS_ORDERS_CREATE = {"orders/updated", "orders/paid", "orders/cancelled"}


def _now_iso(delta: timedelta = timedelta(0)) -> str:
    return (datetime.now(UTC) + delta).isoformat().replace("+00:00", "Z")


def post(
    hostile,
    topic: str,
    raw: bytes,
    *,
    secret: str | None = API_SECRET,
    shop: str | None = None,
    webhook_id: str | None = None,
    path: str | None = None,
    **headers,
) -> tuple[requests.Response, str]:
    webhook_id = webhook_id or str(uuid.uuid4())
    sent = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": shop or hostile.shop,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Triggered-At": _now_iso(),
    }
    if secret is not None:
        sent["X-Shopify-Hmac-Sha256"] = sign(raw, secret)
    sent.update({k.replace("_", "-"): v for k, v in headers.items()})
    sent = {k: v for k, v in sent.items() if v is not None}
    return requests.post(
        hostile.url + (path or PATH_OF[topic]), data=raw, headers=sent, timeout=30
    ), webhook_id


def process(hostile, webhook_id: str, keyed: bool = True) -> dict:
    """Run the worker's step for this delivery now, in this thread; its stored row afterwards. `keyed`: the
    job names the delivery's id and shop, as the app queues it (else its id alone, as a job queued before
    deliveries were keyed by their shop)."""
    runtime_mod.install(hostile.runtime)
    (row,) = hostile.stored.rows("webhook_deliveries", webhook_id=webhook_id, shop_domain=hostile.shop)
    if row["topic"] in ORDER_TOPICS:
        hostile.runtime.jobs.redis.delete(drain_flag(hostile.runtime))
        drain_orders()
    elif keyed:
        process_delivery(row["id"], row["shop_domain"])
    else:
        process_delivery(row["id"])
    hostile.runtime.jobs.queue.empty()  # follow-up jobs (a discount check) are not under test here
    (row,) = hostile.stored.rows("webhook_deliveries", webhook_id=webhook_id, shop_domain=hostile.shop)
    return dict(row)


@pytest.fixture(scope="module")
def templates(hostile):
    """A real body of every topic, as the stand-in sends them (Shopify's shapes)."""
    control, shop = hostile.stand_in.control, hostile.shop
    order = control.create_order(
        shop, customer_id="c1", line_items=[{"title": "Tee", "price": "40.00", "quantity": 2}]
    )
    control.refund_order(
        shop, order["id"], line_items=[{"line_item_id": order["line_items"][0]["id"], "quantity": 1}]
    )
    control.edit_order(shop, order["id"], add=[{"title": "Cap", "price": "15.00", "quantity": 1}])
    control.cancel_order(shop, order["id"], refund=False)
    for topic in (
        "app/scopes_update",
        "customers/data_request",
        "customers/redact",
        "discounts/create",
        "discounts/update",
        "discounts/delete",
        "discounts/redeemcode_added",
        "discounts/redeemcode_removed",
    ):
        control.send_webhook(shop, topic)
    bodies = {}
    for delivery in control.deliveries(shop):
        if delivery.get("payload") is not None:
            bodies.setdefault(delivery["topic"], delivery["payload"])
    bodies.setdefault(
        "bulk_operations/finish",
        {
            "admin_graphql_api_id": "gid://shopify/BulkOperation/1",
            "status": "completed",
            "type": "query",
            "error_code": None,
            "completed_at": _now_iso(),
            "created_at": _now_iso(),
        },
    )
    hostile.runtime.jobs.drain()
    missing = [t for t in READ_TOPICS if t not in bodies]
    assert not missing, f"no template body for {missing}"
    return bodies


def _paths(value, prefix=()):
    """Every path into a JSON document (keys and list indexes)."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value[:3]):
            yield from _paths(child, prefix + (index,))


def _replace(document, path, new, delete=False):
    if not path:
        return new
    out = copy.deepcopy(document)
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return out


# The fields the app reads from these bodies (order_facts, lifecycle, discount_sync, backfill).
READ_KEYS = {
    "id",
    "order_id",
    "line_item_id",
    "created_at",
    "updated_at",
    "cancelled_at",
    "customer",
    "line_items",
    "quantity",
    "current_quantity",
    "price_set",
    "amount_set",
    "subtotal_set",
    "total_tax_set",
    "amount",
    "discount_allocations",
    "tax_lines",
    "refunds",
    "refund_line_items",
    "total_price_set",
    "currency_code",
    "currency",
    "financial_status",
    "name",
    "test",
    "tags",
    "discount_codes",
    "code",
    "landing_site",
    "referring_site",
    "note_attributes",
    "admin_graphql_api_id",
    "current",
    "orders_to_redact",
    "orders_requested",
    "order_edit",
    "status",
}
NASTY_VALUES = st.one_of(
    values,
    st.sampled_from(
        [
            "1e999999",
            "NaN",
            "-1",
            "-0.01",
            "1.23456",
            "100000000000.01",
            "922337203685477.5808",
            10**30,
            -1,
            2**64,
            1.5,
            "0001-01-01T00:00:00+05:00",
            "9999-12-31T23:59:59-05:00",
            "2026-11-20",
            "١٢٣",
            "9" * 25,
            "",
            [],
            {},
            None,
            True,
            "\x00",
            "a" * 100_000,
            [[[[[[[[[[[[1]]]]]]]]]]]],
        ]
    ),
)


@st.composite
def signed_garbage(draw, templates):
    topic = draw(st.sampled_from(READ_TOPICS), label="topic")
    kind = draw(st.sampled_from(["mutated", "mutated", "mutated", "object", "value", "bytes"]), label="kind")
    if kind == "bytes":
        return topic, draw(st.binary(max_size=200))
    if kind == "value":
        return topic, json.dumps(draw(values)).encode()
    if kind == "object":
        return topic, json.dumps(draw(st.dictionaries(json_text, values, max_size=6))).encode()
    document = templates[topic]
    path = draw(st.sampled_from(list(_paths(document))[1:]), label="path")
    if draw(st.booleans(), label="delete"):
        return topic, json.dumps(_replace(document, path, None, delete=True)).encode()
    return topic, json.dumps(_replace(document, path, draw(NASTY_VALUES, label="value"))).encode()


def test_signed_garbage_is_acknowledged_and_fails_readably_changing_no_fact(hostile, templates):
    @hostile_settings(max_examples=60)
    @given(data=st.data())
    def check(data):
        topic, raw = data.draw(signed_garbage(templates))
        before = hostile.stored.digest(exclude=FACTS)
        resp, webhook_id = post(hostile, topic, raw)
        assert resp.status_code == 200, resp.text
        row = process(hostile, webhook_id)
        assert row["status"] in ("processed", "failed", "skipped"), row
        if row["status"] == "failed":
            assert row["error"], row
            assert hostile.stored.digest(exclude=FACTS) == before, (
                f"{topic} failed ({row['error']}) yet changed facts"
            )

    check()


@pytest.mark.parametrize("keyed", [True, False], ids=["keyed", "queued-before-0029"])
def test_a_real_body_is_processed_by_a_job_naming_its_shop_or_not(hostile, templates, keyed):
    """A job queued before deliveries were keyed by their shop (migration 0029) names the delivery's id
    alone: it is processed all the same."""
    topic = next(t for t in READ_TOPICS if t not in ORDER_TOPICS and t in templates)
    resp, webhook_id = post(hostile, topic, json.dumps(templates[topic]).encode())
    assert resp.status_code == 200, resp.text
    row = process(hostile, webhook_id, keyed=keyed)
    assert (row["status"], row["error"]) == ("processed", None), row


@pytest.mark.parametrize("topic", READ_TOPICS)
def test_every_kind_of_wrong_body_fails_readably(hostile, templates, topic):
    """Each topic, each classic: not JSON, not an object, deep, huge numbers, NUL, ids that are not ids."""
    document = templates[topic]
    bodies = [
        b"",
        b"\x00\xff",
        b"[1]",
        b'"x"',
        b"null",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        json.dumps({"id": "١٢٣"}).encode(),
    ]
    read = [p for p in _paths(document) if p and str(p[-1]) in READ_KEYS]
    if topic in SAME_PARSER_AS_ORDERS_CREATE:
        read = read[:5]  # one parser for every full order body: orders/create has the whole corpus
    for path in read[:40]:
        for nasty in ("1e999999", -1, "9" * 25, {"a": [1]}):
            bodies.append(json.dumps(_replace(document, path, nasty)).encode())
    for raw in bodies:
        before = hostile.stored.digest(exclude=FACTS)
        resp, webhook_id = post(hostile, topic, raw)
        assert resp.status_code == 200, resp.text
        row = process(hostile, webhook_id)
        assert row["status"] in ("processed", "failed", "skipped"), (raw[:200], row)
        if row["status"] == "failed":
            assert row["error"], raw[:200]
            assert hostile.stored.digest(exclude=FACTS) == before, (raw[:200], row["error"])


def test_deeply_nested_bodies_fail_as_too_deep(hostile):
    for topic in ("orders/create", "customers/redact", "app/scopes_update"):
        resp, webhook_id = post(hostile, topic, b"[" * 100_000 + b"]" * 100_000)
        assert resp.status_code == 200
        row = process(hostile, webhook_id)
        assert row["status"] == "failed" and "nested too deeply" in row["error"]


@given(data=st.data())
@hostile_settings(max_examples=40)
def test_unsigned_or_wrongly_signed_is_401_and_stores_nothing(hostile, data):
    topic = data.draw(st.sampled_from(sorted(PATH_OF)))  # app/uninstalled and shop/redact too
    raw = data.draw(st.one_of(st.binary(max_size=100), st.just(b'{"shop_domain": "x"}')))
    how = data.draw(
        st.sampled_from(["none", "other secret", "other body", "garbage", "hex", "empty", "padded"])
    )
    secret = {"none": None, "other secret": "another-secret-0123456789"}.get(how, API_SECRET)
    headers = {}
    if how == "other body":
        headers["X_Shopify_Hmac_Sha256"] = sign(raw + b" ", API_SECRET)
    elif how == "garbage":
        headers["X_Shopify_Hmac_Sha256"] = data.draw(
            st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=60).map(str.strip)
        )
    elif how == "hex":  # the query-string algorithm's encoding, not the webhook's
        import hashlib
        import hmac

        headers["X_Shopify_Hmac_Sha256"] = hmac.new(API_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    elif how == "empty":
        headers["X_Shopify_Hmac_Sha256"] = ""
    elif how == "padded":
        headers["X_Shopify_Hmac_Sha256"] = sign(raw, API_SECRET)[:-2] + "=="
    before = hostile.stored.digest()
    resp, _ = post(hostile, topic, raw, secret=secret, **headers)
    assert resp.status_code == 401, (how, resp.status_code, resp.text)
    assert hostile.stored.digest() == before


@given(data=st.data())
@hostile_settings(max_examples=40)
def test_hostile_headers_on_a_signed_body_are_400_or_stored_safely(hostile, data):
    raw = b'{"id": 1, "current": ["read_orders"]}'
    header_text = st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=300).map(
        str.strip
    )
    headers = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "X_Shopify_Topic": st.one_of(
                    st.sampled_from(["orders/create", "APP/SCOPES_UPDATE", "", "app/scopes_update "]),
                    header_text,
                ),
                "X_Shopify_Shop_Domain": st.one_of(
                    st.sampled_from(["evil.com", "x.myshopify.com.evil.com", "", "UPPER.MYSHOPIFY.COM"]),
                    header_text,
                ),
                "X_Shopify_Webhook_Id": st.one_of(
                    st.sampled_from(["", "a" * 129, "id with space", "é"]), header_text
                ),
                "X_Shopify_Triggered_At": st.one_of(
                    st.sampled_from(
                        [
                            "",
                            "yesterday",
                            "0001-01-01T00:00:00Z",
                            "9999-12-31T23:59:59Z",
                            "2026-11-24T10:00:00+99:00",
                        ]
                    ),
                    header_text,
                ),
                "X_Shopify_API_Version": header_text,
                "X_Shopify_Event_Id": header_text,
            },
        )
    )
    before = hostile.stored.digest()
    resp, webhook_id = post(hostile, "app/scopes_update", raw, **headers)
    assert resp.status_code in (200, 400), (headers, resp.status_code, resp.text)
    if resp.status_code == 400:
        assert hostile.stored.digest() == before
    else:
        shop = valid_shop_domain(headers.get("X_Shopify_Shop_Domain", hostile.shop))
        stored = hostile.stored.rows(
            "webhook_deliveries",
            shop_domain=shop,
            webhook_id=headers.get("X_Shopify_Webhook_Id", webhook_id).strip(),
        )
        assert stored, headers
        for column in ("webhook_id", "api_version", "event_id", "triggered_at"):
            value = stored[0][column]
            assert value is None or (value.isascii() and value.isprintable() and " " not in value), (
                column,
                value,
            )


def test_a_10_mb_body_is_413_and_a_big_real_order_is_not(hostile, templates):
    before = hostile.stored.digest()
    raw = b'{"id": 1, "pad": "' + b"x" * 10_000_000 + b'"}'
    resp, _ = post(hostile, "orders/create", raw)
    assert resp.status_code == 413 and "WEBHOOK_MAX_BODY_BYTES" in resp.json()["message"]
    assert hostile.stored.digest() == before
    # A 1,500-line order fits: 1.5 MB in the stand-in's shape; Shopify's lines carry more (tax lines,
    # properties, duties: 2-4 KB each), and refunds and fulfilments repeat them, so a big real order runs
    # to several MB.
    order = copy.deepcopy(templates["orders/create"])
    line = order["line_items"][0]
    order["line_items"] = [{**copy.deepcopy(line), "id": 10**15 + i} for i in range(1500)]
    order["id"], order["updated_at"] = 10**15, _now_iso()
    raw = json.dumps(order).encode()
    assert 1_000_000 < len(raw) < hostile.settings.webhook_max_body_bytes
    resp, webhook_id = post(hostile, "orders/create", raw)
    assert resp.status_code == 200
    assert process(hostile, webhook_id)["status"] == "processed"


def test_a_delivery_triggered_before_the_replay_window_is_recorded_not_applied(hostile, templates):
    window = hostile.settings.webhook_replay_window_hours
    order = copy.deepcopy(templates["orders/create"])
    stale_order, fresh_order = {**order, "id": 4242424242}, {**order, "id": 4343434343}
    # Shopify's last retry comes 4 hours after the trigger; a delivery may be a day late: both are applied.
    resp, fresh_id = post(
        hostile,
        "orders/create",
        json.dumps(fresh_order).encode(),
        X_Shopify_Triggered_At=_now_iso(-timedelta(hours=window - 1)),
    )
    assert resp.status_code == 200 and process(hostile, fresh_id)["status"] == "processed"
    before = hostile.stored.digest(exclude=FACTS)
    resp, stale_id = post(
        hostile,
        "orders/create",
        json.dumps(stale_order).encode(),
        X_Shopify_Triggered_At=_now_iso(-timedelta(hours=window + 1)),
    )
    assert (
        resp.status_code == 200 and resp.json()["status"] == "stale"
    )  # acknowledged: a retry would not be fresher
    row = process(hostile, stale_id)
    assert row["status"] == "skipped" and "replay window" in row["result"]
    assert hostile.stored.digest(exclude=FACTS) == before
    assert not hostile.stored.rows("orders", shopify_id="4242424242")
    # A stale app/uninstalled does not uninstall.
    resp, _ = post(hostile, "app/uninstalled", b"{}", X_Shopify_Triggered_At=_now_iso(-timedelta(days=30)))
    assert resp.status_code == 200 and hostile.call("GET", "/api/shop").status_code == 200
