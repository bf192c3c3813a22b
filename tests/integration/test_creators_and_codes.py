"""Creators and their discount codes, made together through the Admin API (the stand-in)."""

from __future__ import annotations

import factories
import pytest
from sqlalchemy import func, select
from support import Merchant, install

from shopify_roi.models import Creator, DiscountCode


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    assert install(app_server.url, shop_domain).status_code == 302
    return Merchant(app_server.url, stand_in, shop_domain)


def _count(runtime, model) -> int:
    with runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_creating_anna_makes_exactly_one_discount_and_lists_her_with_links(merchant, stand_in, shop_domain):
    resp = merchant.create_creator("anna", "ANNA15", "15")
    assert resp.status_code == 201, resp.text

    (discount,) = stand_in.control.discounts(shop_domain)
    assert [c["code"] if isinstance(c, dict) else c for c in discount["codes"]] == ["ANNA15"]
    assert discount["value"] == {"percentage": 0.15}  # the Admin API's 0-1 fraction for 15 %
    assert discount["status"] == "ACTIVE"

    listed = merchant.get("/api/creators").json()["creators"]
    assert [
        (c["handle"], c["code"]["code"], c["code"]["status"], c["code"]["percent_off"]) for c in listed
    ] == [("anna", "ANNA15", "active", "15")]
    links = merchant.get("/api/creators/anna").json()["links"]
    origin = stand_in.origin(shop_domain)
    assert links["storefront"] == (
        f"{origin}/?utm_source=instagram&utm_medium=post&utm_campaign=creator&utm_content=anna&ref=anna"
    )
    assert links["auto_apply"].startswith(f"{origin}/discount/ANNA15?redirect=%2F%3Futm_source%3Dinstagram")
    assert links["auto_apply"].endswith("&utm_content=anna&ref=anna")


def test_creating_anna_again_is_409_and_creates_nothing_more(merchant, stand_in, shop_domain, runtime):
    assert merchant.create_creator("anna", "ANNA15").status_code == 201
    again = merchant.create_creator("anna", "ANNA15")
    assert again.status_code == 409
    assert len(stand_in.control.discounts(shop_domain)) == 1
    assert _count(runtime, Creator) == 1 and _count(runtime, DiscountCode) == 1


def test_a_code_that_exists_in_the_shop_in_another_case_is_409_and_nothing_is_created(
    merchant, stand_in, shop_domain, runtime
):
    stand_in.control.create_discount(shop_domain, "ANNA15", percentage=0.2, title="Made in the admin")
    resp = merchant.create_creator("anna", "anna15")
    assert resp.status_code == 409
    assert "ANNA15" in resp.json()["message"].upper() and "Shopify admin" in resp.json()["message"]
    assert len(stand_in.control.discounts(shop_domain)) == 1  # only the admin's own
    assert _count(runtime, Creator) == 0 and _count(runtime, DiscountCode) == 0


def test_a_code_another_creator_uses_in_the_app_is_409(merchant, stand_in, shop_domain, runtime):
    assert merchant.create_creator("anna", "ANNA15").status_code == 201
    resp = merchant.create_creator("ben", "Anna15")
    assert resp.status_code == 409 and "@anna" in resp.json()["message"]
    assert _count(runtime, Creator) == 1 and len(stand_in.control.discounts(shop_domain)) == 1


def test_bad_input_is_400_naming_the_fields_and_stores_nothing(merchant, runtime):
    resp = merchant.post(
        "/api/creators",
        {"name": "", "handle": "Not a handle!", "discount": {"code": "x y", "percent_off": "150"}},
    )
    assert resp.status_code == 400
    assert {"name", "handle"} <= set(resp.json()["fields"])
    resp = merchant.post(
        "/api/creators", {"name": "Anna", "handle": "anna", "discount": {"code": "x y", "percent_off": "150"}}
    )
    assert resp.status_code == 400 and {"code", "percent_off"} <= set(resp.json()["fields"])
    assert _count(runtime, Creator) == 0


def test_transient_failures_and_throttling_are_retried(merchant, stand_in, shop_domain):
    stand_in.control.faults(shop_domain, fail_next=2, status=503)
    assert merchant.create_creator("anna", "ANNA15").status_code == 201
    stand_in.control.faults(shop_domain, throttle={"maximum": 15, "restore_rate": 50})
    assert merchant.create_creator("ben", "BEN10").status_code == 201
    assert sorted(c for d in stand_in.control.discounts(shop_domain) for c in _codes(d)) == [
        "ANNA15",
        "BEN10",
    ]


def _codes(discount: dict) -> list[str]:
    return [c["code"] if isinstance(c, dict) else c for c in discount["codes"]]


def _by_code(stand_in, shop_domain) -> dict[str, dict]:
    return {code: d for d in stand_in.control.discounts(shop_domain) for code in _codes(d)}


def test_pause_resume_rotate_and_delete_act_in_the_shop_and_keep_history(merchant, stand_in, shop_domain):
    code_id = merchant.create_creator("anna", "ANNA15").json()["code"]["id"]
    assert merchant.post(f"/api/creators/anna/codes/{code_id}/pause").json()["code"]["status"] == "paused"
    assert _by_code(stand_in, shop_domain)["ANNA15"]["status"] == "EXPIRED"
    assert merchant.post(f"/api/creators/anna/codes/{code_id}/resume").json()["code"]["status"] == "active"
    assert _by_code(stand_in, shop_domain)["ANNA15"]["status"] == "ACTIVE"

    rotated = merchant.post("/api/creators/anna/codes/rotate", {"code": "ANNA20", "percent_off": "20"}).json()
    assert rotated["code"]["code"] == "ANNA20" and rotated["code"]["percent_off"] == "20"
    assert [(c["code"], c["status"]) for c in rotated["codes"]] == [
        ("ANNA20", "active"),
        ("ANNA15", "rotated"),
    ]
    shop_codes = _by_code(stand_in, shop_domain)
    assert shop_codes["ANNA15"]["status"] == "EXPIRED" and shop_codes["ANNA20"]["status"] == "ACTIVE"

    new_id = rotated["code"]["id"]
    after = merchant.delete(f"/api/creators/anna/codes/{new_id}").json()
    assert "ANNA20" not in _by_code(stand_in, shop_domain)
    assert [(c["code"], c["status"]) for c in after["codes"]] == [
        ("ANNA20", "deleted"),
        ("ANNA15", "rotated"),
    ]


def test_edits_and_deletions_in_the_shopify_admin_are_reflected(merchant, stand_in, shop_domain, runtime):
    merchant.create_creator("anna", "ANNA15")
    merchant.create_creator("ben", "BEN10")
    runtime.jobs.drain()  # the discounts/create webhooks of our own creations change nothing
    shop_codes = _by_code(stand_in, shop_domain)
    stand_in.control.edit_discount(shop_domain, shop_codes["ANNA15"]["id"], code="ANNA-SUMMER")
    stand_in.control.delete_discount(shop_domain, shop_codes["BEN10"]["id"])
    runtime.jobs.drain()  # discounts/update and discounts/delete webhooks -> the check jobs

    anna = merchant.get("/api/creators/anna").json()
    assert anna["code"]["code"] == "ANNA-SUMMER" and anna["code"]["status"] == "active"
    assert ("ANNA15", "removed") in [(c["code"], c["status"]) for c in anna["codes"]]
    ben = merchant.get("/api/creators/ben").json()
    assert ben["code"] is None and [(c["code"], c["status"]) for c in ben["codes"]] == [("BEN10", "removed")]
    # The freed code can be used again.
    assert merchant.post("/api/creators/ben/codes/rotate", {"code": "BEN10"}).status_code in (
        400,
        409,
    )  # no live code to rotate


def test_a_run_killed_after_shopify_made_the_code_is_finished_by_adopting_it(
    merchant, stand_in, shop_domain, runtime
):
    """The crash window: our row is pending, the shop already has the discount (with our tag)."""
    from shopify_roi.services.creators import code_input, codes, profiles

    with runtime.db.session() as session:
        shop = factories.shop_named(session, shop_domain)
        creator = factories.creator(session, shop, handle="anna")
        profiles.apply_fields(
            session, shop.id, creator, profiles.parse_creator({"name": "Anna", "handle": "anna"})
        )
        codes.reserve(
            session, shop.id, creator, code_input.parse_code({"code": "ANNA15", "percent_off": "15"})
        )
    stand_in.control.create_discount(
        shop_domain, "ANNA15", percentage=0.15, tags=["creator-roi", "creator-roi:anna"]
    )

    resp = merchant.create_creator("anna", "ANNA15")  # the same request, made again

    assert resp.status_code == 201 and resp.json()["code"]["status"] == "active"
    assert len(stand_in.control.discounts(shop_domain)) == 1


def test_extra_codes_go_on_the_same_discount_and_clashes_are_reported_per_code(
    merchant, stand_in, shop_domain, runtime
):
    code_id = merchant.create_creator("anna", "ANNA15").json()["code"]["id"]
    stand_in.control.create_discount(shop_domain, "ANNA-YT", percentage=0.1)
    resp = merchant.post(
        f"/api/creators/anna/codes/{code_id}/extra", {"codes": ["ANNA-TT", "anna-yt", "ANNA15", "x y"]}
    )
    assert resp.status_code == 200, resp.text
    results = {r["code"]: r["status"] for r in resp.json()["results"]}
    assert results == {"ANNA-TT": "added", "anna-yt": "conflict", "ANNA15": "conflict", "x y": "invalid"}
    shop_codes = _by_code(stand_in, shop_domain)
    assert shop_codes["ANNA-TT"]["id"] == shop_codes["ANNA15"]["id"]  # one discount, two codes
    runtime.jobs.drain()  # redeemcode_added webhook -> the check finds nothing to change
    anna = merchant.get("/api/creators/anna").json()
    assert anna["code"]["code"] == "ANNA15"
    assert sorted((c["code"], c["status"]) for c in anna["codes"]) == [
        ("ANNA-TT", "active"),
        ("ANNA15", "active"),
    ]
    merchant.post(f"/api/creators/anna/codes/{code_id}/pause")
    anna = merchant.get("/api/creators/anna").json()
    assert sorted((c["code"], c["status"]) for c in anna["codes"]) == [
        ("ANNA-TT", "paused"),
        ("ANNA15", "paused"),
    ]
