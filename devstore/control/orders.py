"""Control API for orders: what buyers and the merchant do in the shop, outside the app.

``POST /_devstore/shops/{shop}/orders`` places an order (``orders/create``, plus
``orders/paid`` when paid); ``.../orders/{id}/refunds``, ``/cancel``, ``/edit`` and ``/tags``
change it (``refunds/create``, ``orders/cancelled``, ``orders/edited``, each followed by
``orders/updated``; a tag change sends ``orders/updated`` alone). Webhooks go through the shop's
order channel (``devstore.webhooks.order_events``): sent before the answer, or queued with
``"async": true``; webhook faults apply.
"""

from __future__ import annotations

from decimal import InvalidOperation

from flask import Blueprint, jsonify, request

from devstore.context import runtime, shop_or_404
from devstore.orders import changes, order_records
from devstore.store.state import Shop
from devstore.webhooks import order_events

bp = Blueprint("control_orders", __name__, url_prefix="/_devstore")
SPEC_ERRORS = (KeyError, ValueError, TypeError, InvalidOperation, AttributeError)


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def place(shop: Shop, spec: dict) -> tuple[dict, list]:
    """Build and store an order; return (record, events) with the bodies snapshotted."""
    store = runtime().store
    with store.lock:
        record, events = order_records.place(store, shop, spec)
        return record, order_events.snapshot(events)


def find(shop: Shop, order_id: int) -> dict | None:
    with runtime().store.lock:
        return shop.records.get(order_records.KIND, {}).get(order_id)


def _send(shop: Shop, events: list, body: dict) -> list[dict]:
    rt = runtime()
    return order_events.send(rt.config, rt.store, shop, events, background=bool(body.get("async")))


@bp.post("/shops/<shop:shop_domain>/orders")
def create_order(shop_domain: str):
    """Place an order from the compact spec; 201 with the full REST order JSON. With ``"silent":
    true`` no webhook is sent: an order placed before the app was installed."""
    shop, body = shop_or_404(shop_domain), _body()
    try:
        record, events = place(shop, body)
    except SPEC_ERRORS as exc:
        return jsonify(error=f"invalid order spec: {exc}"), 400
    if not body.get("silent"):
        _send(shop, events, body)
    return jsonify(events[0][1]), 201


@bp.get("/shops/<shop:shop_domain>/orders")
def list_orders(shop_domain: str):
    shop = shop_or_404(shop_domain)
    return jsonify([_compact(r) for r in runtime().store.records(shop, order_records.KIND)])


@bp.get("/shops/<shop:shop_domain>/orders/<int:order_id>")
def get_order(shop_domain: str, order_id: int):
    record = find(shop_or_404(shop_domain), order_id)
    if record is None:
        return jsonify(errors="Not Found"), 404
    with runtime().store.lock:
        return jsonify(record["rest"])


def _change(shop_domain: str, order_id: int, change, result_key: str | None):
    shop, body = shop_or_404(shop_domain), _body()
    store = runtime().store
    record = find(shop, order_id)
    if record is None:
        return jsonify(errors="Not Found"), 404
    with store.lock:
        try:
            events = change(store, shop, record, body)
        except changes.OrderError as exc:
            return jsonify(error=str(exc)), 422
        except SPEC_ERRORS as exc:
            return jsonify(error=f"invalid request: {exc}"), 400
        events = order_events.snapshot(events)
        answer = {"order": events[-1][1]}
    if result_key:
        found = [b for t, b in events if t == result_key[0]]
        answer[result_key[1]] = found[0].get(result_key[1], found[0]) if found else None
    answer["deliveries"] = _send(shop, events, body)
    return jsonify(answer)


@bp.post("/shops/<shop:shop_domain>/orders/<int:order_id>/refunds")
def refund_order(shop_domain: str, order_id: int):
    """``{created_at?, line_items: [{line_item_id, quantity}], shipping?: "5.00"|"all", note?}``."""
    return _change(shop_domain, order_id, changes.refund, ("refunds/create", "refund"))


@bp.post("/shops/<shop:shop_domain>/orders/<int:order_id>/cancel")
def cancel_order(shop_domain: str, order_id: int):
    """``{refund?: bool, reason?: "customer", created_at?}``."""
    return _change(shop_domain, order_id, changes.cancel, ("refunds/create", "refund"))


@bp.post("/shops/<shop:shop_domain>/orders/<int:order_id>/edit")
def edit_order(shop_domain: str, order_id: int):
    """``{add?: [line specs], remove?: [line_item_id | {line_item_id, quantity}], created_at?}``."""
    return _change(shop_domain, order_id, changes.edit, ("orders/edited", "order_edit"))


@bp.post("/shops/<shop:shop_domain>/orders/<int:order_id>/tags")
def retag_order(shop_domain: str, order_id: int):
    """``{add?: [tag], remove?: [tag], created_at?}``: staff change the order's tags in the admin."""
    return _change(shop_domain, order_id, changes.retag, None)


@bp.post("/shops/<shop:shop_domain>/webhooks/flush")
def flush_webhooks(shop_domain: str):
    """Send every order webhook held back by a reorder fault (after all queued ones)."""
    shop, rt = shop_or_404(shop_domain), runtime()
    return jsonify(deliveries=order_events.flush(rt.config, rt.store, shop))


@bp.get("/shops/<shop:shop_domain>/webhooks/stats")
def webhook_stats(shop_domain: str):
    """Counts of the order channel: sent, dropped, reordered, duplicated, held; the faults."""
    shop, rt = shop_or_404(shop_domain), runtime()
    order_events.drain(rt.store, shop)
    return jsonify(order_events.stats(rt.store, shop))


def _compact(record: dict) -> dict:
    """The list view: the figures a human scans."""
    rest = record["rest"]
    return {
        "id": rest["id"],
        "admin_graphql_api_id": rest["admin_graphql_api_id"],
        "name": rest["name"],
        "created_at": rest["created_at"],
        "updated_at": rest["updated_at"],
        "financial_status": rest["financial_status"],
        "cancelled_at": rest["cancelled_at"],
        "test": rest["test"],
        "customer_id": rest["customer"]["id"],
        "discount_codes": [c["code"] for c in rest["discount_codes"]],
        "currency": rest["currency"],
        "presentment_currency": rest["presentment_currency"],
        "subtotal_price": rest["subtotal_price"],
        "total_price": rest["total_price"],
        "current_total_price": rest["current_total_price"],
        "refunds": len(rest["refunds"]),
    }
