"""The rollup behind the ROI table: per shop, creator and local day, the sums of the day's orders and clicks;
and the same per calendar month, which long ranges read for their whole months.

It is derived from `orders` and `clicks` alone: writers mark the days they touched dirty, and a day is
recomputed from the base tables before anything reads it (services/metrics/rollups.py), so a figure
read from it is the figure the base tables give.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base
from shopify_roi.models.keys import row_id, shop_column

COHORT_DAYS = (30, 90, 180, 365)
UNATTRIBUTED = 0  # creator_key of orders without a creator


class OrderSums:
    """The sums a rollup row keeps (per day in OrderDay, per calendar month in OrderMonth)."""

    creator_key: Mapped[int] = mapped_column(Integer)  # the creator's id, UNATTRIBUTED for none
    # counted orders: how many, money in raw units (amount x 10,000), refunds with lines, first orders,
    # code orders
    orders: Mapped[int] = mapped_column(Integer, default=0)
    revenue: Mapped[int] = mapped_column(BigInteger, default=0)
    discounts: Mapped[int] = mapped_column(BigInteger, default=0)
    returns: Mapped[int] = mapped_column(BigInteger, default=0)
    with_refund: Mapped[int] = mapped_column(Integer, default=0)
    firsts: Mapped[int] = mapped_column(Integer, default=0)
    code_orders: Mapped[int] = mapped_column(Integer, default=0)
    # customers acquired (first order with a customer), those back within N days, their LTV-N sums
    acquired: Mapped[int] = mapped_column(Integer, default=0)
    repeat_30: Mapped[int] = mapped_column(Integer, default=0)
    repeat_90: Mapped[int] = mapped_column(Integer, default=0)
    repeat_180: Mapped[int] = mapped_column(Integer, default=0)
    repeat_365: Mapped[int] = mapped_column(Integer, default=0)
    ltv_30: Mapped[int] = mapped_column(BigInteger, default=0)
    ltv_90: Mapped[int] = mapped_column(BigInteger, default=0)
    ltv_180: Mapped[int] = mapped_column(BigInteger, default=0)
    ltv_365: Mapped[int] = mapped_column(BigInteger, default=0)
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    link_orders: Mapped[int] = mapped_column(
        Integer, default=0
    )  # attributed by link or by the pixel (the creator's activity)
    contested: Mapped[int] = mapped_column(
        BigInteger, default=0
    )  # revenue of orders another creator won over this one


SUM_COLUMNS = (
    "orders",
    "revenue",
    "discounts",
    "returns",
    "with_refund",
    "firsts",
    "code_orders",
    "acquired",
    *(f"repeat_{n}" for n in COHORT_DAYS),
    *(f"ltv_{n}" for n in COHORT_DAYS),
    "clicks",
    "link_orders",
    "contested",
)


class OrderDay(OrderSums, Base):
    __tablename__ = "order_days"
    __table_args__ = (UniqueConstraint("shop_id", "day", "creator_key"),)

    id: Mapped[int] = row_id(BigInteger().with_variant(Integer, "sqlite"))
    shop_id: Mapped[int] = shop_column()
    day: Mapped[date] = mapped_column(Date)  # the shop's local date


class OrderMonth(OrderSums, Base):
    """The days of one calendar month (local dates) summed: what a long range reads for its whole months,
    kept equal to its days by services/metrics/rollups.py (refreshed with every day recomputed)."""

    __tablename__ = "order_months"
    __table_args__ = (UniqueConstraint("shop_id", "month", "creator_key"),)

    id: Mapped[int] = row_id(BigInteger().with_variant(Integer, "sqlite"))
    shop_id: Mapped[int] = shop_column()
    month: Mapped[date] = mapped_column(Date)  # its first day


class _CodeOrders:
    """The columns CodeDay and CodeMonth share: a creator's code orders grouped by what the code-leak
    check reads of them (the code used, whether a link of the creator came with it, the referrer)."""

    id: Mapped[int] = row_id(BigInteger().with_variant(Integer, "sqlite"))
    shop_id: Mapped[int] = shop_column()
    creator_key: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    has_link: Mapped[bool] = mapped_column(Boolean)
    referrer_host: Mapped[str] = mapped_column(String(255))
    orders: Mapped[int] = mapped_column(Integer)


class CodeDay(_CodeOrders, Base):
    """The code orders of a local day per creator, by what the code-leak check reads of them."""

    __tablename__ = "code_days"
    __table_args__ = (Index("ix_code_days_shop_id_day", "shop_id", "day"),)

    day: Mapped[date] = mapped_column(Date)


class CodeMonth(_CodeOrders, Base):
    """CodeDay's rows of one calendar month summed, with the last day that had such orders."""

    __tablename__ = "code_months"
    __table_args__ = (Index("ix_code_months_shop_id_month", "shop_id", "month"),)

    month: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)


class DirtyDay(Base):
    """A local day whose rollup rows must be recomputed; `version` grows with every new mark, so a
    recomputation clears only the mark it saw."""

    __tablename__ = "order_days_dirty"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class RollupState(Base):
    """The time zone a shop's rollup was built in: another one means a rebuild."""

    __tablename__ = "rollup_states"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    tz: Mapped[str] = mapped_column(String(64))
