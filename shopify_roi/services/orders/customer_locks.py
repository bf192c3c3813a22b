"""Each customer's orders written by one transaction at a time (PostgreSQL advisory locks): see `lock`."""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock(session: Session, shop_id: int, customer_ids: list[str | None]) -> None:
    """PostgreSQL: lock these customers of the shop until the transaction ends, in key order (a
    transaction-level advisory lock each), before anything of the batch is written.

    Row locks alone cannot keep a customer's read facts right when two transactions each insert a new
    order of the same customer: neither sees the other's uncommitted row, so each would mark its own as
    the first order, with cohort facts that miss the other's revenue. Under this lock the second waits
    for the first to commit and reads the customer's orders afterwards (READ COMMITTED: a new snapshot
    per statement). Taken first and in one order, the locks cannot deadlock with each other. SQLite has one
    writer at a time: nothing to do."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({_customer_key(shop_id, c) for c in customer_ids if c})
    if keys:
        session.execute(
            text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k"), {"keys": keys}
        )


def _customer_key(shop_id: int, customer_id: str) -> int:
    """A signed 64-bit key for the customer's advisory lock (a hash of shop and customer)."""
    digest = hashlib.blake2b(f"customer:{shop_id}:{customer_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
