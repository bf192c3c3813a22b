"""What request handlers share: the current config and the store of one stand-in app."""

from __future__ import annotations

import threading
from dataclasses import replace

from flask import abort, current_app, jsonify, make_response
from werkzeug.routing import BaseConverter

from devstore.config import DevstoreConfig
from devstore.store.state import Shop, Store

EXTENSION_KEY = "devstore"


class Runtime:
    """The config (swappable, since tests learn the app's port late) and the store."""

    def __init__(self, config: DevstoreConfig, store: Store | None = None):
        self._config = config
        self._lock = threading.Lock()
        self.store = store or Store()

    @property
    def config(self) -> DevstoreConfig:
        with self._lock:
            return self._config

    def update_config(self, **changes) -> DevstoreConfig:
        """Swap in a copy of the config with ``changes`` (e.g. the app's customer data approval)."""
        with self._lock:
            self._config = replace(self._config, **changes)
            return self._config

    def set_app_url(self, app_url: str) -> None:
        """Point redirects and webhook deliveries at a new app origin from now on."""
        with self._lock:
            self._config = self._config.with_app_url(app_url)


class ShopDomainConverter(BaseConverter):
    """URL converter ``<shop:shop>``: only ``name.myshopify.com`` matches, anything else is 404."""

    regex = r"[a-z0-9][a-z0-9-]*\.myshopify\.com"


def runtime() -> Runtime:
    """The Runtime of the app handling the current request."""
    return current_app.extensions[EXTENSION_KEY]


def shop_or_404(domain: str) -> Shop:
    """The created shop with that domain, or abort with a JSON 404."""
    shop = runtime().store.get_shop(domain)
    if shop is None:
        abort(make_response(jsonify(errors="Not Found"), 404))
    return shop
