"""The webhook inbox: receive (dedupe and store before acknowledging) and process (idempotently).

Receiving is the only work on the request path: one INSERT ... ON CONFLICT DO NOTHING keyed by
(shop, X-Shopify-Webhook-Id). On the webhook path it runs in autocommit, for the rows of the requests of
the same moment together (inbox_writer.py: one statement and one commit for them, each request answered
once its row is committed); in a Session it joins its transaction.
Parsing and every rule run later, in a worker. What the merchant sees of the inbox is registry.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from shopify_roi.db import utcnow
from shopify_roi.models import WebhookDelivery
from shopify_roi.models.delivery import FAILED, PROCESSED, RECEIVED, SKIPPED
from shopify_roi.services.webhooks import retries

log = logging.getLogger(__name__)


class PayloadError(ValueError):
    """The payload cannot be processed as sent (malformed, truncated, missing fields)."""


def parse_payload(text: str | None) -> dict:
    """A stored body as a JSON object; PayloadError (with the reason) for anything else."""
    try:
        payload = json.loads(text or "")
    except ValueError as exc:
        raise PayloadError(f"payload is not valid JSON ({exc})") from None
    except RecursionError:
        raise PayloadError("payload is not valid JSON (nested too deeply)") from None
    if not isinstance(payload, dict):
        raise PayloadError("payload is not a JSON object")
    return payload


def replay_verdict(triggered_at: str | None, window_hours: float, now: datetime | None = None) -> str | None:
    """Why a verified delivery is too old to apply, or None.

    Shopify retries a failed delivery 8 times over 4 hours with the original payload and trigger
    time, and a delivery may be delayed by up to a day (shopify-platform.md 2.1-2.2), so a window
    of 48 hours refuses no real delivery; an older one is a replay. Without a readable
    `X-Shopify-Triggered-At` nothing can be judged and the delivery is applied (nothing is lost).
    """
    if not triggered_at or window_hours <= 0:
        return None
    try:
        moment = datetime.fromisoformat(triggered_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    age = (now or utcnow()) - moment
    if age <= timedelta(hours=window_hours):
        return None
    return (
        f"triggered at {triggered_at}, {age.total_seconds() / 3600:.0f} hours ago: older than the "
        f"{window_hours:g}-hour replay window, so not applied"
    )


@dataclass(frozen=True)
class Receipt:
    delivery_id: int | None
    duplicate: bool


_INSERTS: dict[str, Insert] = {}
_COLUMNS = (
    "shop_domain",
    "webhook_id",
    "topic",
    "api_version",
    "event_id",
    "triggered_at",
    "received_at",
    "payload",
    "status",
    "attempts",
    "error",
    "result",
    "processed_at",
)


def _insert_statement(dialect: str) -> Insert:
    """INSERT ... ON CONFLICT (shop_domain, webhook_id) DO NOTHING RETURNING id, built once per dialect.

    The values are bound per execution (always the same keys), so SQLAlchemy reuses its compiled
    form from its cache: no ORM and no statement building per webhook.
    """
    stmt = _INSERTS.get(dialect)
    if stmt is None:
        table = WebhookDelivery.__table__
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = _INSERTS[dialect] = (
            insert(table)
            .on_conflict_do_nothing(index_elements=["shop_domain", "webhook_id"])
            .returning(table.c.id)
        )
    return stmt


def row_values(
    *,
    shop_domain: str,
    webhook_id: str,
    topic: str,
    raw_body: bytes,
    api_version: str | None = None,
    event_id: str | None = None,
    triggered_at: str | None = None,
    status: str = RECEIVED,
    skipped_because: str | None = None,
) -> dict:
    """A verified delivery's inbox row, as `receive` stores it (the arguments are `receive`'s)."""
    # Bytes that are not UTF-8, and NUL (which PostgreSQL's text refuses), become U+FFFD: such a
    # body was not valid JSON to begin with and still fails, readably, when processed.
    payload = raw_body.decode("utf-8", errors="replace")
    if "\x00" in payload:
        payload = payload.replace("\x00", "\ufffd")
    now = utcnow()
    return {
        "shop_domain": shop_domain,
        "webhook_id": webhook_id[:128],
        "topic": topic[:64],
        "api_version": (api_version or "")[:16],
        "event_id": (event_id or "")[:128] or None,
        "triggered_at": (triggered_at or "")[:40] or None,
        "received_at": now,
        "payload": payload,
        "status": SKIPPED if skipped_because else status,
        "attempts": 0,
        "error": None,
        "result": skipped_because,
        "processed_at": now if skipped_because else None,
    }


def receive(db: Session | Connection | Any, **fields: Any) -> Receipt:
    """Store a verified delivery once; a repeated `webhook_id` for the shop is reported as duplicate.

    `fields` are `row_values`'s. `db` is a Session (the statement joins its transaction), a Core
    Connection, or what `Database.autocommit()` gives (on PostgreSQL a psycopg connection in
    autocommit: the row is committed when this returns, in one round trip). With `skipped_because`
    the delivery is recorded as `skipped` with that reason, not processed.
    """
    values = row_values(**fields)
    if isinstance(db, Session):
        db = db.connection()
    if isinstance(db, Connection):
        new_id = db.execute(_insert_statement(db.dialect.name), values).scalar()
        return Receipt(new_id, duplicate=new_id is None)
    return receive_rows(db, [values])[0]


def receive_rows(conn: Any, rows: list[dict]) -> list[Receipt]:
    """Store `row_values` rows in one statement on a psycopg connection (in autocommit: one commit for
    them all); a Receipt per row, in order. A row whose (shop, webhook id) is already stored, or came
    earlier in `rows`, is a duplicate."""
    unique: dict[tuple[str, str], dict] = {}
    for row in rows:
        unique.setdefault((row["shop_domain"], row["webhook_id"]), row)
    params = [row[column] for row in unique.values() for column in _COLUMNS]
    stored = {
        (shop, webhook): new_id
        for new_id, shop, webhook in conn.execute(_psycopg_rows_sql(len(unique)), params)
    }
    receipts = []
    for row in rows:
        new_id = stored.pop((row["shop_domain"], row["webhook_id"]), None)  # the first of a key takes it
        receipts.append(Receipt(new_id, duplicate=new_id is None))
    return receipts


@lru_cache(maxsize=64)
def _psycopg_rows_sql(count: int) -> str:
    """INSERT of `count` rows ... ON CONFLICT (shop_domain, webhook_id) DO NOTHING RETURNING each new
    row's id and key, with positional %s parameters (row by row, in `_COLUMNS` order), made once per
    count. Every value bound is a str, int, None or an aware UTC datetime, which psycopg adapts as
    SQLAlchemy's types would (UTCDateTime only checks that a datetime is aware and in UTC)."""
    row = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    return (
        f"INSERT INTO {WebhookDelivery.__tablename__} ({', '.join(_COLUMNS)}) "
        f"VALUES {', '.join([row] * count)} "
        "ON CONFLICT (shop_domain, webhook_id) DO NOTHING RETURNING id, shop_domain, webhook_id"
    )


Handler = Callable[[Session, WebhookDelivery, dict], str]


def this_delivery(delivery_id: int, shop_domain: str | None) -> list:
    """The conditions that find one delivery: by its key, id and shop (under Citus: the shop's node); by
    its id alone only for a job queued before deliveries were keyed by their shop (it names none)."""
    where = [WebhookDelivery.id == delivery_id]
    return where if shop_domain is None else [*where, WebhookDelivery.shop_domain == shop_domain]


def process(session: Session, delivery_id: int, shop_domain: str | None, handlers: dict[str, Handler]) -> str:
    """Process one delivery exactly once. Returns its final status.

    A payload that is not JSON, or that a handler rejects with PayloadError, ends `failed` with a
    readable reason and changes nothing else (the handler's work is rolled back to a savepoint).
    """
    query = select(WebhookDelivery).where(*this_delivery(delivery_id, shop_domain))
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    delivery = session.scalar(query)
    if delivery is None or delivery.status != RECEIVED:
        return delivery.status if delivery else "missing"
    delivery.attempts += 1
    handler = handlers.get(delivery.topic)
    if handler is None:
        return _finish(delivery, SKIPPED, result=f"no handler for {delivery.topic}")
    try:
        payload = parse_payload(delivery.payload)
    except PayloadError as exc:
        return _finish(delivery, FAILED, error=str(exc))
    try:
        with session.begin_nested():
            result = handler(session, delivery, payload)
    except PayloadError as exc:
        return _finish(delivery, FAILED, error=f"{delivery.topic}: {exc}")
    return _finish(delivery, PROCESSED, result=result)


def _finish(
    delivery: WebhookDelivery, status: str, *, result: str | None = None, error: str | None = None
) -> str:
    delivery.status = status
    delivery.result = result
    delivery.error = error
    delivery.processed_at = utcnow()
    if status == FAILED:
        log.warning("webhook %s (%s) failed: %s", delivery.webhook_id, delivery.topic, error)
    return status


def stale_received(session: Session, older_than: timedelta, limit: int = 1000) -> list[tuple[int, str, str]]:
    """(id, topic, shop domain) of deliveries acknowledged but still unprocessed after `older_than` (their
    queue entries were lost, or a failed attempt's retry is due); none whose retry is still to come."""
    now = utcnow()
    return [
        tuple(r)
        for r in session.execute(
            select(WebhookDelivery.id, WebhookDelivery.topic, WebhookDelivery.shop_domain)
            .where(
                WebhookDelivery.status == RECEIVED,
                WebhookDelivery.received_at < now - older_than,
                retries.due(now),
            )
            .order_by(WebhookDelivery.id)
            .limit(limit)
        )
    ]
