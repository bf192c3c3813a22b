"""Public tracked links: `/l/<short id>` records a click and redirects; QR codes of the link.

The redirect path does one indexed read and one INSERT (no ORM unit of work); bots and link
previewers are redirected but not counted. An unknown or archived id is a bare 404.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone

import segno
from flask import Blueprint, Response, abort, redirect, request

from ..services import links
from .guards import runtime

bp = Blueprint("links", __name__, url_prefix="/l")


def _live(short_id: str):
    if not (4 <= len(short_id) <= 16 and short_id.isalnum()):
        abort(404)
    with runtime().db.session() as session:
        found = links.resolve_short(session, short_id)
    if found is None:
        abort(404)
    return found


@bp.get("/<short_id>")
def follow(short_id: str):
    rt = runtime()
    if not (4 <= len(short_id) <= 16 and short_id.isalnum()):
        abort(404)
    user_agent = request.headers.get("User-Agent", "")
    with rt.db.session() as session:
        found = links.resolve_short(session, short_id)
        if found is None:
            abort(404)
        klass = links.agent_class(user_agent)
        if klass is not None:
            ip = request.headers.get("X-Forwarded-For", request.remote_addr or "").split(",")[0].strip()
            day = datetime.now(timezone.utc).date().isoformat()
            links.record_click(session, found, klass, links.visitor_hash(rt.settings.api_secret, ip, user_agent, day))
    resp = redirect(found[3], code=302)
    resp.headers["Cache-Control"] = "no-store"  # every click must reach us
    resp.headers["Referrer-Policy"] = "no-referrer-when-downgrade"
    return resp


@bp.get("/<short_id>/qr.svg")
def qr_svg(short_id: str):
    _live(short_id)
    out = io.BytesIO()
    segno.make(f"{runtime().settings.app_url}/l/{short_id}", error="m").save(out, kind="svg", scale=8, border=2)
    return Response(out.getvalue(), mimetype="image/svg+xml")


@bp.get("/<short_id>/qr.png")
def qr_png(short_id: str):
    _live(short_id)
    out = io.BytesIO()
    segno.make(f"{runtime().settings.app_url}/l/{short_id}", error="m").save(out, kind="png", scale=8, border=2)
    return Response(out.getvalue(), mimetype="image/png",
                    headers={"Content-Disposition": f"inline; filename=creator-link-{short_id}.png"})
