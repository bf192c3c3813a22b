"""Writing the creator metafields to Shopify (issue 18: the merchant groups Shopify's own sales reports by
creator and builds a segment of the customers a creator acquired). Idempotent: each owner's values are
compared with what was last written (`MetafieldWrite`), so a re-run calls Shopify for nothing, a
re-attribution rewrites, and an order that lost its creator (or a customer forgotten by customers/redact)
has its metafields deleted and its row removed.

A call carries whole owners and at most 25 metafields (metafieldsSet,
https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet); the call is atomic, so when
Shopify refuses an input the others are sent again without it, and the refused owner keeps its old values
with the reason in `error`; it is sent alone from then on, so it never holds others back.

A full run compares every attributed order; the drain's and a re-attribution's runs look only at the
orders stored since the last run began (less `MARGIN`), their customers and the refused owners. Edits that
change no order (a campaign renamed, a creator's handle or campaigns), a customers/redact and a scope grant
ask for a full run, and one comes daily anyway (jobs/schedules.py).

Transactions: this service calls Shopify, so it commits before each call and after it (CONVENTIONS.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from shopify_roi.db import utcnow
from shopify_roi.models import MetafieldWrite, Shop, ShopSettings
from shopify_roi.models.metafield import CUSTOMER, ORDER
from shopify_roi.services.orders import metafield_values
from shopify_roi.shopify_client import metafields as api
from shopify_roi.shopify_client.admin import AdminClient, AdminError

TYPES = {"first_order_date": "date"}  # every other key is a single_line_text_field (shopify.app.toml)
SCOPES = {ORDER: "write_orders", CUSTOMER: "write_customers"}
MAX_CALLS = 200  # a longer backlog goes on in the next run
INCREMENTAL_MAX = 2000  # owners an incremental run looks at; more: a full run
# An incremental run looks at orders stored since the last run began, less this: a transaction still open
# when that run began commits its orders with an earlier `stored_at` (the periodic full run covers the rest).
MARGIN = timedelta(minutes=10)
NOT_REACHED = "not reached: "  # the error of a write that failed before Shopify could judge it


@dataclass
class Change:
    owner: str
    shopify_id: str
    values: dict  # what the metafields should hold ({}: delete them all)
    old: dict  # what was last written
    alone: bool  # its last write was refused: sent in a call of its own

    def inputs(self) -> list[dict]:
        gid = api.owner_gid(self.owner, self.shopify_id)
        return [
            {"ownerId": gid, "key": k, "type": TYPES.get(k, "single_line_text_field"), "value": v}
            for k, v in sorted(self.values.items())
        ]

    def dropped(self) -> list[dict]:
        gid = api.owner_gid(self.owner, self.shopify_id)
        return [{"ownerId": gid, "key": k} for k in sorted(set(self.old) - set(self.values))]


def enabled(db, shop_id: int) -> tuple[bool, set[str], datetime | None]:
    """Whether the merchant turned the writing on, the write scopes the shop has granted, and when the
    last complete run began."""
    with db.session() as session:
        row = session.scalar(select(ShopSettings).where(ShopSettings.shop_id == shop_id))
        shop = session.get(Shop, shop_id)
        granted = shop.scope_set & set(SCOPES.values()) if shop else set()
        return bool(row and row.metafields), granted, row.metafields_checked_at if row else None


def shops_writing(session, domains: set[str] | None = None, shop_id: int | None = None) -> list[str]:
    """The installed shops (of `domains`, the one `shop_id`, or all) whose merchant turned the writing on."""
    query = (
        select(Shop)
        .join(ShopSettings, ShopSettings.shop_id == Shop.id)
        .where(ShopSettings.metafields.is_(True))
    )
    if domains is not None:
        query = query.where(Shop.domain.in_(domains))
    if shop_id is not None:
        query = query.where(Shop.id == shop_id)
    return sorted(s.domain for s in session.scalars(query) if s.is_installed)


def _scope(session, shop_id: int, since: datetime) -> tuple[set[str], set[str]] | None:
    """The owners to look at in an incremental run: orders changed since `since`, their customers, and every
    owner whose last write did not reach Shopify; None when there are too many (a full run is as cheap).
    An owner Shopify refused (a userError: the order was deleted, ...) is tried again only when its order
    changes and in the daily full run, not every ten minutes."""
    orders, customers = metafield_values.changed_since(session, shop_id, since)
    for owner, shopify_id in session.execute(
        select(MetafieldWrite.owner, MetafieldWrite.shopify_id).where(
            MetafieldWrite.shop_id == shop_id, MetafieldWrite.error.startswith(NOT_REACHED)
        )
    ):
        (orders if owner == ORDER else customers).add(shopify_id)
    return (orders, customers) if len(orders) + len(customers) <= INCREMENTAL_MAX else None


def _rows(session, shop_id: int, scope) -> dict[tuple[str, str], MetafieldWrite]:
    query = select(MetafieldWrite).where(MetafieldWrite.shop_id == shop_id)
    if scope is None:
        return {(r.owner, r.shopify_id): r for r in session.scalars(query)}
    found = {}
    for owner, ids in ((ORDER, scope[0]), (CUSTOMER, scope[1])):
        picked = query.where(MetafieldWrite.owner == owner, MetafieldWrite.shopify_id.in_(ids))
        found.update(((r.owner, r.shopify_id), r) for r in session.scalars(picked))
    return found


def plan(db, shop_id: int, granted: set[str], since: datetime | None = None) -> list[Change]:
    """The owners whose metafields differ from what was last written, for the owners the shop's scopes
    let the app write: all of them, or (`since`) those whose orders changed since then."""
    with db.session() as session:
        scope = _scope(session, shop_id, since) if since is not None else None
        want = metafield_values.wanted(session, shop_id, *(scope or ()))
        rows = _rows(session, shop_id, scope)
        changes = []
        for key in sorted(set(want) | set(rows)):
            row = rows.get(key)
            old = json.loads(row.written) if row is not None else {}
            values = want.get(key, {})
            if SCOPES[key[0]] in granted and (values != old or (row is not None and not values)):
                changes.append(Change(key[0], key[1], values, old, bool(row is not None and row.error)))
        return changes


def batches(changes: list[Change]) -> list[list[Change]]:
    """Whole owners, at most 25 metafields a call; an owner refused before goes alone."""
    batches: list[list[Change]] = []
    current: list[Change] = []
    for change in changes:
        if not change.values:
            continue
        size = len(change.inputs())
        if change.alone:
            batches.append([change])
            continue
        if current and sum(len(c.inputs()) for c in current) + size > api.MAX_PER_CALL:
            batches.append(current)
            current = []
        current.append(change)
    return batches + ([current] if current else [])


def _send(client: AdminClient, batch: list[Change], failed: dict, counts: dict) -> None:
    """One metafieldsSet call; refused owners go in `failed`, the others are sent again without them."""
    inputs, owner_of = [], []
    for change in batch:
        for item in change.inputs():
            inputs.append(item)
            owner_of.append(change)
    counts["calls"] += 1
    refusals = api.set_metafields(client, inputs)
    if not refusals:
        return
    named = {
        id(owner_of[r.index]): r.message for r in refusals if r.index is not None and r.index < len(inputs)
    }
    if not named:  # refused as a whole: each owner alone tells which one
        if len(batch) == 1:
            failed[id(batch[0])] = "; ".join(r.message for r in refusals)
            return
        for change in batch:
            _send(client, [change], failed, counts)
        return
    for change in batch:
        if id(change) in named:
            failed[id(change)] = named[id(change)]
    rest = [c for c in batch if id(c) not in named]
    if rest:
        _send(client, rest, failed, counts)


def _record(db, shop_id: int, changes: list[Change], failed: dict) -> None:
    with db.session() as session:
        for change in changes:
            where = (
                MetafieldWrite.shop_id == shop_id,
                MetafieldWrite.owner == change.owner,
                MetafieldWrite.shopify_id == change.shopify_id,
            )
            reason = failed.get(id(change))
            if reason is None and not change.values:
                session.execute(delete(MetafieldWrite).where(*where))
                continue
            row = session.scalar(select(MetafieldWrite).where(*where))
            if row is None:
                row = MetafieldWrite(
                    shop_id=shop_id, owner=change.owner, shopify_id=change.shopify_id, written="{}"
                )
                session.add(row)
            row.error = reason or ""
            if reason is None:
                row.written = json.dumps(change.values, sort_keys=True)


def _delete_dropped(client: AdminClient, changes: list[Change], failed: dict, counts: dict) -> None:
    """metafieldsDelete for the keys an owner no longer has, 25 identifiers a call."""
    pending = [(c, i) for c in changes for i in c.dropped()]
    for start in range(0, len(pending), api.MAX_PER_CALL):
        chunk = pending[start : start + api.MAX_PER_CALL]
        counts["calls"] += 1
        try:
            api.delete_metafields(client, [i for _, i in chunk])
        except AdminError as exc:
            for change, _ in chunk:
                failed[id(change)] = _reason(exc, "delete refused: ")


def _reason(exc: AdminError, refused: str = "") -> str:
    """A refusal (userErrors) as Shopify said it; any other failure marked NOT_REACHED (tried again soon)."""
    return f"{refused}{exc}" if isinstance(exc, api.UserErrors) else f"{NOT_REACHED}{exc}"


def _customers_written(db, shop_id: int) -> bool:
    with db.session() as session:
        return (
            session.scalar(
                select(MetafieldWrite.id)
                .where(MetafieldWrite.shop_id == shop_id, MetafieldWrite.owner == CUSTOMER)
                .limit(1)
            )
            is not None
        )


def _write(db, client: AdminClient, shop_id: int, changes: list[Change]) -> dict:
    """Delete, then set in batches, recording each batch after its call; what was done, by count."""
    failed: dict[int, str] = {}
    counts = {"calls": 0}
    done: list[Change] = []
    _delete_dropped(client, changes, failed, counts)
    done += [c for c in changes if not c.values]
    for batch in batches([c for c in changes if id(c) not in failed]):
        if counts["calls"] >= MAX_CALLS:
            counts["more"] = 1
            break
        try:
            _send(client, batch, failed, counts)
        except AdminError as exc:  # throttling and transient errors were retried by the client
            for change in batch:
                failed[id(change)] = _reason(exc)
        done += batch
        _record(db, shop_id, batch, failed)
    sent = {id(c) for c in done}
    _record(db, shop_id, [c for c in changes if id(c) not in sent and id(c) in failed], failed)
    _record(db, shop_id, [c for c in done if not c.values], failed)
    return {
        **counts,
        "written": sum(1 for c in done if c.values and id(c) not in failed),
        "deleted": sum(1 for c in done if not c.values and id(c) not in failed),
        "refused": len(failed),
    }


def _mark_checked(db, shop_id: int, started: datetime) -> None:
    with db.session() as session:
        row = session.scalar(select(ShopSettings).where(ShopSettings.shop_id == shop_id))
        if row is not None:
            row.metafields_checked_at = started


def sync(db, client: AdminClient, shop_id: int, full: bool = True) -> dict:
    """Bring the shop's creator metafields in line with the attribution; what was done, by count. `full`
    looks at every order; otherwise only at the orders changed since the last run (and refused owners)."""
    started = utcnow()
    on, granted, checked_at = enabled(db, shop_id)
    if not on and not _customers_written(db, shop_id):
        return {"skipped": "turned off in the settings"}
    since = None if full or checked_at is None else checked_at - MARGIN
    changes = plan(db, shop_id, granted, since)
    if not on:  # turned off: nothing is written, but a customer forgotten by customers/redact is still erased
        changes = [c for c in changes if c.owner == CUSTOMER and not c.values]
        if not changes:
            return {"skipped": "turned off in the settings"}
    result = _write(db, client, shop_id, changes)
    if on and not result.get("more"):
        _mark_checked(db, shop_id, started)
    missing = sorted(set(SCOPES.values()) - granted)
    return {**result, "full": since is None, **({"missing_scopes": missing} if missing else {})}
