"""The stand-in's Flask app: Shopify's routes (OAuth, Admin API, admin frame, online store and its web
pixel sandbox) plus the control API."""

from __future__ import annotations

from flask import Flask

from devstore.admin import engine
from devstore.admin.bulk.operations import bp as bulk_results
from devstore.admin.endpoint import bp as admin_graphql
from devstore.app_bridge.admin_frame import bp as admin_frame
from devstore.config import DevstoreConfig
from devstore.context import EXTENSION_KEY, Runtime, ShopDomainConverter
from devstore.control.admin_frame import bp as control_admin_frame
from devstore.control.analytics import bp as control_analytics
from devstore.control.discounts import bp as control_discounts
from devstore.control.flow import bp as control_flow
from devstore.control.grants import bp as control_grants
from devstore.control.marketing import bp as control_marketing
from devstore.control.metafields import bp as control_metafields
from devstore.control.orders import bp as control_orders
from devstore.control.products import bp as control_products
from devstore.control.shops import bp as control_shops
from devstore.control.store import bp as control_store
from devstore.control.storefront import bp as control_storefront
from devstore.oauth.authorize import bp as oauth_authorize
from devstore.oauth.token_endpoint import bp as oauth_token
from devstore.store.state import Store
from devstore.storefront.checkout import bp as storefront_checkout
from devstore.storefront.pages import bp as storefront_pages
from devstore.storefront.sandbox import bp as web_pixel_sandbox

BLUEPRINTS = (
    oauth_authorize,
    oauth_token,
    admin_graphql,
    control_shops,
    control_discounts,
    control_grants,
    control_orders,
    control_store,
    control_products,
    control_marketing,
    control_metafields,
    control_analytics,
    control_flow,
    bulk_results,
    admin_frame,
    control_admin_frame,
    control_storefront,
    web_pixel_sandbox,
    storefront_pages,
    storefront_checkout,
)


def create_app(config: DevstoreConfig | None = None, store: Store | None = None) -> Flask:
    """A new stand-in with its own empty store; loads the Admin schema (once per process)."""
    app = Flask(__name__)
    app.url_map.converters["shop"] = ShopDomainConverter
    app.extensions[EXTENSION_KEY] = Runtime(config or DevstoreConfig(), store)
    app.json.sort_keys = False
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    engine.get_schema()
    return app


def runtime_of(app: Flask) -> Runtime:
    """The Runtime (config + store) behind an app made by ``create_app``."""
    return app.extensions[EXTENSION_KEY]
