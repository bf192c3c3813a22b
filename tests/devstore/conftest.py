"""Fixtures for the stand-in's own tests: a served stand-in, a created shop, tokens."""

from __future__ import annotations

import pytest
from devstore_support import APP_TOML, SCOPES, SHOP, Api, Receiver

from devstore.config import DevstoreConfig
from devstore.testing import DevstoreServer


def pytest_configure(config):
    # The demo secret is shorter than PyJWT's recommended 32 bytes; that is the demo's choice.
    config.addinivalue_line("filterwarnings", "ignore::jwt.warnings.InsecureKeyLengthWarning")


@pytest.fixture
def config(tmp_path) -> DevstoreConfig:
    """No app listens on port 9; webhook tests point app_url at their own receiver."""
    return DevstoreConfig(app_url="http://127.0.0.1:9", app_toml=tmp_path / "shopify.app.toml")


@pytest.fixture
def devstore(config):
    with DevstoreServer(config) as server:
        yield server


@pytest.fixture
def shop(devstore) -> str:
    devstore.control.create_shop(
        SHOP,
        name="Demo Shop",
        currency="USD",
        timezone="America/New_York",
        scopes=SCOPES,
    )
    return SHOP


@pytest.fixture
def api(devstore, shop) -> Api:
    return Api(devstore, shop)


@pytest.fixture
def tokens(api, devstore, shop) -> dict:
    """An expiring offline token pair obtained by token exchange."""
    response = api.exchange(devstore.control.session_token(shop, sub="42"))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def receiver(devstore, config):
    """The app's webhook endpoint: the tests' TOML (with discount topics) and a recording app."""
    config.app_toml.write_text(APP_TOML)
    app = Receiver()
    devstore.set_app_url(app.url)  # the app's port is known only after the stand-in started
    yield app
    app.close()
