"""Typed SQLAlchemy models, one module per aggregate."""

from ..db import Base
from .backfill import BackfillRun
from .creator import Campaign, Creator, creator_campaigns
from .creator_import import CreatorImport
from .customer import CustomerHistory
from .delivery import WebhookDelivery
from .discount import DiscountCode
from .link import Click, TrackedLink
from .order import AttributionPolicy, Order, OrderLine, Refund, RefundLine
from .rollup import CodeDay, CodeMonth, DirtyDay, OrderDay, OrderMonth, RollupState
from .settings import ShopSettings
from .shop import OAuthState, Shop
from .spend import SpendEntry

__all__ = [
    "AttributionPolicy",
    "BackfillRun",
    "Base",
    "Campaign",
    "Click",
    "CodeDay",
    "CodeMonth",
    "Creator",
    "CreatorImport",
    "CustomerHistory",
    "DirtyDay",
    "DiscountCode",
    "OAuthState",
    "Order",
    "OrderDay",
    "OrderMonth",
    "OrderLine",
    "Refund",
    "RefundLine",
    "RollupState",
    "Shop",
    "ShopSettings",
    "SpendEntry",
    "TrackedLink",
    "WebhookDelivery",
    "creator_campaigns",
]
