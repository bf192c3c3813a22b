"""App Bridge session tokens (HS256 JWT signed with the app secret), decoded with ShopifyAPI."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import jwt
from shopify import session_token as _st

from shopify_roi.shopify_client.domains import valid_shop_domain


class InvalidSessionToken(Exception):
    """The token is missing, expired, for another app, badly signed or names no valid shop.

    `expired` is True only for a token correctly signed for this app whose one-minute life is over
    (or that is not valid yet): the one failure a fresh token from App Bridge repairs.
    """

    def __init__(self, reason: str, expired: bool = False):
        super().__init__(reason)
        self.expired = expired


@dataclass(frozen=True)
class SessionToken:
    shop: str
    user_id: str
    session_id: str
    raw: str


def decode(raw_token: str | None, api_key: str, secrets: list[str]) -> SessionToken:
    """Verify signature, `aud`, `exp`/`nbf` (10 s leeway) and that `iss` and `dest` name one valid shop.

    The shop is taken from `dest` (Shopify's advice) after ShopifyAPI checked `iss` has the same
    origin. Raises InvalidSessionToken with a short reason.
    """
    if not raw_token:
        raise InvalidSessionToken("missing session token")
    last_error, expired = "invalid session token", False
    for secret in [s for s in secrets if s]:
        try:
            claims = _st.decode_from_header(f"Bearer {raw_token}", api_key, secret)
        except _st.SessionTokenError as exc:
            last_error = str(exc) or exc.__class__.__name__
            # PyJWT checks the signature before the times: this secret signed it, it is only late.
            expired = expired or isinstance(
                exc.__cause__, (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError)
            )
            continue
        except (TypeError, ValueError, AttributeError, KeyError, OverflowError):
            # A correctly signed token whose claims are not strings where ShopifyAPI expects them
            # (`iss`, `dest`) or numbers where PyJWT does: malformed, not a server error.
            raise InvalidSessionToken("malformed session token claims") from None
        if not isinstance(claims.get("dest"), str):
            raise InvalidSessionToken("dest is not a shop")
        dest = urlsplit(claims["dest"])
        shop = valid_shop_domain(dest.hostname or "")
        if dest.scheme != "https" or not shop:
            raise InvalidSessionToken("dest is not a shop")
        return SessionToken(
            shop=shop,
            user_id=str(claims.get("sub", "")),
            session_id=str(claims.get("sid", "")),
            raw=raw_token,
        )
    raise InvalidSessionToken("Signature has expired" if expired else last_error, expired=expired)


def from_authorization_header(header: str | None, api_key: str, secrets: list[str]) -> SessionToken:
    if not header or not header.startswith("Bearer "):
        raise InvalidSessionToken("missing Bearer session token")
    return decode(header[len("Bearer ") :].strip(), api_key, secrets)
