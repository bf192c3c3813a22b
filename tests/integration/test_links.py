"""Tracked links: a click is recorded and redirected with every UTM; bots are not counted."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select
from support import Merchant, install

from shopify_roi.models import Click

BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
)
CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    m = Merchant(app_server.url, stand_in, shop_domain)
    assert m.create_creator("anna", "ANNA15", campaigns=["Spring Launch"]).status_code == 201
    return m


def _clicks(runtime) -> list[Click]:
    with runtime.db.session() as session:
        rows = list(session.scalars(select(Click)))
        session.expunge_all()
        return rows


def test_click_is_recorded_and_redirects_to_the_auto_apply_url_with_all_utms(
    merchant, runtime, stand_in, shop_domain
):
    link = merchant.post(
        "/api/creators/anna/links",
        {
            "target": "product",
            "target_handle": "trail-runner",
            "placement": "reel",
            "campaign": "Spring Launch",
        },
    ).json()
    resp = requests.get(link["short_url"], headers={"User-Agent": BROWSER}, allow_redirects=False, timeout=60)

    assert resp.status_code == 302
    location = urlsplit(resp.headers["Location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}"
        == f"{stand_in.origin(shop_domain)}/discount/ANNA15"
    )
    outer = {k: v[0] for k, v in parse_qs(location.query).items()}
    expected = {
        "utm_source": "instagram",
        "utm_medium": "reel",
        "utm_campaign": "spring-launch",
        "utm_content": "anna",
        "ref": "anna",
    }
    assert {k: outer[k] for k in expected} == expected
    redirect = urlsplit(outer["redirect"])
    assert redirect.path == "/products/trail-runner"
    assert {k: v[0] for k, v in parse_qs(redirect.query).items()} == expected
    (click,) = _clicks(runtime)
    assert click.agent_class == "mobile" and len(click.visitor_hash) == 32
    assert merchant.get("/api/creators/anna").json()["links"]["tracked"][0]["clicks"] == 1


def test_a_crawler_is_redirected_but_not_counted(merchant, runtime):
    link = merchant.post("/api/creators/anna/links", {}).json()
    resp = requests.get(link["short_url"], headers={"User-Agent": CRAWLER}, allow_redirects=False, timeout=60)
    assert resp.status_code == 302 and "/discount/ANNA15" in resp.headers["Location"]
    assert _clicks(runtime) == []


def test_unknown_archived_or_foreign_links_are_404_and_reveal_nothing(
    merchant, app_server, stand_in, shop_domain
):
    link = merchant.post("/api/creators/anna/links", {}).json()
    assert (
        requests.get(f"{app_server.url}/l/doesnotexist1", allow_redirects=False, timeout=60).status_code
        == 404
    )
    other = f"other-{shop_domain}"
    stand_in.control.create_shop(other)
    install(app_server.url, other)
    outsider = Merchant(app_server.url, stand_in, other)
    assert outsider.create_creator("anna", "OTHERANNA").status_code == 201  # same handle, other shop
    # Another shop cannot archive, read or list this shop's link through its own creator of the same handle.
    assert outsider.delete(f"/api/creators/anna/links/{link['id']}").status_code == 404
    assert link["short_url"] not in outsider.get("/api/creators/anna").text
    merchant.delete(f"/api/creators/anna/links/{link['id']}")
    gone = requests.get(link["short_url"], headers={"User-Agent": BROWSER}, allow_redirects=False, timeout=60)
    assert gone.status_code == 404 and "anna" not in gone.text.lower()


def test_qr_codes_of_a_link(merchant):
    link = merchant.post("/api/creators/anna/links", {}).json()
    svg = requests.get(link["qr_svg"], timeout=60)
    png = requests.get(link["qr_png"], timeout=60)
    assert (
        svg.status_code == 200
        and svg.headers["Content-Type"].startswith("image/svg+xml")
        and b"<svg" in svg.content
    )
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
