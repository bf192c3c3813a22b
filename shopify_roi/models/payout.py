"""Commission payouts (issue #20): a shop's return window, its payout runs, each run's statement per
creator and the per-order lines behind it (README.md, "Payouts (commission ledger)").

A run is a draft until the merchant marks it paid; a paid run, its statements and its lines never
change again (services/payouts/runs.py refuses, 409). What a later run pays for an order is what its
commission is then, less what paid runs already paid for it: a refund after payout is a clawback line of
that later run, never a change to a paid amount. Lines keep the order's figures as they were at the run,
so a paid statement reads the same forever.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column, shop_fk
from shopify_roi.money import Money

DRAFT, PAID = "draft", "paid"
# An order paid for the first time | a later increase of its commission | a later decrease (a refund after
# payout, the order moved to another creator or no longer counted).
ACCRUAL, ADJUSTMENT, CLAWBACK = "accrual", "adjustment", "clawback"
DEFAULT_HOLD_DAYS, MAX_HOLD_DAYS = 30, 365


class PayoutSettings(Base):
    __tablename__ = "payout_settings"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    # an order's commission is held (not payable) until this many days after the order: its return window
    hold_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_HOLD_DAYS)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PayoutRun(Base):
    __tablename__ = "payout_runs"
    __table_args__ = (
        Index("ix_payout_runs_shop_id_created_at", "shop_id", "created_at"),
        # at most one draft per shop: a draft is computed against the paid runs, so two could pay twice
        Index(
            "uq_payout_runs_one_draft",
            "shop_id",
            unique=True,
            postgresql_where=text("status = 'draft'"),
            sqlite_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    period_end: Mapped[date] = mapped_column(Date)  # a local date of the shop: orders of that day included
    hold_days: Mapped[int] = mapped_column(Integer)  # the return window the run was computed with
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # computed at (holds end by it)
    status: Mapped[str] = mapped_column(String(8), default=DRAFT)  # draft | paid
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reference: Mapped[str] = mapped_column(String(128), default="")  # the merchant's payment reference


class PayoutStatement(Base):
    """One creator's figures in one run (README.md, "Payouts"), kept as computed."""

    __tablename__ = "payout_statements"
    __table_args__ = (
        Index("ix_payout_statements_shop_id_run_id", "shop_id", "run_id"),
        shop_fk("run_id", "payout_runs", "CASCADE"),
        shop_fk("creator_id", "creators"),
    )

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    run_id: Mapped[int] = mapped_column(Integer)
    creator_id: Mapped[int] = mapped_column(Integer)  # no cascade: paid rows stay
    orders: Mapped[int] = mapped_column(Integer, default=0)  # orders paid for the first time in this run
    revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # of those orders
    returns: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # of those orders
    accrued: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # Σ accrual and adjustment lines
    clawed_back: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # −Σ clawback lines (>= 0)
    brought_forward: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # owed from earlier runs
    payable: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # what this run pays (>= 0)
    carried_forward: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # owed to the next run
    held: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # commission still in the window
    held_orders: Mapped[int] = mapped_column(Integer, default=0)


class PayoutLine(Base):
    """What one run pays (or claws back) for one order of one creator."""

    __tablename__ = "payout_lines"
    __table_args__ = (
        Index("ix_payout_lines_shop_id_run_id", "shop_id", "run_id"),
        Index("ix_payout_lines_shop_id_creator_id_order_id", "shop_id", "creator_id", "order_id"),
        shop_fk("creator_id", "creators"),
        shop_fk("run_id", "payout_runs", "CASCADE"),
        shop_fk("order_id", "orders"),
    )

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    run_id: Mapped[int] = mapped_column(Integer)
    creator_id: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[int] = mapped_column(Integer)  # no cascade: orders are never deleted
    kind: Mapped[str] = mapped_column(String(16))  # accrual | adjustment | clawback
    amount: Mapped[Decimal] = mapped_column(Money)  # commission now − paid before for this order, cents
    commission: Mapped[Decimal] = mapped_column(Money)  # the order's commission at the run (0 if not theirs)
    # the order as it was at the run
    order_name: Mapped[str] = mapped_column(String(64), default="")
    order_created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    returns: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    rate: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # the creator's rate at the run
