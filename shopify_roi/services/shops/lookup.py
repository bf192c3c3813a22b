"""Finding shops: by their myshopify.com domain (how Shopify names a shop in every request), and the
installed ones (what periodic work goes through)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from shopify_roi.models import BackfillRun, Shop


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


def installs_not_synced(session: Session, now: datetime, settle: timedelta, within: timedelta) -> list[str]:
    """Domains of installed shops whose install (`installed_at`) is older than `settle` and younger than
    `within` and has no history import run since: its follow-up job (jobs/installs.sync_shop) was lost."""
    since_install = exists().where(
        BackfillRun.shop_id == Shop.id, BackfillRun.started_at >= Shop.installed_at
    )
    query = select(Shop.domain).where(
        Shop.uninstalled_at.is_(None),
        Shop.access_token_enc.is_not(None),
        Shop.installed_at.is_not(None),
        Shop.installed_at <= now - settle,
        Shop.installed_at > now - within,
        ~since_install,
    )
    return list(session.scalars(query.order_by(Shop.id)))
