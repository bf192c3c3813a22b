"""The stand-in's Flask app: Shopify's routes plus the control API."""

from __future__ import annotations

from flask import Flask

from devstore import (
    admin_api,
    admin_graphql,
    admin_ui,
    bulk,
    control,
    control_admin_frame,
    control_discounts,
    control_grants,
    control_orders,
    control_store,
    oauth,
    products,
)
from devstore.config import DevstoreConfig
from devstore.context import EXTENSION_KEY, Runtime, ShopDomainConverter
from devstore.state import Store


def create_app(config: DevstoreConfig | None = None, store: Store | None = None) -> Flask:
    """A new stand-in with its own empty store; loads the Admin schema (once per process)."""
    app = Flask(__name__)
    app.url_map.converters["shop"] = ShopDomainConverter
    app.extensions[EXTENSION_KEY] = Runtime(config or DevstoreConfig(), store)
    app.json.sort_keys = False
    app.register_blueprint(oauth.bp)
    app.register_blueprint(admin_api.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(control_discounts.bp)
    app.register_blueprint(control_grants.bp)
    app.register_blueprint(control_orders.bp)
    app.register_blueprint(control_store.bp)
    app.register_blueprint(products.bp)
    app.register_blueprint(bulk.bp)
    app.register_blueprint(admin_ui.bp)
    app.register_blueprint(control_admin_frame.bp)
    admin_graphql.get_schema()
    return app


def runtime_of(app: Flask) -> Runtime:
    """The Runtime (config + store) behind an app made by ``create_app``."""
    return app.extensions[EXTENSION_KEY]
