"""The spend ledger: fees, seeding (units x unit cost + shipping) and other costs per creator,
optionally per campaign, each on a date or over a period (periods.py). Commission is not entered: metrics
compute it from the creator's rate.

`add_entry` and `edit_entry` may ask Shopify for a seeding entry's cost (seeding_cost.py), so they commit
their own transactions, none of them open while Shopify answers; the others flush in the caller's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shopify_roi.models import Order, Shop, SpendEntry
from shopify_roi.models.spend import KINDS, SEEDING
from shopify_roi.money import in_range
from shopify_roi.services import fields
from shopify_roi.services.creators import campaigns, profiles
from shopify_roi.services.errors import Invalid, NotFound
from shopify_roi.services.spend import periods, seeding_cost

if TYPE_CHECKING:
    from shopify_roi.runtime import Runtime

MAX_UNITS = 1_000_000


def parse(session: Session, shop_id: int, data: dict, entry: SpendEntry | None = None) -> dict:
    """Validate an entry: kind, date or period (periods.py), and amount (or, for seeding, units, unit cost
    and shipping)."""
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    errors: dict[str, str] = {}
    kind = data.get("kind", entry.kind if entry else "")
    if kind not in KINDS:
        errors["kind"] = "one of " + ", ".join(KINDS)
    spent_on = fields.day(data.get("date", entry.spent_on.isoformat() if entry else ""), "date", errors)
    out = {
        "kind": kind,
        "spent_on": spent_on,
        "note": fields.text(data.get("note", entry.note if entry else ""), "note", errors, max_len=2000),
        "units": None,
        "unit_cost": None,
        "shipping": None,
    }
    if kind == SEEDING and data.get("units") not in (None, ""):
        out["units"] = fields.whole(data["units"], "units", errors, high=MAX_UNITS)
        out["unit_cost"] = fields.amount(data.get("unit_cost"), "unit_cost", errors, required=True)
        out["shipping"] = fields.amount(data.get("shipping"), "shipping", errors) or Decimal(0)
        if not errors:
            out["amount"] = out["units"] * out["unit_cost"] + out["shipping"]
            if not in_range(out["amount"]):
                errors["units"] = "units x unit cost + shipping is beyond the largest amount accepted"
    elif entry is not None and "amount" not in data and "units" not in data and kind == entry.kind:
        # An edit that sends no amount keeps the entry's (and a seeding entry's units, cost and shipping).
        out.update(amount=entry.amount, units=entry.units, unit_cost=entry.unit_cost, shipping=entry.shipping)
    else:
        out["amount"] = fields.amount(data.get("amount"), "amount", errors, required=True)
    campaign = data.get("campaign")
    if campaign not in (None, "") and fields.text(campaign, "campaign", errors, max_len=255) is None:
        campaign = None
    if errors:
        raise Invalid("Please correct the spend entry.", errors)
    if entry is not None and "campaign" not in data:
        out["campaign_id"] = entry.campaign_id  # an edit that does not name a campaign keeps the entry's
    else:
        out["campaign_id"] = (
            campaigns.campaign_by_name(session, shop_id, str(campaign)).id if campaign else None
        )
    out["period_start"], out["period_end"] = periods.parse_period(
        session, shop_id, data, entry, out["campaign_id"], errors
    )
    out["spent_on"] = spent_on or out["period_start"]  # a period's entry is dated by its first day
    if out["spent_on"] is None and not errors:
        errors["date"] = "must be a date YYYY-MM-DD (or give a period)"
    if errors:
        raise Invalid("Please correct the spend entry.", errors)
    return out


def entries(session: Session, shop_id: int, handle: str) -> list[SpendEntry]:
    """The creator's entries, oldest first (404 for a handle the shop does not have)."""
    creator = profiles.get_creator(session, shop_id, handle)
    return list(
        session.scalars(
            select(SpendEntry)
            .where(SpendEntry.shop_id == shop_id, SpendEntry.creator_id == creator.id)
            .order_by(SpendEntry.spent_on, SpendEntry.id)
        )
    )


def add_entry(rt: Runtime, shop: Shop, handle: str, data) -> SpendEntry:
    """Add an entry to the creator's ledger; a seeding entry naming a `variant_id` without a `unit_cost`
    takes Shopify's cost per item. Commits (see above); another shop's handle is a 404 before anything is
    asked of Shopify."""
    with rt.db.session() as session:
        profiles.get_creator(session, shop.id, handle)
    data = seeding_cost.resolve(rt, shop, data)
    with rt.db.session() as session:
        return add(session, shop.id, handle, data)


def edit_entry(rt: Runtime, shop: Shop, handle: str, entry_id: int, data) -> SpendEntry:
    """Change an entry (fields not sent are kept), as `add_entry` does. Commits (see above)."""
    with rt.db.session() as session:
        profiles.get_creator(session, shop.id, handle)
    data = seeding_cost.resolve(rt, shop, data)
    with rt.db.session() as session:
        return edit(session, shop.id, handle, entry_id, data)


def add(session: Session, shop_id: int, handle: str, data: dict) -> SpendEntry:
    creator = profiles.get_creator(session, shop_id, handle)
    entry = SpendEntry(shop_id=shop_id, creator_id=creator.id, **parse(session, shop_id, data))
    session.add(entry)
    session.flush()
    return entry


def get(session: Session, shop_id: int, handle: str, entry_id: int) -> SpendEntry:
    creator = profiles.get_creator(session, shop_id, handle)
    entry = session.scalar(
        select(SpendEntry).where(
            SpendEntry.shop_id == shop_id, SpendEntry.creator_id == creator.id, SpendEntry.id == entry_id
        )
    )
    if entry is None:
        raise NotFound("No such spend entry for this creator.")
    return entry


def edit(session: Session, shop_id: int, handle: str, entry_id: int, data: dict) -> SpendEntry:
    entry = get(session, shop_id, handle, entry_id)
    for key, value in parse(session, shop_id, data, entry).items():
        setattr(entry, key, value)
    session.flush()
    return entry


def remove(session: Session, shop_id: int, handle: str, entry_id: int) -> None:
    """Delete the entry; one recorded from a seeding order leaves the order listed as seeding to record
    (not recorded again by itself: staff deleted it)."""
    entry = get(session, shop_id, handle, entry_id)
    if entry.order_id is not None:
        session.execute(
            update(Order)
            .where(Order.shop_id == shop_id, Order.id == entry.order_id)
            .values(seeding_issue="Its seeding spend entry was deleted: record it again to count its cost.")
        )
    session.delete(entry)
