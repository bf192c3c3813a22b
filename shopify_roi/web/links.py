"""Public tracked links: `/l/<short id>` records a click and redirects; QR codes of the link.

The redirect path does one Redis round trip (the rate limit), one indexed read and one INSERT
(no ORM unit of work); bots and link previewers are redirected but not counted. An unknown or
archived id is a bare 404; a client over LINK_RATE_LIMIT requests in a window gets a 429.
"""

from __future__ import annotations

import io
import logging
import time

import segno
from flask import Blueprint, Response, abort, redirect, request

from shopify_roi.services.creators import clicks
from shopify_roi.web.guards import runtime

bp = Blueprint("links", __name__, url_prefix="/l")
log = logging.getLogger(__name__)
_last_warning = 0.0


@bp.before_request
def rate_limit():
    """A fixed window per client address: one pipelined INCR + EXPIRE; 429 with Retry-After beyond the limit.

    The address is the one the trusted proxies saw (PROXY_HOPS). Redis unreachable: no limit, the
    links keep working.
    """
    rt = runtime()
    limit, window = rt.settings.link_rate_limit, rt.settings.link_rate_window_seconds
    if limit <= 0:
        return None
    now = time.time()
    slot = int(now // window)
    key = f"shopify-roi:{rt.settings.queue_name}:link-rate:{slot}:{request.remote_addr or '-'}"
    try:
        pipe = rt.jobs.redis.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, window + 1)
        count = pipe.execute()[0]
    except Exception as exc:  # noqa: BLE001 - a rate limiter must not take the links down
        global _last_warning
        if now - _last_warning > 60:  # once a minute, not once a click
            _last_warning = now
            log.warning("link rate limit unavailable, links served without it: %s", exc)
        return None
    if count <= limit:
        return None
    resp = Response("Too many requests. Try again shortly.\n", status=429, mimetype="text/plain")
    resp.headers["Retry-After"] = str(max(1, int((slot + 1) * window - now + 0.999)))
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _valid_short(short_id: str) -> None:
    """A short id is 4-16 letters and digits; anything else is a 404 before any query."""
    if not (4 <= len(short_id) <= 16 and short_id.isalnum()):
        abort(404)


@bp.get("/<short_id>")
def follow(short_id: str):
    rt = runtime()
    _valid_short(short_id)
    with rt.db.session() as session:
        destination = clicks.follow(
            session,
            short_id,
            request.headers.get("User-Agent", ""),
            request.remote_addr or "",  # the client as the trusted proxies saw it (PROXY_HOPS)
            rt.settings.api_secret,
        )
    if destination is None:
        abort(404)
    resp = redirect(destination, code=302)
    resp.headers["Cache-Control"] = "no-store"  # every click must reach us
    resp.headers["Referrer-Policy"] = "no-referrer-when-downgrade"
    return resp


def _qr(short_id: str, kind: str) -> bytes:
    """The QR code of a live short link's URL (404 for another)."""
    _valid_short(short_id)
    with runtime().db.session() as session:
        if clicks.resolve_short(session, short_id) is None:
            abort(404)
    out = io.BytesIO()
    segno.make(f"{runtime().settings.app_url}/l/{short_id}", error="m").save(
        out, kind=kind, scale=8, border=2
    )
    return out.getvalue()


@bp.get("/<short_id>/qr.svg")
def qr_svg(short_id: str):
    return Response(_qr(short_id, "svg"), mimetype="image/svg+xml")


@bp.get("/<short_id>/qr.png")
def qr_png(short_id: str):
    return Response(
        _qr(short_id, "png"),
        mimetype="image/png",
        headers={"Content-Disposition": f"inline; filename=creator-link-{short_id}.png"},
    )
