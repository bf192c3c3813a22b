"""`/api/campaigns`: list, create, read and edit campaigns (with their members)."""

from __future__ import annotations

from flask import g, request

from shopify_roi.jobs.analytics_marks import request_analytics_sync
from shopify_roi.jobs.marketing import after_edit
from shopify_roi.jobs.metafields import request_metafield_write
from shopify_roi.services.creators import campaigns
from shopify_roi.web.api import bp
from shopify_roi.web.api.serializers import campaign_json
from shopify_roi.web.guards import runtime, session_token_required


@bp.get("/campaigns")
@session_token_required
def list_campaigns():
    with runtime().db.session() as session:
        return {"campaigns": [campaign_json(c) for c in campaigns.list_campaigns(session, g.shop.id)]}


@bp.post("/campaigns")
@session_token_required
def create_campaign():
    """A new campaign; its annotation and revenue target follow on Shopify's charts (if turned on)."""
    rt = runtime()
    with rt.db.session() as session:
        campaign = campaigns.save_campaign(session, g.shop.id, request.get_json(silent=True) or {})
        answer = campaign_json(campaign)
    request_analytics_sync(rt, g.shop.domain)
    return answer, 201


@bp.get("/campaigns/<int:campaign_id>")
@session_token_required
def get_campaign(campaign_id: int):
    """One campaign of this shop (404 for any other id); its results are the ROI table's with its filter."""
    with runtime().db.session() as session:
        return campaign_json(campaigns.get_campaign(session, g.shop.id, campaign_id))


@bp.patch("/campaigns/<int:campaign_id>")
@session_token_required
def edit_campaign(campaign_id: int):
    """Any of name, starts_on, ends_on, target_roas, target_revenue, creators (handles: the members);
    fields not sent are kept; 400 names every bad field and changes nothing. A new name, new dates or
    members change the campaign of orders: the creator metafields follow (a full write is asked for), and
    so do the campaign's annotation and target on Shopify's charts."""
    rt = runtime()
    with rt.db.session() as session:
        campaign = campaigns.save_campaign(
            session, g.shop.id, request.get_json(silent=True) or {}, campaign_id
        )
        answer = campaign_json(campaign)
    request_metafield_write(rt, g.shop.domain)
    request_analytics_sync(rt, g.shop.domain)
    after_edit(rt, g.shop.id, g.shop.domain)  # the Marketing reports' activities and days follow
    return answer
