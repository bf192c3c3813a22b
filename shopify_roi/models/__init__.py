"""Typed SQLAlchemy models, one module per aggregate."""

from shopify_roi.db import Base
from shopify_roi.models.analytics_mark import AnalyticsMark
from shopify_roi.models.backfill import BackfillRun
from shopify_roi.models.creator import Campaign, Creator, creator_campaigns
from shopify_roi.models.creator_import import CreatorImport
from shopify_roi.models.customer import CustomerHistory
from shopify_roi.models.delivery import WebhookDelivery
from shopify_roi.models.discount import DiscountCode
from shopify_roi.models.flow import FlowActionRun, FlowTriggerSend, FlowTriggerUsage
from shopify_roi.models.link import Click, LinkRoute, TrackedLink
from shopify_roi.models.marketing import MarketingDueDay, MarketingSent
from shopify_roi.models.metafield import MetafieldWrite
from shopify_roi.models.order import AttributionPolicy, Order, OrderLine, Refund, RefundLine
from shopify_roi.models.payout import PayoutLine, PayoutRun, PayoutSettings, PayoutStatement
from shopify_roi.models.pixel import PixelEvent, PixelSettings
from shopify_roi.models.post import CreatorPost, PostFigures
from shopify_roi.models.report_link import CreatorReportLink
from shopify_roi.models.rollup import CodeDay, CodeMonth, DirtyDay, OrderDay, OrderMonth, RollupState
from shopify_roi.models.settings import ShopSettings
from shopify_roi.models.shop import OAuthState, Shop
from shopify_roi.models.spend import SpendEntry

__all__ = [
    "AnalyticsMark",
    "AttributionPolicy",
    "BackfillRun",
    "Base",
    "Campaign",
    "Click",
    "CodeDay",
    "CodeMonth",
    "Creator",
    "CreatorImport",
    "CreatorPost",
    "CreatorReportLink",
    "CustomerHistory",
    "DirtyDay",
    "DiscountCode",
    "MarketingDueDay",
    "MarketingSent",
    "FlowActionRun",
    "FlowTriggerSend",
    "FlowTriggerUsage",
    "LinkRoute",
    "MetafieldWrite",
    "OAuthState",
    "Order",
    "OrderDay",
    "OrderMonth",
    "OrderLine",
    "PayoutLine",
    "PayoutRun",
    "PayoutSettings",
    "PayoutStatement",
    "PixelEvent",
    "PixelSettings",
    "PostFigures",
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
