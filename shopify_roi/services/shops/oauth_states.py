"""OAuth state nonces of the authorization-code install: issued by `/auth`, used once by
`/auth/callback`, and kept from piling up.

`/auth` needs no credentials, so anyone can make the app write a state row: expired rows are deleted
whenever a new one is written (and by the worker's periodic work, jobs/schedules.py); one client
address holds at most MAX_LIVE_PER_CLIENT live states (beyond, a 429); and one shop keeps only its
MAX_LIVE_PER_SHOP newest, so the merchant's own, latest, attempt still completes however many others
started an install for that shop. No address is stored: a keyed hash of it, as for link clicks.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import OAuthState

STATE_TTL = timedelta(minutes=10)
MAX_LIVE_PER_CLIENT = 10
MAX_LIVE_PER_SHOP = 5


class TooManyAttempts(Exception):
    """The client already has MAX_LIVE_PER_CLIENT install attempts under way."""


def client_key(secret: str, address: str) -> str:
    """A keyed pseudonym of a client's address (the address itself is never stored)."""
    return hashlib.sha256(f"{secret}|oauth-state|{address}".encode()).hexdigest()[:32]


def purge_expired(session: Session) -> int:
    """Delete every expired state (an indexed range delete); returns how many."""
    return session.execute(delete(OAuthState).where(OAuthState.expires_at < utcnow())).rowcount or 0


def issue(session: Session, shop: str, client: str) -> str:
    """A new single-use nonce for `shop`, asked by `client` (client_key); TooManyAttempts beyond the
    client's cap. Expired states go first; the shop's oldest live ones beyond its cap are dropped."""
    purge_expired(session)
    live = session.scalar(select(func.count()).select_from(OAuthState).where(OAuthState.client_key == client))
    if live >= MAX_LIVE_PER_CLIENT:
        raise TooManyAttempts(
            "Too many install attempts from your network in the last few minutes: finish one, or try "
            f"again in {int(STATE_TTL.total_seconds() // 60)} minutes."
        )
    nonce = secrets.token_urlsafe(32)
    session.add(OAuthState(nonce=nonce, shop_domain=shop, client_key=client, expires_at=utcnow() + STATE_TTL))
    session.flush()
    keep = (
        select(OAuthState.id)
        .where(OAuthState.shop_domain == shop)
        .order_by(OAuthState.id.desc())
        .limit(MAX_LIVE_PER_SHOP)
    )
    session.execute(
        delete(OAuthState).where(OAuthState.shop_domain == shop, OAuthState.id.not_in(keep.scalar_subquery()))
    )
    return nonce
