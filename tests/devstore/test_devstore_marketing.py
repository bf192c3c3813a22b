"""External marketing activities and day engagements as Shopify keeps them (marketingActivityUpsertExternal,
marketingEngagementCreate): write_marketing_events required, the campaign → ad hierarchy, UTM triples
unique, immutable fields, the shop's currency, the shop's UTC offset, and a day sent again replaced."""

from __future__ import annotations

import pytest
from devstore_support import APP_TOML, Api

SHOP = "marketer-shop.myshopify.com"
SCOPES = "read_orders,write_marketing_events"
UPSERT = """mutation U($i: MarketingActivityUpsertExternalInput!) {
  marketingActivityUpsertExternal(input: $i) {
  marketingActivity { id hierarchyLevel parentRemoteId utmParameters { campaign medium source } }
  userErrors { field message code } } }"""
ENGAGE = """mutation E($r: String, $e: MarketingEngagementInput!, $c: String) {
  marketingEngagementCreate(remoteId: $r, marketingEngagement: $e, channelHandle: $c) {
  marketingEngagement { occurredOn orders sales { amount currencyCode } }
  userErrors { field message code } } }"""
BASE = {
    "tactic": "AFFILIATE",
    "marketingChannelType": "SOCIAL",
    "status": "ACTIVE",
    "remoteUrl": "https://a.example/",
}
CAMPAIGN = {**BASE, "remoteId": "c-1", "title": "Spring", "hierarchyLevel": "CAMPAIGN"}
UTM = {"campaign": "spring", "source": "instagram", "medium": "maya"}
AD = {
    **BASE,
    "remoteId": "c-1-maya",
    "title": "Maya",
    "hierarchyLevel": "AD",
    "parentRemoteId": "c-1",
    "utm": UTM,
}


def _day(**extra) -> dict:
    return {
        "occurredOn": "2026-11-20",
        "utcOffset": "-05:00",  # America/New_York, standard time in November
        "adSpend": {"amount": "10.00", "currencyCode": "USD"},
        "sales": {"amount": "80.00", "currencyCode": "USD"},
        "orders": "2",
        **extra,
    }


def _token(api, devstore) -> str:
    return api.exchange(devstore.control.session_token(SHOP, sub="42")).json()["access_token"]


@pytest.fixture
def api(devstore, config) -> Api:
    config.app_toml.write_text(
        APP_TOML.replace('"read_orders,write_discounts,read_customers"', f'"{SCOPES}"')
    )
    devstore.control.create_shop(SHOP, scopes=SCOPES, currency="USD", timezone="America/New_York")
    return Api(devstore, SHOP)


@pytest.fixture
def token(api, devstore) -> str:
    return _token(api, devstore)


def _call(api, token, query, variables, field) -> dict:
    body = api.graphql(query, token, variables).json()
    assert "errors" not in body, body
    return body["data"][field]


def _upsert(api, token, data) -> dict:
    return _call(api, token, UPSERT, {"i": data}, "marketingActivityUpsertExternal")


def _engage(api, token, engagement, remote_id="c-1-maya", channel=None) -> dict:
    return _call(
        api, token, ENGAGE, {"r": remote_id, "e": engagement, "c": channel}, "marketingEngagementCreate"
    )


def _codes(payload) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


def test_a_campaign_and_its_ad_are_created_and_read_back(api, token, devstore):
    assert _upsert(api, token, CAMPAIGN)["userErrors"] == []
    ad = _upsert(api, token, AD)
    assert ad["userErrors"] == []
    assert ad["marketingActivity"]["parentRemoteId"] == "c-1"
    assert ad["marketingActivity"]["utmParameters"] == UTM
    held = devstore.control.marketing(SHOP)["activities"]
    assert [a["remoteId"] for a in held] == ["c-1", "c-1-maya"]


def test_hierarchy_rules(api, token):
    assert _codes(_upsert(api, token, AD)) == ["INVALID_REMOTE_ID"]  # its parent does not exist yet
    no_tracking = {k: v for k, v in {**AD, "parentRemoteId": "c-1"}.items() if k != "utm"}
    assert _upsert(api, token, CAMPAIGN)["userErrors"] == []
    assert _codes(_upsert(api, token, no_tracking)) == ["INVALID"]
    flat = {**BASE, "remoteId": "flat", "title": "Flat"}
    assert _codes(_upsert(api, token, flat)) == ["NON_HIERARCHIAL_REQUIRES_UTM_URL_PARAMETER"]
    both = {**AD, "urlParameterValue": "maya"}
    assert _codes(_upsert(api, token, both)) == ["INVALID"]


def test_utm_triples_are_unique_and_immutable(api, token):
    _upsert(api, token, CAMPAIGN)
    assert _upsert(api, token, AD)["userErrors"] == []
    twin = {**AD, "remoteId": "c-1-other"}
    assert _codes(_upsert(api, token, twin)) == ["MARKETING_ACTIVITY_WITH_UTM_CAMPAIGN_ALREADY_EXISTS"]
    moved = {**AD, "utm": {**UTM, "medium": "anna"}}
    assert _codes(_upsert(api, token, moved)) == ["IMMUTABLE_UTM_PARAMETERS"]
    assert _codes(_upsert(api, token, {**CAMPAIGN, "hierarchyLevel": "AD_GROUP"})) == [
        "IMMUTABLE_HIERARCHY_LEVEL"
    ]
    to_app = {**CAMPAIGN, "tactic": "STOREFRONT_APP"}
    assert _codes(_upsert(api, token, to_app)) == ["CANNOT_UPDATE_TACTIC_TO_STOREFRONT_APP"]
    retitled = _upsert(api, token, {**AD, "title": "Maya Ray"})  # the same remoteId: an update
    assert retitled["userErrors"] == []


def test_money_must_be_in_the_shops_currency(api, token):
    eur = {"amount": "5.00", "currencyCode": "EUR"}
    assert _codes(_upsert(api, token, {**CAMPAIGN, "adSpend": eur})) == ["CURRENCY_CODE_MISMATCH_INPUT"]
    _upsert(api, token, CAMPAIGN)
    _upsert(api, token, AD)
    assert _codes(_engage(api, token, _day(sales=eur))) == ["CURRENCY_CODE_MISMATCH_INPUT"]


def test_a_day_sent_again_replaces_its_figures(api, token, devstore):
    _upsert(api, token, CAMPAIGN)
    _upsert(api, token, AD)
    assert _engage(api, token, _day())["userErrors"] == []
    assert (
        _engage(api, token, _day(orders="1", sales={"amount": "40.00", "currencyCode": "USD"}))["userErrors"]
        == []
    )
    held = devstore.control.marketing(SHOP)["engagements"]
    assert [(e["occurredOn"], e["orders"], e["sales"]["amount"]) for e in held] == [
        ("2026-11-20", "1", "40.00")
    ]


def test_engagement_arguments_are_checked(api, token):
    _upsert(api, token, CAMPAIGN)
    _upsert(api, token, AD)
    assert _codes(_engage(api, token, _day(), remote_id="nope")) == ["MARKETING_ACTIVITY_DOES_NOT_EXIST"]
    assert _codes(_engage(api, token, _day(), remote_id=None)) == [
        "INVALID_MARKETING_ENGAGEMENT_ARGUMENT_MISSING"
    ]
    assert _codes(_engage(api, token, _day(), channel="x")) == ["INVALID_MARKETING_ENGAGEMENT_ARGUMENTS"]
    assert _codes(_engage(api, token, _day(utcOffset="+00:00"))) == ["INVALID"]  # not the shop's offset
    assert _codes(_engage(api, token, _day(utcOffset="-04:00", occurredOn="2026-07-01"))) == []  # summer time
    assert _codes(_engage(api, token, _day(orders="-1"))) == ["INVALID"]


def test_the_scope_is_required(api, devstore, config):
    config.app_toml.write_text(
        APP_TOML.replace('"read_orders,write_discounts,read_customers"', '"read_orders"')
    )
    other = "plain-shop.myshopify.com"
    devstore.control.create_shop(other, scopes="read_orders")
    plain = Api(devstore, other)
    token = plain.exchange(devstore.control.session_token(other, sub="42")).json()["access_token"]
    body = plain.graphql(UPSERT, token, {"i": CAMPAIGN}).json()
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
