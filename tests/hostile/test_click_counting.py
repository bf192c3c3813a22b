"""A tracked link counts one click per visitor (the daily-rotating visitor hash: address and browser)
per link per day: a visitor's repeated clicks all redirect, and only the first counts."""

from __future__ import annotations

import pytest
import requests

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
)
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/125.0.0.0 Safari/537.36"


@pytest.fixture(scope="module")
def links(hostile):
    created = hostile.call(
        "POST",
        "/api/creators",
        json={"name": "Ben", "handle": "ben", "discount": {"code": "BEN10", "percent_off": "10"}},
    )
    assert created.status_code == 201, created.text
    return [hostile.call("POST", "/api/creators/ben/links", json={}).json() for _ in range(2)]


def _follow(url: str, agent: str, address: str) -> int:
    # The hostile app trusts one proxy (tests/support.py): X-Forwarded-For names the visitor.
    return requests.get(
        url, headers={"User-Agent": agent, "X-Forwarded-For": address}, allow_redirects=False, timeout=10
    ).status_code


def _clicks(hostile) -> dict[int, int]:
    tracked = hostile.call("GET", "/api/creators/ben").json()["links"]["tracked"]
    return {link["id"]: link["clicks"] for link in tracked}


def test_a_visitors_repeated_clicks_redirect_and_count_once_per_link_per_day(hostile, links):
    first, second = links
    answers = [_follow(first["short_url"], IPHONE, "198.51.100.20") for _ in range(4)]
    answers.append(_follow(first["short_url"], DESKTOP, "198.51.100.20"))  # another browser: another visitor
    answers.append(_follow(first["short_url"], IPHONE, "198.51.100.21"))  # another address: another visitor
    answers += [_follow(second["short_url"], IPHONE, "198.51.100.20") for _ in range(3)]  # another link
    assert answers == [302] * 9  # every click reaches the shop
    # first link: 3 visitors (iPhone at .20 four times = 1, desktop at .20 = 1, iPhone at .21 = 1);
    # second link: the iPhone at .20, three times = 1.
    assert _clicks(hostile) == {first["id"]: 3, second["id"]: 1}
