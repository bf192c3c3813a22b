"""No secrets in logs: every log record of the process is redacted when it is created.

Request lines carry secrets in their query strings (`/auth/callback?code=…&hmac=…&state=…`,
the embedded page's `?id_token=…&session=…`), and so do Referer headers in access logs;
exception texts may quote a token. A database error quotes the values it refused (PostgreSQL's
`DETAIL:  Key (shop_id, shopify_id)=(5, 5550001234) already exists.`, `invalid input syntax for type
integer: "…"`): orders' and customers' values, masked too (the engines already hide the statement's
parameters: db.py). A log-record factory (not a handler filter) redacts them, so
every handler sees the redacted record: the root logger's, werkzeug's request lines,
gunicorn's access and error logs and pytest's capture alike.
"""

from __future__ import annotations

import logging
import re
import threading

REDACTED = "[redacted]"
# Query parameters whose values are secrets or single-use credentials.
_SECRET_PARAMS = (
    "code",
    "hmac",
    "id_token",
    "session",
    "state",
    "signature",
    "access_token",
    "refresh_token",
    "subject_token",
    "client_secret",
    "token",
)
_PARAM_RE = re.compile(r"(?i)(\b(?:{})(?:=|%3D))[^&\s\"'#]+".format("|".join(_SECRET_PARAMS)))
_BEARER_RE = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")
_JWT_RE = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+")
_SHOPIFY_TOKEN_RE = re.compile(r"\bshp(?:at|rt|ua|ca|ss|pa|tka)_[A-Za-z0-9]+")
_FERNET_RE = re.compile(r"\bgAAAAA[A-Za-z0-9_=-]{20,}")  # an encrypted token is not for logs either
# PostgreSQL's words around a refused value (its error fields DETAIL, CONTEXT and the primary message).
_DB_VALUE_RES = (
    re.compile(
        r"(Key \([^)\n]*\)=\().*?"
        r"(\)(?: already exists| is not present| is still referenced| conflicts|\.|$))",
        re.M,
    ),
    re.compile(r"(Failing row contains \().*(\))"),
    re.compile(r"(parameter \$\d+ = ).*"),
    re.compile(r"(invalid input (?:syntax|value) for (?:type|enum) [^:\n]*: )\".*?\"(?=$|\s)", re.M),
    re.compile(r"(value )\".*?\"( is out of range)"),
)

_lock = threading.Lock()
_literals: set[str] = set()
_installed = False


def redact(text: str) -> str:
    """`text` with secret query values, bearer tokens, JWTs, Shopify tokens, known secrets and the values
    a database error quotes masked."""
    if not text:
        return text
    for secret in _literals:
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _PARAM_RE.sub(lambda m: m.group(1) + REDACTED, text)
    text = _BEARER_RE.sub(lambda m: m.group(1) + REDACTED, text)
    text = _JWT_RE.sub(REDACTED, text)
    text = _SHOPIFY_TOKEN_RE.sub(REDACTED, text)
    for pattern in _DB_VALUE_RES:
        text = pattern.sub(lambda m: m.group(1) + REDACTED + (m.group(2) if m.lastindex == 2 else ""), text)
    return _FERNET_RE.sub(REDACTED, text)


def _clean(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, (bytes, bytearray)):
        return redact(bytes(value).decode("utf-8", errors="replace"))
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    text = str(value)  # an object formatted by %s: redact its text (e.g. an exception naming a token)
    cleaned = redact(text)
    return value if cleaned == text else cleaned


def _redact_record(record: logging.LogRecord) -> None:
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if isinstance(record.args, dict):  # gunicorn's access log passes its atoms as one dict (kept: a subclass)
        for key, value in list(record.args.items()):
            record.args[key] = _clean(value)
    elif isinstance(record.args, tuple):
        record.args = tuple(_clean(a) for a in record.args)
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))


def install(secrets: list[str] | tuple[str, ...] = ()) -> None:
    """Redact every log record from now on, plus these literal secrets (idempotent, process-wide)."""
    global _installed
    with _lock:
        _literals.update(s for s in secrets if s and len(s) >= 8)
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs):
            record = previous(*args, **kwargs)
            try:
                _redact_record(record)
            except Exception:  # noqa: BLE001 - logging must never fail because of redaction
                record.msg, record.args = "log record withheld: it could not be redacted", ()
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
