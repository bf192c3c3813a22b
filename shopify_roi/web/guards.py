"""Request guards: the App Bridge session token for `/api/`, and the runtime accessor."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, jsonify, request

from ..runtime import Runtime
from ..services.installs import shop_by_domain
from ..shopify_client.session_token import InvalidSessionToken, from_authorization_header


def runtime() -> Runtime:
    return current_app.extensions["shopify_roi"]


def reauthorize_response(shop: str):
    """401 that tells App Bridge (and our page script) to send the merchant through install again."""
    url = f"{runtime().settings.app_url}/auth?shop={shop}"
    resp = jsonify(error="reinstall_required", message="Creator ROI is not installed on this shop. Reinstall it to continue.",
                   reinstall_url=url)
    resp.status_code = 401
    resp.headers["X-Shopify-API-Request-Failure-Reauthorize"] = "1"
    resp.headers["X-Shopify-API-Request-Failure-Reauthorize-Url"] = url
    return resp


def session_token_required(view):
    """Authenticate by `Authorization: Bearer <session token>`; sets `g.shop` to the installed Shop.

    The shop comes only from the verified token's `dest`, never from the body or query string.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        rt = runtime()
        try:
            token = from_authorization_header(request.headers.get("Authorization"), rt.settings.api_key, rt.secrets)
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
        return view(*args, **kwargs)

    return wrapper
