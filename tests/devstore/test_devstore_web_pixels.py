"""The app's web pixel through Admin GraphQL: scopes, one pixel per app and shop, settings checked against
the extension's settings definition, update, delete and the query."""

from __future__ import annotations

import json

import pytest
from devstore_pixel_support import (
    CREATE,
    DELETE,
    READ,
    SETTINGS,
    UPDATE,
    app_extension_dir,
    create_pixel,
    install,
    write_extension,
)

SHOP = "pixels.myshopify.com"


@pytest.fixture
def extension(config):
    return write_extension(app_extension_dir(config))


def _create(api, token, settings) -> dict:
    body = api.graphql(CREATE, token, variables={"webPixel": {"settings": settings}}).json()
    assert "errors" not in body, body
    return body["data"]["webPixelCreate"]


@pytest.mark.parametrize(
    "scopes, missing",
    [
        ("read_orders,read_customer_events", "write_pixels"),
        ("read_orders,write_pixels", "read_customer_events"),
    ],
)
def test_creating_a_pixel_needs_write_pixels_and_read_customer_events(devstore, extension, scopes, missing):
    api, token = install(devstore, SHOP, scopes=scopes)
    body = api.graphql(CREATE, token, variables={"webPixel": {"settings": json.dumps(SETTINGS)}}).json()
    assert body["data"] == {"webPixelCreate": None}
    error = body["errors"][0]
    assert error["extensions"]["code"] == "ACCESS_DENIED"
    assert "Access denied for webPixelCreate field" in error["message"] and missing in error["message"]
    read = api.graphql(READ, token).json()
    assert read["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    assert devstore.control.storefront(SHOP)["web_pixel"] is None


def test_a_created_pixel_answers_its_settings_as_a_json_string_and_a_second_is_taken(devstore, extension):
    api, token = install(devstore, SHOP)
    created = create_pixel(api, token)
    assert created["userErrors"] == []
    assert created["webPixel"]["id"].startswith("gid://shopify/WebPixel/")
    assert json.loads(created["webPixel"]["settings"]) == SETTINGS
    body = api.graphql(CREATE, token, variables={"webPixel": {"settings": SETTINGS}}).json()
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10
    again = body["data"]["webPixelCreate"]
    assert again["webPixel"] is None
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [(["webPixel"], "TAKEN")]
    read = api.graphql(READ, token).json()["data"]["webPixel"]
    assert read == created["webPixel"]
    assert devstore.control.storefront(SHOP)["web_pixel"]["settings"] == SETTINGS


@pytest.mark.parametrize(
    "settings, code, message",
    [
        ("{}", "INVALID_SETTINGS", "Missing keys: endpoint, shop, key, windowDays"),
        ({**SETTINGS, "extra": "1"}, "INVALID_SETTINGS", "Unknown keys: extra"),
        ({**SETTINGS, "windowDays": 30}, "INVALID_SETTINGS", "windowDays must be a string"),
        ({**SETTINGS, "key": "short"}, "INVALID_SETTINGS", "key must be at least 24 characters"),
        ("{not json", "INVALID_CONFIGURATION_JSON", "The provided settings is not a valid JSON."),
        ('["a"]', "INVALID_SETTINGS", "Settings must be a JSON object."),
    ],
)
def test_settings_must_match_the_extensions_definition(devstore, extension, settings, code, message):
    api, token = install(devstore, SHOP)
    answer = _create(api, token, settings)
    assert answer["webPixel"] is None
    assert {"field": ["webPixel"], "code": code, "message": message} in answer["userErrors"]
    assert devstore.control.storefront(SHOP)["web_pixel"] is None


def test_without_an_extension_or_with_one_shopify_would_not_run(devstore, config):
    api, token = install(devstore, SHOP)
    assert _create(api, token, SETTINGS)["userErrors"][0]["code"] == "NO_EXTENSION"
    write_extension(app_extension_dir(config), runtime_context="lax")
    assert _create(api, token, SETTINGS)["userErrors"][0]["code"] == "INVALID_RUNTIME_CONTEXT"
    write_extension(app_extension_dir(config), window_type="number_integer")
    assert _create(api, token, SETTINGS)["userErrors"][0]["code"] == "INVALID_SETTINGS_DEFINITION"


def test_the_extension_directory_can_be_pointed_elsewhere(devstore, tmp_path):
    api, token = install(devstore, SHOP)
    elsewhere = write_extension(tmp_path / "elsewhere")
    answer = devstore.control.set_web_pixel_extension(str(elsewhere))
    assert answer == {"dir": str(elsewhere), "found": True, "error": None}
    assert _create(api, token, SETTINGS)["userErrors"] == []
    assert devstore.control.set_web_pixel_extension(None)["found"] is False


def test_update_and_delete_name_the_pixel_and_the_query_then_finds_none(devstore, extension):
    api, token = install(devstore, SHOP)
    pixel_id = create_pixel(api, token)["webPixel"]["id"]
    changed = {**SETTINGS, "windowDays": "7"}
    wrong = api.graphql(
        UPDATE, token, variables={"id": "gid://shopify/WebPixel/1", "webPixel": {"settings": changed}}
    )
    assert wrong.json()["data"]["webPixelUpdate"]["userErrors"][0]["code"] == "NOT_FOUND"
    bad = api.graphql(
        UPDATE, token, variables={"id": pixel_id, "webPixel": {"settings": {"windowDays": "7"}}}
    )
    assert bad.json()["data"]["webPixelUpdate"]["userErrors"][0]["code"] == "INVALID_SETTINGS"
    updated = api.graphql(
        UPDATE, token, variables={"id": pixel_id, "webPixel": {"settings": json.dumps(changed)}}
    )
    assert json.loads(updated.json()["data"]["webPixelUpdate"]["webPixel"]["settings"]) == changed
    assert api.graphql(READ, token).json()["data"]["webPixel"]["id"] == pixel_id
    deleted = api.graphql(DELETE, token, variables={"id": pixel_id}).json()["data"]["webPixelDelete"]
    assert deleted == {"deletedWebPixelId": pixel_id, "userErrors": []}
    again = api.graphql(DELETE, token, variables={"id": pixel_id}).json()["data"]["webPixelDelete"]
    assert again["userErrors"][0]["code"] == "NOT_FOUND"
    gone = api.graphql(READ, token).json()
    assert gone["data"] == {"webPixel": None}
    assert gone["errors"][0]["message"] == "No web pixel was found for this app."
    assert gone["errors"][0]["extensions"]["code"] == "RESOURCE_NOT_FOUND"


def test_uninstalling_the_app_removes_its_pixel(devstore, extension):
    api, token = install(devstore, SHOP)
    create_pixel(api, token)
    devstore.control.uninstall(SHOP)
    _, token = install(devstore, SHOP)
    assert api.graphql(READ, token).json()["errors"][0]["message"] == "No web pixel was found for this app."
