"""Writing the creator metafields to Shopify (issue 18: the merchant groups Shopify's own sales reports by
creator and builds a segment of the customers a creator acquired). Idempotent: each owner's values are
compared with what was last written (`MetafieldWrite`), so a re-run calls Shopify for nothing, a
re-attribution rewrites, and an order that lost its creator (or a customer forgotten by customers/redact)
has its metafields deleted and its row removed.

A call carries whole owners and at most 25 metafields (metafieldsSet,
https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet); the call is atomic, so when
Shopify refuses an input the others are sent again without it, and the refused owner keeps its old values
with the reason in `error`; it is sent alone from then on, so it never holds others back.

Transactions: this service calls Shopify, so it commits before each call and after it (CONVENTIONS.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import delete, select

from shopify_roi.models import MetafieldWrite, Shop, ShopSettings
from shopify_roi.models.metafield import CUSTOMER, ORDER
from shopify_roi.services.orders import metafield_values
from shopify_roi.shopify_client import metafields as api
from shopify_roi.shopify_client.admin import AdminClient, AdminError

TYPES = {"first_order_date": "date"}  # every other key is a single_line_text_field (shopify.app.toml)
SCOPES = {ORDER: "write_orders", CUSTOMER: "write_customers"}
MAX_CALLS = 200  # a longer backlog goes on in the next run


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


def enabled(db, shop_id: int) -> tuple[bool, set[str]]:
    """Whether the merchant turned the writing on, and the write scopes the shop has granted."""
    with db.session() as session:
        on = session.scalar(select(ShopSettings.metafields).where(ShopSettings.shop_id == shop_id))
        shop = session.get(Shop, shop_id)
        return bool(on), shop.scope_set & set(SCOPES.values()) if shop else set()


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


def plan(db, shop_id: int, granted: set[str]) -> list[Change]:
    """The owners whose metafields differ from what was last written, for the owners the shop's scopes
    let the app write."""
    with db.session() as session:
        want = metafield_values.wanted(session, shop_id)
        rows = {
            (r.owner, r.shopify_id): r
            for r in session.scalars(select(MetafieldWrite).where(MetafieldWrite.shop_id == shop_id))
        }
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
                failed[id(change)] = f"delete refused: {exc}"


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


def sync(db, client: AdminClient, shop_id: int) -> dict:
    """Bring the shop's creator metafields in line with the attribution; what was done, by count."""
    on, granted = enabled(db, shop_id)
    missing = sorted(set(SCOPES.values()) - granted)
    if not on and not _customers_written(db, shop_id):
        return {"skipped": "turned off in the settings"}
    changes = plan(db, shop_id, granted)
    if not on:  # turned off: nothing is written, but a customer forgotten by customers/redact is still erased
        changes = [c for c in changes if c.owner == CUSTOMER and not c.values]
        if not changes:
            return {"skipped": "turned off in the settings"}
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
                failed[id(change)] = str(exc)
        done += batch
        _record(db, shop_id, batch, failed)
    sent = {id(c) for c in done}
    _record(db, shop_id, [c for c in changes if id(c) not in sent and id(c) in failed], failed)
    _record(db, shop_id, [c for c in done if not c.values], failed)
    written = sum(1 for c in done if c.values and id(c) not in failed)
    result = {
        **counts,
        "written": written,
        "deleted": sum(1 for c in done if not c.values and id(c) not in failed),
    }
    result["refused"] = len(failed)
    if missing:
        result["missing_scopes"] = missing
    return result
