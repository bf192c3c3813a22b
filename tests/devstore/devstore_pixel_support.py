"""What the web pixel and storefront tests share: a web pixel extension written into a temporary app
directory, a shop whose app may manage its pixel, and reading a storefront page's pixel configuration.
(Named uniquely so it cannot be confused with another helper module on sys.path.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import requests
from devstore_support import Api

PIXEL_SCOPES = "read_orders,write_discounts,read_customers,write_pixels,read_customer_events"
SETTINGS = {
    "endpoint": "https://app.example.com/pixel/events",
    "shop": "demo-shop.myshopify.com",
    "key": "k" * 32,
    "windowDays": "30",
}
EXTENSION_TOML = """
type = "web_pixel_extension"
name = "creator-pixel"
handle = "creator-pixel"
runtime_context = "{runtime_context}"

[customer_privacy]
analytics = true
marketing = false
preferences = false
sale_of_data = "disabled"

[settings]
type = "object"

[settings.fields.endpoint]
name = "Collector URL"
type = "single_line_text_field"

[settings.fields.shop]
name = "Shop"
type = "single_line_text_field"

[settings.fields.key]
name = "Pixel key"
type = "single_line_text_field"
validations = [ {{ name = "min", value = "24" }}, {{ name = "max", value = "48" }} ]

[settings.fields.windowDays]
name = "Attribution window (days)"
type = "{window_type}"
"""
INDEX_JS = """import {register} from "@shopify/web-pixels-extension";
import {start} from "./pixel";

register((api) => start(api));
"""
CREATE = """mutation Create($webPixel: WebPixelInput!) {
  webPixelCreate(webPixel: $webPixel) { webPixel { id settings } userErrors { field code message } }
}"""
UPDATE = """mutation Update($id: ID!, $webPixel: WebPixelInput!) {
  webPixelUpdate(id: $id, webPixel: $webPixel) { webPixel { id settings } userErrors { field code message } }
}"""
DELETE = """mutation Delete($id: ID!) {
  webPixelDelete(id: $id) { deletedWebPixelId userErrors { field code message } }
}"""
READ = "query Read { webPixel { id settings } }"


def write_extension(
    directory: Path,
    pixel_js: str = "export function start(api) {}\n",
    runtime_context: str = "strict",
    window_type: str = "single_line_text_field",
) -> Path:
    """A web pixel extension (shopify.extension.toml, src/index.js, src/pixel.js) in ``directory``."""
    (directory / "src").mkdir(parents=True, exist_ok=True)
    toml = EXTENSION_TOML.format(runtime_context=runtime_context, window_type=window_type)
    (directory / "shopify.extension.toml").write_text(toml)
    (directory / "src" / "index.js").write_text(INDEX_JS)
    (directory / "src" / "pixel.js").write_text(pixel_js)
    return directory


def app_extension_dir(config) -> Path:
    """Where the app's own extension lives: extensions/creator-pixel beside the tests' shopify.app.toml."""
    return Path(config.app_toml).parent / "extensions" / "creator-pixel"


def install(devstore, domain: str, scopes: str = PIXEL_SCOPES, **shop) -> tuple[Api, str]:
    """Create the shop and install the app by token exchange; (api, offline access token)."""
    devstore.control.create_shop(domain, scopes=scopes, **shop)
    api = Api(devstore, domain)
    response = api.exchange(devstore.control.session_token(domain, sub="42"))
    assert response.status_code == 200, response.text
    return api, response.json()["access_token"]


def create_pixel(api: Api, token: str, settings=None) -> dict:
    """``webPixelCreate`` with the settings JSON-encoded, as the getting-started page sends them."""
    value = json.dumps(SETTINGS if settings is None else settings)
    body = api.graphql(CREATE, token, variables={"webPixel": {"settings": value}}).json()
    assert "errors" not in body, body
    return body["data"]["webPixelCreate"]


def add_product(devstore, domain: str, **product) -> dict:
    body = {
        "title": "Trail Shoe",
        "vendor": "Acme",
        "variants": [{"title": "42", "sku": "TS-42", "price": "80.00"}],
    }
    response = requests.post(
        f"{devstore.url}/_devstore/shops/{domain}/products", json={**body, **product}, timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()["product"]


def page_config(html: str) -> dict:
    """The page's pixel manager configuration (``<script id="devstore-web-pixels">``)."""
    found = re.search(r'<script type="application/json" id="devstore-web-pixels">(.*?)</script>', html, re.S)
    assert found, html[:500]
    return json.loads(found.group(1))


def event_names(html: str) -> list[str]:
    return [e["name"] for e in page_config(html)["events"]]
