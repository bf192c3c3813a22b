"""A creator's discount code, mirrored from the shop's Admin API, with its history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column, shop_fk
from shopify_roi.money import Money

# pending: row written, not yet confirmed in the shop; active/paused: live in the shop;
# rotated: replaced by a newer code (deactivated in the shop, still attributes past orders);
# deleted: deleted by the app; removed: deleted or renamed in the Shopify admin.
PENDING, ACTIVE, PAUSED, ROTATED, DELETED, REMOVED = (
    "pending",
    "active",
    "paused",
    "rotated",
    "deleted",
    "removed",
)
LIVE = (PENDING, ACTIVE, PAUSED, ROTATED)


class DiscountCode(Base):
    __tablename__ = "discount_codes"
    # code_key is the upper-cased code while the code exists in the shop; NULL once it is gone,
    # so the same code can be created again later and the history row stays.
    __table_args__ = (
        UniqueConstraint("shop_id", "code_key"),
        shop_fk("creator_id", "creators", "CASCADE"),
        shop_fk("alias_of_id", "discount_codes", "CASCADE"),
        shop_fk("replaced_by_id", "discount_codes", "SET NULL"),
    )

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column(index=True)
    creator_id: Mapped[int] = mapped_column(Integer, index=True)
    code: Mapped[str] = mapped_column(String(255))
    code_key: Mapped[str | None] = mapped_column(String(255))
    attribution_key: Mapped[str] = mapped_column(String(255), index=True)  # upper-cased, kept forever
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    shopify_discount_id: Mapped[str | None] = mapped_column(String(128), index=True)
    shopify_code_id: Mapped[str | None] = mapped_column(String(128))
    value_type: Mapped[str] = mapped_column(String(16), default="percentage")  # or fixed_amount
    value: Mapped[Decimal] = mapped_column(Money)  # a fraction for percentage (0.15), money for fixed
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    once_per_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    combines_with_order: Mapped[bool] = mapped_column(Boolean, default=False)
    combines_with_product: Mapped[bool] = mapped_column(Boolean, default=False)
    combines_with_shipping: Mapped[bool] = mapped_column(Boolean, default=True)
    min_subtotal: Mapped[Decimal | None] = mapped_column(Money)
    replaced_by_id: Mapped[int | None] = mapped_column(Integer)
    # An extra code on the same Shopify discount (discountRedeemCodeBulkAdd); NULL for the main code.
    alias_of_id: Mapped[int | None] = mapped_column(Integer)
    shopify_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)  # last thing that happened to it, in words
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # set when the discount was made in the Shopify admin and only linked (services/creators/adopt.py)
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
