"""Order facts: orders, their lines, refunds (kept by order id, so one may arrive first), customers.

Money is in shop currency (the `shop_money` side), exact (the Money type). Only what the metrics
need is stored about a customer: Shopify's id and the first order's time (METRICS.md).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow
from ..money import Money

CODE, LINK, NONE = "code", "link", "none"
# Order.customer_id of a customer forgotten by customers/redact: this prefix + 16 random hex digits.
REDACTED_PREFIX = "redacted-"


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("shop_id", "shopify_id"),
        Index("ix_orders_shop_id_created_at", "shop_id", "created_at"),
        Index("ix_orders_shop_id_creator_id_created_at", "shop_id", "creator_id", "created_at"),
        Index("ix_orders_shop_id_customer_id_created_at", "shop_id", "customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    shopify_id: Mapped[str] = mapped_column(String(32))  # numeric id as sent (exact, not a float)
    name: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    shopify_updated_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the version applied
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    financial_status: Mapped[str] = mapped_column(String(32), default="")
    test: Mapped[bool] = mapped_column(Boolean, default=False)
    seeding: Mapped[bool] = mapped_column(Boolean, default=False)
    counted: Mapped[bool] = mapped_column(Boolean, default=True)  # not test, not voided, not seeding
    taxes_included: Mapped[bool] = mapped_column(Boolean, default=False)
    currency: Mapped[str] = mapped_column(String(3), default="")
    customer_id: Mapped[str | None] = mapped_column(String(32))  # Shopify's customer id
    gross: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    discounts: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    line_tax: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    signals: Mapped[str] = mapped_column(Text, default="{}")  # every attribution signal, JSON
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("creators.id", ondelete="SET NULL"))
    rule: Mapped[str] = mapped_column(String(8), default=NONE)
    contested: Mapped[str] = mapped_column(Text, default="[]")  # creator ids with a losing signal, JSON
    is_first: Mapped[bool | None] = mapped_column(Boolean)  # the customer's first counted order
    source: Mapped[str] = mapped_column(String(16), default="webhook")
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "shopify_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    shopify_id: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    tax: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class Refund(Base):
    __tablename__ = "refunds"
    __table_args__ = (UniqueConstraint("shop_id", "shopify_id"), Index("ix_refunds_shop_id_order_shopify_id", "shop_id", "order_shopify_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    shopify_id: Mapped[str] = mapped_column(String(32))
    order_shopify_id: Mapped[str] = mapped_column(String(32))  # no FK: a refund may arrive before its order
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # Σ refund line subtotals
    line_tax: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # Σ refund line taxes
    has_lines: Mapped[bool] = mapped_column(Boolean, default=False)


class RefundLine(Base):
    __tablename__ = "refund_lines"
    __table_args__ = (UniqueConstraint("refund_id", "shopify_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id", ondelete="CASCADE"))
    shopify_id: Mapped[str] = mapped_column(String(32))
    line_shopify_id: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    subtotal: Mapped[Decimal] = mapped_column(Money)
    tax: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class AttributionPolicy(Base):
    """Per-shop precedence of attribution rules (METRICS.md default: code, then link)."""

    __tablename__ = "attribution_policies"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    precedence: Mapped[str] = mapped_column(String(32), default="code,link")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
