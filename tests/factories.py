"""Rows for tests, made with the app's models.

Each function adds one row (an order with its lines, a refund with its lines) with sensible defaults,
takes any column as a keyword override, and flushes it into the session the test passes: the test's
`with db.session()` commits it. Shopify's payloads (webhook JSON, bulk JSONL) come from the stand-in's
generator instead (`stand_in.control.create_order`), so their shapes stay Shopify's.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import (
    Campaign,
    Click,
    Creator,
    DiscountCode,
    LinkRoute,
    Order,
    OrderLine,
    Refund,
    RefundLine,
    Shop,
    SpendEntry,
    TrackedLink,
    WebhookDelivery,
)
from shopify_roi.services.orders.facts import LineFacts, OrderFacts
from shopify_roi.services.orders.read_facts import refresh_facts

_serial = itertools.count(1)


def _next() -> int:
    """A number unique within the test run: ids and handles that never collide across tests."""
    return next(_serial)


def _add(session: Session, row):
    session.add(row)
    session.flush()
    return row


def shop_named(session: Session, domain: str) -> Shop:
    """The shop row of `domain` (one an install through the stand-in made)."""
    return session.scalar(select(Shop).where(Shop.domain == domain))


def shop(session: Session, cipher=None, **overrides) -> Shop:
    """A shop; given the app's `TokenCipher`, an installed one: tokens "t" and "r", encrypted."""
    n = _next()
    fields = {"domain": f"factory-{n}.myshopify.com", "name": f"Shop {n}", "currency": "EUR", "scopes": ""}
    if cipher is not None:
        fields |= {
            "token_generation": 1,
            "access_token_enc": cipher.encrypt("t"),
            "refresh_token_enc": cipher.encrypt("r"),
        }
    return _add(session, Shop(**(fields | overrides)))


def creator(session: Session, shop: Shop, **overrides) -> Creator:
    handle = overrides.pop("handle", f"creator{_next()}")
    return _add(session, Creator(shop_id=shop.id, handle=handle, name=handle.title(), **overrides))


def campaign(session: Session, shop: Shop, **overrides) -> Campaign:
    n = _next()
    return _add(
        session, Campaign(**({"shop_id": shop.id, "name": f"Campaign {n}", "slug": f"c{n}"} | overrides))
    )


def discount_code(session: Session, creator: Creator, code: str | None = None, **overrides) -> DiscountCode:
    """An active percentage code of the creator (15 % unless `value` says otherwise)."""
    code = code or f"CODE{_next()}"
    fields = {
        "shop_id": creator.shop_id,
        "creator_id": creator.id,
        "code": code,
        "code_key": code.upper(),
        "attribution_key": code.upper(),
        "status": "active",
        "value": Decimal("0.15"),
    }
    return _add(session, DiscountCode(**(fields | overrides)))


def orders(
    session: Session, shop: Shop, count: int, revenue_each: Decimal = Decimal("100.00"), **overrides
) -> list[Order]:
    """`count` counted orders, each its own customer's first, with the read facts refreshed as every
    batch of the worker refreshes them. `at` (aware) sets created_at and the version applied."""
    at = overrides.pop("at", None) or utcnow()
    rows = []
    for _ in range(count):
        shopify_id = str(overrides.get("shopify_id") or 10_000_000 + _next())
        fields = {
            "shop_id": shop.id,
            "shopify_id": shopify_id,
            "created_at": at,
            "shopify_updated_at": at,
            "counted": True,
            "revenue": revenue_each,
            "gross": revenue_each,
            "customer_id": shopify_id,
        }
        rows.append(Order(**(fields | overrides)))
    session.add_all(rows)
    session.flush()
    refresh_facts(session, shop.id, {r.customer_id for r in rows})
    return rows


def order(session: Session, shop: Shop, lines: Iterable[dict] = (), **overrides) -> Order:
    """One order (see `orders`) with its lines: dicts of OrderLine columns (`price`, `quantity`, ...);
    its money columns are set apart (`revenue`, `gross`), not summed from the lines."""
    row = orders(session, shop, 1, **overrides)[0]
    for line in lines:
        _add(
            session,
            OrderLine(**({"shop_id": shop.id, "order_id": row.id, "shopify_id": str(_next())} | line)),
        )
    return row


def refund(session: Session, order: Order, lines: Iterable[dict] = (), **overrides) -> Refund:
    """A refund of `order`; its subtotal and tax are the lines' sums unless given. The order's read facts
    (its returns) are refreshed, as the worker's batch refreshes them."""
    lines = list(lines)
    fields = {
        "shop_id": order.shop_id,
        "shopify_id": str(20_000_000 + _next()),
        "order_shopify_id": order.shopify_id,
        "created_at": order.created_at,
        "subtotal": sum((Decimal(line["subtotal"]) for line in lines), Decimal(0)),
        "line_tax": sum((Decimal(line.get("tax", 0)) for line in lines), Decimal(0)),
        "has_lines": bool(lines),
    }
    row = _add(session, Refund(**(fields | overrides)))
    for line in lines:
        defaults = {"shop_id": order.shop_id, "refund_id": row.id, "shopify_id": str(_next()), "quantity": 1}
        _add(session, RefundLine(**(defaults | line)))
    refresh_facts(session, order.shop_id, set(), {order.shopify_id})
    return row


def spend_entry(session: Session, creator: Creator, **overrides) -> SpendEntry:
    """A fee of 100.00 on today's date unless told otherwise."""
    fields = {
        "shop_id": creator.shop_id,
        "creator_id": creator.id,
        "kind": "fee",
        "spent_on": date.today(),
        "amount": Decimal("100.00"),
    }
    return _add(session, SpendEntry(**(fields | overrides)))


def tracked_link(session: Session, creator: Creator, **overrides) -> TrackedLink:
    fields = {
        "shop_id": creator.shop_id,
        "creator_id": creator.id,
        "short_id": f"f{_next()}",
        "destination_url": "https://example.myshopify.com/",
    }
    link = _add(session, TrackedLink(**(fields | overrides)))
    _add(session, LinkRoute(short_id=link.short_id, shop_id=link.shop_id, link_id=link.id))  # as the app does
    return link


def click(session: Session, link: TrackedLink, **overrides) -> Click:
    fields = {
        "shop_id": link.shop_id,
        "creator_id": link.creator_id,
        "link_id": link.id,
        "visitor_hash": f"{_next():032x}",
        "agent_class": "mobile",
    }
    return _add(session, Click(**(fields | overrides)))


def webhook_delivery(session: Session, shop_domain: str, **overrides) -> WebhookDelivery:
    """A delivery in the inbox, `received` and not yet processed, of an orders/create by default."""
    fields = {"shop_domain": shop_domain, "webhook_id": f"factory-{_next()}", "topic": "orders/create"}
    return _add(session, WebhookDelivery(**(fields | overrides)))


def order_facts(shopify_id: str, customer: str | None, created, price: str, refunds=()) -> OrderFacts:
    """A paid order's parsed facts (one line of `price`, no tax, no signals), as the write path takes them."""
    return OrderFacts(
        shopify_id=shopify_id,
        name=f"#{shopify_id}",
        created_at=created,
        updated_at=created,
        cancelled_at=None,
        financial_status="paid",
        test=False,
        taxes_included=False,
        currency="USD",
        customer_id=customer,
        tags=[],
        lines=[LineFacts(f"{shopify_id}1", 1, Decimal(price), Decimal(0), Decimal(0))],
        signals={},
        refunds=list(refunds),
    )
