"""`POST /pixel/events`: the collector of the creator pixel (extensions/creator-pixel), public and fast.

The pixel runs in Shopify's sandbox on the storefront, another origin: the answers allow any origin and the
pixel posts `text/plain` (no preflight; a preflight is answered anyway). Per request: the batch's checks
(services/pixel/collector.py), the shop's key (cached), one pipelined Redis round trip (the rate limits per
visitor and per shop, counted in events) and one INSERT that skips events already held; a completed checkout
queues its order's attribution. Answers: 204 stored; 400 malformed; 403 unknown shop, pixel off or wrong
key; 409 every event already received; 413 too large; 429 over a limit (Retry-After).
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, jsonify, request

from shopify_roi.db import utcnow
from shopify_roi.jobs.pixel import pixel_checkouts
from shopify_roi.services.pixel import collector
from shopify_roi.web.guards import runtime

bp = Blueprint("pixel", __name__, url_prefix="/pixel")
log = logging.getLogger(__name__)
_shops = collector.ShopKeys()
_last_warning = 0.0


@bp.after_request
def cors(resp: Response) -> Response:
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _refused(status: int, reason: str, retry_after: int | None = None) -> Response:
    resp = jsonify(error=reason)
    resp.status_code = status
    if retry_after is not None:
        resp.headers["Retry-After"] = str(retry_after)
    return resp


@bp.route("/events", methods=["OPTIONS"])
def preflight():
    resp = Response(status=204)
    resp.headers["Access-Control-Allow-Methods"] = "POST"
    resp.headers["Access-Control-Allow-Headers"] = "Content-Type"
    resp.headers["Access-Control-Max-Age"] = "86400"
    return resp


def _over_limit(rt, shop_id: int, visitor: str, count: int) -> int | None:
    """Seconds to wait when this batch puts the visitor, its address (as the trusted proxies saw it:
    a visitor id is the sender's to choose, its address is not) or the shop over its limit, else None.
    Redis unreachable: no limit (the collector keeps working)."""
    settings = rt.settings
    window = settings.pixel_rate_window_seconds
    now = time.time()
    slot = int(now // window)
    base = f"shopify-roi:{settings.queue_name}:pixel-rate:{slot}:{shop_id}"
    try:
        pipe = rt.jobs.redis.pipeline(transaction=False)
        pipe.incrby(f"{base}:{visitor[:128]}", count)
        pipe.expire(f"{base}:{visitor[:128]}", window + 1)
        pipe.incrby(base, count)
        pipe.expire(base, window + 1)
        address = f"{base}:address:{request.remote_addr or '-'}"
        pipe.incrby(address, count)
        pipe.expire(address, window + 1)
        visitor_count, _, shop_count, _, address_count, _ = pipe.execute()
    except Exception as exc:  # noqa: BLE001 - a rate limiter must not take the collector down
        global _last_warning
        if now - _last_warning > 60:
            _last_warning = now
            log.warning("pixel rate limit unavailable, events taken without it: %s", exc)
        return None
    over = (
        0 < settings.pixel_visitor_limit < visitor_count
        or 0 < settings.pixel_address_limit < address_count
        or 0 < settings.pixel_shop_limit < shop_count
    )
    if not over:
        return None
    return max(1, int((slot + 1) * window - now + 0.999))


@bp.post("/events")
def collect():
    rt = runtime()
    try:
        batch = collector.parse(request.get_data(cache=False))
        shop = collector.check_key(_shops.get(rt.db.session, batch.shop), batch.key)
    except collector.Refused as refused:
        return _refused(refused.status, refused.reason)
    wait = _over_limit(rt, shop.shop_id, batch.visitor, len(batch.events))
    if wait is not None:
        return _refused(429, "too many events; try again later", wait)
    with rt.db.autocommit() as conn:
        stored = collector.store(conn, shop.shop_id, batch, rt.settings.api_secret, utcnow())
    if not stored:
        return _refused(409, "every event of this batch was already received")
    orders = sorted({order_id for name, order_id in stored if name == "cc" and order_id})
    if orders:
        rt.jobs.enqueue(pixel_checkouts, batch.shop, orders)
    return Response(status=204)
