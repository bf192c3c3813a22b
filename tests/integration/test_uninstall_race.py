"""Install generations: an `app/uninstalled` triggered before the install the app holds now is recorded
and ignored, however late the worker (or Shopify) gets to it. The merchant uninstalls and installs
again at once; the old uninstall must not drop the new tokens."""

from __future__ import annotations

import json

import factories
import requests
from sqlalchemy import select
from support import API_SECRET, Merchant, install

from shopify_roi.models import Order, WebhookDelivery
from shopify_roi.shopify_client.webhook_hmac import sign


def _deliveries(runtime, shop: str, topic: str) -> list[WebhookDelivery]:
    with runtime.db.session() as session:
        rows = list(
            session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.shop_domain == shop, WebhookDelivery.topic == topic)
                .order_by(WebhookDelivery.id)
            )
        )
        session.expunge_all()
        return rows


def _installed_with_tokens(runtime, shop: str) -> bool:
    with runtime.db.session() as session:
        row = factories.shop_named(session, shop)
        return row.is_installed and row.refresh_token_enc is not None


def _order_goes_through(runtime, stand_in, shop: str) -> None:
    """A new order in the shop reaches the app's facts (its webhook is processed, not skipped)."""
    order = stand_in.control.create_order(
        shop, customer_id=7101, line_items=[{"title": "Trail shoe", "price": "80.00", "quantity": 1}]
    )
    runtime.jobs.drain()
    (delivery,) = _deliveries(runtime, shop, "orders/create")
    assert delivery.status == "processed", (delivery.status, delivery.result, delivery.error)
    with runtime.db.session() as session:
        shop_id = factories.shop_named(session, shop).id
        held = session.scalars(select(Order.shopify_id).where(Order.shop_id == shop_id)).all()
    assert held == [str(order["id"])]


def test_the_worker_reaching_an_uninstall_after_the_reinstall_keeps_the_new_install(
    app_server, runtime, stand_in, shop_domain
):
    assert install(app_server.url, shop_domain).status_code == 302
    runtime.jobs.drain()
    # The merchant uninstalls: the webhook is stored and its job queued behind a busy worker.
    assert stand_in.control.uninstall(shop_domain)["status_code"] == 200
    # ... and installs again at once: new tokens, before the worker gets to the uninstall.
    assert install(app_server.url, shop_domain).status_code == 302
    assert _installed_with_tokens(runtime, shop_domain)
    runtime.jobs.drain()  # now the worker processes the old uninstall (and the reinstall's sync)

    assert _installed_with_tokens(runtime, shop_domain)
    (uninstall,) = _deliveries(runtime, shop_domain, "app/uninstalled")
    assert uninstall.status == "processed"
    assert "before the current install" in uninstall.result
    merchant = Merchant(app_server.url, stand_in, shop_domain)
    assert merchant.get("/api/shop").status_code == 200  # the new token works
    _order_goes_through(runtime, stand_in, shop_domain)


def _deliver_late(app_url: str, shop: str, logged: dict) -> requests.Response:
    """Deliver a logged webhook now, as Shopify does when it gets through at last: the same body, id and
    trigger time, signed with the app's secret."""
    raw = json.dumps(logged["payload"]).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": logged["topic"],
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-Hmac-Sha256": sign(raw, API_SECRET),
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": logged["webhook_id"],
        "X-Shopify-Triggered-At": logged["triggered_at"],
    }
    return requests.post(f"{app_url}/webhooks/app", data=raw, headers=headers, timeout=60)


def test_an_uninstall_delivered_after_the_reinstall_is_recorded_and_ignored(
    app_server, runtime, stand_in, shop_domain
):
    assert install(app_server.url, shop_domain).status_code == 302
    runtime.jobs.drain()
    # Shopify cannot reach the app when the merchant uninstalls (its delivery waits for a retry) ...
    stand_in.set_app_url("http://127.0.0.1:9")
    stand_in.control.uninstall(shop_domain)
    stand_in.set_app_url(app_server.url)
    (logged,) = [d for d in stand_in.control.deliveries(shop_domain) if d["topic"] == "app/uninstalled"]
    # ... and the merchant installs again before the retry gets through.
    assert install(app_server.url, shop_domain).status_code == 302
    assert _deliver_late(app_server.url, shop_domain, logged).status_code == 200
    assert _installed_with_tokens(runtime, shop_domain)  # not stopped on receipt
    runtime.jobs.drain()

    assert _installed_with_tokens(runtime, shop_domain)
    (uninstall,) = _deliveries(runtime, shop_domain, "app/uninstalled")
    assert uninstall.status == "processed" and "before the current install" in uninstall.result
    _order_goes_through(runtime, stand_in, shop_domain)


def test_an_uninstall_after_the_install_still_stops_the_shop(app_server, runtime, stand_in, shop_domain):
    assert install(app_server.url, shop_domain).status_code == 302
    runtime.jobs.drain()
    stand_in.control.uninstall(shop_domain)
    runtime.jobs.drain()
    assert not _installed_with_tokens(runtime, shop_domain)
    (uninstall,) = _deliveries(runtime, shop_domain, "app/uninstalled")
    assert uninstall.status == "processed" and "tokens dropped" in uninstall.result
