"""`/api/creators/{handle}/report-links`: links a merchant sends a creator to see their own figures
(services/creators/report_links.py): make one (its URL is shown once), list them, revoke one."""

from __future__ import annotations

from flask import g, request

from shopify_roi.services.creators import report_links
from shopify_roi.web.api import bp
from shopify_roi.web.guards import runtime, session_token_required


@bp.get("/creators/<handle>/report-links")
@session_token_required
def list_report_links(handle: str):
    rt = runtime()
    with rt.db.session() as session:
        links = report_links.links_of(session, g.shop.id, handle)
        return {"links": [report_links.link_json(link, rt.settings.app_url) for link in links]}


@bp.post("/creators/<handle>/report-links")
@session_token_required
def make_report_link(handle: str):
    """`{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "expires_in_days": 30}`: 201 with the link's `url`."""
    rt = runtime()
    with rt.db.session() as session:
        link, token = report_links.create(
            session, g.shop.id, handle, request.get_json(silent=True), rt.settings.api_secret
        )
        return report_links.link_json(link, rt.settings.app_url, token), 201


@bp.delete("/creators/<handle>/report-links/<int:report_id>")
@session_token_required
def revoke_report_link(handle: str, report_id: int):
    rt = runtime()
    with rt.db.session() as session:
        link = report_links.revoke(session, g.shop.id, handle, report_id)
        return report_links.link_json(link, rt.settings.app_url)
