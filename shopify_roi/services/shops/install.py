"""Installing, re-authorising and uninstalling a shop, and what the app records of it (shopify-platform.md
section 1). Erasing a shop (`shop/redact`) is privacy.py."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.crypto import TokenCipher
from shopify_roi.db import Database, utcnow
from shopify_roi.models import OAuthState, Shop
from shopify_roi.services.shops import install_generations, oauth_states
from shopify_roi.services.shops.lookup import shop_by_domain
from shopify_roi.shopify_client import oauth, query_hmac, shop_info
from shopify_roi.shopify_client.admin import AdminClient
from shopify_roi.shopify_client.domains import valid_shop_domain
from shopify_roi.shopify_client.oauth import AppCredentials, TokenGrant

_NONCE_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


class InstallError(Exception):
    """An install step was refused; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def begin_install(
    session: Session,
    creds: AppCredentials,
    shop_param: str | None,
    scopes: str,
    redirect_uri: str,
    client_address: str = "",
) -> str:
    """Store a single-use state nonce for `shop` and return the shop's authorize URL (a 429
    InstallError when the client already has too many attempts under way: oauth_states.py)."""
    shop = valid_shop_domain(shop_param)
    if not shop:
        raise InstallError("Enter your shop's myshopify.com domain, e.g. my-store.myshopify.com")
    try:
        nonce = oauth_states.issue(session, shop, oauth_states.client_key(creds.api_secret, client_address))
    except oauth_states.TooManyAttempts as exc:
        raise InstallError(str(exc), 429) from exc
    return oauth.authorize_url(creds, shop, scopes, redirect_uri, nonce)


def complete_install(
    session: Session,
    creds: AppCredentials,
    cipher: TokenCipher,
    args: dict[str, list[str]],
    secrets_: list[str],
) -> Shop:
    """Verify the callback (shop, HMAC, single-use state for that shop), exchange the code, store the token.

    Raises InstallError (4xx) before anything is stored when any check fails.
    """
    shop = valid_shop_domain((args.get("shop") or [""])[0])
    if not shop:
        raise InstallError("invalid shop domain")
    if not query_hmac.verify(args, secrets_):
        raise InstallError("HMAC validation failed", 401)
    nonce = (args.get("state") or [""])[0]
    # Only a nonce of ours (token_urlsafe) is looked up: anything else cannot match, and some text
    # (a NUL) the database would refuse outright.
    state = (
        session.scalar(select(OAuthState).where(OAuthState.nonce == nonce))
        if _NONCE_RE.fullmatch(nonce)
        else None
    )
    if state is None or state.shop_domain != shop or state.expires_at < utcnow():
        raise InstallError("unknown, expired or foreign state; start the install again", 403)
    session.delete(state)  # single use
    code = (args.get("code") or [""])[0]
    if not code:
        raise InstallError("missing code")
    try:
        grant = oauth.exchange_code(creds, shop, code)
    except oauth.OAuthError as exc:
        raise InstallError(str(exc), 400) from exc
    return save_grant(session, cipher, shop, grant, by_merchant=True)


def install_from_session_token(
    session: Session, creds: AppCredentials, cipher: TokenCipher, shop: str, raw_token: str
) -> Shop:
    """Token exchange: trade a verified App Bridge session token for an expiring offline token."""
    try:
        grant = oauth.exchange_session_token(creds, shop, raw_token)
    except oauth.OAuthError as exc:
        raise InstallError(str(exc), 401 if exc.status == 400 else 502) from exc
    return save_grant(session, cipher, shop, grant, by_merchant=True)


def save_grant(
    session: Session, cipher: TokenCipher, domain: str, grant: TokenGrant, *, by_merchant: bool = False
) -> Shop:
    """Store a token pair (encrypted) for `domain`, creating or reviving the shop row. A grant
    `by_merchant` (an install, a reinstall, a re-authorisation, a token exchange; a refresh is not one)
    starts a new install generation (install_generations.py)."""
    shop = shop_by_domain(session, domain)
    if shop is None:
        shop = Shop(domain=domain, scopes="", token_generation=0)
        session.add(shop)
    if shop.installed_at is None or shop.uninstalled_at is not None:
        shop.installed_at = utcnow()
    if by_merchant:
        shop.granted_at = utcnow()
    shop.uninstalled_at = None
    shop.access_token_enc = cipher.encrypt(grant.access_token)
    shop.access_token_expires_at = grant.expires_at
    if grant.refresh_token or grant.expires_at is None:
        shop.refresh_token_enc = cipher.encrypt(grant.refresh_token)
        shop.refresh_token_expires_at = grant.refresh_expires_at
    shop.scopes = grant.scope or shop.scopes
    shop.token_generation = (shop.token_generation or 0) + 1
    session.flush()
    return shop


def mark_uninstalled(session: Session, domain: str, triggered_at: str | None = None) -> str:
    """Drop the tokens and mark the shop uninstalled at once (Shopify already revoked them), unless the
    uninstall was triggered before the install the app holds now: then nothing changes. Returns what
    was done, in words. The row is locked first: a reinstall committing meanwhile is seen, not undone."""
    shop = shop_by_domain(session, domain, lock=True)
    if shop is None:
        return "no such shop: nothing to stop"
    stale = install_generations.superseded(shop, triggered_at)
    if stale:
        return stale
    shop.access_token_enc = None
    shop.refresh_token_enc = None
    shop.access_token_expires_at = None
    shop.refresh_token_expires_at = None
    shop.uninstalled_at = utcnow()
    shop.token_generation = (shop.token_generation or 0) + 1
    session.flush()
    return "tokens dropped, shop marked uninstalled"


def apply_scopes_update(
    session: Session, domain: str, current_scopes: list[str], triggered_at: str | None = None
) -> str | None:
    """Record the scopes Shopify says are granted; None when done, else why not (no such shop, or an
    update triggered before the current install, whose grant carried the scopes since)."""
    shop = shop_by_domain(session, domain)
    if shop is None:
        return "no such shop"
    stale = install_generations.superseded(shop, triggered_at)
    if stale:
        return stale
    shop.scopes = ",".join(current_scopes)
    session.flush()
    return None


def sync_details(db: Database, client: AdminClient, domain: str) -> None:
    """Ask Shopify for the shop's name, currency, time zone, id and granted scopes, and record them
    (the scopes only when Shopify listed some). Nothing is held open across the call to Shopify."""
    info = shop_info.fetch(client)
    with db.session() as session:
        shop = shop_by_domain(session, domain)
        if shop is None:
            return
        shop.name, shop.currency = info.name, info.currency
        shop.iana_timezone, shop.shopify_id = info.timezone, info.shopify_id
        if info.scopes:
            shop.scopes = ",".join(info.scopes)
