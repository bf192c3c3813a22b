"""App Bridge session tokens: minting them (as the Shopify admin does) and checking them
(as Shopify's token-exchange endpoint does). HS256, signed with the app's client secret,
claims per shopify.dev/docs/apps/build/authentication-authorization/session-tokens."""

from __future__ import annotations

import secrets
import time
import uuid

import jwt

LEEWAY_SECONDS = 10


class InvalidSessionToken(Exception):
    """The subject token is not a valid session token for this app and shop."""


def mint(
    shop: str,
    api_key: str,
    secret: str,
    sub: str = "1",
    ttl: int = 60,
    nbf_offset: int = 0,
    aud: str | None = None,
    dest: str | None = None,
    now: float | None = None,
) -> str:
    """A session token for ``shop`` (a myshopify domain) valid for ``ttl`` seconds.

    ``iss`` is ``https://{shop}/admin`` and ``dest`` ``https://{shop}`` - the real domain, never
    the stand-in's URL. ``aud``/``dest``/``secret`` can be overridden to forge bad tokens.
    """
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": f"https://{shop}/admin",
        "dest": dest if dest is not None else f"https://{shop}",
        "aud": aud if aud is not None else api_key,
        "sub": str(sub),
        "exp": issued + int(ttl),
        "nbf": issued + int(nbf_offset),
        "iat": issued,
        "jti": str(uuid.uuid4()),
        "sid": secrets.token_hex(16),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def verify(token: str, shop: str, api_key: str, secret: str) -> dict:
    """The claims of a valid session token for ``shop``; raises InvalidSessionToken otherwise.

    Checks the HS256 signature, ``aud`` == api_key, exp/nbf with 10 s leeway, ``dest`` ==
    ``https://{shop}`` and that ``iss`` is on the same origin.
    """
    try:
        claims = jwt.decode(
            token or "",
            secret,
            algorithms=["HS256"],
            audience=api_key,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "nbf", "iss", "dest", "aud", "sub"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidSessionToken(str(exc)) from exc
    if claims.get("dest") != f"https://{shop}":
        raise InvalidSessionToken("dest does not name this shop")
    if not str(claims.get("iss", "")).startswith(f"https://{shop}/"):
        raise InvalidSessionToken("iss and dest differ")
    return claims
