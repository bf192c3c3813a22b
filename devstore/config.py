"""Configuration of the stand-in: one frozen object built at start."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from devstore.admin import customer_data

DEFAULT_API_KEY = "demo-api-key"
DEFAULT_API_SECRET = "demo-api-secret-for-the-local-stand-in"


@dataclass(frozen=True)
class DevstoreConfig:
    """What the stand-in needs to know about the one app it serves.

    ``app_url`` is the app's origin: OAuth ``redirect_uri`` must start with it and relative
    webhook URIs from ``shopify.app.toml`` are resolved against it. It can be changed after
    start by swapping the config (see ``devstore.context.Runtime.set_app_url``).
    """

    api_key: str = DEFAULT_API_KEY
    api_secret: str = DEFAULT_API_SECRET
    app_url: str = "http://127.0.0.1:8000"
    app_toml: Path | None = Path("shopify.app.toml")
    api_versions: tuple[str, ...] = ("2026-10",)
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 7776000  # 90 days, as Shopify answers in refresh_token_expires_in
    code_ttl: int = 600
    webhook_timeout: tuple[float, float] = field(default=(1.0, 5.0))  # connect, read (Shopify: 1 s, 5 s)
    # Automatic webhook retries run on Shopify's schedule (8 tries over 4 hours, see
    # devstore.webhooks.retries) multiplied by this: 1 is real time, 0.001 fits the 4 hours in 14.4 s.
    webhook_retry_scale: float = 1.0
    # Protected customer data the app is approved for (devstore.admin.customer_data): level 1 by default.
    customer_data: frozenset[str] = customer_data.DEFAULT
    partner_id: int = 3100001  # in Shopify's "not approved" message links
    app_id: int = 4100001
    # The app's web pixel extension (its shopify.extension.toml and src/): None finds the one web pixel
    # extension in extensions/ beside app_toml (devstore.web_pixel_extension).
    web_pixel_extension_dir: Path | None = None

    def with_app_url(self, app_url: str) -> DevstoreConfig:
        """Return a copy pointing at another app origin (trailing slash dropped)."""
        return replace(self, app_url=app_url.rstrip("/"))


def config_from_env(environ: dict[str, str] | None = None, **overrides) -> DevstoreConfig:
    """Build a config from SHOPIFY_API_KEY, SHOPIFY_API_SECRET, APP_URL, DEVSTORE_APP_TOML,
    DEVSTORE_CUSTOMER_DATA (``0``, ``1``, ``2`` or ``2:email,name``), DEVSTORE_WEBHOOK_RETRY_SCALE and
    DEVSTORE_WEB_PIXEL_EXTENSION_DIR.

    Keyword overrides that are not None win over the environment.
    """
    env = os.environ if environ is None else environ
    values = {
        "api_key": env.get("SHOPIFY_API_KEY") or DEFAULT_API_KEY,
        "api_secret": env.get("SHOPIFY_API_SECRET") or DEFAULT_API_SECRET,
        "app_url": (env.get("APP_URL") or "http://127.0.0.1:8000").rstrip("/"),
        "app_toml": Path(env.get("DEVSTORE_APP_TOML") or "shopify.app.toml"),
    }
    if env.get("DEVSTORE_CUSTOMER_DATA"):
        values["customer_data"] = customer_data.parse_level(env["DEVSTORE_CUSTOMER_DATA"])
    if env.get("DEVSTORE_WEBHOOK_RETRY_SCALE"):
        values["webhook_retry_scale"] = float(env["DEVSTORE_WEBHOOK_RETRY_SCALE"])
    if env.get("DEVSTORE_WEB_PIXEL_EXTENSION_DIR"):
        values["web_pixel_extension_dir"] = Path(env["DEVSTORE_WEB_PIXEL_EXTENSION_DIR"])
    values.update({k: v for k, v in overrides.items() if v is not None})
    for key in ("app_toml", "web_pixel_extension_dir"):
        if isinstance(values.get(key), str):
            values[key] = Path(values[key])
    values["app_url"] = values["app_url"].rstrip("/")
    return DevstoreConfig(**values)
