"""``orders(...)``, ``node(id: Order GID)`` and the ``Order`` / ``LineItem`` / ``Refund``
objects on the Admin API, rendered from the stored REST orders (``devstore.orders.order_records``).

Access needs ``read_orders`` (or ``write_orders``); without ``read_all_orders`` only orders
created in the last 60 days (by the shop's clock, see ``devstore.store.times``) are visible.
``query:`` supports ``created_at`` / ``updated_at`` with ``>= <= > < :`` joined by AND.
Connections take ``first``/``last`` as usual; inside a bulk operation they return all nodes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from graphql import GraphQLError

from devstore.admin import customer_data
from devstore.admin.connections import connection
from devstore.admin.engine import query
from devstore.admin.resolvers import metafields
from devstore.admin.resolvers.nodes import node_loader
from devstore.admin.resolvers.products import load_variant, require_products
from devstore.orders import order_records
from devstore.orders.money import ZERO, dec
from devstore.store import times
from devstore.store.times import parse_time, zone

WINDOW_DAYS = 60
TERM = re.compile(r"^(created_at|updated_at):(>=|<=|>|<)?'?\"?([^'\"]+)'?\"?$")


def _granted(info) -> set[str]:
    return {s.strip() for s in info.context.scopes.split(",") if s.strip()}


def require_orders(info) -> None:
    """The token's ``read_orders`` (or ``write_orders``), then the app's level 1 approval for
    protected customer data: orders relate to a single customer ("Work with protected customer
    data", https://shopify.dev/docs/apps/launch/protected-customer-data)."""
    if not _granted(info) & {"read_orders", "write_orders"}:
        raise GraphQLError(
            "Access denied for orders field. Required access: `read_orders` access scope.",
            extensions={"code": "ACCESS_DENIED"},
        )
    customer_data.require_object(info, "Order")


def _utc(iso: str | None) -> str | None:
    if not iso:
        return None
    return parse_time(iso, 0).astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_query(text: str | None, shop) -> list:
    """``created_at:>='2026-01-01'`` AND ... → [(field, op, datetime)]; bare dates are the
    start of that day in the shop's time zone."""
    terms = []
    for raw in re.split(r"\s+AND\s+|\s+", (text or "").strip()):
        if not raw:
            continue
        match = TERM.match(raw)
        if match is None:
            raise GraphQLError(f"devstore: search term {raw!r} is not implemented")
        field, op, value = match.groups()
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone(shop))
        terms.append((field, op or ":", moment))
    return terms


def _matches(rest: dict, terms) -> bool:
    for field, op, moment in terms:
        value = parse_time(rest[field], 0)
        ok = {
            ">=": value >= moment,
            "<=": value <= moment,
            ">": value > moment,
            "<": value < moment,
            ":": value.date() == moment.date(),
        }[op]
        if not ok:
            return False
    return True


def visible(info, text: str | None = None) -> list[dict]:
    """The stored orders the token may see and the query selects, oldest first."""
    ctx = info.context
    terms = parse_query(text, ctx.shop)
    floor = None
    if "read_all_orders" not in _granted(info):
        floor = times.now(ctx.store, ctx.shop) - WINDOW_DAYS * 86400
    found = []
    for record in ctx.store.records(ctx.shop, order_records.KIND):
        rest = record["rest"]
        if floor is not None and parse_time(rest["created_at"], 0).timestamp() < floor:
            continue
        if _matches(rest, terms):
            found.append(rest)
    return found


def conn(items: list[dict]):
    """A connection field: every node in bulk mode, else a page (first/last required)."""

    def resolve(info, **args):
        if getattr(info.context, "bulk", False):
            return {
                "nodes": items,
                "edges": [{"node": n, "cursor": str(i)} for i, n in enumerate(items)],
                "pageInfo": {"hasNextPage": False, "hasPreviousPage": False},
            }
        keyed = [{**n, "_key": i} for i, n in enumerate(items, start=1)]
        return connection(keyed, key=lambda n: n["_key"], **args)

    return resolve


def bag(node: dict) -> dict:
    """A REST ``*_set`` as a GraphQL ``MoneyBag``."""

    def money(side):
        return {"amount": side["amount"], "currencyCode": side["currency_code"]}

    return {"shopMoney": money(node["shop_money"]), "presentmentMoney": money(node["presentment_money"])}


def _variant(variant_id):
    def resolve(info):
        require_products(info, "variant")
        return None if variant_id is None else load_variant(info, int(variant_id))

    return resolve


def line_item(li: dict) -> dict:
    return {
        "__typename": "LineItem",
        "id": li["admin_graphql_api_id"],
        "name": li["name"],
        "title": li["title"],
        "sku": li["sku"],
        # LineItem.product is nullable (a deleted product); the REST line's product_id names it
        "product": {"__typename": "Product", "id": f"gid://shopify/Product/{li['product_id']}"}
        if li.get("product_id") and li.get("product_exists", True)
        else None,
        # LineItem.variant: the variant sold, null when it no longer exists (or was never one of the shop's);
        # a ProductVariant needs read_products, as productVariant(id:) does
        "variant": _variant(li.get("variant_id")),
        "quantity": li["quantity"],
        "currentQuantity": li["current_quantity"],
        "originalUnitPriceSet": bag(li["price_set"]),
        "discountAllocations": [
            {"allocatedAmountSet": bag(a["amount_set"])} for a in li["discount_allocations"]
        ],
        "taxLines": [
            {
                "priceSet": bag(t["price_set"]),
                "rate": t["rate"],
                "title": t["title"],
                "ratePercentage": t["rate"] * 100,
            }
            for t in li["tax_lines"]
        ],
        "totalDiscountSet": bag(li["total_discount_set"]),
    }


def refund(r: dict, rest: dict) -> dict:
    def shop(node):
        return dec(node["shop_money"]["amount"])

    goods = sum((shop(x["subtotal_set"]) for x in r["refund_line_items"]), ZERO)
    tax = sum((shop(x["total_tax_set"]) for x in r["refund_line_items"]), ZERO)
    ship = sum((shop(x["subtotal_amount_set"]) for x in r["refund_shipping_lines"]), ZERO)
    total = goods + ship + (ZERO if rest["taxes_included"] else tax)
    money = {"amount": str(total), "currency_code": rest["currency"]}
    refunded = {"shop_money": money, "presentment_money": money}
    rlis = [
        {
            "id": f"gid://shopify/RefundLineItem/{x['id']}",
            "quantity": x["quantity"],
            "subtotalSet": bag(x["subtotal_set"]),
            "totalTaxSet": bag(x["total_tax_set"]),
            "priceSet": bag(x["line_item"]["price_set"]),
            "restockType": "NO_RESTOCK",
            "restocked": False,
            "lineItem": line_item(x["line_item"]),
        }
        for x in r["refund_line_items"]
    ]
    return {
        "__typename": "Refund",
        "id": r["admin_graphql_api_id"],
        "legacyResourceId": str(r["id"]),
        "createdAt": _utc(r["created_at"]),
        "updatedAt": _utc(r["created_at"]),
        "note": r["note"],
        "totalRefundedSet": bag(refunded),
        "refundLineItems": conn(rlis),
    }


def journey(rest: dict, domain: str) -> dict | None:
    if not rest["landing_site"] and not rest["referring_site"]:
        return None
    visit = {
        "id": f"gid://shopify/CustomerVisit/{rest['id']}",
        "occurredAt": _utc(rest["created_at"]),
        "landingPage": f"https://{domain}{rest['landing_site']}" if rest["landing_site"] else None,
        "referrerUrl": rest["referring_site"],
        "source": "devstore",
    }
    return {"ready": True, "lastVisit": visit, "firstVisit": visit}


def order_node(rest: dict, domain: str) -> dict:
    status = rest["financial_status"].upper()
    return {
        "__typename": "Order",
        "id": rest["admin_graphql_api_id"],
        "legacyResourceId": str(rest["id"]),
        "name": rest["name"],
        "createdAt": _utc(rest["created_at"]),
        "updatedAt": _utc(rest["updated_at"]),
        "processedAt": _utc(rest["processed_at"]),
        "cancelledAt": _utc(rest["cancelled_at"]),
        "cancelReason": rest["cancel_reason"].upper() if rest["cancel_reason"] else None,
        "test": rest["test"],
        "taxesIncluded": rest["taxes_included"],
        "currencyCode": rest["currency"],
        "presentmentCurrencyCode": rest["presentment_currency"],
        "displayFinancialStatus": status,
        "discountCodes": [c["code"] for c in rest["discount_codes"]],
        "discountCode": rest["discount_codes"][0]["code"] if rest["discount_codes"] else None,
        "customAttributes": [{"key": a["name"], "value": a["value"]} for a in rest["note_attributes"]],
        "tags": [t.strip() for t in rest["tags"].split(",") if t.strip()],
        "note": rest["note"],
        "email": rest["email"],
        "sourceName": rest["source_name"],
        "customer": {"__typename": "Customer", "id": rest["customer"]["admin_graphql_api_id"]},
        "customerJourneySummary": journey(rest, domain),
        "subtotalPriceSet": bag(rest["subtotal_price_set"]),
        "totalPriceSet": bag(rest["total_price_set"]),
        "totalDiscountsSet": bag(rest["total_discounts_set"]),
        "totalTaxSet": bag(rest["total_tax_set"]),
        "currentSubtotalPriceSet": bag(rest["current_subtotal_price_set"]),
        "currentTotalPriceSet": bag(rest["current_total_price_set"]),
        "totalShippingPriceSet": bag(rest["total_shipping_price_set"]),
        "lineItems": conn([line_item(li) for li in rest["line_items"]]),
        "refunds": lambda _info, first=None: [refund(r, rest) for r in rest["refunds"]][:first],
        "metafield": metafields.reader(rest["admin_graphql_api_id"]),
    }


@query("orders")
def resolve_orders(_root, info, query=None, reverse=False, sortKey=None, **args):  # noqa: N803
    """Orders by id (oldest first; ``reverse`` newest first), filtered by ``query``."""
    require_orders(info)
    found = visible(info, query)
    nodes = [order_node(r, info.context.shop.domain) for r in (reversed(found) if reverse else found)]
    return conn(nodes)(info, **args)


@node_loader("Order")
def load_order(info, numeric_id: int):
    require_orders(info)
    return next(
        (order_node(r, info.context.shop.domain) for r in visible(info) if r["id"] == numeric_id), None
    )
