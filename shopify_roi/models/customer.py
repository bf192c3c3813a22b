"""What Shopify says of a customer's history beyond the orders the app holds.

Without `read_all_orders` the app sees only the last 60 days of orders, so a returning customer can
look new. Each customer whose first held order would count as a new customer is checked once against
`Customer.numberOfOrders` (lifetime), and the count is kept with the moment it was read: while
Shopify counted more orders up to then than the app holds from up to then, the customer has orders
the app cannot see (services/orders/customer_checks.py). Only a count is kept, never personal data
(customers/redact renames the id with the customer's orders, so the figures stay as they were).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column


class CustomerHistory(Base):
    __tablename__ = "customer_histories"
    __table_args__ = (UniqueConstraint("shop_id", "customer_id"),)

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    customer_id: Mapped[str] = mapped_column(String(32))  # as on Order.customer_id
    shopify_orders: Mapped[int | None] = mapped_column(
        Integer
    )  # numberOfOrders at checked_at; None: customer gone
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # read after Shopify answered
