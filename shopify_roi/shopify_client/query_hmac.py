"""The query-string HMAC on app loads and OAuth callbacks (hex, sorted params), via ShopifyAPI."""
from __future__ import annotations

import hashlib
import hmac
import time
from typing import Mapping, Sequence

import shopify

MAX_AGE_SECONDS = 24 * 3600  # ShopifyAPI's own freshness window for callback timestamps


def _flatten(args: Mapping[str, Sequence[str]]) -> dict:
    return {k: (list(v) if k.endswith("[]") else v[0]) for k, v in args.items() if v}


def verify(args: Mapping[str, Sequence[str]], secrets: list[str], now: float | None = None) -> bool:
    """True when `hmac` matches under one of the secrets and `timestamp` is recent.

    `args` maps each key to its list of values (Werkzeug's `request.args.to_dict(flat=False)`).
    ShopifyAPI's `calculate_hmac` does the canonical encoding; the compare is constant time.
    """
    params = _flatten(args)
    given = params.get("hmac")
    if not isinstance(given, str) or not given:
        return False
    try:
        ts = int(params.get("timestamp", "0"))
    except (TypeError, ValueError):
        return False
    if abs((now or time.time()) - ts) > MAX_AGE_SECONDS:
        return False
    # ShopifyAPI's canonical encoding, without its process-global `Session.secret`.
    message = shopify.Session._Session__encoded_params_for_signature(params).encode()
    ok = False
    for secret in secrets:
        if secret:
            digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
            ok |= hmac.compare_digest(digest.encode(), given.encode())
    return ok
