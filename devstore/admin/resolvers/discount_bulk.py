"""``discountRedeemCodeBulkAdd`` and ``discountRedeemCodeBulkCreation``: adding up to 250
redeem codes to a code discount, asynchronously as on Shopify.

devstore runs the creation at once but answers the mutation as Shopify does while the job
is queued (``done: false``, ``importedCount``/``failedCount`` 0, no codes); querying the
creation afterwards shows it done, with each code's outcome. A code clashing with one in
the shop or earlier in the batch (case-insensitively) fails with ``TAKEN``. Each imported
code sends ``discounts/redeemcode_added`` in the background.
"""

from __future__ import annotations

import copy

from devstore.admin.connections import connection
from devstore.admin.engine import mutation, query
from devstore.admin.resolvers.discounts import code_node, redeem_code, require_scope
from devstore.admin.resolvers.nodes import node_loader
from devstore.discounts import code_discounts, validation
from devstore.store.times import utc_seconds
from devstore.webhooks import discount_events

KIND = "discount_bulk_creations"
MAX_CODES = 250


def creation_gid(creation_id: int) -> str:
    return f"gid://shopify/DiscountRedeemCodeBulkCreation/{creation_id}"


def render(info, creation: dict, done: bool) -> dict:
    """The ``DiscountRedeemCodeBulkCreation`` object; ``done=False`` shows it still queued."""
    store, shop = info.context.store, info.context.shop
    results = creation["results"] if done else []
    codes = [
        {
            "_key": position,
            "code": r["code"],
            "errors": r["errors"],
            "discountRedeemCode": redeem_code({"id": r["id"], "code": r["code"]}) if r["id"] else None,
        }
        for position, r in enumerate(results, start=1)
    ]
    discount = code_discounts.get(store, shop, creation["discount_id"])
    return {
        "__typename": "DiscountRedeemCodeBulkCreation",
        "id": creation_gid(creation["id"]),
        "done": done,
        "createdAt": utc_seconds(creation["created_at"]),
        "codesCount": len(creation["results"]),
        "importedCount": sum(1 for r in results if r["id"]),
        "failedCount": sum(1 for r in results if not r["id"]),
        "discountCode": code_node(discount, shop, store.clock()),
        "codes": lambda _info, **args: connection(codes, key=lambda c: c["_key"], **args),
    }


@mutation("discountRedeemCodeBulkAdd")
def resolve_bulk_add(_root, info, discountId, codes):
    """Queue (and at once run) the creation of ``codes`` on the discount ``discountId``."""
    require_scope(info, write=True)
    ctx = info.context
    store, shop = ctx.store, ctx.shop
    if len(codes) > MAX_CODES:
        message = f"Too many codes: at most {MAX_CODES} can be added per request"
        return {
            "bulkCreation": None,
            "userErrors": [validation.user_error(["codes"], "TOO_MANY_ARGUMENTS", message)],
        }
    discount_id = code_discounts.parse_gid(discountId, "DiscountCodeNode")
    try:
        results = code_discounts.add_codes(store, shop, discount_id, [c["code"] for c in codes])
    except KeyError:
        error = validation.user_error(["discountId"], "INVALID", code_discounts.NOT_FOUND_MESSAGE)
        return {"bulkCreation": None, "userErrors": [error]}
    now = store.clock()
    creation = {
        "id": store.next_id(),
        "discount_id": discount_id,
        "created_at": now,
        "results": results,
    }
    store.put_record(shop, KIND, creation["id"], creation)
    record = code_discounts.get(store, shop, discount_id)
    discount_events.send_later(
        ctx.config, store, shop, discount_events.codes_added(shop, record, results, now)
    )
    return {"bulkCreation": render(info, creation, done=False), "userErrors": []}


def _creation(info, creation_id: int | None) -> dict | None:
    store, shop = info.context.store, info.context.shop
    with store.lock:
        found = shop.records.get(KIND, {}).get(creation_id)
        return copy.deepcopy(found) if found else None


@query("discountRedeemCodeBulkCreation")
def resolve_bulk_creation(_root, info, id):
    """The finished creation with this GID (``done: true``), or null."""
    require_scope(info, write=False)
    creation = _creation(info, code_discounts.parse_gid(id, "DiscountRedeemCodeBulkCreation"))
    return render(info, creation, done=True) if creation else None


@node_loader("DiscountRedeemCodeBulkCreation")
def load_bulk_creation(info, creation_id: int):
    require_scope(info, write=False)
    creation = _creation(info, creation_id)
    return render(info, creation, done=True) if creation else None
