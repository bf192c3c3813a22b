"""`/api/discounts/existing` and `/api/creators/adopt`: the shop's own codes, linked to creators in bulk."""

from __future__ import annotations

from flask import g, request

from shopify_roi.jobs.orders import reattribute_shop
from shopify_roi.services.creators import adopt, shop_codes
from shopify_roi.services.shops.tokens import admin_client
from shopify_roi.web.api import bp
from shopify_roi.web.guards import runtime, session_token_required


@bp.get("/discounts/existing")
@session_token_required
def existing_discounts():
    """The shop's code discounts, each with whether it can be adopted and a suggested creator."""
    rt = runtime()
    return {"codes": shop_codes.existing(rt.db, admin_client(rt, g.shop.domain), g.shop.id)}


@bp.post("/creators/adopt")
@session_token_required
def adopt_codes():
    """Link existing codes to new creators, one result per row; nothing is created in the shop. The orders
    already stored that used an adopted code are attributed by the re-attribution that follows."""
    rt = runtime()
    rows = adopt.parse_rows(request.get_json(silent=True))
    results = adopt.adopt(rt.db, admin_client(rt, g.shop.domain), g.shop.id, rows)
    if any(r["status"] == "adopted" for r in results):
        rt.jobs.enqueue(reattribute_shop, g.shop.id, shop=g.shop.domain)
    counts = {s: sum(r["status"] == s for r in results) for s in ("adopted", "unchanged", "refused")}
    return {"results": results, **counts}
