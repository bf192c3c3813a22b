"""In-memory, thread-safe state of the stand-in: shops, grants, tokens and logs.

One ``Store`` per server. Every method takes the store lock, so handlers on different
threads see consistent state. Later features (discounts, orders, customers, bulk
operations) keep their objects in ``Shop.records[kind]`` through ``put_record`` /
``records`` and get numeric ids from ``next_id``, without changing this module.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from devstore.admin.throttle import LeakyBucket
from devstore.oauth.token_store import AccessToken, Tokens

SHOP_DOMAIN_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
SHOP_ID_BASE = 70_000_000_000  # large, like real shop ids, yet exact as a JSON/JS number


def valid_shop_domain(domain: str) -> bool:
    """True for ``name.myshopify.com`` (lower-case letters, digits and dashes)."""
    return bool(SHOP_DOMAIN_RE.match(domain or ""))


@dataclass
class Faults:
    """Injected failures: the next ``fail_next`` GraphQL requests answer ``status``, and
    (when ``fail_every`` K > 0) so does every K-th GraphQL request counted from when it was set."""

    fail_next: int = 0
    status: int = 503
    fail_every: int = 0
    requests_seen: int = 0
    # every K-th charged GraphQL request finds the bucket spent (another of the app's processes used the
    # shop's points: the bucket is per app and shop), so throttling is tested whatever the app's speed
    empty_every: int = 0
    charges_seen: int = 0


@dataclass
class Shop:
    """One store. ``scopes`` is what an install grants by default (token exchange);
    ``granted_scopes`` is what the app currently holds (comma-separated, as given)."""

    domain: str
    numeric_id: int
    name: str
    email: str
    currency: str
    timezone: str
    scopes: str
    created_at: float
    plan_display_name: str = "Developer Preview"
    partner_development: bool = True
    shopify_plus: bool = False
    installed: bool = False
    granted_scopes: str = ""
    refresh_count: int = 0  # pairs issued by a refresh (a retry's repeat is not counted)
    refresh_retries: int = 0  # used refresh tokens retried and answered their pair again
    acquisitions: int = 0  # code grants and token exchanges (a later one ends a migration's retries)
    token_clock_offset: float = 0.0  # seconds this shop's token clock runs ahead (control API)
    scope_request_answer: str = "grant"  # what the merchant answers App Bridge's scopes.request
    token_answers_to_lose: int = 0  # token grants done whose answer is then lost (502), control API
    faults: Faults = field(default_factory=Faults)
    bucket: LeakyBucket = field(default_factory=LeakyBucket)
    graphql_log: list[dict] = field(default_factory=list)
    deliveries: list[dict] = field(default_factory=list)
    records: dict[str, dict[int, dict]] = field(default_factory=dict)
    # per-feature runtime objects that are not records (the order webhook channel, ...)
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def handle(self) -> str:
        """The part before ``.myshopify.com``."""
        return self.domain.split(".", 1)[0]

    @property
    def gid(self) -> str:
        return f"gid://shopify/Shop/{self.numeric_id}"


class Store:
    """All mutable state; safe to share between request threads."""

    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self.lock = threading.RLock()
        self._shops: dict[str, Shop] = {}
        # codes and tokens (devstore.oauth.token_store: rotation, retries, migration, scopes)
        self.tokens = Tokens(self.lock, clock)
        self._next_shop = SHOP_ID_BASE
        self._next_id = 1_000_000

    # shops -------------------------------------------------------------
    def create_shop(self, domain: str, **attrs) -> tuple[Shop, bool]:
        """Create the shop unless it exists; return (shop, created). Idempotent per domain."""
        with self.lock:
            if domain in self._shops:
                return self._shops[domain], False
            self._next_shop += 1
            handle = domain.split(".", 1)[0]
            shop = Shop(
                domain=domain,
                numeric_id=self._next_shop,
                name=attrs.get("name") or handle.replace("-", " ").title(),
                email=attrs.get("email") or f"owner@{handle}.example",
                currency=attrs.get("currency") or "USD",
                timezone=attrs.get("timezone") or "America/New_York",
                scopes=attrs.get("scopes") or "",
                created_at=self.clock(),
            )
            for key in ("plan_display_name", "partner_development", "shopify_plus"):
                if attrs.get(key) is not None:
                    setattr(shop, key, attrs[key])
            self._shops[domain] = shop
            return shop, True

    def get_shop(self, domain: str) -> Shop | None:
        with self.lock:
            return self._shops.get(domain)

    def next_id(self) -> int:
        """A fresh numeric id, unique across the store (for orders, discounts, ...)."""
        with self.lock:
            self._next_id += 1
            return self._next_id

    def put_record(self, shop: Shop, kind: str, record_id: int, record: dict) -> None:
        """Store or replace ``record`` under ``shop.records[kind][record_id]``."""
        with self.lock:
            shop.records.setdefault(kind, {})[record_id] = record

    def records(self, shop: Shop, kind: str) -> list[dict]:
        """A snapshot list of the shop's records of one kind, oldest first."""
        with self.lock:
            return list(shop.records.get(kind, {}).values())

    # tokens (see devstore.oauth.token_store) -------------------------------------------------------
    def live_access_token(self, shop: Shop, token: str) -> AccessToken | None:
        """The token if it belongs to ``shop`` and is neither revoked nor expired."""
        return self.tokens.live_access_token(shop, token)

    def live_token_count(self, shop: Shop) -> int:
        return self.tokens.live_count(shop)

    def expire_access_tokens(self, shop: Shop) -> int:
        """Make every live access token of the shop expire now; return how many. Refresh tokens stay."""
        return self.tokens.expire_access_tokens(shop)

    def uninstall(self, shop: Shop) -> None:
        """Revoke every access and refresh token of the shop and mark it uninstalled."""
        with self.lock:
            self.tokens.revoke_all(shop)
            shop.installed = False
            shop.granted_scopes = ""
            shop.records.pop(
                "web_pixels", None
            )  # the app's web pixel goes with it (devstore.store.web_pixels)

    # faults and logs -------------------------------------------------------
    def take_fault(self, shop: Shop) -> int | None:
        """If a failure is due (pending ``fail_next``, or this request is a multiple of
        ``fail_every``), consume it and return its HTTP status; else None."""
        with self.lock:
            faults = shop.faults
            faults.requests_seen += 1
            if faults.fail_next > 0:
                faults.fail_next -= 1
                return faults.status
            if faults.fail_every > 0 and faults.requests_seen % faults.fail_every == 0:
                return faults.status
            return None

    def log_graphql(self, shop: Shop, entry: dict) -> None:
        with self.lock:
            shop.graphql_log.append(entry)

    def log_delivery(self, shop: Shop, entry: dict) -> None:
        with self.lock:
            shop.deliveries.append(entry)

    def find_delivery(self, shop: Shop, webhook_id: str) -> dict | None:
        """The first logged delivery with this webhook id (to re-deliver it as Shopify retries do)."""
        with self.lock:
            # newest first: a re-delivery carries the same ids and body as the original
            return next(
                (d for d in reversed(shop.deliveries) if d.get("webhook_id") == webhook_id),
                None,
            )
