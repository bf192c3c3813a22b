"""The ROI page's campaign filter and spend notes as the owner reads them (#17)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from support import Merchant, install


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _open(page, app_server, stand_in, shop_domain, settings):
    shim = requests.get(f"{stand_in.url}/_devstore/app-bridge.js", timeout=10).text
    page.route(
        re.compile(r"https://cdn\.shopify\.com/.*"),
        lambda route: route.fulfill(status=200, content_type="application/javascript", body=shim),
    )
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}")
    page.frame_locator("#app-frame").locator("body[data-roi-ready]").wait_for(timeout=30_000)
    return next(f for f in page.frames if f.url.startswith(app_server.url))


def test_the_campaign_filter_offers_all_campaigns(
    merchant, runtime, stand_in, shop_domain, app_server, page, settings
):
    assert merchant.create_creator("anna", "ANNA15", "15", campaigns=["Spring"]).status_code == 201
    yesterday = datetime.now(UTC) - timedelta(days=1)
    stand_in.control.create_order(
        shop_domain,
        created_at=yesterday.isoformat(),
        customer_id=1,
        line_items=[{"title": "Trail shoe", "price": "100.00", "quantity": 1}],
        discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
    )
    runtime.jobs.drain()
    frame = _open(page, app_server, stand_in, shop_domain, settings)
    options = frame.locator("#roi-campaign option").all_inner_texts()
    assert options == ["All campaigns", "Spring"]
