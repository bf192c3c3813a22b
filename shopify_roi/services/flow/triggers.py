"""Sending the app's Flow trigger events (extensions/creator-*/shopify.extension.toml) for the shops that
turned them on, each event once.

An event is claimed in `flow_trigger_sends` (unique per shop, trigger and event key) and committed before
Shopify is called, so a retried job never sends it twice; one Shopify refused keeps its userErrors; one
whose call failed (no answer) is released for the job's retry.
Events before the merchant turned the triggers on are not sent (no flood of old orders).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopify_roi.db import Database
from shopify_roi.models import Creator, FlowTriggerSend, Order, Shop, ShopSettings
from shopify_roi.services.flow import checks, usage
from shopify_roi.shopify_client import flow
from shopify_roi.shopify_client.admin import AdminClient

log = logging.getLogger(__name__)
ORDER_ATTRIBUTED = "creator-order-attributed"
LEAK_SUSPECTED = "creator-code-leak-suspected"
BELOW_TARGET = "creator-below-roas-target"
SKIPPED = "not sent: no enabled workflow uses this trigger"
BATCH = 100  # events per run; a run with more asks for another


def enabled_since(session: Session, shop_id: int) -> datetime | None:
    """When the shop turned the Flow triggers on, or None (off)."""
    return session.scalar(select(ShopSettings.flow_triggers_since).where(ShopSettings.shop_id == shop_id))


def shops_sending(session: Session, domains=None) -> list[str]:
    """Domains of the installed shops that send Flow triggers (of `domains`, if given)."""

    query = (
        select(Shop.domain)
        .join(ShopSettings, ShopSettings.shop_id == Shop.id)
        .where(ShopSettings.flow_triggers_since.is_not(None), Shop.uninstalled_at.is_(None))
    )
    if domains is not None:
        query = query.where(Shop.domain.in_(list(domains)))
    return list(session.scalars(query))


def _sent_keys(session: Session, shop_id: int, handle: str, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(
        session.scalars(
            select(FlowTriggerSend.event_key).where(
                FlowTriggerSend.shop_id == shop_id,
                FlowTriggerSend.handle == handle,
                FlowTriggerSend.event_key.in_(keys),
            )
        )
    )


def attributed_order_events(session: Session, shop_id: int, since: datetime) -> list[tuple[str, dict]]:
    """(order id, payload) of the orders attributed to a creator, created since `since` and not sent yet,
    oldest first, at most BATCH."""
    since = since.replace(microsecond=0)  # Shopify's created_at is to the second
    sent = (
        select(FlowTriggerSend.id)
        .where(
            FlowTriggerSend.shop_id == shop_id,
            FlowTriggerSend.handle == ORDER_ATTRIBUTED,
            FlowTriggerSend.event_key == Order.shopify_id,
        )
        .exists()
    )
    rows = session.execute(
        select(Order.shopify_id, Order.rule, Creator.handle, Creator.name)
        .join(Creator, (Creator.id == Order.creator_id) & (Creator.shop_id == Order.shop_id))
        .where(Order.shop_id == shop_id, Order.created_at >= since, Order.test.is_(False), ~sent)
        .order_by(Order.created_at, Order.id)
        .limit(BATCH)
    ).all()
    return [
        (
            r.shopify_id,
            {
                "order_id": int(r.shopify_id),
                "Creator handle": r.handle,
                "Creator name": r.name or r.handle,
                "Attribution rule": r.rule,
            },
        )
        for r in rows
    ]


def _claim(db: Database, shop_id: int, handle: str, key: str, note: str) -> int | None:
    """Record the event as sent (committed before Shopify is called); None when it was already."""
    try:
        with db.session() as session:
            claim = FlowTriggerSend(shop_id=shop_id, handle=handle, event_key=key, error=note)
            session.add(claim)
            session.flush()
            return claim.id
    except IntegrityError:  # another run claimed it meanwhile
        return None


def send(db: Database, client: AdminClient, shop_id: int, handle: str, events: list[tuple[str, dict]]) -> int:
    """Claim and send each event (key, payload); how many Shopify accepted. Commits per event (a Shopify
    call between). While Flow says no enabled workflow uses the trigger, events are claimed unsent (not
    sent later either: a workflow turned on starts with the events from then on)."""
    accepted = 0
    with db.session() as session:
        skip = handle in usage.unused(session, shop_id)
    for key, payload in events:
        with db.session() as session:
            if _sent_keys(session, shop_id, handle, [key]):
                continue
        claim_id = _claim(db, shop_id, handle, key, SKIPPED if skip else "")
        if claim_id is None or skip:
            continue
        try:
            errors = flow.trigger(client, handle, payload)
        except Exception:
            with db.session() as session:  # not sent: the job's retry sends it
                session.execute(
                    delete(FlowTriggerSend).where(
                        FlowTriggerSend.id == claim_id, FlowTriggerSend.shop_id == shop_id
                    )
                )
            raise
        if errors:
            log.warning("Flow refused %s for shop %s: %s", handle, shop_id, errors)
            with db.session() as session:
                session.get(FlowTriggerSend, (claim_id, shop_id)).error = "; ".join(errors)[:2000]
        else:
            accepted += 1
    return accepted


def _forget(session: Session, shop_id: int, handle: str, keys: list[str]) -> None:
    """A creator back at target: a later fall below it is a new event."""
    if keys:
        session.execute(
            delete(FlowTriggerSend).where(
                FlowTriggerSend.shop_id == shop_id,
                FlowTriggerSend.handle == handle,
                FlowTriggerSend.event_key.in_(keys),
            )
        )


def run(db: Database, client: AdminClient, shop_id: int, daily: bool = False) -> dict:
    """Send the shop's pending order-attributed events and, in the `daily` run, its code-leak and
    below-ROAS-target events (nothing when its triggers are off)."""
    with db.session() as session:
        since = enabled_since(session, shop_id)
        if since is None:
            return {"skipped": "Flow triggers are off"}
        events = attributed_order_events(session, shop_id, since)
    result = {
        ORDER_ATTRIBUTED: send(db, client, shop_id, ORDER_ATTRIBUTED, events),
        "more": len(events) >= BATCH,
    }
    if daily:
        with db.session() as session:
            found = checks.findings(session, shop_id)
            _forget(session, shop_id, BELOW_TARGET, found.recovered)
        result[LEAK_SUSPECTED] = send(db, client, shop_id, LEAK_SUSPECTED, found.leaks)
        result[BELOW_TARGET] = send(db, client, shop_id, BELOW_TARGET, found.below)
    return result
