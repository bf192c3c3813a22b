"""The webhooks a discount change causes, built from discount snapshots (see
``devstore.discounts.code_discounts``) with the ``payloads`` builders, and their sending.

GraphQL mutations send in the background (Shopify delivers after the API call); the
control API's admin-side edits send inline and return the deliveries."""

from __future__ import annotations

import uuid

from devstore.config import DevstoreConfig
from devstore.discounts import code_discounts
from devstore.store.state import Shop, Store
from devstore.webhooks import delivery, payloads

Event = tuple[str, dict]


def _summary(record: dict, now: float) -> dict:
    return {
        "admin_graphql_api_id": code_discounts.node_gid(record["id"]),
        "title": record["title"],
        "status": code_discounts.status(record, now),
        "created_at": record["created_at"],
        "updated_at": record["updated_at"],
    }


def _code(record: dict, code_id: int, text: str, now: float) -> dict:
    return {
        "admin_graphql_api_id": code_discounts.node_gid(record["id"]),
        "redeem_code": {"id": code_discounts.redeem_code_gid(code_id), "code": text},
        "updated_at": now,
    }


def created(shop: Shop, record: dict, now: float) -> list[Event]:
    """``discounts/create`` for a new discount."""
    return [
        (
            "discounts/create",
            payloads.discounts_create(shop, **_summary(record, now)),
        )
    ]


def updated(shop: Shop, record: dict, now: float, renamed: dict | None = None) -> list[Event]:
    """``discounts/update``, preceded by ``redeemcode_removed`` / ``redeemcode_added`` when the
    first code was renamed (``renamed`` = ``{"id", "old", "new"}``; the code keeps its id)."""
    events: list[Event] = []
    if renamed:
        events.append(
            (
                "discounts/redeemcode_removed",
                payloads.discounts_redeemcode_removed(
                    shop, **_code(record, renamed["id"], renamed["old"], now)
                ),
            )
        )
        events.append(
            (
                "discounts/redeemcode_added",
                payloads.discounts_redeemcode_added(
                    shop, **_code(record, renamed["id"], renamed["new"], now)
                ),
            )
        )
    events.append(
        (
            "discounts/update",
            payloads.discounts_update(shop, **_summary(record, now)),
        )
    )
    return events


def deleted(shop: Shop, record: dict) -> list[Event]:
    """``discounts/delete`` with the discount's GID and deletion time."""
    body = payloads.discounts_delete(
        shop,
        admin_graphql_api_id=code_discounts.node_gid(record["id"]),
        deleted_at=record["deleted_at"],
    )
    return [("discounts/delete", body)]


def codes_added(shop: Shop, record: dict, results: list[dict], now: float) -> list[Event]:
    """One ``discounts/redeemcode_added`` per imported code of a bulk add."""
    return [
        (
            "discounts/redeemcode_added",
            payloads.discounts_redeemcode_added(shop, **_code(record, r["id"], r["code"], now)),
        )
        for r in results
        if r["id"]
    ]


def send_later(config: DevstoreConfig, store: Store, shop: Shop, events: list[Event]) -> None:
    """Deliver in order on a background thread; outcomes go to the delivery log only."""
    if events:
        delivery.deliver_in_background(config, shop, events, store)


def send_now(config: DevstoreConfig, store: Store, shop: Shop, events: list[Event]) -> list[dict]:
    """Deliver in order now, one event id for the action; return each delivery's JSON (never
    raises for network errors)."""
    event_id = str(uuid.uuid4())
    return [
        delivery.deliver(config, shop, topic, body, store=store, event_id=event_id).to_json()
        for topic, body in events
    ]
