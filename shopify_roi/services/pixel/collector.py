"""What the collector accepts from the web pixel (`POST /pixel/events`) and how it stores it.

A batch is `{"v": 1, "shop", "key", "visitor", "events": [...]}` as extensions/creator-pixel/src/pixel.js
sends it; anything else is refused whole with a clear reason and stores nothing. The browser is never
trusted for money (orders and revenue come from webhooks) nor for time (an event's time is when it arrived).
The visitor and the session are stored only as keyed hashes, the visitor's rotating daily.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from shopify_roi.models import PixelEvent, PixelSettings, Shop

MAX_BODY = 16 * 1024
MAX_EVENTS = 20
NAMES = {"pv", "vw", "ac", "cs", "cc"}  # page, product viewed, added to cart, checkout started, completed
FIELDS = {"id", "n", "t", "s", "c", "start", "l", "p", "q", "o"}
_EVENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_SESSION = re.compile(r"[A-Za-z0-9_-]{8,64}")
_HANDLE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_DIGITS = re.compile(r"[1-9][0-9]{0,19}")
_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
_VISITOR = re.compile(r"[\x21-\x7e]{1,128}")
_SHOP = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]\.myshopify\.com")


class Refused(Exception):
    """A batch refused: the HTTP status and the reason, said to the sender."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass(frozen=True)
class Batch:
    shop: str
    key: str
    visitor: str
    events: tuple[dict, ...]


def parse(raw: bytes) -> Batch:
    """The batch, checked field by field (Refused 400 naming the first bad one)."""
    if len(raw) > MAX_BODY:
        raise Refused(413, f"a batch is at most {MAX_BODY} bytes")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "the body is not JSON") from None
    if not isinstance(body, dict) or set(body) != {"v", "shop", "key", "visitor", "events"}:
        raise Refused(400, "send {v, shop, key, visitor, events} and nothing else")
    if body["v"] != 1:
        raise Refused(400, "v must be 1")
    for name, pattern in (("shop", _SHOP), ("key", _KEY), ("visitor", _VISITOR)):
        if not isinstance(body[name], str) or not pattern.fullmatch(body[name]):
            raise Refused(400, f"{name} is not valid")
    events = body["events"]
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_EVENTS:
        raise Refused(400, f"events must be a list of 1 to {MAX_EVENTS} events")
    seen: dict[str, dict] = {}
    for i, event in enumerate(events):
        checked = _event(event, i)
        seen.setdefault(checked["id"], checked)  # one id twice in a batch: stored once
    return Batch(body["shop"], body["key"], body["visitor"], tuple(seen.values()))


def _event(event, i: int) -> dict:
    where = f"events[{i}]"
    if not isinstance(event, dict) or not set(event) <= FIELDS:
        raise Refused(400, f"{where} must be an object of the fields {', '.join(sorted(FIELDS))}")
    name = event.get("n")
    if name not in NAMES:
        raise Refused(400, f"{where}.n must be one of {', '.join(sorted(NAMES))}")
    checks = (("id", _EVENT_ID, True), ("s", _SESSION, True), ("c", _HANDLE, True))
    checks += (("p", _DIGITS, name in ("vw", "ac")), ("o", _DIGITS, name == "cc"))
    for field, pattern, required in checks:
        value = event.get(field)
        if value is None and not required:
            continue
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise Refused(400, f"{where}.{field} is missing or not valid")
    quantity = event.get("q")
    if quantity is not None and (
        isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= 10000
    ):
        raise Refused(400, f"{where}.q must be a whole number from 1 to 10000")
    for flag in ("start", "l"):
        if flag in event and not isinstance(event[flag], bool):
            raise Refused(400, f"{where}.{flag} must be true or false")
    t = event.get("t")
    if t is not None and (not isinstance(t, str) or len(t) > 40):
        raise Refused(400, f"{where}.t must be a timestamp")
    return event


@dataclass(frozen=True)
class PixelShop:
    shop_id: int
    key: str


class ShopKeys:
    """Shop domain -> its id and pixel key while the pixel is on and the app installed, cached for `ttl`
    seconds per process (the collector's hot path reads no table for a known shop)."""

    def __init__(self, ttl: float = 5.0):
        self.ttl = ttl
        self._cache: dict[str, tuple[float, PixelShop | None]] = {}

    def get(self, session_factory, domain: str) -> PixelShop | None:
        now = time.monotonic()
        hit = self._cache.get(domain)
        if hit is not None and hit[0] > now:
            return hit[1]
        with session_factory() as session:
            row = session.execute(
                select(Shop.id, PixelSettings.key)
                .join(PixelSettings, PixelSettings.shop_id == Shop.id)
                .where(Shop.domain == domain, Shop.uninstalled_at.is_(None), PixelSettings.enabled.is_(True))
            ).first()
        found = PixelShop(row[0], row[1]) if row is not None else None
        if len(self._cache) > 10000:
            self._cache.clear()
        self._cache[domain] = (now + self.ttl, found)
        return found


def check_key(shop: PixelShop | None, key: str) -> PixelShop:
    if shop is None or not hmac.compare_digest(shop.key.encode(), key.encode()):
        raise Refused(403, "unknown shop, pixel turned off, or wrong key")
    return shop


def dialect_insert_for(name: str):
    return postgresql.insert if name == "postgresql" else sqlite.insert


def _hash(secret: str, *parts: str) -> str:
    return hashlib.sha256("|".join((secret, *parts)).encode()).hexdigest()[:32]


_COLUMNS = (
    "shop_id",
    "event_id",
    "name",
    "received_at",
    "visitor_hash",
    "session_hash",
    "handle",
    "session_start",
    "landed",
    "product_id",
    "quantity",
    "order_id",
)


def _rows(shop_id: int, batch: Batch, secret: str, now: datetime) -> list[tuple]:
    visitor = _hash(secret, "pixel-visitor", now.date().isoformat(), batch.visitor)
    return [
        (
            shop_id,
            e["id"],
            e["n"],
            now,
            visitor,
            _hash(secret, "pixel-session", e["s"]),
            e["c"],
            bool(e.get("start")) and e["n"] == "pv",
            bool(e.get("l")),
            e.get("p"),
            e.get("q"),
            e.get("o"),
        )
        for e in batch.events
    ]


def store(db, shop_id: int, batch: Batch, secret: str, now: datetime) -> list[tuple[str, str]]:
    """Insert the batch's events not already held (an event id is stored once per shop) in one statement,
    committed when this returns. `db`: what `Database.autocommit()` gives (on PostgreSQL a psycopg
    connection in autocommit: one round trip; elsewhere a Core Connection). Returns the (name, order id) of
    each event inserted."""
    rows = _rows(shop_id, batch, secret, now)
    if isinstance(db, Connection):
        stmt = (
            dialect_insert_for(db.dialect.name)(PixelEvent)
            .values([dict(zip(_COLUMNS, row, strict=True)) for row in rows])
            .on_conflict_do_nothing(index_elements=["shop_id", "event_id"])
            .returning(PixelEvent.name, PixelEvent.order_id)
        )
        return [(name, order_id) for name, order_id in db.execute(stmt)]
    one = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    sql = (
        f"INSERT INTO pixel_events ({', '.join(_COLUMNS)}) VALUES {', '.join([one] * len(rows))} "
        "ON CONFLICT (shop_id, event_id) DO NOTHING RETURNING name, order_id"
    )
    return [
        (name, order_id) for name, order_id in db.execute(sql, [v for row in rows for v in row]).fetchall()
    ]
