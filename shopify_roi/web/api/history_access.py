"""`/api/history-access`: whether the app sees the shop's whole order history (read_all_orders)."""

from __future__ import annotations

from flask import g

from shopify_roi.jobs.history_access import check_history_access
from shopify_roi.services.shops import history_access
from shopify_roi.web.api import bp
from shopify_roi.web.guards import runtime, session_token_required


@bp.get("/history-access")
@session_token_required
def get_history_access():
    """`{scope, granted, visible_days (60 or null), full_history (the backfill run or null)}`."""
    with runtime().db.session() as session:
        return history_access.status(session, g.shop)


@bp.post("/history-access")
@session_token_required
def ask_for_history_access():
    """After the merchant answered `shopify.scopes.request`: ask Shopify what it granted (a job),
    and load the full history if read_all_orders is now granted. 202 with the status as held now."""
    rt = runtime()
    rt.jobs.enqueue(check_history_access, g.shop.domain)
    with rt.db.session() as session:
        return {**history_access.status(session, g.shop), "check": "queued"}, 202
