"""The embedded page. Server-rendered, so it shows even when Shopify's CDN is unreachable."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    g,
    make_response,
    redirect,
    render_template,
    request,
)

from shopify_roi.jobs.installs import sync_shop
from shopify_roi.services.shops import install as installs
from shopify_roi.services.webhooks import inbox
from shopify_roi.shopify_client import query_hmac
from shopify_roi.shopify_client.domains import admin_app_url, origin_root, valid_shop_domain
from shopify_roi.shopify_client.session_token import InvalidSessionToken, decode
from shopify_roi.web import session_bounce
from shopify_roi.web.guards import runtime

bp = Blueprint("pages", __name__)


def _page(template: str, status: int = 200, **context) -> Response:
    resp = make_response(render_template(template, **context), status)
    shop = context.get("shop_domain")
    ancestors = ["https://admin.shopify.com"]
    if shop:
        ancestors.insert(0, origin_root(runtime().settings.origin_template, shop))
    # Only the shop's admin may frame the app (shopify.dev: "Set up iframe protection").
    resp.headers["Content-Security-Policy"] = "frame-ancestors " + " ".join(ancestors) + ";"
    resp.headers["Cache-Control"] = "no-store"  # the page carries a session token
    return resp


@bp.get("/healthz")
def healthz():
    return {"ok": True}


@bp.get("/")
def index():
    """The embedded page. Authenticated by the session token in `id_token` (the admin's load) or,
    on App Bridge's bounce, in `Authorization`; a missing or expired one bounces (session_bounce)."""
    rt = runtime()
    args = request.args
    header_token = session_bounce.bearer_token(request.headers.get("Authorization"))
    if not args.get("shop") and not args.get("id_token") and not header_token:
        return _page("install.html", error=None)
    verdict = (
        query_hmac.check(args.to_dict(flat=False), rt.secrets) if "hmac" in args else query_hmac.Verdict.VALID
    )
    shop_param = valid_shop_domain(args.get("shop")) if args.get("shop") else None
    embedded = args.get("embedded") == "1" and shop_param is not None
    if verdict is query_hmac.Verdict.STALE and embedded and not header_token:
        return _bounce()  # an old admin URL (a restored tab): App Bridge reloads it with fresh parameters
    if verdict is not query_hmac.Verdict.VALID:
        return _page(
            "install.html",
            400,
            error="This link's signature is not valid. Open the app from your Shopify admin.",
        )
    if args.get("shop") and not shop_param:
        return _page("install.html", 400, error="That is not a myshopify.com shop domain.")
    raw_token = header_token or args.get("id_token")
    if not raw_token:
        if embedded:  # in the admin's frame without a token: App Bridge gets one (Shopify's libraries)
            return _bounce()
        with rt.db.session() as session:
            shop = installs.shop_by_domain(session, shop_param)
            installed = bool(shop and shop.is_installed)
        if not installed:
            return redirect(f"/auth?shop={shop_param}", code=302)
        return redirect(admin_app_url(rt.settings.origin_template, shop_param, rt.settings.api_key), code=302)
    try:
        token = decode(raw_token, rt.settings.api_key, rt.secrets)
    except InvalidSessionToken as exc:
        # A token from the URL that only outlived its minute is replaced by a fresh one; one sent by
        # App Bridge's bounce that fails is final (no loop), and so is a forged one.
        if exc.expired and embedded and not header_token:
            return _bounce()
        return _page(
            "install.html",
            401,
            error=f"Your Shopify session could not be verified ({exc}). Reload the app from the admin.",
        )
    if shop_param and shop_param != token.shop:
        return _page("install.html", 400, error="The shop in the link does not match your session.")
    try:
        with rt.db.session() as session:
            shop = installs.shop_by_domain(session, token.shop)
            newly_installed = not (shop and shop.is_installed)
            if newly_installed:
                shop = installs.install_from_session_token(
                    session, rt.credentials, rt.cipher, token.shop, raw_token
                )
            deliveries = inbox.recent(session, token.shop, limit=10)
            session.expunge_all()
    except installs.InstallError as exc:
        return _page(
            "install.html", exc.status, error=f"Creator ROI could not be authorised for this shop: {exc}"
        )
    if newly_installed:
        rt.jobs.enqueue(sync_shop, token.shop)
    g.shop = shop
    return _page(
        "app.html",
        shop=shop,
        shop_domain=shop.domain,
        deliveries=deliveries,
        settings=rt.settings,
        newly_installed=newly_installed,
    )


def _bounce():
    url = session_bounce.bounce_url(
        runtime().settings.app_url, request.path, list(request.args.items(multi=True))
    )
    return redirect(url, code=302)


@bp.get(session_bounce.BOUNCE_PATH)
def session_token_bounce():
    """Shopify's bounce page: App Bridge alone, which reloads `shopify-reload` with a fresh token."""
    rt = runtime()
    shop = valid_shop_domain(request.args.get("shop"))
    if not shop or not session_bounce.reload_target_ok(
        rt.settings.app_url, request.args.get(session_bounce.RELOAD_PARAM)
    ):
        return _page("install.html", 400, error="Open Creator ROI from your Shopify admin.")
    return _page("bounce.html", shop_domain=shop, settings=rt.settings)
