"""The query-string HMAC on app loads and OAuth callbacks (hex HMAC-SHA256 of the sorted query).

The message is the query as Shopify's own libraries rebuild it (`@shopify/shopify-api`
`lib/utils/hmac-validator.ts` and `processed-query.ts`; shopify-api-ruby uses
`URI.encode_www_form`): `hmac` (and `signature`) dropped, keys sorted, each `key=value` pair
form-encoded as a browser's `URLSearchParams` does, with a space as `%20`, joined with `&`.
ShopifyAPI for Python signs the raw values instead, which differs as soon as a value holds `/`,
`+`, `=`, a space or non-ASCII text (a `host` parameter's base64 can hold `/` and `+`).
A timestamp more than 90 seconds away from now is refused, as Shopify's library does
(`HMAC_TIMESTAMP_PERMITTED_CLOCK_TOLERANCE_SEC`).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping, Sequence
from enum import Enum

MAX_AGE_SECONDS = 90
_UNRESERVED = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-._")


class Verdict(Enum):
    VALID = "valid"
    INVALID = "invalid"  # not signed with one of the app's secrets
    STALE = "stale"  # signed, but the timestamp is more than 90 s away


def _form_encode(text: str) -> str:
    """application/x-www-form-urlencoded as the WHATWG URL standard serialises it, space as %20."""
    return "".join(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in text.encode("utf-8"))


def message(args: Mapping[str, Sequence[str]]) -> str:
    """The signed message of a query given as key -> list of values (Werkzeug's `to_dict(flat=False)`)."""
    # A key given more than once is signed with its values joined by commas, as the library does.
    return "&".join(
        f"{_form_encode(key)}={_form_encode(','.join(str(v) for v in args[key]))}"
        for key in sorted(k for k in args if k not in ("hmac", "signature"))
    )


def sign(args: Mapping[str, Sequence[str]], secret: str) -> str:
    return hmac.new(secret.encode(), message(args).encode(), hashlib.sha256).hexdigest()


def check(args: Mapping[str, Sequence[str]], secrets: list[str], now: float | None = None) -> Verdict:
    """Verdict.VALID when `hmac` matches under one of the secrets and `timestamp` is within 90 s of now;
    STALE when it matches but the timestamp is older or newer than that; INVALID otherwise. Constant-time
    compare."""
    given = (list(args.get("hmac") or []) or [""])[0]
    if not isinstance(given, str) or not given:
        return Verdict.INVALID
    try:
        ts = int((list(args.get("timestamp") or []) or ["0"])[0])
    except (TypeError, ValueError):
        return Verdict.INVALID
    ok = False
    for secret in secrets:
        if secret:
            ok |= hmac.compare_digest(sign(args, secret).encode(), given.encode())
    if not ok:
        return Verdict.INVALID
    return Verdict.VALID if abs((now or time.time()) - ts) <= MAX_AGE_SECONDS else Verdict.STALE


def verify(args: Mapping[str, Sequence[str]], secrets: list[str], now: float | None = None) -> bool:
    """True when the query is signed by one of the secrets and fresh (see `check`)."""
    return check(args, secrets, now) is Verdict.VALID
