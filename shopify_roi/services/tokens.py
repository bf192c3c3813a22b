"""Access tokens for Admin API calls: decrypted on use, refreshed under a per-shop lock.

Expiring offline tokens live an hour and their refresh token rotates on every use
(shopify-platform.md 1.3, fact 2). Two workers refreshing at once would burn the refresh token,
so a refresh takes a Redis lock for the shop, re-reads the row, and refreshes only when nobody
else already has; the new pair is written in one UPDATE.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..db import utcnow
from ..models import Shop
from ..runtime import Runtime
from ..shopify_client import oauth
from ..shopify_client.admin import AdminClient, ReauthorizeRequired
from .installs import save_grant

REFRESH_MARGIN = timedelta(seconds=60)


def _expiring_soon(shop: Shop) -> bool:
    return shop.access_token_expires_at is not None and shop.access_token_expires_at - REFRESH_MARGIN <= utcnow()


class ShopTokens:
    """A token provider for one shop (`AdminClient.token`). Thread-safe; holds no token in memory."""

    def __init__(self, rt: Runtime, domain: str):
        self.rt = rt
        self.domain = domain
        self.refreshes = 0

    def __call__(self, force_refresh: bool = False) -> str:
        with self.rt.db.session() as session:
            shop = session.scalar(select(Shop).where(Shop.domain == self.domain))
            if shop is None or not shop.is_installed:
                raise ReauthorizeRequired(f"{self.domain} is not installed")
            if not force_refresh and not _expiring_soon(shop):
                return self.rt.cipher.decrypt(shop.access_token_enc)
            seen = shop.token_generation
        return self._refresh(seen)

    def _refresh(self, seen_generation: int) -> str:
        lock = self.rt.jobs.redis.lock(f"shopify-roi:token-refresh:{self.domain}", timeout=60, blocking_timeout=90)
        with lock:
            with self.rt.db.session() as session:
                query = select(Shop).where(Shop.domain == self.domain).execution_options(populate_existing=True)
                if session.bind.dialect.name == "postgresql":
                    query = query.with_for_update()
                shop = session.scalar(query)
                if shop is None or not shop.is_installed:
                    raise ReauthorizeRequired(f"{self.domain} is not installed")
                if shop.token_generation != seen_generation and not _expiring_soon(shop):
                    return self.rt.cipher.decrypt(shop.access_token_enc)  # another worker refreshed
                if not shop.refresh_token_enc:
                    raise ReauthorizeRequired(f"{self.domain} has no refresh token; reinstall needed")
                try:
                    grant = oauth.refresh(self.rt.credentials, self.domain, self.rt.cipher.decrypt(shop.refresh_token_enc))
                except oauth.OAuthError as exc:
                    raise ReauthorizeRequired(f"refresh refused for {self.domain}: {exc}") from exc
                save_grant(session, self.rt.cipher, self.domain, grant)
                self.refreshes += 1
                return grant.access_token


def admin_client(rt: Runtime, domain: str) -> AdminClient:
    """The Admin GraphQL client for one shop, with its token provider."""
    return AdminClient(shop=domain, origin_template=rt.settings.origin_template,
                       api_version=rt.settings.api_version, token=ShopTokens(rt, domain))


def rotate_encryption(rt: Runtime) -> dict:
    """Re-encrypt every shop's stored tokens with the newest TOKEN_ENCRYPTION_KEY. Safe to repeat.

    Each row is swapped only if its ciphertexts are still the ones read (compare-and-set), so a
    refresh that wrote a new pair meanwhile (already with the newest key) is never overwritten.
    Rows no key can decrypt are reported, not touched.
    """
    from sqlalchemy import update

    counts = {"rotated": 0, "changed_meanwhile": 0, "unreadable": []}
    with rt.db.session() as session:
        rows = session.execute(select(Shop.id, Shop.domain, Shop.access_token_enc, Shop.refresh_token_enc)
                               .where((Shop.access_token_enc.is_not(None)) | (Shop.refresh_token_enc.is_not(None)))
                               .order_by(Shop.id)).all()
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
            swapped = session.execute(update(Shop).where(*same).values(access_token_enc=new_access,
                                                                       refresh_token_enc=new_refresh)).rowcount
        counts["rotated" if swapped else "changed_meanwhile"] += 1
    return counts
