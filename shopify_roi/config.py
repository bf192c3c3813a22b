"""Settings, read once from the environment.

No other module reads ``os.environ``. Unset, everything defaults to the zero-set-up demo
(SQLite file, in-process queue); ``SHOPIFY_ORIGIN_TEMPLATE`` alone decides whether the app
talks to Shopify (``https://{shop}``) or to the local stand-in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

API_VERSION = "2026-10"
DEFAULT_SCOPES = "read_orders,write_discounts,read_customers,read_products,read_inventory"
DEFAULT_ORIGIN_TEMPLATE = "https://{shop}"
APP_BRIDGE_CDN = "https://cdn.shopify.com/shopifycloud/app-bridge.js"
# Demo-only credentials: accepted only while the app points at a stand-in (see validate()).
DEMO_API_KEY = "demo-api-key"
DEMO_API_SECRET = "demo-api-secret-for-the-local-stand-in"
DEMO_ENCRYPTION_KEY = "ZGVtby1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q="  # base64 of 32 bytes


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app; the message names every problem."""


def _default_database_url() -> str:
    data = Path(os.environ.get("SHOPIFY_ROI_DATA_DIR", "instance")).resolve()
    return f"sqlite:///{data / 'shopify_roi.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    api_key: str = DEMO_API_KEY
    api_secret: str = DEMO_API_SECRET
    # Accepted as well during a secret rotation (Shopify takes up to an hour to switch).
    api_secret_previous: str = ""
    scopes: str = DEFAULT_SCOPES
    api_version: str = API_VERSION
    app_url: str = "http://127.0.0.1:8000"
    database_url: str = field(default_factory=_default_database_url)
    redis_url: str = ""  # empty: in-process queue (RQ on fakeredis, worker thread)
    token_encryption_key: str = DEMO_ENCRYPTION_KEY
    origin_template: str = DEFAULT_ORIGIN_TEMPLATE
    app_bridge_url: str = APP_BRIDGE_CDN
    queue_name: str = "default"
    run_inprocess_worker: bool = True
    log_level: str = "INFO"
    sweep_interval: float = 15.0  # seconds between runs of the periodic work
    inbox_stale_after: float = 30.0  # an acknowledged webhook unprocessed this long is re-queued
    orders_batch: int = 500  # order deliveries per transaction in the drain job
    # Request bodies (README "Security"): the JSON API's are small; a webhook carries a whole order.
    max_body_bytes: int = 1024 * 1024
    webhook_max_body_bytes: int = 8 * 1024 * 1024
    import_max_body_bytes: int = 5 * 1024 * 1024
    # A verified webhook triggered longer ago than this is recorded and not applied (0: off).
    webhook_replay_window_hours: float = 48.0
    # Tracked-link redirects per client IP per window (0: no limit).
    link_rate_limit: int = 300
    link_rate_window_seconds: int = 60
    # Proxies in front of the app that append to X-Forwarded-For (none: 0, the default; Heroku's router or
    # Fly's proxy: 1). Trusting more hops than there are lets a client choose its own address.
    proxy_hops: int = 0
    bulk_job_slots: int = 1  # workers a bulk job (history import, creators CSV) may hold at once
    # Processes that share a large history import's file on PostgreSQL (services/orders/backfill_shares.py).
    import_processes: int = 2
    # Creator pixel events per visitor and per shop per window (0: no limit for that one).
    pixel_visitor_limit: int = 600
    pixel_shop_limit: int = 300_000
    pixel_address_limit: int = 3000  # per client address (an office or a phone network shares one)
    pixel_rate_window_seconds: int = 60

    @property
    def uses_real_shopify(self) -> bool:
        return self.origin_template.startswith("https://")

    @property
    def encryption_keys(self) -> list[str]:
        """The token encryption keys, newest (the one that encrypts) first."""
        return [k.strip() for k in self.token_encryption_key.split(",") if k.strip()]

    @property
    def scope_list(self) -> list[str]:
        return [s.strip() for s in self.scopes.split(",") if s.strip()]

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    def validate(self) -> Settings:
        """Raise ConfigError naming every missing or invalid variable; return self when fine."""
        problems: list[str] = []
        if "{shop}" not in self.origin_template:
            problems.append("SHOPIFY_ORIGIN_TEMPLATE must contain {shop}")
        if self.api_version != API_VERSION:
            problems.append(
                f"SHOPIFY_API_VERSION must be {API_VERSION} (the version the app is built and tested against)"
            )
        if self.uses_real_shopify:
            for name, value, demo in (
                ("SHOPIFY_API_KEY", self.api_key, DEMO_API_KEY),
                ("SHOPIFY_API_SECRET", self.api_secret, DEMO_API_SECRET),
                ("TOKEN_ENCRYPTION_KEY", self.token_encryption_key, DEMO_ENCRYPTION_KEY),
            ):
                if not value or value == demo:
                    problems.append(f"{name} must be set when talking to Shopify")
            if not self.app_url.startswith("https://"):
                problems.append("APP_URL must be the app's public https:// URL when talking to Shopify")
        from cryptography.fernet import Fernet

        for position, key in enumerate(self.encryption_keys or [""], start=1):
            try:
                Fernet(key.encode())
            except Exception:  # noqa: BLE001 - any failure means the key is unusable
                problems.append(
                    f"TOKEN_ENCRYPTION_KEY: key {position} is not a Fernet key (32 url-safe base64 bytes); "
                    "several keys are separated by commas, newest first"
                )
        for name, value, low in (
            ("MAX_BODY_BYTES", self.max_body_bytes, 1024),
            ("WEBHOOK_MAX_BODY_BYTES", self.webhook_max_body_bytes, 64 * 1024),
            ("IMPORT_MAX_BODY_BYTES", self.import_max_body_bytes, 1024),
            ("LINK_RATE_LIMIT", self.link_rate_limit, 0),
            ("LINK_RATE_WINDOW_SECONDS", self.link_rate_window_seconds, 1),
            ("PROXY_HOPS", self.proxy_hops, 0),
            ("PIXEL_VISITOR_LIMIT", self.pixel_visitor_limit, 0),
            ("PIXEL_SHOP_LIMIT", self.pixel_shop_limit, 0),
            ("PIXEL_ADDRESS_LIMIT", self.pixel_address_limit, 0),
            ("PIXEL_RATE_WINDOW_SECONDS", self.pixel_rate_window_seconds, 1),
            ("WEBHOOK_REPLAY_WINDOW_HOURS", self.webhook_replay_window_hours, 0),
        ):
            if value < low:
                problems.append(f"{name} must be at least {low}")
        if problems:
            raise ConfigError("Invalid configuration:\n  - " + "\n  - ".join(problems))
        return self


def _bool(text: str | None, default: bool) -> bool:
    if text is None or text == "":
        return default
    return text.strip().lower() in {"1", "true", "yes", "on"}


def from_env(env: dict[str, str] | None = None) -> Settings:
    """Build Settings from environment variables (documented in README.md)."""
    env = dict(os.environ if env is None else env)
    defaults = Settings()

    def get(name: str, default: str) -> str:
        value = env.get(name)
        return default if value is None or value == "" else value

    return Settings(
        api_key=get("SHOPIFY_API_KEY", defaults.api_key),
        api_secret=get("SHOPIFY_API_SECRET", defaults.api_secret),
        api_secret_previous=get("SHOPIFY_API_SECRET_PREVIOUS", ""),
        scopes=get("SHOPIFY_SCOPES", defaults.scopes),
        api_version=get("SHOPIFY_API_VERSION", defaults.api_version),
        app_url=get("APP_URL", defaults.app_url).rstrip("/"),
        database_url=get("DATABASE_URL", defaults.database_url),
        redis_url=get("REDIS_URL", ""),
        token_encryption_key=get("TOKEN_ENCRYPTION_KEY", defaults.token_encryption_key),
        origin_template=get("SHOPIFY_ORIGIN_TEMPLATE", DEFAULT_ORIGIN_TEMPLATE),
        app_bridge_url=get("APP_BRIDGE_URL", APP_BRIDGE_CDN),
        queue_name=get("RQ_QUEUE", "default"),
        run_inprocess_worker=_bool(env.get("INPROCESS_WORKER"), not env.get("REDIS_URL")),
        log_level=get("LOG_LEVEL", "INFO"),
        sweep_interval=float(get("SWEEP_INTERVAL_SECONDS", "15")),
        inbox_stale_after=float(get("INBOX_STALE_SECONDS", "30")),
        orders_batch=int(get("ORDERS_BATCH", "500")),
        max_body_bytes=int(get("MAX_BODY_BYTES", str(defaults.max_body_bytes))),
        webhook_max_body_bytes=int(get("WEBHOOK_MAX_BODY_BYTES", str(defaults.webhook_max_body_bytes))),
        import_max_body_bytes=int(get("IMPORT_MAX_BODY_BYTES", str(defaults.import_max_body_bytes))),
        webhook_replay_window_hours=float(
            get("WEBHOOK_REPLAY_WINDOW_HOURS", str(defaults.webhook_replay_window_hours))
        ),
        link_rate_limit=int(get("LINK_RATE_LIMIT", str(defaults.link_rate_limit))),
        link_rate_window_seconds=int(get("LINK_RATE_WINDOW_SECONDS", str(defaults.link_rate_window_seconds))),
        proxy_hops=int(get("PROXY_HOPS", str(defaults.proxy_hops))),
        bulk_job_slots=max(1, int(get("BULK_JOB_SLOTS", str(defaults.bulk_job_slots)))),
        import_processes=max(1, int(get("IMPORT_PROCESSES", str(defaults.import_processes)))),
        pixel_visitor_limit=int(get("PIXEL_VISITOR_LIMIT", str(defaults.pixel_visitor_limit))),
        pixel_shop_limit=int(get("PIXEL_SHOP_LIMIT", str(defaults.pixel_shop_limit))),
        pixel_address_limit=int(get("PIXEL_ADDRESS_LIMIT", str(defaults.pixel_address_limit))),
        pixel_rate_window_seconds=int(
            get("PIXEL_RATE_WINDOW_SECONDS", str(defaults.pixel_rate_window_seconds))
        ),
    )
