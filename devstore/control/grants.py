"""What the merchant does about the app's access, and the shop's token clock, under ``/_devstore/``.

- ``GET …/scopes``, ``POST …/scopes/request``, ``POST …/scopes/revoke``: what App Bridge's
  ``shopify.scopes.query/request/revoke`` reach (the admin frame's ``handlers.scopes`` in
  ``app_bridge/static/admin-host.js`` calls them for the app, as Shopify's admin shows its grant
  modal); ``POST …/scopes/answer`` sets what the merchant answers a request (``grant``, the
  default, or ``decline``). Rules in ``devstore.oauth.scopes``.
- ``POST …/token-faults``: ``{"lose_answers": n}``: the next n token grants happen and then
  answer 502, as when a refresh's answer is lost in transit.
- ``POST …/token-clock``: ``{"advance": seconds}`` moves this shop's token clock forward (token
  lifetimes, refresh retry windows, codes), so a test can reach day 31 at once.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from devstore import app_toml
from devstore.context import runtime, shop_or_404
from devstore.oauth import scopes

bp = Blueprint("control_grants", __name__, url_prefix="/_devstore")


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _refused(exc: Exception):
    return jsonify(error=str(exc)), 400


def _change_scopes(shop_domain: str, change):
    """Request or revoke the body's ``scopes`` with ``change``; its answer, or 400 when refused."""
    shop, rt = shop_or_404(shop_domain), runtime()
    try:
        return jsonify(change(rt.store, rt.config, shop, _body().get("scopes")))
    except (scopes.ScopeRequestError, app_toml.AppTomlError) as exc:
        return _refused(exc)


@bp.get("/shops/<shop:shop_domain>/scopes")
def query_scopes(shop_domain: str):
    """ScopesDetail: granted, required, optional."""
    shop = shop_or_404(shop_domain)
    try:
        toml = app_toml.load(runtime().config.app_toml)
    except app_toml.AppTomlError as exc:
        return _refused(exc)
    return jsonify(scopes.detail(shop, toml))


@bp.post("/shops/<shop:shop_domain>/scopes/request")
def request_scopes(shop_domain: str):
    """``{"scopes": [...]}`` -> ScopesRequestResponse; 400 ``{"error"}`` when the request is refused."""
    return _change_scopes(shop_domain, scopes.request_scopes)


@bp.post("/shops/<shop:shop_domain>/scopes/revoke")
def revoke_scopes(shop_domain: str):
    """``{"scopes": [...]}`` -> ``{"detail"}``; 400 for a required or undeclared scope."""
    return _change_scopes(shop_domain, scopes.revoke_scopes)


@bp.post("/shops/<shop:shop_domain>/scopes/answer")
def set_answer(shop_domain: str):
    """``{"answer": "grant" | "decline"}``: how the merchant answers the next requests."""
    shop, store = shop_or_404(shop_domain), runtime().store
    answer = _body().get("answer")
    if answer not in scopes.ANSWERS:
        return jsonify(error="answer must be grant or decline"), 400
    with store.lock:
        shop.scope_request_answer = answer
    return jsonify(answer=answer)


@bp.post("/shops/<shop:shop_domain>/token-clock")
def advance_token_clock(shop_domain: str):
    """``{"advance": seconds}`` (>= 0): the shop's token clock runs that much further ahead."""
    shop, store = shop_or_404(shop_domain), runtime().store
    try:
        seconds = float(_body().get("advance", 0))
    except (TypeError, ValueError):
        seconds = -1
    if not seconds >= 0:
        return jsonify(error="advance must be a number of seconds >= 0"), 400
    with store.lock:
        shop.token_clock_offset += seconds
        offset = shop.token_clock_offset
    return jsonify(offset=offset)


@bp.post("/shops/<shop:shop_domain>/token-faults")
def token_faults(shop_domain: str):
    """``{"lose_answers": n}``: the next n successful token grants happen, then answer 502."""
    shop, store = shop_or_404(shop_domain), runtime().store
    try:
        count = int(_body().get("lose_answers", 0))
    except (TypeError, ValueError):
        count = -1
    if count < 0:
        return jsonify(error="lose_answers must be an integer >= 0"), 400
    with store.lock:
        shop.token_answers_to_lose = count
    return jsonify(lose_answers=count)
