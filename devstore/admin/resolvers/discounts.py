"""Code discounts (``DiscountCodeBasic``) on the Admin API: lookups, create/update,
activate/deactivate and delete, with Shopify's access rules and webhooks.

Queries need ``read_discounts`` or ``write_discounts`` and mutations ``write_discounts``
in the token's scopes, else a top-level ``ACCESS_DENIED`` error. Validation failures are
``userErrors`` (HTTP 200). Each change sends its webhook after the change, in the
background (``devstore.discount_events``).
"""

from __future__ import annotations

from graphql import GraphQLError

from devstore.admin.connections import connection
from devstore.admin.engine import mutation, query
from devstore.admin.resolvers.nodes import node_loader
from devstore.discounts import code_discounts, validation
from devstore.store.times import utc_seconds
from devstore.webhooks import discount_events

ACCESS_DOCS = "https://shopify.dev/api/usage/access-scopes"


def require_scope(info, write: bool) -> None:
    """Raise Shopify's ACCESS_DENIED unless the token holds write_discounts (or, for reads,
    read_discounts)."""
    granted = {s.strip() for s in info.context.scopes.split(",") if s.strip()}
    allowed = {"write_discounts"} if write else {"read_discounts", "write_discounts"}
    if granted & allowed:
        return
    scope = "write_discounts" if write else "read_discounts"
    required = f"`{scope}` access scope."
    raise GraphQLError(
        f"Access denied for {info.field_name} field. Required access: {required}",
        extensions={
            "code": "ACCESS_DENIED",
            "documentation": ACCESS_DOCS,
            "requiredAccess": required,
        },
    )


def _money(amount: str, currency: str) -> dict:
    return {"amount": amount, "currencyCode": currency}


def _value(record: dict, currency: str) -> dict:
    value = record["value"]
    if "percentage" in value:
        return {"__typename": "DiscountPercentage", "percentage": value["percentage"]}
    return {
        "__typename": "DiscountAmount",
        "amount": _money(value["amount"], currency),
        "appliesOnEachItem": value["appliesOnEachItem"],
    }


def _minimum(record: dict, currency: str) -> dict | None:
    minimum = record["minimum"]
    if minimum is None:
        return None
    if "subtotal" in minimum:
        return {
            "__typename": "DiscountMinimumSubtotal",
            "greaterThanOrEqualToSubtotal": _money(minimum["subtotal"], currency),
        }
    return {
        "__typename": "DiscountMinimumQuantity",
        "greaterThanOrEqualToQuantity": minimum["quantity"],
    }


def _summary(record: dict, currency: str) -> str:
    value = record["value"]
    if "percentage" in value:
        head = f"{value['percentage'] * 100:g}% off entire order"
    else:
        head = f"{value['amount']} {currency} off entire order"
    parts = [head]
    if record["minimum"] and "subtotal" in record["minimum"]:
        parts.append(f"Minimum purchase of {record['minimum']['subtotal']} {currency}")
    if record["minimum"] and "quantity" in record["minimum"]:
        parts.append(f"Minimum quantity of {record['minimum']['quantity']}")
    return " • ".join(parts)


def redeem_code(code: dict) -> dict:
    """A ``DiscountRedeemCode`` (``createdBy`` is not implemented)."""
    return {
        "id": code_discounts.redeem_code_gid(code["id"]),
        "code": code["code"],
        "asyncUsageCount": 0,
    }


def code_basic(record: dict, shop, now: float) -> dict:
    """The ``DiscountCodeBasic`` object of a discount snapshot."""
    codes = [{**redeem_code(c), "_key": c["id"]} for c in record["codes"]]
    summary = _summary(record, shop.currency)
    return {
        "__typename": "DiscountCodeBasic",
        "title": record["title"],
        "status": code_discounts.status(record, now),
        "startsAt": utc_seconds(record["starts_at"]),
        "endsAt": utc_seconds(record["ends_at"]),
        "createdAt": utc_seconds(record["created_at"]),
        "updatedAt": utc_seconds(record["updated_at"]),
        "usageLimit": record["usage_limit"],
        "appliesOncePerCustomer": record["applies_once_per_customer"],
        "asyncUsageCount": 0,
        "recurringCycleLimit": record["recurring_cycle_limit"],
        "combinesWith": {
            **record["combines_with"],
            "productDiscountsWithTagsOnSameCartLine": None,
        },
        "context": {"__typename": "DiscountBuyerSelectionAll", "all": "ALL"},
        "customerSelection": {
            "__typename": "DiscountCustomerAll",
            "allCustomers": True,
        },
        "customerGets": {
            "value": _value(record, shop.currency),
            "items": {"__typename": "AllDiscountItems", "allItems": True},
            "appliesOnOneTimePurchase": True,
            "appliesOnSubscription": False,
        },
        "minimumRequirement": _minimum(record, shop.currency),
        "discountClass": "ORDER",
        "discountClasses": ["ORDER"],
        "hasTimelineComment": False,
        "shareableUrls": [],
        "summary": summary,
        "shortSummary": summary.split(" • ")[0],
        "tags": list(record["tags"]),
        "totalSales": _money("0.00", shop.currency),
        "codes": lambda _info, **args: connection(codes, key=lambda c: c["_key"], **args),
        "codesCount": {"count": len(codes), "precision": "EXACT"},
    }


def code_node(record: dict | None, shop, now: float) -> dict | None:
    """The ``DiscountCodeNode`` of a snapshot (None stays None)."""
    if record is None:
        return None
    return {
        "__typename": "DiscountCodeNode",
        "id": code_discounts.node_gid(record["id"]),
        "codeDiscount": code_basic(record, shop, now),
    }


def discount_node(record: dict | None, shop, now: float) -> dict | None:
    """The ``DiscountNode`` (id ``gid://shopify/DiscountNode/<n>``) of a snapshot."""
    if record is None:
        return None
    return {
        "__typename": "DiscountNode",
        "id": f"gid://shopify/DiscountNode/{record['id']}",
        "discount": code_basic(record, shop, now),
    }


def _ctx(info):
    ctx = info.context
    return ctx, ctx.store, ctx.shop, ctx.store.clock()


# queries --------------------------------------------------------------------------------
@query("codeDiscountNodeByCode")
def resolve_by_code(_root, info, code):
    """The code discount owning ``code`` (any redeem code, case-insensitive), or null."""
    require_scope(info, write=False)
    _, store, shop, now = _ctx(info)
    return code_node(code_discounts.by_code(store, shop, code), shop, now)


@query("codeDiscountNodes")
def resolve_code_discount_nodes(_root, info, query=None, sortKey=None, savedSearchId=None, **args):  # noqa: N803
    """The shop's code discounts as a connection, by id (the default ``ID`` sort key), with ``first``/
    ``last``/``after``/``before``/``reverse`` (https://shopify.dev/docs/api/admin-graphql/latest/queries/
    codeDiscountNodes). ``query``, ``savedSearchId`` and other sort keys answer an explicit devstore error
    rather than an unfiltered list."""
    require_scope(info, write=False)
    if query is not None or savedSearchId is not None:
        raise GraphQLError("devstore: codeDiscountNodes `query`/`savedSearchId` is not implemented")
    if sortKey not in (None, "ID"):
        raise GraphQLError(f"devstore: codeDiscountNodes sortKey {sortKey} is not implemented")
    _, store, shop, now = _ctx(info)
    nodes = [{**code_node(r, shop, now), "_key": r["id"]} for r in code_discounts.live(store, shop)]
    return connection(sorted(nodes, key=lambda n: n["_key"]), key=lambda n: n["_key"], **args)


@query("codeDiscountNode")
def resolve_code_discount_node(_root, info, id):
    """Deprecated by Shopify but valid: the DiscountCodeNode with this GID, or null."""
    require_scope(info, write=False)
    _, store, shop, now = _ctx(info)
    return code_node(
        code_discounts.get(store, shop, code_discounts.parse_gid(id, "DiscountCodeNode")),
        shop,
        now,
    )


@query("discountNode")
def resolve_discount_node(_root, info, id):
    """The DiscountNode for a ``DiscountNode`` or ``DiscountCodeNode`` GID, or null."""
    require_scope(info, write=False)
    _, store, shop, now = _ctx(info)
    discount_id = code_discounts.parse_gid(id, "DiscountNode", "DiscountCodeNode")
    return discount_node(code_discounts.get(store, shop, discount_id), shop, now)


@node_loader("DiscountCodeNode")
def load_code_node(info, discount_id: int):
    require_scope(info, write=False)
    _, store, shop, now = _ctx(info)
    return code_node(code_discounts.get(store, shop, discount_id), shop, now)


@node_loader("DiscountNode")
def load_discount_node(info, discount_id: int):
    require_scope(info, write=False)
    _, store, shop, now = _ctx(info)
    return discount_node(code_discounts.get(store, shop, discount_id), shop, now)


# mutations ------------------------------------------------------------------------------
def _checked(fn, *args):
    try:
        return fn(*args)
    except validation.NotImplementedInput as exc:
        raise GraphQLError(str(exc)) from None


@mutation("discountCodeBasicCreate")
def resolve_create(_root, info, basicCodeDiscount):
    """Create a code discount; ``discounts/create`` follows."""
    require_scope(info, write=True)
    ctx, store, shop, now = _ctx(info)
    record, errors = _checked(code_discounts.create, store, shop, basicCodeDiscount)
    if record:
        discount_events.send_later(ctx.config, store, shop, discount_events.created(shop, record, now))
    return {"codeDiscountNode": code_node(record, shop, now), "userErrors": errors}


@mutation("discountCodeBasicUpdate")
def resolve_update(_root, info, id, basicCodeDiscount):
    """Change the given fields (``code`` renames the first redeem code); ``discounts/update``
    follows (after ``redeemcode_removed``/``redeemcode_added`` on a rename)."""
    require_scope(info, write=True)
    ctx, store, shop, now = _ctx(info)
    discount_id = code_discounts.parse_gid(id, "DiscountCodeNode")
    record, errors, renamed = _checked(code_discounts.update, store, shop, discount_id, basicCodeDiscount)
    if record:
        events = discount_events.updated(shop, record, now, renamed)
        discount_events.send_later(ctx.config, store, shop, events)
    return {"codeDiscountNode": code_node(record, shop, now), "userErrors": errors}


def _set_active(info, id, active: bool) -> dict:
    require_scope(info, write=True)
    ctx, store, shop, now = _ctx(info)
    discount_id = code_discounts.parse_gid(id, "DiscountCodeNode")
    record, errors = code_discounts.set_active(store, shop, discount_id, active)
    if record:
        discount_events.send_later(ctx.config, store, shop, discount_events.updated(shop, record, now))
    return {"codeDiscountNode": code_node(record, shop, now), "userErrors": errors}


@mutation("discountCodeActivate")
def resolve_activate(_root, info, id):
    """Make the discount ACTIVE now; ``discounts/update`` follows."""
    return _set_active(info, id, True)


@mutation("discountCodeDeactivate")
def resolve_deactivate(_root, info, id):
    """End the discount now (EXPIRED, ``endsAt`` = now); ``discounts/update`` follows."""
    return _set_active(info, id, False)


@mutation("discountCodeDelete")
def resolve_delete(_root, info, id):
    """Delete the discount for good; ``discounts/delete`` follows."""
    require_scope(info, write=True)
    ctx, store, shop, _now = _ctx(info)
    record, errors = code_discounts.delete(store, shop, code_discounts.parse_gid(id, "DiscountCodeNode"))
    if record:
        discount_events.send_later(ctx.config, store, shop, discount_events.deleted(shop, record))
    return {
        "deletedCodeDiscountId": code_discounts.node_gid(record["id"]) if record else None,
        "userErrors": errors,
    }
