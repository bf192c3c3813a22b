"""Control API for discounts: what a merchant does "in the Shopify admin", outside the app.

``GET/POST /_devstore/shops/{shop}/discounts`` and ``PATCH/DELETE .../discounts/{id}``.
Changes go through the same rules as the Admin API (``devstore.discounts.code_discounts``) and send the
same webhooks, inline: the answer carries the ``deliveries``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from devstore.context import runtime, shop_or_404
from devstore.discounts import code_discounts, validation
from devstore.store.state import Shop
from devstore.store.times import utc_seconds
from devstore.webhooks import discount_events

bp = Blueprint("control_discounts", __name__, url_prefix="/_devstore")

# control body key -> DiscountCodeBasicInput key, for the plain fields
PLAIN = {
    "code": "code",
    "title": "title",
    "startsAt": "startsAt",
    "endsAt": "endsAt",
    "usageLimit": "usageLimit",
    "appliesOncePerCustomer": "appliesOncePerCustomer",
    "combinesWith": "combinesWith",
    "tags": "tags",
}


def discount_json(record: dict, now: float) -> dict:
    """A discount as the control API lists it (GraphQL-style camelCase keys)."""
    minimum = record["minimum"] or {}
    return {
        "id": record["id"],
        "gid": code_discounts.node_gid(record["id"]),
        "title": record["title"],
        "status": code_discounts.status(record, now),
        "codes": [c["code"] for c in record["codes"]],
        "value": dict(record["value"]),
        "startsAt": utc_seconds(record["starts_at"]),
        "endsAt": utc_seconds(record["ends_at"]),
        "usageLimit": record["usage_limit"],
        "appliesOncePerCustomer": record["applies_once_per_customer"],
        "combinesWith": dict(record["combines_with"]),
        "minimumSubtotal": minimum.get("subtotal"),
        "tags": list(record["tags"]),
        "createdBy": record["created_by"],
        "createdAt": utc_seconds(record["created_at"]),
        "updatedAt": utc_seconds(record["updated_at"]),
    }


def _input(body: dict) -> dict:
    """The DiscountCodeBasicInput equivalent of a control body (only the keys given)."""
    data = {PLAIN[k]: v for k, v in body.items() if k in PLAIN}
    if "percentage" in body:
        data["customerGets"] = {
            "value": {"percentage": body["percentage"]},
            "items": {"all": True},
        }
    elif "amount" in body:
        amount = {
            "amount": body["amount"],
            "appliesOnEachItem": bool(body.get("appliesOnEachItem")),
        }
        data["customerGets"] = {
            "value": {"discountAmount": amount},
            "items": {"all": True},
        }
    if "minimumSubtotal" in body:
        subtotal = body["minimumSubtotal"]
        data["minimumRequirement"] = (
            {"subtotal": {"greaterThanOrEqualToSubtotal": subtotal}} if subtotal is not None else None
        )
    return data


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _refused(errors: list[dict]):
    return jsonify(error=errors[0]["message"], userErrors=errors), 422


def _not_found():
    return jsonify(error=code_discounts.NOT_FOUND_MESSAGE), 404


def _answer(shop: Shop, record: dict, events: list, status: int = 200):
    rt = runtime()
    deliveries = discount_events.send_now(rt.config, rt.store, shop, events)
    return jsonify({**discount_json(record, rt.store.clock()), "deliveries": deliveries}), status


@bp.get("/shops/<shop:shop_domain>/discounts")
def list_discounts(shop_domain: str):
    """Every live discount of the shop, oldest first."""
    shop = shop_or_404(shop_domain)
    store = runtime().store
    now = store.clock()
    return jsonify([discount_json(d, now) for d in code_discounts.live(store, shop)])


@bp.post("/shops/<shop:shop_domain>/discounts")
def create_discount(shop_domain: str):
    """Create a discount as the merchant would (201), then send ``discounts/create``.
    Shopify's validation failures answer 422 with ``userErrors``."""
    shop = shop_or_404(shop_domain)
    store = runtime().store
    try:
        record, errors = code_discounts.create(store, shop, _input(_body()), created_by="admin")
    except validation.NotImplementedInput as exc:
        return jsonify(error=str(exc)), 400
    if errors:
        return _refused(errors)
    return _answer(shop, record, discount_events.created(shop, record, store.clock()), 201)


@bp.patch("/shops/<shop:shop_domain>/discounts/<int:discount_id>")
def edit_discount(shop_domain: str, discount_id: int):
    """Edit fields and/or ``active`` as the merchant would; sends ``redeemcode_removed`` and
    ``redeemcode_added`` when the code changes, then ``discounts/update``."""
    shop = shop_or_404(shop_domain)
    store = runtime().store
    body = _body()
    if code_discounts.get(store, shop, discount_id) is None:
        return _not_found()
    renamed = None
    data = _input(body)
    if data:
        try:
            record, errors, renamed = code_discounts.update(store, shop, discount_id, data)
        except validation.NotImplementedInput as exc:
            return jsonify(error=str(exc)), 400
        if errors:
            return _refused(errors)
    if "active" in body:
        record, errors = code_discounts.set_active(store, shop, discount_id, bool(body["active"]))
        if errors:
            return _not_found()
    record = code_discounts.get(store, shop, discount_id)
    if record is None:
        return _not_found()
    return _answer(shop, record, discount_events.updated(shop, record, store.clock(), renamed))


@bp.delete("/shops/<shop:shop_domain>/discounts/<int:discount_id>")
def delete_discount(shop_domain: str, discount_id: int):
    """Delete as the merchant would, then send ``discounts/delete``."""
    shop = shop_or_404(shop_domain)
    store = runtime().store
    record, errors = code_discounts.delete(store, shop, discount_id)
    if errors:
        return _not_found()
    rt = runtime()
    deliveries = discount_events.send_now(rt.config, store, shop, discount_events.deleted(shop, record))
    return jsonify(deleted=code_discounts.node_gid(discount_id), deliveries=deliveries)
