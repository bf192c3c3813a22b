"""Webhook signature: base64 HMAC-SHA256 of the raw body with the app secret (not the query HMAC)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass


def sign(raw_body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""


def verify(raw_body: bytes, header_value: str | None, secrets: list[str]) -> Verdict:
    """Constant-time check against each secret (current first, then a rotated-out one)."""
    if not header_value:
        return Verdict(False, "missing X-Shopify-Hmac-Sha256")
    given = header_value.strip().encode()
    ok = False
    for secret in secrets:
        if secret:
            # compare every secret, so the time taken does not tell which one matched
            ok |= hmac.compare_digest(sign(raw_body, secret).encode(), given)
    return Verdict(True) if ok else Verdict(False, "HMAC does not match")
