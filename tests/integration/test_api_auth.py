"""`/api/` is authenticated by the App Bridge session token, and scoped to its shop."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
import requests
from support import API_SECRET, Merchant, bearer, install, session_claims


@pytest.fixture
def installed(app_server, shop_domain):
    assert install(app_server.url, shop_domain).status_code == 302
    return shop_domain


def test_valid_session_token_reads_its_own_shop(app_server, stand_in, installed):
    resp = requests.get(
        f"{app_server.url}/api/shop", headers=bearer(stand_in.control.session_token(installed)), timeout=10
    )
    assert resp.status_code == 200
    assert resp.json()["domain"] == installed


@pytest.mark.parametrize(
    "case",
    [
        "none",
        "not_bearer",
        "expired",
        "other_secret",
        "other_app",
        "iss_dest_mismatch",
        "not_a_shop",
        "garbage",
        "alg_none",
    ],
)
def test_api_refuses_bad_session_tokens(app_server, installed, case):
    headers = {}
    if case == "not_bearer":
        headers = {"Authorization": jwt.encode(session_claims(installed), API_SECRET, algorithm="HS256")}
    elif case == "expired":  # expired 60 s ago: beyond the 10 s leeway
        headers = bearer(
            jwt.encode(session_claims(installed, exp=int(time.time()) - 60), API_SECRET, algorithm="HS256")
        )
    elif case == "other_secret":
        headers = bearer(
            jwt.encode(session_claims(installed), "another-app-secret-0123456789abcdef", algorithm="HS256")
        )
    elif case == "other_app":
        headers = bearer(
            jwt.encode(session_claims(installed, aud="another-api-key"), API_SECRET, algorithm="HS256")
        )
    elif case == "iss_dest_mismatch":
        headers = bearer(
            jwt.encode(
                session_claims(installed, iss="https://other-shop.myshopify.com/admin"),
                API_SECRET,
                algorithm="HS256",
            )
        )
    elif case == "not_a_shop":
        headers = bearer(jwt.encode(session_claims("evil.com"), API_SECRET, algorithm="HS256"))
    elif case == "garbage":
        headers = bearer("not.a.jwt")
    elif case == "alg_none":
        headers = bearer(jwt.encode(session_claims(installed), None, algorithm="none"))
    resp = requests.get(f"{app_server.url}/api/shop", headers=headers, timeout=60)
    assert resp.status_code == 401
    assert installed not in resp.text


def test_a_slightly_future_nbf_is_accepted(app_server, installed):
    # App Bridge sends a slightly future `nbf`: within the 10 s leeway it must pass.
    token = jwt.encode(session_claims(installed, nbf=int(time.time()) + 5), API_SECRET, algorithm="HS256")
    assert requests.get(f"{app_server.url}/api/shop", headers=bearer(token), timeout=60).status_code == 200


def test_every_api_route_refuses_to_cross_from_shop_b_into_shop_a(app_server, stand_in, installed):
    """Routes enumerated from the URL map: a route added without thought fails here."""
    a = Merchant(app_server.url, stand_in, installed)
    assert a.create_creator("anna", "ANNA15", campaigns=["Spring"]).status_code == 201
    link = a.post("/api/creators/anna/links", {}).json()
    code_id = a.get("/api/creators/anna").json()["code"]["id"]
    campaign_id = a.get("/api/campaigns").json()["campaigns"][0]["id"]
    import_id = a.post(
        "/api/creators/import", data="name,handle,code,percent_off\nZed,zed,ZED10,10\n"
    ).json()["id"]
    entry_id = a.post(
        "/api/creators/anna/spend", {"kind": "fee", "date": "2026-03-01", "amount": "300.00"}
    ).json()["id"]
    run_id = a.post("/api/payouts", {"period_end": "2026-03-31"}).json()["id"]
    post = {
        "platform": "instagram",
        "url": "https://instagram.com/p/secret",
        "posted_at": "2026-03-02T10:00:00+00:00",
    }
    post_id = a.post("/api/creators/anna/posts", post).json()["id"]
    report = a.post("/api/creators/anna/report-links", {"from": "2026-03-01", "to": "2026-03-31"}).json()
    gift = stand_in.control.create_order(
        installed,
        line_items=[{"title": "Gift", "price": "30.00", "quantity": 1}],
        tags=["creator-roi-seeding:anna"],
    )
    stand_in.control.flush_webhooks(installed)
    app_server.runtime.jobs.drain()
    seeding = a.post("/api/seeding/orders", {"order": str(gift["id"]), "product_cost": "9.00"})
    assert seeding.status_code == 201, seeding.text
    other = f"tenant-b-{uuid.uuid4().hex[:8]}.myshopify.com"  # shares no substring with shop A's domain
    stand_in.control.create_shop(other)
    install(app_server.url, other)
    b = Merchant(app_server.url, stand_in, other)
    values = {
        "handle": "anna",
        "code_id": code_id,
        "link_id": link["id"],
        "campaign_id": campaign_id,
        "import_id": import_id,
        "entry_id": entry_id,
        "run_id": run_id,
        "post_id": post_id,
        "report_id": report["id"],
        "order_id": gift["id"],
    }
    secrets_of_a = ("anna", "ANNA15", installed, link["short_url"], "zed", report["url"].rsplit("/", 1)[1])

    rules = [r for r in app_server.app.url_map.iter_rules() if r.rule.startswith("/api/")]
    assert len(rules) >= 20
    for rule in rules:
        path = rule.rule
        for name in rule.arguments:
            assert name in values, f"{rule.rule}: no value for <{name}>: extend this test"
            path = path.replace(f"<int:{name}>", str(values[name])).replace(f"<{name}>", str(values[name]))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            resp = (
                getattr(b, method.lower())(path)
                if method in ("GET", "DELETE")
                else getattr(b, method.lower())(path, {})
            )
            if rule.arguments:
                assert resp.status_code == 404, f"{method} {path} as shop B: {resp.status_code}"
            else:
                assert resp.status_code < 500, f"{method} {path}: {resp.status_code}"
            assert not any(s in resp.text for s in secrets_of_a), f"{method} {path} leaked shop A's data"
    # And shop A's data is as it was.
    anna = a.get("/api/creators/anna").json()
    assert anna["code"]["status"] == "active" and anna["status"] == "active"
    assert [t["id"] for t in anna["links"]["tracked"]] == [link["id"]]
    assert [e["id"] for e in a.get("/api/creators/anna/spend").json()["entries"]] == [
        entry_id,
        seeding.json()["id"],
    ]
    metrics = b.get("/api/metrics/creators?from=2026-01-01&to=2026-12-31").json()
    assert metrics["creators"] == [] and metrics["totals"]["orders"] == 0
    # Shop A's names in query parameters are unknown to shop B too.
    assert b.get("/api/metrics/timeseries?from=2026-01-01&to=2026-12-31&handle=anna").status_code == 404
    by_campaign = b.get("/api/metrics/creators?from=2026-01-01&to=2026-12-31&campaign=Spring")
    assert by_campaign.json()["creators"] == [] and "anna" not in by_campaign.text
    assert stand_in.control.discounts(other) == []


def test_token_for_a_shop_that_never_installed_asks_for_install(app_server, stand_in, shop_domain):
    resp = requests.get(
        f"{app_server.url}/api/shop", headers=bearer(stand_in.control.session_token(shop_domain)), timeout=10
    )
    assert resp.status_code == 401
    assert resp.headers["X-Shopify-API-Request-Failure-Reauthorize"] == "1"
