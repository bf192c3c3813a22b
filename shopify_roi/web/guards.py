"""Request guards: the App Bridge session token for `/api/`, the input every API view refuses
(bodies that are not JSON objects, control characters), and the runtime accessor."""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, jsonify, request
from werkzeug.exceptions import BadRequest

from shopify_roi.runtime import Runtime
from shopify_roi.services.fields import has_bad_chars
from shopify_roi.services.shops.lookup import shop_by_domain
from shopify_roi.shopify_client.session_token import InvalidSessionToken, from_authorization_header


def runtime() -> Runtime:
    return current_app.extensions["shopify_roi"]


def reauthorize_response(shop: str):
    """401 that tells App Bridge (and our page script) to send the merchant through install again."""
    url = f"{runtime().settings.app_url}/auth?shop={shop}"
    resp = jsonify(
        error="reinstall_required",
        message="Creator ROI is not installed on this shop. Reinstall it to continue.",
        reinstall_url=url,
    )
    resp.status_code = 401
    resp.headers["X-Shopify-API-Request-Failure-Reauthorize"] = "1"
    resp.headers["X-Shopify-API-Request-Failure-Reauthorize-Url"] = url
    return resp


MAX_JSON_DEPTH = 16  # the deepest API body is three levels


def csv_upload(view):
    """Mark a view that takes a CSV body or upload (its own size limit; not JSON-only)."""
    view.accepts_csv_upload = True
    return view


def _refusal(status: int, error: str, message: str):
    resp = jsonify(error=error, message=message)
    resp.status_code = status
    return resp


def _check_json(value) -> str | None:
    """Why a parsed JSON body is refused (too deep, control characters, lone surrogates), or None."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels."
        if isinstance(item, str):
            if has_bad_chars(item):
                return "The JSON body contains control characters or invalid Unicode."
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, depth + 1))
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return None


def check_input(view):
    """Refuse, before the view runs, a query string or body no API view can take: a 400 or 415.

    A body (POST, PUT, PATCH) must be a JSON object, unless the view takes a CSV upload.
    """
    for key, value in request.args.items(multi=True):
        if has_bad_chars(key) or has_bad_chars(value):
            return _refusal(400, "invalid", "The query string contains control characters.")
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    has_body = (
        bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    )
    if not has_body:
        return None
    if not request.is_json:
        if getattr(view, "accepts_csv_upload", False):
            return None
        return _refusal(
            415, "unsupported_media_type", "Send a JSON object with Content-Type: application/json."
        )
    if not request.get_data(cache=True).strip():
        return None
    try:
        data = request.get_json()
    except RecursionError:
        return _refusal(400, "invalid", "The JSON body is nested too deeply.")
    except BadRequest:
        return _refusal(400, "invalid", "The body is not valid JSON.")
    if not isinstance(data, dict):
        return _refusal(400, "invalid", "Send a JSON object.")
    reason = _check_json(data)
    return _refusal(400, "invalid", reason) if reason else None


def session_token_required(view):
    """Authenticate by `Authorization: Bearer <session token>`; sets `g.shop` to the installed Shop.

    The shop comes only from the verified token's `dest`, never from the body or query string.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        rt = runtime()
        try:
            token = from_authorization_header(
                request.headers.get("Authorization"), rt.settings.api_key, rt.secrets
            )
        except InvalidSessionToken as exc:
            resp = jsonify(error="unauthorized", message=str(exc))
            resp.status_code = 401
            return resp
        with rt.db.session() as session:
            shop = shop_by_domain(session, token.shop)
            if shop is None or not shop.is_installed:
                return reauthorize_response(token.shop)
            session.expunge(shop)
        g.shop = shop
        g.session_token = token
        refused = check_input(view)
        if refused is not None:
            return refused
        return view(*args, **kwargs)

    return wrapper
