"""Install by authorization-code grant: `/auth?shop=` and `/auth/callback`."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request

from shopify_roi.jobs.installs import sync_shop
from shopify_roi.services.shops import install
from shopify_roi.shopify_client.domains import admin_app_url
from shopify_roi.web.guards import runtime

bp = Blueprint("auth", __name__)


@bp.errorhandler(install.InstallError)
def _refused(exc: install.InstallError):
    """A refused install step: the install page says why (nothing was stored)."""
    headers = {"Retry-After": "600"} if exc.status == 429 else {}  # a state lives ten minutes
    return render_template("install.html", error=str(exc)), exc.status, headers


@bp.get("/auth")
def begin():
    rt = runtime()
    with rt.db.session() as session:
        url = install.begin_install(
            session,
            rt.credentials,
            request.args.get("shop"),
            rt.settings.scopes,
            f"{rt.settings.app_url}/auth/callback",
            request.remote_addr or "",  # as the trusted proxies saw it (PROXY_HOPS)
        )
    return redirect(url, code=302)


@bp.get("/auth/callback")
def callback():
    rt = runtime()
    with rt.db.session() as session:
        shop = install.complete_install(
            session, rt.credentials, rt.cipher, request.args.to_dict(flat=False), rt.secrets
        )
        domain = shop.domain
    rt.jobs.enqueue(sync_shop, domain)
    return redirect(admin_app_url(rt.settings.origin_template, domain, rt.settings.api_key), code=302)
