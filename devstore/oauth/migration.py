"""Migrating a legacy non-expiring offline token to an expiring pair, and retrying that migration.

changelog "More resilient token exchanges when migrating tokens without a user session"
(https://shopify.dev/changelog/more-resilient-token-exchanges-when-migrating-tokens-without-a-user-session):
"an eligible retry using the same original token and client credentials returns the same
access-token and refresh-token pair as the initial exchange": the access token's expiry extended
when needed, the refresh token's not. Recovery ends after seven days, once the app refreshes the
issued pair, or when a later token acquisition (code grant, ID-token exchange) replaces it. "The
original non-expiring token remains invalid for GraphQL Admin API requests after migration."
The request body is ``@shopify/shopify-api``'s ``migrate-to-expiring-token.ts``.
"""

from __future__ import annotations

from dataclasses import dataclass

from devstore.oauth.token_store import DAY, Grant, Pair, Tokens

MIGRATION_RETRY_WINDOW = 7 * DAY


@dataclass
class Migration:
    """A legacy token traded for ``pair`` at ``at``; ``acquisition``: the shop's count then."""

    pair: Pair
    at: float
    acquisition: int


def migrate(tokens: Tokens, shop, legacy_token: str, access_ttl: int, refresh_ttl: int) -> Grant | None:
    """Trade a live non-expiring token of ``shop`` for an expiring pair, or repeat the pair of an
    earlier migration of it while that may be retried. None: the subject token is refused."""
    with tokens.lock:
        now = tokens.now(shop)
        done = tokens.migrations.get(legacy_token or "")
        if done is not None:
            return _retry(tokens, shop, done, now, access_ttl)
        legacy = tokens.access.get(legacy_token or "")
        if (
            legacy is None
            or legacy.shop != shop.domain
            or legacy.expires_at is not None
            or not legacy.live(now)
        ):
            return None
        legacy.revoked = True
        pair = tokens.new_pair(shop, shop.granted_scopes, True, access_ttl, refresh_ttl)
        tokens.migrations[legacy.token] = Migration(pair, now, shop.acquisitions)
        return Grant(pair)


def _retry(tokens: Tokens, shop, done: Migration, now: float, access_ttl: int) -> Grant | None:
    refresh = done.pair.refresh
    if (
        refresh.first_used_at is not None  # the app refreshed the issued pair
        or now >= done.at + MIGRATION_RETRY_WINDOW
        or done.acquisition != shop.acquisitions  # a later code grant or token exchange
        or refresh.revoked
        or now >= refresh.expires_at
    ):
        return None
    return Grant(tokens.extend(done.pair, now, access_ttl), repeated=True)
