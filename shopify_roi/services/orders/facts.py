"""The facts of an order and of a refund, as the app stores them (METRICS.md): what the parsers make
(services/orders/parse.py) and the store writes (services/orders/store.py).

Money is Decimal in the shop's currency; ids are Shopify's exact digits; times are aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass
class LineFacts:
    shopify_id: str
    quantity: int
    price: Decimal
    discount: Decimal
    tax: Decimal
    product_id: str | None = None  # Shopify's product id; None for a custom line or a deleted product
    title: str = ""


@dataclass
class RefundLineFacts:
    shopify_id: str
    line_shopify_id: str
    quantity: int
    subtotal: Decimal
    tax: Decimal


@dataclass
class RefundFacts:
    shopify_id: str
    order_shopify_id: str
    created_at: datetime
    lines: list[RefundLineFacts]


@dataclass
class OrderFacts:
    shopify_id: str
    name: str
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    financial_status: str
    test: bool
    taxes_included: bool
    currency: str
    customer_id: str | None
    tags: list[str]
    lines: list[LineFacts]
    signals: dict
    refunds: list[RefundFacts] = field(default_factory=list)

    @property
    def gross(self) -> Decimal:
        return sum((line.price * line.quantity for line in self.lines), Decimal(0))

    @property
    def discounts(self) -> Decimal:
        return sum((line.discount for line in self.lines), Decimal(0))

    @property
    def line_tax(self) -> Decimal:
        return sum((line.tax for line in self.lines), Decimal(0))

    @property
    def revenue(self) -> Decimal:
        """Goods net of discounts and, where prices include tax, of the tax on the lines."""
        return self.gross - self.discounts - (self.line_tax if self.taxes_included else Decimal(0))

    @property
    def voided(self) -> bool:
        return self.financial_status == "voided"


# What a version of an order counts for: where two versions have the same `updated_at` (Shopify gives whole
# seconds: an order placed and edited within one), the reconciliation's read of Shopify replaces the version
# held when these differ. The webhooks cannot break such a tie (either may arrive first); the bulk read is
# the order as Shopify holds it now.
FIGURES = (
    "gross",
    "discounts",
    "line_tax",
    "revenue",
    "financial_status",
    "cancelled_at",
    "test",
    "currency",
    "taxes_included",
)


def figures_of(facts: OrderFacts, names: tuple[str, ...]) -> tuple:
    return tuple(getattr(facts, name) for name in names)
