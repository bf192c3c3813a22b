"""Seeding orders (README "Seeding"): an order staff mark as seeding in the app, or tag in Shopify's admin
(`creator-roi-seeding`, or `creator-roi-seeding:<handle>` naming the creator), is gifted product: never a
sale (not counted: no revenue, no customer, no commission), and its product at cost plus shipping becomes
the creator's seeding spend, one entry per order (`SpendEntry.order_id`), dated on the order's local day.

The product cost is Shopify's cost per item of each line's variant (`InventoryItem.unitCost`, the
merchant's COGS), read in one query (shopify_client/products.py), or the amount staff enter. The call to
Shopify happens with no transaction open. Recording an order again updates its one entry (idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from shopify_roi.db import Database
from shopify_roi.models import Creator, Order, Shop, SpendEntry
from shopify_roi.models.spend import SEEDING
from shopify_roi.money import in_range
from shopify_roi.services import fields
from shopify_roi.services.creators import campaigns, profiles
from shopify_roi.services.errors import Conflict, Invalid, NotFound, ShopifyUnavailable
from shopify_roi.services.metrics.window import shop_zone
from shopify_roi.services.orders import read_facts
from shopify_roi.services.shops.tokens import admin_client
from shopify_roi.shopify_client import products
from shopify_roi.shopify_client.admin import AdminClient, AdminError, ReauthorizeRequired

if TYPE_CHECKING:
    from shopify_roi.runtime import Runtime

FIELDS = {"order", "creator", "shipping", "product_cost", "campaign", "note", "sent_on"}


@dataclass(frozen=True)
class Recording:
    """What to record, checked before Shopify is asked anything."""

    order_row: int
    order_id: str
    order_name: str
    creator_id: int
    shipping: Decimal
    product_cost: Decimal | None
    campaign_id: int | None
    note: str | None
    sent_on: object


def find_order(session: Session, shop_id: int, ref) -> Order:
    """The shop's order by Shopify id (a number) or name ("#1001"); 404 otherwise."""
    text = str(ref or "").strip() if isinstance(ref, (str, int)) and not isinstance(ref, bool) else ""
    if not text or len(text) > 64:
        raise Invalid("Name the order: its number (#1001) or Shopify id.", {"order": "an order of this shop"})
    by = (
        Order.shopify_id == text
        if text.isdigit()
        else Order.name == (text if text.startswith("#") else "#" + text)
    )
    order = session.scalar(select(Order).where(Order.shop_id == shop_id, by).order_by(Order.id).limit(1))
    if order is None:
        raise NotFound(f"No order {text} in this shop (a new order shows here within a minute of Shopify).")
    return order


def seeding_creator(session: Session, shop_id: int, order: Order) -> Creator | None:
    """The creator a seeding order was sent to: the one its tag names, else the one it is attributed to."""
    if order.seeding_handle:
        named = session.scalar(
            select(Creator).where(Creator.shop_id == shop_id, Creator.handle == order.seeding_handle)
        )
        if named is not None:
            return named
    return session.get(Creator, (order.creator_id, shop_id)) if order.creator_id else None


def check(session: Session, shop_id: int, ref, data) -> Recording:
    """The recording `data` asks for (400 naming each bad field, 404 for an order or creator the shop does
    not have); nothing is written."""
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    errors: dict[str, str] = {}
    unknown = sorted(str(k)[:40] for k in data if k not in FIELDS)
    if unknown:
        errors[unknown[0]] = "is not a field; fields: " + ", ".join(sorted(FIELDS))
    order = find_order(session, shop_id, ref)
    if data.get("creator") not in (None, ""):
        creator = profiles.get_creator(session, shop_id, str(data["creator"]).lstrip("@"))
    else:
        creator = seeding_creator(session, shop_id, order)
        if creator is None:
            errors["creator"] = "name the creator this order was sent to"
    shipping = fields.amount(data.get("shipping"), "shipping", errors) or Decimal(0)
    cost = None
    if data.get("product_cost") not in (None, ""):
        cost = fields.amount(data["product_cost"], "product_cost", errors)
    note = (
        fields.text(data["note"], "note", errors, max_len=2000)
        if data.get("note") not in (None, "")
        else None
    )
    sent_on = (
        fields.day(data["sent_on"], "sent_on", errors) if data.get("sent_on") not in (None, "") else None
    )
    campaign_id = None
    if data.get("campaign") not in (None, ""):
        name = fields.text(data["campaign"], "campaign", errors, max_len=255)
        campaign_id = campaigns.campaign_by_name(session, shop_id, name).id if name else None
    if errors:
        raise Invalid("Seeding not recorded: " + "; ".join(f"{k} {v}" for k, v in errors.items()), errors)
    return Recording(
        order.id, order.shopify_id, order.name, creator.id, shipping, cost, campaign_id, note, sent_on
    )


def shopify_cost(client: AdminClient, currency: str | None, order_id: str) -> tuple[Decimal, str]:
    """The order's product at Shopify's cost and a note naming its lines; CostUnavailable otherwise."""
    cost = products.order_cost(client, order_id)
    if currency and cost.currency and cost.currency != currency:
        raise products.CostUnavailable(
            f"Shopify's costs are in {cost.currency}, the shop's currency is {currency}: enter the cost."
        )
    if not cost.currency and cost.lines:
        raise products.CostUnavailable(
            "Shopify's costs of this order are in more than one currency: enter it."
        )
    note = ", ".join(f"{units} × {title} at {unit}" for title, units, unit in cost.lines)
    return cost.total, note


def record(rt: Runtime, shop: Shop, ref, data) -> tuple[SpendEntry | None, str]:
    """Mark the order as seeding (unless its tag already does) and record its seeding spend: (the entry,
    ""), or (None, why) when Shopify has no cost for it and none was entered: the order is seeding all the
    same and waits, with that reason, among the seeding orders to record. Commits; asks Shopify for the cost
    (no transaction open) unless `product_cost` is given."""
    with rt.db.session() as session:
        plan = check(session, shop.id, ref, data)
    note = ""
    cost = plan.product_cost
    if cost is None:
        try:
            cost, note = shopify_cost(admin_client(rt, shop.domain), shop.currency, plan.order_id)
        except products.CostUnavailable as exc:
            with rt.db.session() as session:
                mark_only(session, shop.id, plan.order_row, str(exc))
            return None, str(exc)
        except ReauthorizeRequired:
            raise  # the page asks the merchant to open the app again
        except AdminError as exc:  # Shopify down or throttled past the client's patience: nothing stored
            raise ShopifyUnavailable(
                f"Shopify did not answer with the order's costs ({exc}): try again, or enter the cost."
            ) from exc
    with rt.db.session() as session:
        return write(session, shop.id, plan, cost, note), ""


def mark_only(session: Session, shop_id: int, order_row: int, reason: str) -> None:
    """The order is seeding (never a sale) though its spend cannot be recorded yet: `reason` says why. An
    entry recorded before is kept."""
    order = session.scalar(
        select(Order).where(Order.shop_id == shop_id, Order.id == order_row).with_for_update()
    )
    if order is None:
        raise NotFound("The order is gone (deleted in Shopify's data request?).")
    if not order.seeding:
        order.seeding_marked = True
    order.counted = False
    order.seeding_issue = reason[:2000]
    session.flush()
    read_facts.refresh_facts(session, shop_id, {order.customer_id or ""}, {order.shopify_id})


def write(session: Session, shop_id: int, plan: Recording, cost: Decimal, lines_note: str) -> SpendEntry:
    """Mark the order and write its one seeding entry (a new one, or the one recorded before), then bring the
    order's read facts up to date (it no longer counts as a sale: first orders and rollup days move)."""
    order = session.scalar(
        select(Order).where(Order.id == plan.order_row, Order.shop_id == shop_id).with_for_update()
    )
    if order is None:
        raise NotFound("The order is gone (deleted in Shopify's data request?).")
    amount = cost + plan.shipping
    if not in_range(amount):
        raise Invalid(
            "Product cost + shipping is beyond the largest amount accepted.", {"product_cost": "too large"}
        )
    if not order.seeding:
        order.seeding_marked = True
    order.counted = False
    order.seeding_issue = ""
    tz = shop_zone(session.get(Shop, shop_id))
    entry = session.scalar(
        select(SpendEntry).where(SpendEntry.shop_id == shop_id, SpendEntry.order_id == order.id)
    )
    if entry is None:
        entry = SpendEntry(shop_id=shop_id, order_id=order.id, kind=SEEDING, creator_id=plan.creator_id)
        session.add(entry)
    entry.creator_id = plan.creator_id
    entry.campaign_id = plan.campaign_id if plan.campaign_id is not None else entry.campaign_id
    entry.spent_on = order.created_at.astimezone(tz).date()
    entry.period_start = entry.period_end = None
    entry.amount, entry.shipping, entry.units, entry.unit_cost = amount, plan.shipping, None, None
    entry.note = plan.note or f"Seeding order {order.name}" + (f": {lines_note}" if lines_note else "")
    if plan.sent_on is not None:
        entry.sent_on = plan.sent_on
    session.flush()
    read_facts.refresh_facts(session, shop_id, {order.customer_id or ""}, {order.shopify_id})
    return entry


def unmark(session: Session, shop_id: int, ref) -> None:
    """Staff's mark taken back: the order is a sale again and its seeding entry goes. 409 for an order its
    tag in Shopify marks (the tag is removed in Shopify's admin)."""
    order = find_order(session, shop_id, ref)
    if order.seeding:
        raise Conflict(
            f"{order.name} is tagged as seeding in Shopify: remove the tag there and it counts as a sale "
            "again."
        )
    if not order.seeding_marked:
        raise NotFound(f"{order.name} is not marked as seeding.")
    order.seeding_marked = False
    order.counted = not (order.test or order.financial_status == "voided")
    entry = session.scalar(
        select(SpendEntry).where(SpendEntry.shop_id == shop_id, SpendEntry.order_id == order.id)
    )
    if entry is not None:
        session.delete(entry)
    session.flush()
    read_facts.refresh_facts(session, shop_id, {order.customer_id or ""}, {order.shopify_id})


PENDING_BATCH = 50


def pending(
    session: Session, shop_id: int | None = None, limit: int = PENDING_BATCH
) -> list[tuple[int, str]]:
    """(shop id, order id) of orders tagged as seeding in Shopify with no seeding spend recorded and no
    reason it could not be: the ones to record by themselves (`record_pending`)."""
    query = (
        select(Order.shop_id, Order.shopify_id)
        .outerjoin(SpendEntry, and_(SpendEntry.shop_id == Order.shop_id, SpendEntry.order_id == Order.id))
        # the first clause is the partial index's predicate (ix_orders_seeding): a shop's few seeding orders
        .where(or_(Order.seeding, Order.seeding_marked), Order.seeding, Order.seeding_issue == "")
        .where(SpendEntry.id.is_(None))
        .order_by(Order.shop_id, Order.id)
        .limit(limit)
    )
    if shop_id is not None:
        query = query.where(Order.shop_id == shop_id)
    return [tuple(row) for row in session.execute(query).all()]


def record_pending(db: Database, client: AdminClient, shop_id: int) -> dict:
    """Record the seeding spend of the shop's tagged orders (product at Shopify's cost, shipping 0: staff
    may edit it) where the tag or the order's attribution names the creator; an order that cannot be
    recorded keeps the reason (`seeding_issue`) and waits for staff, listed on the page."""
    done = {"recorded": 0, "waiting_for_staff": 0}
    with db.session() as session:
        todo = [oid for _, oid in pending(session, shop_id)]
        currency = session.get(Shop, shop_id).currency
    for order_id in todo:
        reason = ""
        try:
            with db.session() as session:
                plan = check(session, shop_id, order_id, {})
            cost, note = shopify_cost(client, currency, order_id)
            with db.session() as session:
                write(session, shop_id, plan, cost, note)
            done["recorded"] += 1
            continue
        except Invalid as exc:
            reason = "No creator: tag the order creator-roi-seeding:<handle>, or record it here naming one."
            if not (exc.fields or {}).get("creator"):
                reason = str(exc)
        except (NotFound, products.CostUnavailable) as exc:
            reason = str(exc)
        with db.session() as session:
            session.execute(
                update(Order)
                .where(Order.shop_id == shop_id, Order.shopify_id == order_id)
                .values(seeding_issue=reason[:2000])
            )
        done["waiting_for_staff"] += 1
    return done
