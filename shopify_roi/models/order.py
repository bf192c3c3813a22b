"""Order facts: orders, their lines, refunds (kept by order id, so one may arrive first), customers.

Money is in shop currency (the `shop_money` side), exact (the Money type). Only what the metrics
need is stored about a customer: Shopify's id and the first order's time (METRICS.md).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column, shop_fk
from shopify_roi.money import Money

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
        # the few contested orders of a range (the ROI table's contested revenue), without scanning the range
        # the seeding orders (tagged or marked: README "Seeding"), few, without scanning a shop's orders
        Index(
            "ix_orders_seeding",
            "shop_id",
            postgresql_where=text("seeding OR seeding_marked"),
            sqlite_where=text("seeding OR seeding_marked"),
        ),
        Index(
            "ix_orders_contested",
            "shop_id",
            "created_at",
            postgresql_where=text("contested <> '[]'"),
            sqlite_where=text("contested <> '[]'"),
        ),
        shop_fk("creator_id", "creators", "SET NULL"),
    )

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    shopify_id: Mapped[str] = mapped_column(String(32))  # numeric id as sent (exact, not a float)
    name: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    shopify_updated_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the version applied
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    financial_status: Mapped[str] = mapped_column(String(32), default="")
    test: Mapped[bool] = mapped_column(Boolean, default=False)
    seeding: Mapped[bool] = mapped_column(Boolean, default=False)
    counted: Mapped[bool] = mapped_column(Boolean, default=True)  # not test, not voided, not seeding
    # Seeding (README "Seeding"): `seeding` is the order's tag in Shopify, `seeding_marked` staff's mark in
    # the app (kept across the order's later versions), `seeding_handle` the creator a tag
    # `creator-roi-seeding:<handle>` names, `seeding_issue` why its seeding spend could not be recorded.
    seeding_marked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    seeding_handle: Mapped[str] = mapped_column(String(64), default="", server_default="")
    seeding_issue: Mapped[str] = mapped_column(Text, default="", server_default="")
    taxes_included: Mapped[bool] = mapped_column(Boolean, default=False)
    currency: Mapped[str] = mapped_column(String(3), default="")
    customer_id: Mapped[str | None] = mapped_column(String(32))  # Shopify's customer id
    gross: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    discounts: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    line_tax: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    signals: Mapped[str] = mapped_column(Text, default="{}")  # every attribution signal, JSON
    creator_id: Mapped[int | None] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(8), default=NONE)
    contested: Mapped[str] = mapped_column(Text, default="[]")  # creator ids with a losing signal, JSON
    is_first: Mapped[bool | None] = mapped_column(Boolean)  # the customer's first counted order
    # Read facts, kept current by services/orders/read_facts.py after every batch (the ROI table: one scan):
    # returns (refunded subtotals, less their tax where prices include tax) and whether a refund has lines;
    returns: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    refunded_lines: Mapped[bool] = mapped_column(Boolean, default=False)
    # on a first order only: microseconds to the customer's next counted order (None: none yet), and the
    # customer's net revenue within 30/90/180/365 days of it (this order included);
    next_gap_us: Mapped[int | None] = mapped_column(BigInteger)
    ltv_30: Mapped[Decimal | None] = mapped_column(Money)
    ltv_90: Mapped[Decimal | None] = mapped_column(Money)
    ltv_180: Mapped[Decimal | None] = mapped_column(Money)
    ltv_365: Mapped[Decimal | None] = mapped_column(Money)
    # for the code-leak check: the winning creator's code the order used (upper case, else the first code),
    # whether its ref/utm_content names the winning creator, and the referring site's host.
    signal_code: Mapped[str] = mapped_column(String(64), default="")
    signal_link: Mapped[bool] = mapped_column(Boolean, default=False)
    referrer_host: Mapped[str] = mapped_column(String(255), default="")
    source: Mapped[str] = mapped_column(String(16), default="webhook")
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class OrderLine(Base):
    __tablename__ = "order_lines"
    # the shop last: the key's index still serves a lookup by order (the foreign key's cascade), and carries
    # the distribution column (README "Scale-out")
    __table_args__ = (
        UniqueConstraint("order_id", "shopify_id", "shop_id"),
        shop_fk("order_id", "orders", "CASCADE"),
    )

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column(index=True)
    order_id: Mapped[int] = mapped_column(Integer)
    shopify_id: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    tax: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    product_id: Mapped[str | None] = mapped_column(String(32))  # None: a custom line or a deleted product
    title: Mapped[str] = mapped_column(String(255), default="", server_default="")


class Refund(Base):
    __tablename__ = "refunds"
    __table_args__ = (
        UniqueConstraint("shop_id", "shopify_id"),
        Index("ix_refunds_shop_id_order_shopify_id", "shop_id", "order_shopify_id"),
    )

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    shopify_id: Mapped[str] = mapped_column(String(32))
    order_shopify_id: Mapped[str] = mapped_column(String(32))  # no FK: a refund may arrive before its order
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # Σ refund line subtotals
    line_tax: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # Σ refund line taxes
    has_lines: Mapped[bool] = mapped_column(Boolean, default=False)


class RefundLine(Base):
    __tablename__ = "refund_lines"
    __table_args__ = (
        UniqueConstraint("refund_id", "shopify_id", "shop_id"),
        shop_fk("refund_id", "refunds", "CASCADE"),
    )  # as order_lines' key

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column(index=True)
    refund_id: Mapped[int] = mapped_column(Integer)
    shopify_id: Mapped[str] = mapped_column(String(32))
    line_shopify_id: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    subtotal: Mapped[Decimal] = mapped_column(Money)
    tax: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class AttributionPolicy(Base):
    """Per-shop precedence of attribution rules (METRICS.md default: code, then link)."""

    __tablename__ = "attribution_policies"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    precedence: Mapped[str] = mapped_column(String(32), default="code,pixel,link")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
