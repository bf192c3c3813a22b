"""Access to the whole order history: `read_all_orders`, an optional scope the merchant may grant.

Without it Shopify shows the app only the last 60 days of orders (shopify.dev "Access scopes":
`read_all_orders`), so the history here starts 60 days back and the app asks Shopify how many orders
each newly seen customer placed in all (services/orders/customer_checks.py). The app declares it in
`[access_scopes] optional_scopes` of shopify.app.toml: Shopify never grants an optional scope at
install, only when the merchant accepts App Bridge's `shopify.scopes.request` (shopify.dev "Manage
access scopes"), and may decline. What the app holds is what Shopify says (the token answer,
`currentAppInstallation.accessScopes`, `app/scopes_update`), never its own configuration.

Once granted, one full-history backfill runs (unless a backfill already ran with full visibility).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db import Database
from shopify_roi.models import BackfillRun, Shop
from shopify_roi.models.backfill import FAILED, INSTALL
from shopify_roi.services.orders import backfill
from shopify_roi.services.shops import install
from shopify_roi.shopify_client import shop_info
from shopify_roi.shopify_client.admin import AdminClient
from shopify_roi.timefmt import iso

FULL_HISTORY_SCOPE = "read_all_orders"
FULL_HISTORY = "full_history"  # BackfillRun.kind of the run started when the scope is granted
VISIBLE_DAYS_WITHOUT = 60


def granted(shop: Shop) -> bool:
    return FULL_HISTORY_SCOPE in shop.scope_set


def needs_full_history(session: Session, shop: Shop) -> bool:
    """Granted, and no backfill that saw the whole history has run or is running.

    A run saw the whole history when it was an install or full-history run with no range note
    (the note is written only when Shopify showed 60 days, services/orders/backfill_plan.py)."""
    if not granted(shop):
        return False
    covered = session.scalar(
        select(BackfillRun.id)
        .where(
            BackfillRun.shop_id == shop.id,
            BackfillRun.kind.in_((INSTALL, FULL_HISTORY)),
            BackfillRun.status != FAILED,
            BackfillRun.range_note == "",
        )
        .limit(1)
    )
    return covered is None


def status(session: Session, shop: Shop) -> dict:
    """What the page shows: granted or not, how many days Shopify shows, the full-history run."""
    run = session.scalar(
        select(BackfillRun)
        .where(BackfillRun.shop_id == shop.id, BackfillRun.kind == FULL_HISTORY)
        .order_by(BackfillRun.id.desc())
        .limit(1)
    )
    return {
        "scope": FULL_HISTORY_SCOPE,
        "granted": granted(shop),
        "visible_days": None if granted(shop) else VISIBLE_DAYS_WITHOUT,
        "full_history": None
        if run is None
        else {
            "status": run.status,
            "orders_seen": run.orders_seen,
            "started_at": iso(run.started_at),
            "finished_at": iso(run.finished_at),
        },
    }


def record_granted_scopes(db: Database, client: AdminClient, domain: str) -> None:
    """Ask Shopify which scopes the app holds (`currentAppInstallation`) and record them: after the
    merchant answered `shopify.scopes.request`, before or without the `app/scopes_update` webhook."""
    granted_now = shop_info.fetch(client).scopes
    if granted_now is not None:
        with db.session() as session:
            install.apply_scopes_update(session, domain, granted_now)


def start_full_history(db: Database, client: AdminClient, shop_id: int) -> int | str:
    """Start the full-history backfill (its run id) if the shop granted read_all_orders and no backfill
    covered the whole history yet; else why not. The caller holds the shop's lock, so two callers
    (the webhook's job, the page's check) cannot both start one."""
    with db.session() as session:
        shop = session.get(Shop, shop_id)
        wanted = shop is not None and needs_full_history(session, shop)
    if not wanted:
        return "nothing to do: read_all_orders not granted, or the full history is already loaded"
    return backfill.start(db, client, shop_id, FULL_HISTORY)
