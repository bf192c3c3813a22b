"""`GET /r/<token>`: the read-only report a merchant sends a creator (services/creators/report_links.py).

Public: the token is the only key. Not a link: 404; expired or revoked: 410; both say nothing else. The
page is never cached, never indexed, sends no referrer, and cannot be framed (web/headers.py).
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, make_response, render_template

from shopify_roi.money import display
from shopify_roi.services.creators import report_links, report_view
from shopify_roi.web.guards import runtime

bp = Blueprint("creator_report", __name__, url_prefix="/r")


def _money(value, currency: str | None) -> str:
    if value is None:
        return "—"
    return f"{display(Decimal(str(value)))} {currency or ''}".strip()


def _pct(value) -> str:
    return "—" if value is None else f"{display(Decimal(str(value)) * 100, 1)} %"


def _answer(template: str, status: int, **context):
    resp = make_response(render_template(template, **context), status)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    return resp


@bp.get("/<token>")
def show(token: str):
    rt = runtime()
    with rt.db.session() as session:
        try:
            opened = report_links.open_link(session, token, rt.settings.api_secret)
        except report_links.Gone:
            return _answer("creator_report.html", 410, gone=True)
        if opened is None:
            return _answer("creator_report.html", 404, missing=True)
        body = report_view.report(session, opened)
    return _answer("creator_report.html", 200, r=body, money=_money, pct=_pct)
