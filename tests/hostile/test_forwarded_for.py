"""`X-Forwarded-For` is the client's to write: by default (PROXY_HOPS=0) the app trusts no proxy, so a
made-up header neither escapes the short-link rate limit nor turns one visitor into many clicks."""

from __future__ import annotations

import pytest
import requests
from hostile_support import HostileServer, truncate
from sqlalchemy import func, select
from support import app_settings

from shopify_roi.config import Settings, from_env
from shopify_roi.models import Click

BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
)
LIMIT = 5


@pytest.fixture(scope="module")
def direct(database_url, redis_url, stand_in):
    """The app with the default PROXY_HOPS (clients reach it directly), LIMIT link requests an hour."""
    truncate(database_url)
    server = HostileServer(
        app_settings(
            database_url,
            redis_url,
            stand_in.origin_template,
            proxy_hops=Settings().proxy_hops,
            link_rate_limit=LIMIT,
            link_rate_window_seconds=3600,
        ),
        stand_in,
    )
    created = server.call(
        "POST",
        "/api/creators",
        json={"name": "Anna", "handle": "anna", "discount": {"code": "ANNA15", "percent_off": "15"}},
    )
    assert created.status_code == 201, created.text
    server.link = server.call("POST", "/api/creators/anna/links", json={}).json()["short_url"]
    yield server
    server.close()
    truncate(database_url)


def test_by_default_no_proxy_is_trusted():
    assert Settings().proxy_hops == 0
    assert from_env({}).proxy_hops == 0
    assert from_env({"PROXY_HOPS": "1"}).proxy_hops == 1  # Heroku's router, Fly's proxy: README


def test_a_made_up_forwarded_for_neither_escapes_the_limit_nor_makes_new_visitors(direct):
    answers = [
        requests.get(
            direct.link,
            headers={"User-Agent": BROWSER, "X-Forwarded-For": f"203.0.113.{n}"},
            allow_redirects=False,
            timeout=60,
        )
        for n in range(LIMIT + 2)
    ]
    # Every request came from this machine's one address, whatever the header said.
    assert [a.status_code for a in answers] == [302] * LIMIT + [429, 429]
    with direct.runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Click)) == 1  # one visitor, one click
