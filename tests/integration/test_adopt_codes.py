"""Bring your existing program (issue 18): a shop that ran creator codes before the app installs, the app
lists the shop's codes with a suggested creator, staff adopt them in bulk, and the ROI table of a year of
history equals the figures worked out by hand below, with nothing created or changed in the shop."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import requests
from sqlalchemy import select
from support import Merchant, install

from devstore.demo import existing_program
from devstore.demo.merchant import allow_full_history
from shopify_roi.models import Creator, DiscountCode, Shop

D = Decimal
# The merchant's hand-made codes (in the Shopify admin, before the app): five creators and a promotion.
CODES = {
    "ANNA15": {"percentage": 0.15},
    "BEN10": {"percentage": 0.1},
    "CLEO20": {"percentage": 0.2},
    "DAN5": {"amount": "5.00"},
    "EVA25": {"percentage": 0.25},
    "WELCOME10": {"percentage": 0.1},
}
# A year of orders placed before the install: (days ago, code, price, customer).
ORDERS = [
    (300, "ANNA15", "100.00", "c1"),  # 100.00 - 15 % = 85.00
    (20, "anna15", "100.00", "c2"),  # 85.00 (codes compare ignoring case)
    (200, "BEN10", "100.00", "c3"),  # 90.00
    (40, "CLEO20", "50.00", "c4"),  # 40.00
    (150, "DAN5", "100.00", "c5"),  # 95.00
    (5, "EVA25", "200.00", "c6"),  # 150.00
    (50, "WELCOME10", "100.00", "c7"),  # 90.00, a promotion: nobody's
    (70, None, "60.00", "c8"),  # 60.00, no code
]
ADOPT = [  # what staff confirm on the page (the suggestions, Anna with a 10 % commission)
    ("ANNA15", "anna", "Anna", "10"),
    ("BEN10", "ben", "Ben", None),
    ("CLEO20", "cleo", "Cleo", None),
    ("DAN5", "dan", "Dan", None),
    ("EVA25", "eva", "Eva", None),
]


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    return Merchant(app_server.url, stand_in, shop_domain)


def _settle(runtime, merchant, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        runtime.jobs.drain()
        runs = merchant.get("/api/freshness").json()["backfills"]
        if all(r["status"] in ("done", "failed") for r in runs) and runtime.jobs.depth() == 0:
            time.sleep(0.1)
            if runtime.jobs.depth() == 0:
                return
        time.sleep(0.1)
    raise AssertionError("jobs did not settle")


def _shop_before_install(stand_in, shop_domain) -> dict[str, str]:
    """The codes and orders; returns code -> the DiscountCodeNode GID."""
    ids = {}
    for code, value in CODES.items():
        made = stand_in.control.create_discount(shop_domain, code, startsAt="2025-01-01T00:00:00Z", **value)
        ids[code] = made["gid"]
    for days_ago, code, price, customer in ORDERS:
        when = (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
        spec = {"created_at": when, "silent": True, "customer_id": customer}
        spec["line_items"] = [{"title": "Tee", "price": price, "quantity": 1}]
        if code:
            value = CODES[code.upper()]
            spec["discount_code"] = (
                {"code": code, "type": "percentage", "value": str(D(str(value["percentage"])) * 100)}
                if "percentage" in value
                else {"code": code, "type": "fixed_amount", "value": value["amount"]}
            )
        requests.post(
            f"{stand_in.url}/_devstore/shops/{shop_domain}/orders", timeout=30, json=spec
        ).raise_for_status()
    return ids


@pytest.fixture
def installed(app_server, runtime, stand_in, shop_domain, merchant):
    ids = _shop_before_install(stand_in, shop_domain)
    assert install(app_server.url, shop_domain).status_code == 302
    _settle(runtime, merchant)
    # the merchant lets the app see the whole year (read_all_orders, optional)
    assert stand_in.control.request_scopes(shop_domain, ["read_all_orders"])["result"] == "granted-all"
    assert merchant.post("/api/history-access").status_code == 202
    _settle(runtime, merchant)
    return ids


def _mutations(stand_in, shop_domain, since: int = 0) -> list:
    """The mutations the app sent (from the `since`-th logged operation on): the install's bulk backfill
    query is one, so tests look at what came after it."""
    log = stand_in.control.graphql_log(shop_domain)[since:]
    return [e["operation_name"] for e in log if (e.get("query") or "").lstrip().startswith("mutation")]


def _rows(ids, adopt=ADOPT) -> list[dict]:
    return [
        {"discount_id": ids[code], "handle": handle, "name": name, "commission_percent": pct}
        for code, handle, name, pct in adopt
    ]


def test_existing_codes_are_listed_with_suggested_creators(installed, merchant):
    body = merchant.get("/api/discounts/existing")
    assert body.status_code == 200, body.text
    by_code = {r["code"]: r for r in body.json()["codes"]}
    assert set(by_code) == set(CODES)
    assert by_code["ANNA15"]["suggested"] == {"handle": "anna", "name": "Anna"}
    assert by_code["DAN5"]["suggested"] == {"handle": "dan", "name": "Dan"}
    assert by_code["WELCOME10"]["suggested"] is None and by_code["WELCOME10"]["adoptable"] is True
    assert (by_code["DAN5"]["value_type"], D(by_code["DAN5"]["value"])) == ("fixed_amount", D("5.00"))
    assert [r["code"] for r in body.json()["codes"]][-1] == "WELCOME10"  # suggestions first


def test_adopting_five_codes_gives_the_hand_computed_roi_table_and_creates_nothing_in_the_shop(
    installed, merchant, runtime, stand_in, shop_domain
):
    discounts_before = stand_in.control.discounts(shop_domain)
    logged = len(stand_in.control.graphql_log(shop_domain))
    adopted = merchant.post("/api/creators/adopt", {"codes": _rows(installed)})
    assert adopted.status_code == 200, adopted.text
    assert (adopted.json()["adopted"], adopted.json()["refused"]) == (5, 0)
    _settle(runtime, merchant)

    today = date.today()
    params = {
        "from": (today - timedelta(days=366)).isoformat(),
        "to": (today + timedelta(days=1)).isoformat(),
    }
    table = merchant.get("/api/metrics/creators", params=params).json()
    got = {
        r["handle"]: (
            r["orders"],
            D(r["revenue"]),
            D(r["net_revenue"]),
            D(r["discounts_given"]),
            D(r["spend"]),
        )
        for r in table["creators"]
    }
    assert got == {
        "anna": (2, D("170.00"), D("170.00"), D("30.00"), D("17.00")),  # 2 x 85.00; 10 % of 170.00
        "ben": (1, D("90.00"), D("90.00"), D("10.00"), D(0)),
        "cleo": (1, D("40.00"), D("40.00"), D("10.00"), D(0)),
        "dan": (1, D("95.00"), D("95.00"), D("5.00"), D(0)),
        "eva": (1, D("150.00"), D("150.00"), D("50.00"), D(0)),
    }
    anna = next(r for r in table["creators"] if r["handle"] == "anna")
    assert D(anna["roas"]) == D(10) and anna["new_customers"] == 2  # 170.00 / 17.00; c1 and c2
    assert next(r for r in table["creators"] if r["handle"] == "ben")["roas"] is None  # no spend: "—"
    # 90.00 (WELCOME10) + 60.00 (no code); totals: 545.00 attributed + 150.00
    assert (table["unattributed"]["orders"], D(table["unattributed"]["revenue"])) == (2, D("150.00"))
    assert (table["totals"]["orders"], D(table["totals"]["revenue"])) == (8, D("695.00"))

    # nothing created or changed in the shop: the same discounts, and the app sent no mutation at all
    assert stand_in.control.discounts(shop_domain) == discounts_before and len(discounts_before) == 6
    assert _mutations(stand_in, shop_domain, logged) == []
    assert [m for m in _mutations(stand_in, shop_domain) if m != "RunBulkQuery"] == []

    # adopting again changes nothing
    again = merchant.post("/api/creators/adopt", {"codes": _rows(installed)}).json()
    assert (again["adopted"], again["unchanged"], again["refused"]) == (0, 5, 0)
    with runtime.db.session() as session:
        shop_id = session.scalar(select(Shop.id).where(Shop.domain == shop_domain))
        rows = session.scalars(select(DiscountCode).where(DiscountCode.shop_id == shop_id)).all()
        assert sorted(r.code for r in rows) == ["ANNA15", "BEN10", "CLEO20", "DAN5", "EVA25"]
        assert all(r.adopted_at is not None and r.status == "active" for r in rows)


def test_an_adopted_code_pauses_and_rotates_like_the_apps_own(
    installed, merchant, runtime, stand_in, shop_domain
):
    merchant.post("/api/creators/adopt", {"codes": _rows(installed, ADOPT[:1])})
    detail = merchant.get("/api/creators/anna").json()
    code_id = detail["codes"][0]["id"]
    assert merchant.post(f"/api/creators/anna/codes/{code_id}/pause").status_code == 200
    shop_copy = next(d for d in stand_in.control.discounts(shop_domain) if d["gid"] == installed["ANNA15"])
    assert shop_copy["status"] == "EXPIRED"  # deactivated in the shop
    assert merchant.post(f"/api/creators/anna/codes/{code_id}/resume").status_code == 200
    rotated = merchant.post("/api/creators/anna/codes/rotate", {"code": "ANNA20", "percent_off": "20"})
    assert rotated.status_code == 200, rotated.text
    codes = {d["codes"][0]: d["status"] for d in stand_in.control.discounts(shop_domain)}
    assert codes["ANNA20"] == "ACTIVE" and codes["ANNA15"] == "EXPIRED"


def test_an_adopted_code_renamed_or_deleted_in_the_admin_is_followed(
    installed, merchant, runtime, stand_in, shop_domain
):
    merchant.post("/api/creators/adopt", {"codes": _rows(installed, ADOPT[:2])})
    runtime.jobs.drain()
    numeric = {code: int(gid.rsplit("/", 1)[1]) for code, gid in installed.items()}
    stand_in.control.edit_discount(shop_domain, numeric["ANNA15"], code="ANNA-SUMMER")
    stand_in.control.delete_discount(shop_domain, numeric["BEN10"])
    runtime.jobs.drain()  # discounts/update and discounts/delete -> the check jobs (code_sync)
    anna = merchant.get("/api/creators/anna").json()
    assert anna["code"]["code"] == "ANNA-SUMMER" and ("ANNA15", "removed") in [
        (c["code"], c["status"]) for c in anna["codes"]
    ]
    ben = merchant.get("/api/creators/ben").json()
    assert ben["code"] is None and [(c["code"], c["status"]) for c in ben["codes"]] == [("BEN10", "removed")]


def test_hostile_rows_fail_alone_and_change_nothing(installed, merchant, runtime, stand_in, shop_domain):
    logged = len(stand_in.control.graphql_log(shop_domain))
    other = f"other-{shop_domain}"
    stand_in.control.create_shop(other, name="Other", currency="EUR", scopes="read_orders,write_discounts")
    foreign = stand_in.control.create_discount(other, "ZOE15", percentage=0.15)["gid"]
    rows = [
        {"discount_id": foreign, "handle": "zoe", "name": "Zoe"},  # another shop's discount
        {"discount_id": "gid://shopify/DiscountCodeNode/999999", "handle": "ghost", "name": "Ghost"},
        {"discount_id": installed["ANNA15"], "handle": "anna", "name": "Anna"},
        {"discount_id": installed["BEN10"], "handle": "anna", "name": "Ben"},  # handle twice in one request
        {"discount_id": installed["CLEO20"], "handle": "bad handle!", "name": "Cleo"},
        "not a row",
    ]
    body = merchant.post("/api/creators/adopt", {"codes": rows}).json()
    statuses = [(r["status"], r["error"]) for r in body["results"]]
    assert statuses[0] == ("refused", "No such code discount in your shop.")
    assert statuses[1] == ("refused", "No such code discount in your shop.")
    assert statuses[2] == ("adopted", None)
    assert statuses[3] == ("refused", "@anna appears twice in this request.")
    assert statuses[4][0] == "refused" and "handle" in statuses[4][1]
    assert statuses[5] == ("refused", "No such code discount in your shop.")
    # a taken handle and a code already linked (to someone else) are refused the next time
    later = merchant.post(
        "/api/creators/adopt",
        {
            "codes": [
                {"discount_id": installed["BEN10"], "handle": "anna", "name": "Ben"},
                {"discount_id": installed["ANNA15"], "handle": "annie", "name": "Annie"},
            ]
        },
    ).json()["results"]
    assert later[0]["error"] == "@anna already exists in Creator ROI; choose another handle."
    assert later[1]["error"] == "Already @anna's code in Creator ROI."
    with runtime.db.session() as session:
        handles = session.scalars(select(Creator.handle).join(Shop).where(Shop.domain == shop_domain)).all()
    assert handles == ["anna"]
    assert len(stand_in.control.discounts(other)) == 1 and _mutations(stand_in, shop_domain, logged) == []
    assert merchant.post("/api/creators/adopt", {"codes": []}).status_code == 400


def test_the_demos_existing_program_is_adopted_and_its_roi_table_matches_the_shops_truth(
    app_server, runtime, stand_in, shop_domain
):
    """`python -m devstore.demo --adopt` (devstore.demo.existing_program) on a smaller year: every creator
    code is adopted as suggested, the sitewide code is not, and each creator's orders, revenue and returns
    over the year equal the stand-in's own figures for that code (the program had codes only, no links)."""
    existing_program.seed_before_install(stand_in.url, shop_domain, orders=300)
    discounts_before = stand_in.control.discounts(shop_domain)
    assert install(app_server.url, shop_domain).status_code == 302
    allow_full_history(app_server.url, stand_in.url, shop_domain, tick=runtime.jobs.drain)
    done = existing_program.adopt_and_read_roi(
        app_server.url, stand_in.url, shop_domain, tick=runtime.jobs.drain
    )
    assert done["adopted"] == ["finn", "kai", "lena", "mia", "rosa"]
    truth = stand_in.control.totals(shop_domain)["by_code"]
    for row in done["table"]["creators"]:
        code = next(c for c, *_ in existing_program.EXISTING if c.startswith(row["handle"].upper()))
        expected = (truth[code]["orders"], D(truth[code]["revenue"]), D(truth[code]["returns"]))
        assert (row["orders"], D(row["revenue"]), D(row["returns"])) == expected, row["handle"]
    assert stand_in.control.discounts(shop_domain) == discounts_before


def test_many_codes_are_listed_page_by_page_and_a_throttled_page_waits(
    app_server, runtime, stand_in, shop_domain, merchant
):
    for n in range(120):
        stand_in.control.create_discount(shop_domain, f"CODE{n:03d}", percentage=0.1)
    assert install(app_server.url, shop_domain).status_code == 302
    _settle(runtime, merchant)
    # a bucket of 600 points holds one page (502 points): the next ones wait for the refill
    stand_in.control.faults(shop_domain, throttle={"maximum": 600, "restore_rate": 250})
    logged = len(stand_in.control.graphql_log(shop_domain))
    body = merchant.get("/api/discounts/existing")
    assert body.status_code == 200, body.text
    assert sorted(r["code"] for r in body.json()["codes"]) == [f"CODE{n:03d}" for n in range(120)]
    calls = [
        e
        for e in stand_in.control.graphql_log(shop_domain)[logged:]
        if e["operation_name"] == "CodeDiscountNodes"
    ]
    done = [e for e in calls if not e["errors"]]
    # 120 codes at 50 a page: 3 pages, the 2nd and 3rd after the cursor of the one before
    assert [e["variables"]["first"] for e in done] == [50, 50, 50]
    assert done[0]["variables"]["after"] is None and all(e["variables"]["after"] for e in done[1:])
    assert len(calls) > len(done) and all("THROTTLED" in str(e["errors"]) for e in calls if e["errors"])
