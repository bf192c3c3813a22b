"""What the app last wrote to Shopify's `$app` metafields of an order or a customer (issue 18: creators in
Shopify's reports), so a re-run writes nothing new and a changed attribution rewrites.

`written` is the JSON of the values Shopify holds ({} once deleted); `error` the reason the last write of
this owner was refused (empty when it was written). A customer's row is the only place their id is kept
beyond their orders: it goes when their metafields are deleted (customers/redact).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopify_roi.db import Base, UTCDateTime, utcnow
from shopify_roi.models.keys import row_id, shop_column

ORDER, CUSTOMER = "order", "customer"


class MetafieldWrite(Base):
    __tablename__ = "metafield_writes"
    __table_args__ = (UniqueConstraint("shop_id", "owner", "shopify_id"),)

    id: Mapped[int] = row_id()
    shop_id: Mapped[int] = shop_column()
    owner: Mapped[str] = mapped_column(String(8))  # ORDER or CUSTOMER
    shopify_id: Mapped[str] = mapped_column(String(32))  # the order's or customer's numeric id
    written: Mapped[str] = mapped_column(Text, default="{}")  # JSON {key: value} Shopify holds
    error: Mapped[str] = mapped_column(Text, default="")  # why the last write was refused
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
