"""Required and optional scopes on the stand-in, from the merchant's and the app's side: an install
grants only the required scopes, an optional scope comes only when the merchant grants it through
App Bridge's scopes API (or is declined, or revoked), every live token of the shop then carries the
grant, and ``app/scopes_update`` tells the app (shopify.dev "Manage access scopes")."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from devstore_support import APP_TOML, Receiver

from devstore import app_toml
from devstore.testing import ControlError

REQUIRED = "read_orders,write_discounts,read_customers"
OPTIONAL_TOML = APP_TOML.replace(
    f'scopes = "{REQUIRED}"',
    f'scopes = "{REQUIRED}"\noptional_scopes = [ "read_all_orders", "read_products" ]',
)
SCOPES_QUERY = "{ currentAppInstallation { accessScopes { handle } } }"


@pytest.fixture
def app(devstore, config):
    """The app's endpoint, with a TOML declaring read_all_orders and read_products optional."""
    config.app_toml.write_text(OPTIONAL_TOML)
    receiver = Receiver()
    devstore.set_app_url(receiver.url)
    yield receiver
    receiver.close()


def _handles(api, token: str) -> list[str]:
    body = api.graphql(SCOPES_QUERY, token).json()
    return [s["handle"] for s in body["data"]["currentAppInstallation"]["accessScopes"]]


def _scope_updates(devstore, shop, count: int) -> list[dict]:
    found = devstore.control.wait_deliveries(shop, "app/scopes_update", count=count)
    return [d["payload"] for d in found]


def test_the_toml_declares_optional_scopes_as_shopify_cli_does(tmp_path):
    path = tmp_path / "shopify.app.toml"
    path.write_text(OPTIONAL_TOML)
    toml = app_toml.load(path)
    assert toml.required == ["read_orders", "write_discounts", "read_customers"]
    assert toml.optional_scopes == ("read_all_orders", "read_products")
    path.write_text(OPTIONAL_TOML.replace('[ "read_all_orders", "read_products" ]', '"read_all_orders"'))
    with pytest.raises(app_toml.AppTomlError, match="optional_scopes must be a list"):
        app_toml.load(path)
    path.write_text(OPTIONAL_TOML.replace('"read_products" ]', '"read_orders" ]'))
    with pytest.raises(app_toml.AppTomlError, match="read_orders declared both required and optional"):
        app_toml.load(path)


def test_a_code_grant_install_grants_only_the_required_scopes(devstore, shop, api, app):
    authorize = requests.get(
        f"{devstore.origin(shop)}/admin/oauth/authorize",
        params={
            "client_id": devstore.config.api_key,
            "scope": REQUIRED + ",read_all_orders",
            "redirect_uri": app.url + "/auth/callback",
            "state": "n",
        },
        allow_redirects=False,
        timeout=60,
    )
    code = dict(parse_qsl(urlsplit(authorize.headers["Location"]).query))["code"]
    body = api.access_token(code=code, expiring="1").json()
    assert body["scope"] == REQUIRED  # read_all_orders asked for, not granted at install
    assert _handles(api, body["access_token"]) == REQUIRED.split(",")
    assert devstore.control.scopes(shop) == {
        "granted": REQUIRED.split(","),
        "required": REQUIRED.split(","),
        "optional": ["read_all_orders", "read_products"],
    }


def test_a_granted_optional_scope_reaches_every_live_token_and_the_app(devstore, shop, api, app, tokens):
    answer = devstore.control.request_scopes(shop, ["read_all_orders"])
    assert answer == {
        "result": "granted-all",
        "detail": {
            "granted": [*REQUIRED.split(","), "read_all_orders"],
            "required": REQUIRED.split(","),
            "optional": ["read_all_orders", "read_products"],
        },
    }
    assert "read_all_orders" in _handles(api, tokens["access_token"])  # the token the app already holds
    [update] = _scope_updates(devstore, shop, 1)
    assert update["previous"] == REQUIRED.split(",")
    assert update["current"] == [*REQUIRED.split(","), "read_all_orders"]
    assert update["shop_id"] == devstore.control.shop(shop)["gid"]
    [delivery] = [d for d in app.received if d["headers"]["X-Shopify-Topic"] == "app/scopes_update"]
    assert json.loads(delivery["body"]) == update
    refreshed = api.access_token(grant_type="refresh_token", refresh_token=tokens["refresh_token"]).json()
    assert refreshed["scope"] == REQUIRED + ",read_all_orders"
    # a later token exchange keeps what the merchant granted
    again = api.exchange(devstore.control.session_token(shop)).json()
    assert again["scope"] == REQUIRED + ",read_all_orders"


def test_a_declined_request_changes_nothing_and_sends_nothing(devstore, shop, api, app, tokens):
    devstore.control.answer_scope_requests(shop, "decline")
    answer = devstore.control.request_scopes(shop, ["read_all_orders"])
    assert answer["result"] == "declined-all"
    assert answer["detail"]["granted"] == REQUIRED.split(",")
    assert "read_all_orders" not in _handles(api, tokens["access_token"])
    assert [d for d in devstore.control.deliveries(shop) if d["topic"] == "app/scopes_update"] == []


def test_only_declared_optional_scopes_can_be_requested(devstore, shop, api, app, tokens):
    for scopes in (["write_orders"], ["read_orders"], [], "read_all_orders"):
        with pytest.raises(ControlError) as refused:
            devstore.control.request_scopes(shop, scopes)
        assert refused.value.response.status_code == 400
    assert devstore.control.scopes(shop)["granted"] == REQUIRED.split(",")


def test_a_request_before_install_is_refused(devstore, shop, app):
    with pytest.raises(ControlError, match="not installed"):
        devstore.control.request_scopes(shop, ["read_all_orders"])


def test_revoking_an_optional_scope_takes_it_from_the_tokens(devstore, shop, api, app, tokens):
    devstore.control.request_scopes(shop, ["read_all_orders", "read_products"])
    answer = devstore.control.revoke_scopes(shop, ["read_products"])
    assert answer == {
        "detail": {
            "granted": [*REQUIRED.split(","), "read_all_orders"],
            "required": REQUIRED.split(","),
            "optional": ["read_all_orders", "read_products"],
        }
    }
    assert "read_products" not in _handles(api, tokens["access_token"])
    # two deliveries, the grant's and the revocation's; sent in the background, they may be recorded in
    # either order (Shopify guarantees no ordering of webhooks)
    updates = _scope_updates(devstore, shop, 2)
    (revoked,) = [u for u in updates if "read_products" not in u["current"]]
    assert revoked["previous"] == [*REQUIRED.split(","), "read_all_orders", "read_products"]
    assert revoked["current"] == [*REQUIRED.split(","), "read_all_orders"]
    with pytest.raises(ControlError, match="not declared"):
        devstore.control.revoke_scopes(shop, ["read_orders"])  # a required scope stays


def test_uninstall_drops_granted_optional_scopes(devstore, shop, api, app, tokens):
    devstore.control.request_scopes(shop, ["read_all_orders"])
    devstore.control.uninstall(shop)
    reinstall = api.exchange(devstore.control.session_token(shop)).json()
    assert reinstall["scope"] == REQUIRED
