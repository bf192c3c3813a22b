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
from shopify_roi.services.shops import embedded
from shopify_roi.services.shops.install import InstallError
from shopify_roi.shopify_client import query_hmac
from shopify_roi.shopify_client.domains import admin_app_url, origin_root, valid_shop_domain
from shopify_roi.shopify_client.session_token import InvalidSessionToken, decode
from shopify_roi.web import session_bounce
from shopify_roi.web.guards import runtime

bp = Blueprint("pages", __name__)


def _page(template: str, status: int = 200, **context) -> Response:
    shop = context.get("shop_domain")
    if shop:  # only the shop's admin may frame the page (its Content-Security-Policy: web/headers.py)
        g.frame_origin = origin_root(runtime().settings.origin_template, shop)
    resp = make_response(render_template(template, **context), status)
    resp.headers["Cache-Control"] = "no-store"  # the page carries a session token
    return resp


@bp.get("/healthz")
def healthz():
    return {"ok": True}


@bp.get("/")
@bp.get("/<any(creators, campaigns, seeding, payouts, import, status, settings):section>")
def index(section: str | None = None):
    """The embedded page, also at the paths of App Bridge's navigation menu (app.html's ui-nav-menu:
    the admin loads the app at /creators when the merchant reloads or shares that page; app.js opens the
    section from the path). Authenticated by the session token in `id_token` (the admin's load) or,
    on App Bridge's bounce, in `Authorization`; a missing or expired one bounces (session_bounce)."""
    args = request.args
    header_token = session_bounce.bearer_token(request.headers.get("Authorization"))
    if not args.get("shop") and not args.get("id_token") and not header_token:
        return _page("install.html", error=None)
    shop_param = valid_shop_domain(args.get("shop")) if args.get("shop") else None
    framed = args.get("embedded") == "1" and shop_param is not None  # in the admin's frame
    refused = _refuse_link(shop_param, framed, header_token)
    if refused is not None:
        return refused
    raw_token = header_token or args.get("id_token")
    if not raw_token:
        return _without_token(shop_param, framed)
    return _open(raw_token, shop_param, framed and not header_token)


def _refuse_link(shop_param: str | None, framed: bool, header_token: str | None) -> Response | None:
    """The answer to a link whose signature or shop is not valid, else None."""
    args = request.args
    verdict = (
        query_hmac.check(args.to_dict(flat=False), runtime().secrets)
        if "hmac" in args
        else query_hmac.Verdict.VALID
    )
    if verdict is query_hmac.Verdict.STALE and framed and not header_token:
        return _bounce()  # an old admin URL (a restored tab): App Bridge reloads it with fresh parameters
    if verdict is not query_hmac.Verdict.VALID:
        return _page(
            "install.html",
            400,
            error="This link's signature is not valid. Open the app from your Shopify admin.",
        )
    if args.get("shop") and not shop_param:
        return _page("install.html", 400, error="That is not a myshopify.com shop domain.")
    return None


def _without_token(shop_param: str, framed: bool) -> Response:
    """A load without a session token: in the admin's frame App Bridge gets one (Shopify's libraries);
    outside it, the install for a new shop, else the app in the shop's admin."""
    rt = runtime()
    if framed:
        return _bounce()
    with rt.db.session() as session:
        installed = embedded.is_installed(session, shop_param)
    if not installed:
        return redirect(f"/auth?shop={shop_param}", code=302)
    return redirect(admin_app_url(rt.settings.origin_template, shop_param, rt.settings.api_key), code=302)


def _open(raw_token: str, shop_param: str | None, may_bounce: bool) -> Response:
    """The page for a session token: verified, its shop installed on first open."""
    rt = runtime()
    try:
        token = decode(raw_token, rt.settings.api_key, rt.secrets)
    except InvalidSessionToken as exc:
        # A token from the URL that only outlived its minute is replaced by a fresh one; one sent by
        # App Bridge's bounce that fails is final (no loop), and so is a forged one.
        if exc.expired and may_bounce:
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
            opened = embedded.open_shop(session, rt.credentials, rt.cipher, token.shop, raw_token)
    except InstallError as exc:
        return _page(
            "install.html", exc.status, error=f"Creator ROI could not be authorised for this shop: {exc}"
        )
    if opened.newly_installed:
        rt.jobs.enqueue(sync_shop, token.shop)
    g.shop = opened.shop
    return _page(
        "app.html",
        shop=opened.shop,
        shop_domain=opened.shop.domain,
        deliveries=opened.deliveries,
        settings=rt.settings,
        newly_installed=opened.newly_installed,
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
