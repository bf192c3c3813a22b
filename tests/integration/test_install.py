"""Installing through the stand-in: code grant, token exchange, expiring tokens, refusals."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from shopify_roi.models import OAuthState, Shop
from shopify_roi.services.tokens import ShopTokens, admin_client
from shopify_roi.shopify_client.admin import load_query
from support import API_SECRET, bearer, callback_params, install


def _shop(runtime, domain) -> Shop | None:
    with runtime.db.session() as session:
        shop = session.scalar(select(Shop).where(Shop.domain == domain))
        if shop is not None:
            session.expunge(shop)
        return shop


def _count(runtime, model) -> int:
    with runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def _database_text(database_url: str) -> str:
    """Every value of every table, as one string (to look for raw secrets)."""
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    out = []
    with engine.connect() as conn:
        for table in ("shops", "oauth_states", "webhook_deliveries"):
            out += [repr(tuple(row)) for row in conn.execute(text(f"SELECT * FROM {table}"))]
    engine.dispose()
    return "\n".join(out)


def test_install_stores_encrypted_token_and_serves_embedded_page_with_csp(app_server, runtime, stand_in, shop_domain, settings):
    callback = install(app_server.url, shop_domain)

    # Back into the shop's admin, where the embedded app opens.
    assert callback.status_code == 302
    assert callback.headers["Location"] == f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}"
    shop = _shop(runtime, shop_domain)
    assert shop.is_installed and shop.installed_at is not None
    assert shop.scope_set == {"read_orders", "write_discounts", "read_customers", "read_products", "read_inventory"}
    raw_access = runtime.cipher.decrypt(shop.access_token_enc)
    raw_refresh = runtime.cipher.decrypt(shop.refresh_token_enc)
    assert raw_access.startswith("shpat_") and raw_refresh.startswith("shprt_")
    # Expiring offline token: about an hour.
    assert timedelta(minutes=55) < shop.access_token_expires_at - datetime.now(timezone.utc) <= timedelta(hours=1)
    dump = _database_text(runtime.settings.database_url)
    assert raw_access not in dump and raw_refresh not in dump

    token = stand_in.control.session_token(shop_domain)
    page = requests.get(app_server.url + "/", params={"embedded": "1", "shop": shop_domain, "id_token": token}, timeout=10)
    assert page.status_code == 200
    root = stand_in.url  # scheme://host:port of the shop's origin
    assert page.headers["Content-Security-Policy"] == f"frame-ancestors {root} https://admin.shopify.com;"
    assert f'<meta name="shopify-api-key" content="{settings.api_key}">' in page.text
    assert "app-bridge.js" in page.text and "Store connection" in page.text


def test_install_job_reads_shop_details_through_admin_graphql(app_server, runtime, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    runtime.jobs.drain()  # sync_shop
    shop = _shop(runtime, shop_domain)
    assert (shop.name, shop.currency, shop.iana_timezone) == ("Test Shop", "EUR", "Europe/Berlin")
    ops = stand_in.control.graphql_log(shop_domain)
    assert ops[0]["operation_name"] == "ShopInfo" and all(op["valid"] for op in ops)


def test_embedded_open_exchanges_session_token_for_expiring_offline_token(app_server, runtime, stand_in, shop_domain):
    assert _shop(runtime, shop_domain) is None
    token = stand_in.control.session_token(shop_domain)
    page = requests.get(app_server.url + "/", params={"embedded": "1", "shop": shop_domain, "id_token": token}, timeout=10)
    assert page.status_code == 200 and "Creator ROI is installed" in page.text
    shop = _shop(runtime, shop_domain)
    assert shop.is_installed and shop.refresh_token_enc and shop.access_token_expires_at is not None
    # and the API now answers for that shop
    api = requests.get(app_server.url + "/api/shop", headers=bearer(stand_in.control.session_token(shop_domain)), timeout=10)
    assert api.status_code == 200 and api.json()["domain"] == shop_domain


def test_expired_token_is_refreshed_by_the_next_admin_call(app_server, runtime, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    before = _shop(runtime, shop_domain)
    stand_in.control.expire_tokens(shop_domain)  # Shopify now rejects the stored access token

    data = admin_client(runtime, shop_domain).execute(load_query("shop_info"), operation_name="ShopInfo")

    assert data["shop"]["myshopifyDomain"] == shop_domain
    after = _shop(runtime, shop_domain)
    assert stand_in.control.shop(shop_domain)["refresh_count"] == 1
    assert runtime.cipher.decrypt(after.refresh_token_enc) != runtime.cipher.decrypt(before.refresh_token_enc)
    assert after.token_generation == before.token_generation + 1


def test_two_workers_refreshing_at_once_end_with_one_valid_pair(app_server, runtime, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    stand_in.control.expire_tokens(shop_domain)
    # Our clock must agree the token expired, so both workers decide to refresh.
    with runtime.db.session() as session:
        session.execute(Shop.__table__.update().where(Shop.domain == shop_domain)
                        .values(access_token_expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        provider = ShopTokens(runtime, shop_domain)
        barrier.wait()
        try:
            results.append(provider())
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == []
    assert len(results) == 2 and results[0] == results[1]  # both use the one new token
    assert stand_in.control.shop(shop_domain)["refresh_count"] == 1  # the refresh token was used once
    # The stored pair is the live one: it works now, and it can be refreshed again.
    assert admin_client(runtime, shop_domain).execute(load_query("shop_info"))["shop"]["myshopifyDomain"] == shop_domain
    stand_in.control.expire_tokens(shop_domain)
    assert admin_client(runtime, shop_domain).execute(load_query("shop_info"))["shop"]
    assert stand_in.control.shop(shop_domain)["refresh_count"] == 2


@pytest.mark.parametrize("tamper", ["hmac", "state_reused", "state_foreign", "code"])
def test_callback_refuses_tampered_or_replayed_requests_and_stores_nothing(app_server, runtime, stand_in, shop_domain, tamper):
    params = callback_params(app_server.url, shop_domain)
    if tamper == "hmac":
        params["hmac"] = ("0" if params["hmac"][0] != "0" else "1") + params["hmac"][1:]
    elif tamper == "state_reused":
        first = requests.get(f"{app_server.url}/auth/callback", params=params, allow_redirects=False, timeout=10)
        assert first.status_code == 302
        with runtime.db.session() as session:  # forget the shop, keep replaying the same callback
            session.execute(Shop.__table__.delete())
    elif tamper == "state_foreign":
        other = f"other-{shop_domain}"
        stand_in.control.create_shop(other)
        params["state"] = callback_params(app_server.url, other)["state"]
        params = _resign(params)
    elif tamper == "code":
        params["code"] = "not-a-code"
        params = _resign(params)
    resp = requests.get(f"{app_server.url}/auth/callback", params=params, allow_redirects=False, timeout=10)
    assert 400 <= resp.status_code < 500
    assert _count(runtime, Shop) == 0


def _resign(params: dict) -> dict:
    """Re-sign tampered params with the real secret, so only the tampered part is wrong."""
    import hashlib
    import hmac

    
    body = {k: v for k, v in params.items() if k != "hmac"}
    message = "&".join(f"{k}={v}" for k, v in sorted(body.items()))
    body["hmac"] = hmac.new(API_SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()
    return body


@pytest.mark.parametrize("shop", ["evil.com", "x.myshopify.com.evil.com", "../", "ab.myshopify.com/../evil",
                                  "https://ab.myshopify.com", "ab.myshopify.com@evil.com", ""])
def test_install_and_callback_refuse_foreign_shop_domains(app_server, runtime, shop, stand_in, shop_domain):
    start = requests.get(f"{app_server.url}/auth", params={"shop": shop}, allow_redirects=False, timeout=10)
    assert start.status_code == 400
    params = callback_params(app_server.url, shop_domain)
    params["shop"] = shop
    resp = requests.get(f"{app_server.url}/auth/callback", params=_resign(params), allow_redirects=False, timeout=10)
    assert 400 <= resp.status_code < 500
    assert _count(runtime, Shop) == 0
    assert _count(runtime, OAuthState) == 1  # only the honest attempt's state
