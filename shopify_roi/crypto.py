"""Encryption of Shopify tokens at rest (Fernet: AES-128-CBC + HMAC-SHA256, from `cryptography`).

TOKEN_ENCRYPTION_KEY holds one key or several, comma-separated, newest first: the first encrypts,
every one decrypts (MultiFernet). Rotating: put a new key first, run `shopify-roi rotate-keys`
(every stored token re-encrypted with it), then drop the old key.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class TokenCipher:
    """Encrypts and decrypts tokens; several comma-separated keys allow key rotation (first encrypts)."""

    def __init__(self, keys: str):
        self._fernet = MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])

    def encrypt(self, plaintext: str | None) -> str | None:
        if plaintext is None:
            return None
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str | None) -> str | None:
        return self._apply(self._fernet.decrypt, ciphertext, "TOKEN_ENCRYPTION_KEY")

    def rotate(self, ciphertext: str | None) -> str | None:
        """The same token encrypted with the newest key (ValueError if no key decrypts it)."""
        return self._apply(self._fernet.rotate, ciphertext, "any key of TOKEN_ENCRYPTION_KEY")

    @staticmethod
    def _apply(operation, ciphertext: str | None, keys: str) -> str | None:
        if ciphertext is None:
            return None
        try:
            return operation(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise ValueError(f"stored token cannot be decrypted with {keys}") from exc
