"""Offline access tokens as Shopify issues them: authorization codes, expiring access/refresh
pairs that rotate, the migration of a legacy non-expiring token, and the scopes each token carries.

Sources (each rule below names its own):
- shopify.dev "About offline access tokens"
  (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens)
  and changelog "Offline access tokens now support expiry and refresh" (2025-12-10): access token
  3,600 s, a refresh token for 90 days, a refresh returns a new pair.
- changelog "More resilient refreshes for expiring offline access tokens" (2026-08-28,
  https://shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens).
The migration of a legacy token is ``devstore.oauth.migration``.

Every method runs under the store's lock. Time is the store's clock plus the shop's
``token_clock_offset`` (moved forward by the control API), so a test can live 31 days in a second.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

DAY = 86400
# "The recovery period is limited to 30 days from the original refresh token's first use and
# doesn't extend the token beyond its normal 90-day lifetime." (changelog 2026-08-28)
REFRESH_RETRY_WINDOW = 30 * DAY


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
    revoked: bool = False
    first_used_at: float | None = None
    # the pair its first use issued: a retry answers exactly this pair again
    replacement: Pair | None = None
    parent: RefreshToken | None = None  # the refresh token whose use issued this one
    retired: bool = False  # its replacement refresh token was used: no more retries


@dataclass
class Pair:
    access: AccessToken
    refresh: RefreshToken | None


@dataclass
class Grant:
    """What the token endpoint answers: the pair, and whether it is a retry's repeat of an earlier one."""

    pair: Pair
    repeated: bool = False


@dataclass
class Tokens:
    """Codes and tokens of every shop of one stand-in."""

    lock: threading.RLock
    clock: Callable[[], float]
    codes: dict[str, AuthCode] = field(default_factory=dict)
    access: dict[str, AccessToken] = field(default_factory=dict)
    refresh: dict[str, RefreshToken] = field(default_factory=dict)
    # legacy token -> its migration (migration.py)
    migrations: dict[str, object] = field(default_factory=dict)

    def now(self, shop) -> float:
        """The shop's token clock: real (or injected) time plus the shop's offset."""
        return self.clock() + shop.token_clock_offset

    # codes ---------------------------------------------------------------------------------
    def issue_code(self, shop, scope: str, ttl: int) -> str:
        """A single-use authorization code valid for ``ttl`` seconds."""
        code = secrets.token_hex(16)
        with self.lock:
            self.codes[code] = AuthCode(code, shop.domain, scope, self.now(shop) + ttl)
        return code

    def redeem_code(self, shop, code: str) -> AuthCode | None:
        """Mark the code used and return it; None if unknown, used, expired or another shop's."""
        with self.lock:
            grant = self.codes.get(code or "")
            if grant is None or grant.used or grant.shop != shop.domain or self.now(shop) >= grant.expires_at:
                return None
            grant.used = True
            return grant

    # acquiring -----------------------------------------------------------------------------
    def new_pair(self, shop, scope: str, expiring: bool, access_ttl: int, refresh_ttl: int) -> Pair:
        """A new access token (and refresh token when ``expiring``) carrying ``scope``."""
        now = self.now(shop)
        access = AccessToken(
            "shpat_" + secrets.token_hex(16),
            shop.domain,
            scope,
            now + access_ttl if expiring else None,
        )
        self.access[access.token] = access
        refresh = None
        if expiring:
            refresh = RefreshToken("shprt_" + secrets.token_hex(16), shop.domain, scope, now + refresh_ttl)
            self.refresh[refresh.token] = refresh
        return Pair(access, refresh)

    def acquire(self, shop, scope: str, expiring: bool, access_ttl: int, refresh_ttl: int) -> Pair:
        """A code grant or token exchange: a new pair, the shop installed with ``scope`` granted.

        Counts as a new token acquisition, which ends the recovery of an earlier migration
        ("A later token acquisition for the same store replaces that pair", migration changelog).
        """
        with self.lock:
            shop.acquisitions += 1
            shop.installed = True
            # scopes belong to the installation: the shop's older tokens follow
            self.set_scope(shop, scope)
            return self.new_pair(shop, scope, expiring, access_ttl, refresh_ttl)

    # refresh ------------------------------------------------------------------------------
    def use_refresh_token(
        self, shop, token: str, access_ttl: int, refresh_ttl: int
    ) -> tuple[Grant | None, str]:
        """Refresh by the 2026-08-28 rules; (grant, "") or (None, reason for ``invalid_grant``).

        First use: a new pair; the token that issued this one (its parent) is retired ("When an
        app uses the replacement refresh token, the preceding refresh token is retired").
        A later use of the same token is a retry: allowed until its replacement is used, for at
        most 30 days from its first use and never past its own 90-day life; it answers the same
        pair. The changelog does not say what a retry returns; the stand-in answers the pair the
        first use issued (as the migration changelog says of its retries: the same pair, the access
        token's expiry extended when needed, the refresh token's not), the stricter reading: a
        retry never mints another live pair.
        """
        with self.lock:
            now = self.now(shop)
            grant = self.refresh.get(token or "")
            if grant is None or grant.shop != shop.domain:
                return None, "refresh token not found"
            if grant.revoked:
                return None, "refresh token revoked"
            if now >= grant.expires_at:
                return None, "refresh token expired"
            if grant.first_used_at is None:
                return self._first_use(shop, grant, now, access_ttl, refresh_ttl), ""
            if grant.retired:
                return None, "refresh token already used"
            if now >= grant.first_used_at + REFRESH_RETRY_WINDOW:
                return None, "refresh token already used"
            shop.refresh_retries += 1
            return Grant(self.extend(grant.replacement, now, access_ttl), repeated=True), ""

    def _first_use(self, shop, grant: RefreshToken, now: float, access_ttl: int, refresh_ttl: int) -> Grant:
        grant.first_used_at = now
        if grant.parent is not None:
            grant.parent.retired = True
        pair = self.new_pair(shop, shop.granted_scopes, True, access_ttl, refresh_ttl)
        pair.refresh.parent = grant
        grant.replacement = pair
        shop.refresh_count += 1
        return Grant(pair)

    def extend(self, pair: Pair, now: float, access_ttl: int) -> Pair:
        """A repeated pair: the access token lives again for a full hour if it has expired."""
        if not pair.access.revoked and pair.access.expires_at is not None and now >= pair.access.expires_at:
            pair.access.expires_at = now + access_ttl
        return pair

    # scopes, checks, revocation ------------------------------------------------------------
    def set_scope(self, shop, scope: str) -> None:
        """The shop's grant changed (an optional scope granted or revoked): its tokens carry it now."""
        with self.lock:
            shop.granted_scopes = scope
            for token in list(self.access.values()) + list(self.refresh.values()):
                if token.shop == shop.domain and not token.revoked:
                    token.scope = scope

    def live_access_token(self, shop, token: str) -> AccessToken | None:
        """The token if it belongs to ``shop`` and is neither revoked nor expired."""
        with self.lock:
            access = self.access.get(token or "")
            if access is None or access.shop != shop.domain or not access.live(self.now(shop)):
                return None
            return access

    def live_count(self, shop) -> int:
        with self.lock:
            now = self.now(shop)
            return sum(1 for t in self.access.values() if t.shop == shop.domain and t.live(now))

    def expire_access_tokens(self, shop) -> int:
        """Every live access token of the shop expires now; return how many. Refresh tokens stay."""
        with self.lock:
            now = self.now(shop)
            live = [t for t in self.access.values() if t.shop == shop.domain and t.live(now)]
            for access in live:
                access.expires_at = now
            return len(live)

    def revoke_all(self, shop) -> None:
        """Uninstall: every access and refresh token of the shop is revoked."""
        with self.lock:
            for token in list(self.access.values()) + list(self.refresh.values()):
                if token.shop == shop.domain:
                    token.revoked = True
