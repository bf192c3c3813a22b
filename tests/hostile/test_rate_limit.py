"""The public short-link endpoint is rate limited per client address (LINK_RATE_LIMIT per
LINK_RATE_WINDOW_SECONDS): 429 with Retry-After beyond it; a Redis outage never stops the links."""

from __future__ import annotations

import pytest
import redis
import requests
from hostile_support import HostileServer, truncate
from sqlalchemy import func, select
from support import app_settings

from shopify_roi.models import Click

BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
)
LIMIT = 5


@pytest.fixture(scope="module")
def limited(database_url, redis_url, stand_in):
    truncate(database_url)
    server = HostileServer(
        app_settings(
            database_url,
            redis_url,
            stand_in.origin_template,
            link_rate_limit=LIMIT,
            link_rate_window_seconds=3600,
        ),
        stand_in,
    )  # one window for the whole module
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


def _clicks(server) -> int:
    with server.runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(Click))


def _follow(url: str, client: str, agent: str = BROWSER):
    return requests.get(
        url, headers={"User-Agent": agent, "X-Forwarded-For": client}, allow_redirects=False, timeout=10
    )


def test_a_client_over_the_limit_gets_429_with_retry_after_and_others_are_served(limited):
    # One address, a browser each time (several people behind one address: each is a visitor).
    answers = [_follow(limited.link, "198.51.100.7", f"{BROWSER} n{n}") for n in range(LIMIT + 2)]
    assert [a.status_code for a in answers] == [302] * LIMIT + [429, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 3600
    assert answers[-1].headers["Cache-Control"] == "no-store"
    assert _clicks(limited) == LIMIT  # a refused request is not a click
    # Another address has its own allowance; the QR codes and unknown ids count too (one public surface).
    assert _follow(limited.link, "198.51.100.8").status_code == 302
    assert _follow(limited.link + "/qr.svg", "198.51.100.7").status_code == 429


def test_the_address_is_the_one_the_proxy_saw_not_one_the_client_made_up(limited):
    # Behind one proxy (PROXY_HOPS=1), the proxy appends the real address: a forged first entry changes
    # nothing.
    answers = [_follow(limited.link, f"10.0.0.{n}, 203.0.113.50") for n in range(LIMIT + 1)]
    assert [a.status_code for a in answers][-1] == 429


def test_when_redis_is_down_the_links_still_redirect(limited, monkeypatch):
    class Down:
        def pipeline(self, *args, **kwargs):
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(limited.runtime.jobs, "redis", Down())
    assert all(_follow(limited.link, "192.0.2.99").status_code == 302 for _ in range(LIMIT + 1))
