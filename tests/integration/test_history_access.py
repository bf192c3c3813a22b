"""read_all_orders is an optional scope: Shopify never grants it at install, the merchant grants or
declines it on the app's page (App Bridge `shopify.scopes.request`), and the app records what Shopify
says it holds. Granted: one full-history backfill loads the orders older than 60 days. Declined:
nothing breaks and the page says so."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import requests
from sqlalchemy import select
from support import Merchant, install

from shopify_roi.models import BackfillRun, Order, Shop


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    return Merchant(app_server.url, stand_in, shop_domain)


def _order(stand_in, shop, days_ago: int, price: str) -> None:
    """An order placed before the app was installed: in the shop, never sent as a webhook."""
    created = (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    requests.post(
        f"{stand_in.url}/_devstore/shops/{shop}/orders",
        timeout=30,
        json={
            "created_at": created,
            "silent": True,
            "line_items": [{"title": "Tee", "price": price, "quantity": 1}],
        },
    ).raise_for_status()


def _settle(runtime, merchant, seconds: float = 120) -> list[dict]:
    """Run queued jobs until every backfill has finished and nothing waits."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        runtime.jobs.drain()
        runs = merchant.get("/api/freshness").json()["backfills"]
        if all(r["status"] in ("done", "failed") for r in runs) and runtime.jobs.depth() == 0:
            time.sleep(0.1)  # a webhook the stand-in is still sending lands in the queue
            if runtime.jobs.depth() == 0:
                return runs
        time.sleep(0.1)
    raise AssertionError(f"jobs did not settle: {merchant.get('/api/freshness').json()['backfills']}")


def _orders(runtime, shop_domain) -> tuple[int, Decimal]:
    with runtime.db.session() as session:
        shop_id = session.scalar(select(Shop.id).where(Shop.domain == shop_domain))
        revenue = session.scalars(select(Order.revenue).where(Order.shop_id == shop_id)).all()
    return len(revenue), sum(revenue, Decimal(0))


def _scopes(runtime, shop_domain) -> set[str]:
    with runtime.db.session() as session:
        return session.scalar(select(Shop).where(Shop.domain == shop_domain)).scope_set


def _page(app_server, stand_in, shop_domain) -> str:
    token = stand_in.control.session_token(shop_domain)
    page = requests.get(
        app_server.url + "/", params={"embedded": "1", "shop": shop_domain, "id_token": token}, timeout=10
    )
    assert page.status_code == 200
    return page.text


def _history_card(html: str) -> str:
    start = html.index('id="history-access"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def history_and_install(app_server, runtime, stand_in, shop_domain, merchant):
    """Two orders from before the install: 100 days old (100.00) and 10 days old (40.00)."""
    _order(stand_in, shop_domain, 100, "100.00")
    _order(stand_in, shop_domain, 10, "40.00")
    assert install(app_server.url, shop_domain).status_code == 302
    _settle(runtime, merchant)


def test_asking_for_read_all_orders_at_install_does_not_get_it(
    app_server, runtime, stand_in, shop_domain, monkeypatch
):
    # SHOPIFY_SCOPES names it too, so /auth asks for it in the authorize URL
    monkeypatch.setattr(
        runtime, "settings", runtime.settings.with_(scopes=runtime.settings.scopes + ",read_all_orders")
    )
    assert install(app_server.url, shop_domain).status_code == 302
    assert "read_all_orders" not in _scopes(
        runtime, shop_domain
    )  # what Shopify granted, not what the app asked
    card = _history_card(_page(app_server, stand_in, shop_domain))
    assert 'data-state="not-granted"' in card and "last 60 days" in card
    assert 'data-action="request-full-history"' in card and "Allow access to all orders" in card


def test_without_read_all_orders_the_install_sees_60_days_then_the_grant_loads_the_rest(
    app_server, runtime, stand_in, shop_domain, merchant, history_and_install
):
    assert _orders(runtime, shop_domain) == (1, Decimal("40.00"))  # only the order inside the 60 days
    assert merchant.get("/api/history-access").json() == {
        "scope": "read_all_orders",
        "granted": False,
        "visible_days": 60,
        "full_history": None,
    }

    # The merchant presses "Allow access to all orders" and accepts Shopify's modal.
    assert stand_in.control.request_scopes(shop_domain, ["read_all_orders"])["result"] == "granted-all"
    assert merchant.post("/api/history-access").status_code == 202  # the page tells the app at once
    stand_in.control.wait_deliveries(shop_domain, "app/scopes_update")  # and Shopify's webhook follows
    runs = _settle(runtime, merchant)

    assert "read_all_orders" in _scopes(runtime, shop_domain)
    assert _orders(runtime, shop_domain) == (2, Decimal("140.00"))  # 100.00 + 40.00: the whole history
    full = [r for r in runs if r["kind"] == "full_history"]
    assert len(full) == 1  # the webhook and the page's check started one backfill between them
    assert (full[0]["status"], full[0]["orders_seen"], full[0]["note"]) == ("done", 2, "")
    status = merchant.get("/api/history-access").json()
    assert (
        status["granted"] is True
        and status["visible_days"] is None
        and status["full_history"]["status"] == "done"
    )
    card = _history_card(_page(app_server, stand_in, shop_domain))
    assert 'data-state="granted"' in card and "whole order history" in card


def test_a_declined_request_changes_nothing_and_the_app_keeps_working(
    app_server, runtime, stand_in, shop_domain, merchant, history_and_install
):
    stand_in.control.answer_scope_requests(shop_domain, "decline")
    assert stand_in.control.request_scopes(shop_domain, ["read_all_orders"])["result"] == "declined-all"
    assert merchant.post("/api/history-access").json()["granted"] is False
    _settle(runtime, merchant)

    assert [d for d in stand_in.control.deliveries(shop_domain) if d["topic"] == "app/scopes_update"] == []
    assert "read_all_orders" not in _scopes(runtime, shop_domain)
    assert _orders(runtime, shop_domain) == (1, Decimal("40.00"))
    with runtime.db.session() as session:
        assert session.scalars(select(BackfillRun.kind)).all() == ["install"]
    today = datetime.now(UTC).date()
    metrics = merchant.get(
        "/api/metrics/creators",
        params={"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()},
    )
    assert metrics.status_code == 200 and "60 days" in metrics.json()["history_note"]
    assert "Allow access to all orders" in _history_card(
        _page(app_server, stand_in, shop_domain)
    )  # ask again later


def test_a_revoked_grant_is_recorded_from_shopifys_webhook(
    app_server, runtime, stand_in, shop_domain, merchant, history_and_install
):
    stand_in.control.request_scopes(shop_domain, ["read_all_orders"])
    stand_in.control.wait_deliveries(shop_domain, "app/scopes_update")
    _settle(runtime, merchant)
    stand_in.control.revoke_scopes(shop_domain, ["read_all_orders"])
    stand_in.control.wait_deliveries(shop_domain, "app/scopes_update", count=2)
    _settle(runtime, merchant)
    assert "read_all_orders" not in _scopes(runtime, shop_domain)
    assert merchant.get("/api/history-access").json()["visible_days"] == 60
    assert _orders(runtime, shop_domain) == (2, Decimal("140.00"))  # what was loaded stays
