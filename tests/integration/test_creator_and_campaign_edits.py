"""Editing a creator and a campaign from their pages (#17 items 9 and 11): one PATCH changes followers,
commission and campaigns together; a refused save names each bad field and changes nothing; a campaign is
read by id (404 for another shop's), its members are added and removed, fields not sent are kept; a
tracked link names its placement and campaign."""

from __future__ import annotations

import uuid

import pytest
from support import Merchant, install


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _campaign(merchant, name, **fields):
    made = merchant.post("/api/campaigns", {"name": name, **fields})
    assert made.status_code == 201, made.text
    return made.json()


def test_one_edit_changes_followers_commission_and_campaigns(merchant):
    _campaign(merchant, "Spring launch")
    assert merchant.create_creator("anna", "ANNA15", campaigns=["Spring launch"]).status_code == 201
    _campaign(merchant, "Summer drop")
    body = {"followers": "48,000", "commission_percent": "12.5", "campaigns": ["Summer drop", "Autumn"]}
    saved = merchant.patch("/api/creators/anna", body)
    assert saved.status_code == 200, saved.text
    anna = merchant.get("/api/creators/anna").json()
    assert (anna["followers"], anna["commission_percent"]) == (48000, "12.5")
    # Spring launch left, Summer drop joined, Autumn made by its name.
    assert anna["campaigns"] == ["Autumn", "Summer drop"]
    names = [c["name"] for c in merchant.get("/api/campaigns").json()["campaigns"]]
    assert sorted(names) == ["Autumn", "Spring launch", "Summer drop"]
    # An empty followers field on an edit makes it unknown again; no campaigns leaves every campaign.
    assert merchant.patch("/api/creators/anna", {"followers": "", "campaigns": []}).status_code == 200
    anna = merchant.get("/api/creators/anna").json()
    assert (anna["followers"], anna["campaigns"]) == (None, [])


def test_a_refused_creator_edit_names_each_field_and_changes_nothing(merchant):
    assert merchant.create_creator("anna", "ANNA15", campaigns=["Spring launch"]).status_code == 201
    before = merchant.get("/api/creators/anna").json()
    refused = merchant.patch(
        "/api/creators/anna",
        {"name": "Anna B", "followers": "many", "commission_percent": "150", "campaigns": ["New one"]},
    )
    assert refused.status_code == 400
    assert set(refused.json()["fields"]) == {"followers", "commission_percent"}
    assert merchant.get("/api/creators/anna").json() == before
    assert [c["name"] for c in merchant.get("/api/campaigns").json()["campaigns"]] == ["Spring launch"]
    # The handle is in links already shared: a rename is refused by name.
    renamed = merchant.patch("/api/creators/anna", {"handle": "anna2"})
    assert renamed.status_code == 400 and "handle" in renamed.json()["fields"]


def test_a_campaign_is_read_by_id_and_its_members_are_added_and_removed(merchant):
    spring = _campaign(
        merchant, "Spring launch", starts_on="2026-07-08", ends_on="2026-09-05", target_roas="3"
    )
    for handle, code in (("anna", "ANNA15"), ("ben", "BEN10")):
        assert merchant.create_creator(handle, code).status_code == 201
    got = merchant.get(f"/api/campaigns/{spring['id']}")
    assert got.status_code == 200
    assert (got.json()["name"], got.json()["starts_on"], got.json()["creators"]) == (
        "Spring launch",
        "2026-07-08",
        [],
    )
    added = merchant.patch(f"/api/campaigns/{spring['id']}", {"creators": ["anna", "@Ben"]})
    assert added.status_code == 200, added.text
    # Only the members were sent: the dates and the target are kept.
    assert (added.json()["creators"], added.json()["starts_on"], added.json()["ends_on"]) == (
        ["anna", "ben"],
        "2026-07-08",
        "2026-09-05",
    )
    assert added.json()["target_roas"] is not None
    assert merchant.get("/api/creators/ben").json()["campaigns"] == ["Spring launch"]
    removed = merchant.patch(f"/api/campaigns/{spring['id']}", {"creators": ["ben"]})
    assert removed.json()["creators"] == ["ben"]
    assert merchant.get("/api/creators/anna").json()["campaigns"] == []
    # An empty date or target clears it (an open end).
    cleared = merchant.patch(f"/api/campaigns/{spring['id']}", {"ends_on": "", "target_roas": ""}).json()
    assert (cleared["starts_on"], cleared["ends_on"], cleared["target_roas"]) == ("2026-07-08", None, None)


def test_a_refused_campaign_edit_names_each_field_and_changes_nothing(merchant):
    spring = _campaign(merchant, "Spring launch", starts_on="2026-07-08", ends_on="2026-09-05")
    assert merchant.create_creator("anna", "ANNA15", campaigns=["Spring launch"]).status_code == 201
    before = merchant.get(f"/api/campaigns/{spring['id']}").json()
    for body, bad in (
        ({"name": "Renamed", "starts_on": "2026-13-01", "creators": []}, {"starts_on"}),
        ({"starts_on": "2026-09-10", "ends_on": "2026-09-01"}, {"ends_on"}),
        ({"starts_on": "0001-01-01", "target_roas": "lots"}, {"starts_on", "target_roas"}),
        ({"name": "Renamed", "creators": ["anna", "nobody"]}, {"creators"}),
        ({"creators": "anna"}, {"creators"}),
    ):
        refused = merchant.patch(f"/api/campaigns/{spring['id']}", body)
        assert refused.status_code == 400, (body, refused.text)
        assert set(refused.json()["fields"]) == bad, body
        assert merchant.get(f"/api/campaigns/{spring['id']}").json() == before


def test_another_shops_campaign_id_is_not_found(merchant, app_server, stand_in):
    spring = _campaign(merchant, "Spring launch", starts_on="2026-07-08")
    other = f"tenant-b-{uuid.uuid4().hex[:8]}.myshopify.com"
    stand_in.control.create_shop(other)
    install(app_server.url, other)
    b = Merchant(app_server.url, stand_in, other)
    assert b.create_creator("zed", "ZED10").status_code == 201
    assert b.get(f"/api/campaigns/{spring['id']}").status_code == 404
    refused = b.patch(f"/api/campaigns/{spring['id']}", {"name": "Taken", "creators": ["zed"]})
    assert refused.status_code == 404 and "Spring" not in refused.text
    assert merchant.get(f"/api/campaigns/{spring['id']}").json()["name"] == "Spring launch"
    assert merchant.get(f"/api/campaigns/{spring['id']}").json()["creators"] == []


def test_a_tracked_link_names_its_placement_campaign_and_destination(merchant):
    assert merchant.create_creator("anna", "ANNA15", campaigns=["Spring launch"]).status_code == 201
    made = merchant.post(
        "/api/creators/anna/links",
        {
            "target": "collection",
            "target_handle": "summer",
            "placement": "story",
            "campaign": "Spring launch",
        },
    )
    assert made.status_code == 201, made.text
    link = merchant.get("/api/creators/anna").json()["links"]["tracked"][0]
    assert (link["placement"], link["campaign"], link["target"], link["target_handle"]) == (
        "story",
        "Spring launch",
        "collection",
        "summer",
    )
    assert "utm_medium=story" in link["destination"] and "utm_campaign=spring-launch" in link["destination"]
