"""Installing through the stand-in: code grant, token exchange, expiring tokens, refusals."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import create_engine, func, select, text
from support import API_KEY, API_SECRET, bearer, callback_params, install

from shopify_roi.models import OAuthState, Shop
from shopify_roi.services.shops.tokens import ShopTokens, admin_client
from shopify_roi.shopify_client.admin import ReauthorizeRequired, load_query


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


def test_install_stores_encrypted_token_and_serves_embedded_page_with_csp(
    app_server, runtime, stand_in, shop_domain, settings
):
    callback = install(app_server.url, shop_domain)

    # Back into the shop's admin, where the embedded app opens.
    assert callback.status_code == 302
    assert callback.headers["Location"] == f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}"
    shop = _shop(runtime, shop_domain)
    assert shop.is_installed and shop.installed_at is not None
    assert shop.scope_set == {
        "read_orders",
        "write_discounts",
        "read_customers",
        "read_products",
        "read_inventory",
    }
    raw_access = runtime.cipher.decrypt(shop.access_token_enc)
    raw_refresh = runtime.cipher.decrypt(shop.refresh_token_enc)
    assert raw_access.startswith("shpat_") and raw_refresh.startswith("shprt_")
    # Expiring offline token: about an hour.
    assert timedelta(minutes=55) < shop.access_token_expires_at - datetime.now(UTC) <= timedelta(hours=1)
    dump = _database_text(runtime.settings.database_url)
    assert raw_access not in dump and raw_refresh not in dump

    token = stand_in.control.session_token(shop_domain)
    page = requests.get(
        app_server.url + "/", params={"embedded": "1", "shop": shop_domain, "id_token": token}, timeout=10
    )
    assert page.status_code == 200
    root = stand_in.url  # scheme://host:port of the shop's origin
    assert f"frame-ancestors {root} https://admin.shopify.com" in page.headers[
        "Content-Security-Policy"
    ].split("; ")
    assert f'<meta name="shopify-api-key" content="{settings.api_key}">' in page.text
    assert "app-bridge.js" in page.text and "Store connection" in page.text


def test_install_job_reads_shop_details_through_admin_graphql(app_server, runtime, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    runtime.jobs.drain()  # sync_shop
    shop = _shop(runtime, shop_domain)
    assert (shop.name, shop.currency, shop.iana_timezone) == ("Test Shop", "EUR", "Europe/Berlin")
    ops = stand_in.control.graphql_log(shop_domain)
    assert ops[0]["operation_name"] == "ShopInfo" and all(op["valid"] for op in ops)


def test_embedded_open_exchanges_session_token_for_expiring_offline_token(
    app_server, runtime, stand_in, shop_domain
):
    assert _shop(runtime, shop_domain) is None
    token = stand_in.control.session_token(shop_domain)
    page = requests.get(
        app_server.url + "/", params={"embedded": "1", "shop": shop_domain, "id_token": token}, timeout=10
    )
    assert page.status_code == 200 and "Creator ROI is installed" in page.text
    shop = _shop(runtime, shop_domain)
    assert shop.is_installed and shop.refresh_token_enc and shop.access_token_expires_at is not None
    # and the API now answers for that shop
    api = requests.get(
        app_server.url + "/api/shop", headers=bearer(stand_in.control.session_token(shop_domain)), timeout=10
    )
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
        session.execute(
            Shop.__table__.update()
            .where(Shop.domain == shop_domain)
            .values(access_token_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
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
    assert (
        admin_client(runtime, shop_domain).execute(load_query("shop_info"))["shop"]["myshopifyDomain"]
        == shop_domain
    )
    stand_in.control.expire_tokens(shop_domain)
    assert admin_client(runtime, shop_domain).execute(load_query("shop_info"))["shop"]
    assert stand_in.control.shop(shop_domain)["refresh_count"] == 2


@pytest.mark.parametrize("tamper", ["hmac", "state_reused", "state_foreign", "code"])
def test_callback_refuses_tampered_or_replayed_requests_and_stores_nothing(
    app_server, runtime, stand_in, shop_domain, tamper
):
    params = callback_params(app_server.url, shop_domain)
    if tamper == "hmac":
        params["hmac"] = ("0" if params["hmac"][0] != "0" else "1") + params["hmac"][1:]
    elif tamper == "state_reused":
        first = requests.get(
            f"{app_server.url}/auth/callback", params=params, allow_redirects=False, timeout=10
        )
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
    resp = requests.get(f"{app_server.url}/auth/callback", params=params, allow_redirects=False, timeout=60)
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


@pytest.mark.parametrize(
    "shop",
    [
        "evil.com",
        "x.myshopify.com.evil.com",
        "../",
        "ab.myshopify.com/../evil",
        "https://ab.myshopify.com",
        "ab.myshopify.com@evil.com",
        "",
    ],
)
def test_install_and_callback_refuse_foreign_shop_domains(app_server, runtime, shop, stand_in, shop_domain):
    start = requests.get(f"{app_server.url}/auth", params={"shop": shop}, allow_redirects=False, timeout=60)
    assert start.status_code == 400
    params = callback_params(app_server.url, shop_domain)
    params["shop"] = shop
    resp = requests.get(
        f"{app_server.url}/auth/callback", params=_resign(params), allow_redirects=False, timeout=10
    )
    assert 400 <= resp.status_code < 500
    assert _count(runtime, Shop) == 0
    assert _count(runtime, OAuthState) == 1  # only the honest attempt's state


# -- refreshes whose answer did not arrive (changelog "More resilient refreshes for expiring offline
# access tokens", 2026-08-28: a used refresh token answers the same pair until its replacement is used)
def _refresh_directly(stand_in, shop_domain, refresh_token: str) -> requests.Response:
    return requests.post(
        f"{stand_in.origin(shop_domain)}/admin/oauth/access_token",
        timeout=60,
        json={
            "client_id": API_KEY,
            "client_secret": API_SECRET,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        },
    )


def test_a_refresh_whose_answer_was_lost_is_asked_again_with_the_same_refresh_token(
    app_server, runtime, stand_in, shop_domain
):
    install(app_server.url, shop_domain)
    first_refresh_token = runtime.cipher.decrypt(_shop(runtime, shop_domain).refresh_token_enc)
    stand_in.control.expire_tokens(shop_domain)
    stand_in.control.lose_token_answers(shop_domain, 1)  # Shopify refreshes, the answer is lost

    data = admin_client(runtime, shop_domain).execute(load_query("shop_info"), operation_name="ShopInfo")

    assert data["shop"]["myshopifyDomain"] == shop_domain
    state = stand_in.control.shop(shop_domain)
    assert (state["refresh_count"], state["refresh_retries"]) == (1, 1)  # one pair issued, asked for twice
    stored = runtime.cipher.decrypt(_shop(runtime, shop_domain).refresh_token_enc)
    assert stored != first_refresh_token
    # The app moves on to the replacement; once used, the first refresh token is retired.
    stand_in.control.expire_tokens(shop_domain)
    assert admin_client(runtime, shop_domain).execute(load_query("shop_info"))["shop"]
    retired = _refresh_directly(stand_in, shop_domain, first_refresh_token)
    assert retired.status_code == 400 and retired.json()["error_description"] == "refresh token already used"


def test_a_refreshed_pair_the_app_failed_to_store_is_recovered_with_the_old_refresh_token(
    app_server, runtime, stand_in, shop_domain, monkeypatch
):
    from shopify_roi.services.shops import tokens

    install(app_server.url, shop_domain)
    before = _shop(runtime, shop_domain)
    stand_in.control.expire_tokens(shop_domain)
    real_save, failures = tokens.save_grant, []

    def save_fails_once(session, cipher, domain, grant):
        if not failures:
            failures.append(grant.refresh_token)
            raise RuntimeError("database write failed")
        return real_save(session, cipher, domain, grant)

    monkeypatch.setattr(tokens, "save_grant", save_fails_once)
    with pytest.raises(RuntimeError):
        admin_client(runtime, shop_domain).execute(load_query("shop_info"))
    kept = _shop(runtime, shop_domain)
    assert (
        kept.refresh_token_enc == before.refresh_token_enc
        and kept.token_generation == before.token_generation
    )

    assert (
        admin_client(runtime, shop_domain).execute(load_query("shop_info"))["shop"]["myshopifyDomain"]
        == shop_domain
    )
    after = _shop(runtime, shop_domain)
    assert (
        runtime.cipher.decrypt(after.refresh_token_enc) == failures[0]
    )  # the pair Shopify issued the first time
    state = stand_in.control.shop(shop_domain)
    assert (state["refresh_count"], state["refresh_retries"]) == (1, 1)


def test_no_answer_at_all_keeps_the_refresh_token_and_does_not_ask_for_a_reinstall(
    app_server, runtime, stand_in, shop_domain, monkeypatch
):
    from shopify_roi.services.shops import tokens
    from shopify_roi.shopify_client.admin import AdminError

    monkeypatch.setattr(tokens, "TRANSIT_RETRY_PAUSES", (0, 0, 0))
    install(app_server.url, shop_domain)
    before = _shop(runtime, shop_domain)
    stand_in.control.expire_tokens(shop_domain)
    stand_in.control.lose_token_answers(shop_domain, 10)
    with pytest.raises(AdminError) as failed:
        admin_client(runtime, shop_domain).execute(load_query("shop_info"))
    assert not isinstance(failed.value, ReauthorizeRequired)
    kept = _shop(runtime, shop_domain)
    assert kept.is_installed and kept.refresh_token_enc == before.refresh_token_enc

    stand_in.control.lose_token_answers(shop_domain, 0)  # Shopify answers again: the job's next run
    assert admin_client(runtime, shop_domain).execute(load_query("shop_info"))["shop"]
    state = stand_in.control.shop(shop_domain)
    # 1 first use + 3 retries lost, then 1 retry answered: one pair was ever issued
    assert (state["refresh_count"], state["refresh_retries"]) == (1, 4)


def test_a_refused_refresh_token_asks_for_a_reinstall(app_server, runtime, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    refresh_token = runtime.cipher.decrypt(_shop(runtime, shop_domain).refresh_token_enc)
    stand_in.control.advance_token_clock(shop_domain, 90 * 86400)  # the refresh token's 90 days are over
    with pytest.raises(ReauthorizeRequired, match="refresh token expired"):
        admin_client(runtime, shop_domain).execute(load_query("shop_info"))
    assert runtime.cipher.decrypt(_shop(runtime, shop_domain).refresh_token_enc) == refresh_token
