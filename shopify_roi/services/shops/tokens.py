"""Access tokens for Admin API calls: decrypted on use, refreshed under a per-shop lock.

Expiring offline tokens live an hour and their refresh token rotates on every use (shopify.dev
"About offline access tokens"). Two workers refreshing at once would rotate twice, so a refresh
takes a Redis lock for the shop, re-reads the row, and refreshes only when nobody else already
has; the new pair is written in one UPDATE.

A refresh whose answer is lost (a timeout, a 5xx) is asked again with the same refresh token: since
2026-08-28 Shopify keeps a used refresh token until the app uses its replacement (30 days at most
from its first use) and answers it with the same pair (changelog "More resilient refreshes for
expiring offline access tokens"). The stored pair is replaced only by an answer that arrived, so
a failed write leaves the old refresh token, which the next refresh retries the same way.
Only a refusal (a 4xx such as `invalid_grant`) means the merchant must open the app again.
"""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select, update

from shopify_roi.db import utcnow
from shopify_roi.models import Shop
from shopify_roi.runtime import Runtime
from shopify_roi.services.shops.install import save_grant
from shopify_roi.services.shops.lookup import shop_by_domain
from shopify_roi.shopify_client import oauth
from shopify_roi.shopify_client.admin import AdminClient, AdminError, ReauthorizeRequired

REFRESH_MARGIN = timedelta(seconds=60)
# Pauses before asking again when a refresh's answer did not arrive (same refresh token each time).
TRANSIT_RETRY_PAUSES = (0.2, 1.0, 3.0)


def _expiring_soon(shop: Shop) -> bool:
    return (
        shop.access_token_expires_at is not None and shop.access_token_expires_at - REFRESH_MARGIN <= utcnow()
    )


class ShopTokens:
    """A token provider for one shop (`AdminClient.token`). Thread-safe; holds no token in memory."""

    def __init__(self, rt: Runtime, domain: str):
        self.rt = rt
        self.domain = domain
        self.refreshes = 0

    def __call__(self, force_refresh: bool = False) -> str:
        with self.rt.db.session() as session:
            shop = shop_by_domain(session, self.domain)
            if shop is None or not shop.is_installed:
                raise ReauthorizeRequired(f"{self.domain} is not installed")
            if not force_refresh and not _expiring_soon(shop):
                return self.rt.cipher.decrypt(shop.access_token_enc)
            seen = shop.token_generation
        return self._refresh(seen)

    def _refresh(self, seen_generation: int) -> str:
        lock = self.rt.jobs.redis.lock(
            f"shopify-roi:token-refresh:{self.domain}", timeout=60, blocking_timeout=90
        )
        with lock, self.rt.db.session() as session:
            shop = shop_by_domain(session, self.domain, lock=True)
            if shop is None or not shop.is_installed:
                raise ReauthorizeRequired(f"{self.domain} is not installed")
            if shop.token_generation != seen_generation and not _expiring_soon(shop):
                return self.rt.cipher.decrypt(shop.access_token_enc)  # another worker refreshed
            if not shop.refresh_token_enc:
                raise ReauthorizeRequired(f"{self.domain} has no refresh token; reinstall needed")
            grant = self._ask(self.rt.cipher.decrypt(shop.refresh_token_enc))
            save_grant(session, self.rt.cipher, self.domain, grant)
            self.refreshes += 1
            return grant.access_token

    def _ask(self, refresh_token: str) -> oauth.TokenGrant:
        """Refresh with `refresh_token`, asking again with the same token while answers are lost.

        Raises ReauthorizeRequired when Shopify refuses the token, AdminError (retried later by the
        job) when no answer arrived: the stored refresh token is kept for that later retry."""
        for pause in (*TRANSIT_RETRY_PAUSES, None):
            try:
                return oauth.refresh(self.rt.credentials, self.domain, refresh_token)
            except oauth.OAuthError as exc:
                if not exc.transient:
                    raise ReauthorizeRequired(f"refresh refused for {self.domain}: {exc}") from exc
                if pause is None:
                    raise AdminError(
                        f"no answer to the token refresh of {self.domain} ({exc}); "
                        "the stored refresh token is kept and asked again later"
                    ) from exc
                time.sleep(pause)
        raise AssertionError("unreachable")


def admin_client(rt: Runtime, domain: str) -> AdminClient:
    """The Admin GraphQL client for one shop, with its token provider."""
    return AdminClient(
        shop=domain,
        origin_template=rt.settings.origin_template,
        api_version=rt.settings.api_version,
        token=ShopTokens(rt, domain),
    )


def rotate_encryption(rt: Runtime) -> dict:
    """Re-encrypt every shop's stored tokens with the newest TOKEN_ENCRYPTION_KEY. Safe to repeat.

    Each row is swapped only if its ciphertexts are still the ones read (compare-and-set), so a
    refresh that wrote a new pair meanwhile (already with the newest key) is never overwritten.
    Rows no key can decrypt are reported, not touched.
    """
    counts = {"rotated": 0, "changed_meanwhile": 0, "unreadable": []}
    with rt.db.session() as session:
        rows = session.execute(
            select(Shop.id, Shop.domain, Shop.access_token_enc, Shop.refresh_token_enc)
            .where((Shop.access_token_enc.is_not(None)) | (Shop.refresh_token_enc.is_not(None)))
            .order_by(Shop.id)
        ).all()
    for shop_id, domain, access, refresh in rows:
        try:
            new_access, new_refresh = rt.cipher.rotate(access), rt.cipher.rotate(refresh)
        except ValueError:
            counts["unreadable"].append(domain)
            continue
        same = [Shop.id == shop_id]
        for column, old in ((Shop.access_token_enc, access), (Shop.refresh_token_enc, refresh)):
            same.append(column.is_(None) if old is None else column == old)
        with rt.db.session() as session:
            swapped = session.execute(
                update(Shop).where(*same).values(access_token_enc=new_access, refresh_token_enc=new_refresh)
            ).rowcount
        counts["rotated" if swapped else "changed_meanwhile"] += 1
    return counts
