"""`/api/metrics/…` (the ROI table, its CSV, a creator's figures and orders, net revenue over time),
`/api/settings` (targets, margin, the creator metafields and Marketing reports switches) and the spend ledger
`/api/creators/{handle}/spend`."""

from __future__ import annotations

from flask import Response, g, request

from shopify_roi.jobs.analytics_marks import request_analytics_sync
from shopify_roi.jobs.marketing import after_edit, request_marketing_send
from shopify_roi.jobs.metafields import request_metafield_write
from shopify_roi.jobs.pixel import request_pixel_sync
from shopify_roi.services.metrics import orders_behind, reads
from shopify_roi.services.shops import settings
from shopify_roi.services.spend import ledger
from shopify_roi.web.api import bp
from shopify_roi.web.api.serializers import spend_entry_json
from shopify_roi.web.guards import runtime, session_token_required


@bp.get("/metrics/creators")
@session_token_required
def creator_metrics():
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD&as_of=YYYY-MM-DD[&campaign=]`: money and ratios as exact decimal
    strings."""
    with runtime().db.session() as session:
        return reads.refresh_then_table(session, g.shop.id, request.args)


@bp.get("/metrics/creators/<handle>")
@session_token_required
def creator_detail(handle: str):
    """One creator: the table's figures and the cohort curve (repeat share and LTV at 30/90/180/365 days)."""
    with runtime().db.session() as session:
        return reads.refresh_then_creator_detail(session, g.shop.id, handle, request.args)


@bp.get("/metrics/timeseries")
@session_token_required
def timeseries():
    """`?from&to[&campaign=][&handle=]`: net revenue per local day (per week past 92 days), attributed
    vs not."""
    with runtime().db.session() as session:
        return reads.refresh_then_series(session, g.shop.id, request.args)


@bp.get("/settings")
@session_token_required
def get_settings():
    with runtime().db.session() as session:
        return settings.load(session, g.shop.id).as_json()


@bp.put("/settings")
@session_token_required
def put_settings():
    """`{"targets": {"roas_min": "3.0", ...}, "gross_margin": "0.55" | null, "creator_metafields":
    {"enabled": true}, "analytics_annotations": {"enabled": true}, "marketing_activities": {"enabled":
    true}}` (partial; 400 names every bad field). Turned on, the creator metafields are written and the
    Marketing reports sent at once (once their scopes are granted); the campaigns' annotations and targets
    are synced on every save (turned off, they are deleted)."""
    rt = runtime()
    with rt.db.session() as session:
        saved = settings.update(session, g.shop.id, request.get_json(silent=True))
    if saved.metafields and not saved.missing_scopes:
        request_metafield_write(rt, g.shop.domain)
    request_analytics_sync(rt, g.shop.domain)
    if saved.marketing and not saved.marketing_missing:
        request_marketing_send(rt, g.shop.domain)
    if saved.pixel_changed:
        request_pixel_sync(rt, g.shop.domain)
    return saved.as_json()


@bp.get("/metrics/creators.csv")
@session_token_required
def creator_metrics_csv():
    with runtime().db.session() as session:
        name, text = reads.refresh_then_csv(session, g.shop.id, request.args)
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"}
    )


@bp.get("/metrics/creators/<handle>/orders")
@session_token_required
def creator_orders(handle: str):
    """The orders behind every number of a creator, with their signals and the rule that won."""
    with runtime().db.session() as session:
        return orders_behind.orders_of_handle(session, g.shop.id, handle, request.args)


@bp.get("/creators/<handle>/spend")
@session_token_required
def list_spend(handle: str):
    with runtime().db.session() as session:
        return {"entries": [spend_entry_json(e) for e in ledger.entries(session, g.shop.id, handle)]}


@bp.post("/creators/<handle>/spend")
@session_token_required
def add_spend(handle: str):
    """`{"kind": "fee"|"seeding"|"other", "date", "amount"}` or, for seeding, `units`, `unit_cost` (or
    `variant_id`: Shopify's cost per item), `shipping`."""
    entry = ledger.add_entry(runtime(), g.shop, handle, request.get_json(silent=True) or {})
    after_edit(runtime(), g.shop.id, g.shop.domain)  # the Marketing reports' ad spend follows
    return spend_entry_json(entry), 201


@bp.patch("/creators/<handle>/spend/<int:entry_id>")
@session_token_required
def edit_spend(handle: str, entry_id: int):
    entry = ledger.edit_entry(runtime(), g.shop, handle, entry_id, request.get_json(silent=True) or {})
    after_edit(runtime(), g.shop.id, g.shop.domain)
    return spend_entry_json(entry)


@bp.delete("/creators/<handle>/spend/<int:entry_id>")
@session_token_required
def delete_spend(handle: str, entry_id: int):
    with runtime().db.session() as session:
        ledger.remove(session, g.shop.id, handle, entry_id)
    after_edit(runtime(), g.shop.id, g.shop.domain)
    return {"deleted": entry_id}
