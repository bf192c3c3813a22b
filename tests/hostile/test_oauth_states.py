"""`/auth` writes a single-use OAuth state per request: expired ones are purged (when a new one is
written, and by the worker's periodic work), one address can hold only a few live ones, and one shop
keeps only its newest attempts (so the merchant's own, latest, install still completes)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select
from support import install

from shopify_roi.db import utcnow
from shopify_roi.jobs import schedules
from shopify_roi.models import OAuthState

# README, Security: at most 10 live install attempts per address and 5 per shop.
MAX_LIVE_PER_CLIENT, MAX_LIVE_PER_SHOP = 10, 5


def _start(hostile, shop: str, address: str) -> requests.Response:
    # The hostile app trusts one proxy (tests/support.py): X-Forwarded-For is the client's address.
    return requests.get(
        f"{hostile.url}/auth",
        params={"shop": shop},
        headers={"X-Forwarded-For": address},
        allow_redirects=False,
        timeout=60,
    )


def _states(hostile, **where) -> int:
    with hostile.runtime.db.session() as session:
        query = select(func.count()).select_from(OAuthState)
        for column, value in where.items():
            query = query.where(getattr(OAuthState, column) == value)
        return session.scalar(query)


def _expired_state(hostile, shop: str) -> str:
    nonce = uuid.uuid4().hex
    with hostile.runtime.db.session() as session:
        session.add(OAuthState(nonce=nonce, shop_domain=shop, expires_at=utcnow() - timedelta(minutes=1)))
    return nonce


def _fresh_shop(prefix: str = "s") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}.myshopify.com"


def test_expired_states_are_purged_when_a_new_one_is_written(hostile):
    expired = _expired_state(hostile, _fresh_shop())
    assert _start(hostile, _fresh_shop(), "198.51.100.30").status_code == 302
    assert _states(hostile, nonce=expired) == 0


def test_the_worker_purges_expired_states(hostile):
    expired = _expired_state(hostile, _fresh_shop())
    assert schedules.purge_oauth_states(hostile.runtime) >= 1
    assert _states(hostile, nonce=expired) == 0


def test_one_address_cannot_fill_the_table(hostile):
    answers = [
        _start(hostile, _fresh_shop(), "198.51.100.31").status_code for _ in range(MAX_LIVE_PER_CLIENT + 5)
    ]
    assert answers == [302] * MAX_LIVE_PER_CLIENT + [429] * 5
    assert _start(hostile, _fresh_shop(), "198.51.100.32").status_code == 302  # another address is served
    with hostile.runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(OAuthState)) <= 2 * MAX_LIVE_PER_CLIENT + 10


def test_one_shop_keeps_only_its_newest_attempts_and_the_newest_completes(hostile):
    shop = _fresh_shop("many")
    hostile.stand_in.control.create_shop(shop, scopes="read_orders,write_discounts,read_customers")
    for n in range(MAX_LIVE_PER_SHOP + 6):
        assert _start(hostile, shop, f"203.0.113.{n + 1}").status_code == 302
    assert _states(hostile, shop_domain=shop) == MAX_LIVE_PER_SHOP
    assert install(hostile.url, shop).status_code == 302  # the merchant's own attempt, the newest


@pytest.fixture(autouse=True)
def _no_states_left_over(hostile):
    yield
    with hostile.runtime.db.session() as session:
        session.execute(OAuthState.__table__.delete())
