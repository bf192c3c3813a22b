"""`/api/metrics/funnel` (every creator's pixel funnel, JSON and CSV) and
`/api/metrics/creators/{handle}/funnel` (one creator's funnel and product mix); the pixel's switch and
window are in `/api/settings` (`creator_pixel`)."""

from __future__ import annotations

from flask import Response, g, request

from shopify_roi.services.pixel import reads
from shopify_roi.web.api import bp
from shopify_roi.web.guards import runtime, session_token_required


@bp.get("/metrics/funnel")
@session_token_required
def funnel_table():
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD`: per creator, visits → product views → add-to-carts → checkouts →
    orders, each step's conversion and the orders' net revenue."""
    with runtime().db.session() as session:
        return reads.funnel_table(session, g.shop.id, request.args)


@bp.get("/metrics/funnel.csv")
@session_token_required
def funnel_csv():
    with runtime().db.session() as session:
        name, text = reads.funnel_csv(session, g.shop.id, request.args)
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"}
    )


@bp.get("/metrics/creators/<handle>/funnel")
@session_token_required
def creator_funnel(handle: str):
    with runtime().db.session() as session:
        return reads.creator_funnel(session, g.shop.id, handle, request.args)
