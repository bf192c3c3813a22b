"""`/api/attribution-policy`: the order in which the attribution rules (code, link) are applied."""

from __future__ import annotations

from flask import g, request

from shopify_roi.jobs.orders import reattribute_shop
from shopify_roi.services.orders import attribution_policy
from shopify_roi.web.api import bp
from shopify_roi.web.guards import runtime, session_token_required


@bp.get("/attribution-policy")
@session_token_required
def get_policy():
    with runtime().db.session() as session:
        return {"precedence": list(attribution_policy.precedence_of(session, g.shop.id))}


@bp.put("/attribution-policy")
@session_token_required
def set_policy():
    """`{"precedence": ["link", "code"]}`: the order of the rules; every held order is re-attributed."""
    rt = runtime()
    with rt.db.session() as session:
        steps = attribution_policy.set_precedence(
            session, g.shop.id, (request.get_json(silent=True) or {}).get("precedence")
        )
    rt.jobs.enqueue(reattribute_shop, g.shop.id, shop=g.shop.domain)
    return {"precedence": list(steps), "reattribution": "queued"}
