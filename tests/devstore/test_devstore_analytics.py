"""Analytics annotations and targets as Shopify keeps them: the app's title and description limits, endedAt
after startedAt, supported types and target metrics, duplicate targets TAKEN, only the app's own records
changeable (another's is NOT_FOUND), the write scopes, and a mutation's cost."""

from __future__ import annotations

import pytest
from devstore_support import Api

SHOP = "charts-shop.myshopify.com"
SCOPES = "read_orders,write_analytics_annotations,write_reports"
CREATE = """mutation C($i: AnalyticsAnnotationCreateInput!) { analyticsAnnotationCreate(input: $i) {
  analyticsAnnotation { id title description type startedAt endedAt source }
  userErrors { field code message } } }"""
UPDATE = """mutation U($id: ID!, $i: AnalyticsAnnotationUpdateInput!) {
  analyticsAnnotationUpdate(id: $id, input: $i) {
  analyticsAnnotation { id title endedAt } userErrors { field code } } }"""
DELETE = """mutation D($id: ID!) { analyticsAnnotationDelete(id: $id) { deletedId userErrors { code } } }"""
READ = """{ shop { analyticsAnnotations(first: 10) { nodes { id title source } } } }"""
T_CREATE = """mutation T($i: AnalyticsTargetCreateInput!) { analyticsTargetCreate(input: $i) {
  analyticsTarget { id name metric expectedValue currencyCode startDate endDate }
  userErrors { field code } } }"""
T_UPDATE = """mutation TU($id: ID!, $i: AnalyticsTargetUpdateInput!) {
  analyticsTargetUpdate(id: $id, input: $i) {
  analyticsTarget { expectedValue } userErrors { code } } }"""
T_DELETE = """mutation TD($ids: [ID!]!) {
  analyticsTargetsDelete(ids: $ids) { deletedIds userErrors { field code } } }"""
T_READ = """{ analyticsTargets(first: 5) { nodes { id name metric expectedValue } } }"""
LAUNCH = {"title": "Summer launch", "type": "campaign", "startedAt": "2026-07-01T00:00:00Z"}


def _token(devstore, shop: str, scopes: str) -> tuple[Api, str]:
    devstore.control.create_shop(shop, scopes=scopes)
    api = Api(devstore, shop)
    return api, api.exchange(devstore.control.session_token(shop, sub="42")).json()["access_token"]


@pytest.fixture
def app(devstore):
    return _token(devstore, SHOP, SCOPES)


def test_an_annotation_is_created_read_updated_and_deleted(devstore, app):
    api, token = app
    made = api.graphql(CREATE, token, {"i": {**LAUNCH, "endedAt": "2026-07-15T00:00:00Z"}}).json()
    assert made["extensions"]["cost"]["requestedQueryCost"] == 10  # "Mutation | 10"
    note = made["data"]["analyticsAnnotationCreate"]["analyticsAnnotation"]
    assert (note["title"], note["source"], note["endedAt"]) == (
        "Summer launch",
        "APP",
        "2026-07-15T00:00:00Z",
    )
    listed = api.graphql(READ, token).json()["data"]["shop"]["analyticsAnnotations"]["nodes"]
    assert [n["id"] for n in listed] == [note["id"]]
    moved = api.graphql(UPDATE, token, {"id": note["id"], "i": {"endedAt": None}}).json()
    assert moved["data"]["analyticsAnnotationUpdate"]["analyticsAnnotation"]["endedAt"] is None  # open-ended
    gone = api.graphql(DELETE, token, {"id": note["id"]}).json()["data"]["analyticsAnnotationDelete"]
    assert gone == {"deletedId": note["id"], "userErrors": []}
    assert devstore.control.analytics(SHOP)["annotations"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "x" * 76}, "title"),  # 75 characters at most
        ({"description": "x" * 151}, "description"),  # 150 at most
        ({"type": "creator_post"}, "type"),  # not a supported type
        ({"endedAt": "2026-07-01T00:00:00Z"}, "endedAt"),  # not after startedAt
        ({"startedAt": "July 1st"}, "startedAt"),
    ],
)
def test_a_bad_annotation_is_refused_with_invalid_and_nothing_is_made(devstore, app, change, field):
    api, token = app
    body = api.graphql(CREATE, token, {"i": {**LAUNCH, **change}}).json()["data"]["analyticsAnnotationCreate"]
    assert body["analyticsAnnotation"] is None
    assert body["userErrors"][0]["field"] == ["input", field] and body["userErrors"][0]["code"] == "INVALID"
    assert devstore.control.analytics(SHOP)["annotations"] == []


def test_75_and_150_characters_are_accepted(app):
    api, token = app
    body = api.graphql(CREATE, token, {"i": {**LAUNCH, "title": "t" * 75, "description": "d" * 150}}).json()
    assert body["data"]["analyticsAnnotationCreate"]["userErrors"] == []


def test_another_apps_or_the_merchants_annotation_is_not_found_to_this_app(devstore, app):
    api, token = app
    theirs = devstore.control.seed_annotation(SHOP, title="Theme change")["id"]
    body = api.graphql(UPDATE, token, {"id": theirs, "i": {"title": "Mine now"}}).json()
    assert body["data"]["analyticsAnnotationUpdate"]["userErrors"][0]["code"] == "NOT_FOUND"
    body = api.graphql(DELETE, token, {"id": theirs}).json()
    assert body["data"]["analyticsAnnotationDelete"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert devstore.control.analytics(SHOP)["annotations"][0]["title"] == "Theme change"


def test_writing_needs_the_write_scopes(devstore):
    api, token = _token(devstore, "plain-shop.myshopify.com", "read_orders")
    for query, variables in ((CREATE, {"i": LAUNCH}), (T_READ, None)):
        body = api.graphql(query, token, variables).json()
        assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"


def test_a_target_is_unique_by_metric_and_dates_and_takes_only_known_metrics(devstore, app):
    api, token = app
    goal = {"name": "Summer revenue", "metric": "total_sales", "expectedValue": "5000.00"}
    goal |= {"startDate": "2026-07-01", "endDate": "2026-07-31"}
    made = api.graphql(T_CREATE, token, {"i": goal}).json()["data"]["analyticsTargetCreate"]
    target = made["analyticsTarget"]
    assert (target["expectedValue"], target["currencyCode"]) == ("5000.00", "USD")
    again = api.graphql(T_CREATE, token, {"i": {**goal, "name": "Other"}}).json()["data"][
        "analyticsTargetCreate"
    ]
    assert again["userErrors"][0]["code"] == "TAKEN"
    roas = api.graphql(T_CREATE, token, {"i": {**goal, "metric": "roas"}}).json()["data"][
        "analyticsTargetCreate"
    ]
    assert roas["userErrors"][0]["code"] == "INVALID_METRIC"
    zero = api.graphql(
        T_CREATE, token, {"i": {**goal, "expectedValue": "0", "startDate": "2026-08-01"}}
    ).json()
    assert zero["data"]["analyticsTargetCreate"]["userErrors"][0]["field"][-1] == "expectedValue"
    raised = api.graphql(T_UPDATE, token, {"id": target["id"], "i": {"expectedValue": "6000"}}).json()
    assert raised["data"]["analyticsTargetUpdate"]["analyticsTarget"]["expectedValue"] == "6000"
    nodes = api.graphql(T_READ, token).json()["data"]["analyticsTargets"]["nodes"]
    assert [(n["name"], n["metric"]) for n in nodes] == [("Summer revenue", "total_sales")]
    missing = "gid://shopify/AnalyticsTarget/999999"
    out = api.graphql(T_DELETE, token, {"ids": [missing, target["id"]]}).json()["data"][
        "analyticsTargetsDelete"
    ]
    # the missing id is an error for that id, and the valid one is still deleted
    assert out["deletedIds"] == [target["id"]] and out["userErrors"] == [
        {"field": ["ids", "0"], "code": "NOT_FOUND"}
    ]
    assert devstore.control.analytics(SHOP)["targets"] == []
