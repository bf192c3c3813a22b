"""Finding shops: by their myshopify.com domain (how Shopify names a shop in every request), and the
installed ones (what periodic work goes through)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import Shop


def shop_by_domain(session: Session, domain: str, *, lock: bool = False) -> Shop | None:
    """The shop with this domain, or None. With `lock` the row is read afresh (not from the session's
    identity map) and, on PostgreSQL, locked until the transaction ends (SQLite locks the database
    on write instead)."""
    query = select(Shop).where(Shop.domain == domain)
    if lock:
        query = query.execution_options(populate_existing=True)
        if session.bind.dialect.name == "postgresql":
            query = query.with_for_update()
    return session.scalar(query)


def installed_shops(session: Session) -> list[tuple[int, str]]:
    """(id, domain) of every shop that has the app installed and a token to call Shopify with."""
    query = select(Shop.id, Shop.domain).where(
        Shop.uninstalled_at.is_(None), Shop.access_token_enc.is_not(None)
    )
    return [(shop_id, domain) for shop_id, domain in session.execute(query)]


def domains_by_id(session: Session) -> dict[int, str]:
    """Every shop's domain by its id (installed or not: work already queued for it decides)."""
    return dict(session.execute(select(Shop.id, Shop.domain)).all())
