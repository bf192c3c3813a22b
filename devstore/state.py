"""In-memory, thread-safe state of the stand-in: shops, grants, tokens and logs.

One ``Store`` per server. Every method takes the store lock, so handlers on different
threads see consistent state. Later features (discounts, orders, customers, bulk
operations) keep their objects in ``Shop.records[kind]`` through ``put_record`` /
``records`` and get numeric ids from ``next_id``, without changing this module.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from devstore.throttle import LeakyBucket

SHOP_DOMAIN_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
SHOP_ID_BASE = (
    70_000_000_000  # large, like real shop ids, yet exact as a JSON/JS number
)


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
    refresh_count: int = 0
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


@dataclass
class AuthCode:
    code: str
    shop: str
    scope: str
    expires_at: float
    used: bool = False


@dataclass
class AccessToken:
    token: str
    shop: str
    scope: str
    expires_at: float | None  # None: a legacy non-expiring offline token
    revoked: bool = False

    def live(self, now: float) -> bool:
        return not self.revoked and (self.expires_at is None or now < self.expires_at)


@dataclass
class RefreshToken:
    token: str
    shop: str
    scope: str
    expires_at: float
    used: bool = False
    revoked: bool = False


class Store:
    """All mutable state; safe to share between request threads."""

    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self.lock = threading.RLock()
        self._shops: dict[str, Shop] = {}
        self._codes: dict[str, AuthCode] = {}
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, RefreshToken] = {}
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

    # authorization codes -----------------------------------------------
    def issue_code(self, shop: Shop, scope: str, ttl: int) -> str:
        """A single-use authorization code valid for ``ttl`` seconds."""
        code = secrets.token_hex(16)
        with self.lock:
            self._codes[code] = AuthCode(code, shop.domain, scope, self.clock() + ttl)
        return code

    def redeem_code(self, shop: Shop, code: str) -> AuthCode | None:
        """Mark the code used and return it, or None if unknown, used, expired or another shop's."""
        with self.lock:
            grant = self._codes.get(code or "")
            if (
                grant is None
                or grant.used
                or grant.shop != shop.domain
                or self.clock() >= grant.expires_at
            ):
                return None
            grant.used = True
            return grant

    # tokens --------------------------------------------------------------
    def issue_tokens(
        self, shop: Shop, scope: str, expiring: bool, access_ttl: int, refresh_ttl: int
    ) -> tuple[AccessToken, RefreshToken | None]:
        """A new access token (and refresh token when ``expiring``); marks the shop installed."""
        now = self.clock()
        with self.lock:
            access = AccessToken(
                "shpat_" + secrets.token_hex(16),
                shop.domain,
                scope,
                now + access_ttl if expiring else None,
            )
            self._access[access.token] = access
            refresh = None
            if expiring:
                refresh = RefreshToken(
                    "shprt_" + secrets.token_hex(16),
                    shop.domain,
                    scope,
                    now + refresh_ttl,
                )
                self._refresh[refresh.token] = refresh
            shop.installed = True
            shop.granted_scopes = scope
            return access, refresh

    def use_refresh_token(
        self, shop: Shop, token: str
    ) -> tuple[RefreshToken | None, str]:
        """Consume a refresh token: (token, "") if it was live and unused, else (None, reason).

        The caller issues the rotated pair; the count of refreshes goes up by one.
        """
        with self.lock:
            grant = self._refresh.get(token or "")
            if grant is None or grant.shop != shop.domain:
                return None, "refresh token not found"
            if grant.used:
                return None, "refresh token already used"
            if grant.revoked:
                return None, "refresh token revoked"
            if self.clock() >= grant.expires_at:
                return None, "refresh token expired"
            grant.used = True
            shop.refresh_count += 1
            return grant, ""

    def live_access_token(self, shop: Shop, token: str) -> AccessToken | None:
        """The token if it belongs to ``shop`` and is neither revoked nor expired."""
        with self.lock:
            access = self._access.get(token or "")
            if (
                access is None
                or access.shop != shop.domain
                or not access.live(self.clock())
            ):
                return None
            return access

    def revoke_access_token(self, access: AccessToken) -> None:
        with self.lock:
            access.revoked = True

    def record_grant(self, shop: Shop, scope: str) -> None:
        """The merchant approved ``scope``: the shop counts as installed with those scopes."""
        with self.lock:
            shop.granted_scopes = scope
            shop.installed = True

    def live_token_count(self, shop: Shop) -> int:
        with self.lock:
            now = self.clock()
            return sum(
                1
                for t in self._access.values()
                if t.shop == shop.domain and t.live(now)
            )

    def expire_access_tokens(self, shop: Shop) -> int:
        """Make every live access token of the shop expire now; return how many. Refresh tokens stay."""
        with self.lock:
            now = self.clock()
            live = [
                t
                for t in self._access.values()
                if t.shop == shop.domain and t.live(now)
            ]
            for access in live:
                access.expires_at = now
            return len(live)

    def uninstall(self, shop: Shop) -> None:
        """Revoke every access and refresh token of the shop and mark it uninstalled."""
        with self.lock:
            for access in self._access.values():
                if access.shop == shop.domain:
                    access.revoked = True
            for refresh in self._refresh.values():
                if refresh.shop == shop.domain:
                    refresh.revoked = True
            shop.installed = False
            shop.granted_scopes = ""

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
