"""Seeding follow-up (README "Seeding"): `/api/seeding` (every seeding of a range with its status, per
creator and in total, and the seeding orders still to record), recording an order as seeding (or taking the
mark back), and marking a seeding sent."""

from __future__ import annotations

from flask import g, request

from shopify_roi.services.seeding import follow_up, orders
from shopify_roi.web.api import bp
from shopify_roi.web.api.serializers import spend_entry_json
from shopify_roi.web.guards import runtime, session_token_required


def _body():
    return request.get_json(silent=True)


@bp.get("/seeding")
@session_token_required
def seeding_follow_up():
    """`?from&to&as_of`: seedings sent in the range (or dated in it, not sent yet): posted, waiting, not
    posted after the shop's follow-up days, not sent; the posting rate and cost per post of seeding."""
    with runtime().db.session() as session:
        return follow_up.follow_up(session, g.shop.id, request.args)


@bp.post("/seeding/orders")
@session_token_required
def record_seeding_order():
    """`{"order": "#1001" | id, "creator"?, "shipping"?, "product_cost"?, "campaign"?, "note"?, "sent_on"?}`:
    the order is seeding (not a sale) and its product at cost + shipping the creator's seeding spend (201);
    202 when Shopify has no cost for it and none was sent: seeding, its spend waiting for the cost."""
    body = _body()
    ref = body.get("order") if isinstance(body, dict) else None
    data = {k: v for k, v in body.items() if k != "order"} if isinstance(body, dict) else body
    entry, reason = orders.record(runtime(), g.shop, ref, data)
    if entry is None:  # seeding now, its cost still to enter (202: accepted, not complete)
        return {
            "recorded": False,
            "reason": reason,
            "fields": {"product_cost": "enter the product cost"},
        }, 202
    return {**spend_entry_json(entry), "recorded": True}, 201


@bp.delete("/seeding/orders/<order_id>")
@session_token_required
def unmark_seeding_order(order_id: str):
    """Take back staff's mark: the order counts as a sale again, its seeding entry goes."""
    with runtime().db.session() as session:
        orders.unmark(session, g.shop.id, order_id)
    return {"unmarked": order_id}


@bp.patch("/seeding/<int:entry_id>")
@session_token_required
def mark_seeding_sent(entry_id: int):
    """`{"sent_on": "YYYY-MM-DD" | null}`."""
    with runtime().db.session() as session:
        return spend_entry_json(follow_up.set_sent(session, g.shop.id, entry_id, _body()))
