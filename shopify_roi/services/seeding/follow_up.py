"""Seeding follow-up (README "Seeding"): which gifted creators posted.

Each seeding entry (a spend entry of kind seeding: entered, or recorded from a seeding order) in the range
(sent in it; one not marked sent yet by its date) is, as of the range's `as_of` day:
- **not sent**: not marked sent yet;
- **posted**: at least one post links to it (a post names the seeding that produced it);
- **waiting**: sent, no post yet, fewer than N days ago (N: the shop's follow-up days, default 21);
- **not posted**: sent N or more days ago, and no post.
Posting rate = posted ÷ (posted + not posted): a seeding still waiting is not counted either way ("—" when
none is decided). Cost per post of seeding = the cost of the posted and not-posted seedings ÷ the posts
linked to them ("—" without a post): what the gifting that was followed up cost per post it produced.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from shopify_roi.models import Creator, CreatorPost, Order, ShopSettings, SpendEntry
from shopify_roi.models.spend import SEEDING
from shopify_roi.services import fields
from shopify_roi.services.errors import Invalid, NotFound
from shopify_roi.services.metrics.window import parse_range

DEFAULT_DAYS, MAX_DAYS = 21, 365
NOT_SENT, POSTED, WAITING, NOT_POSTED = "not_sent", "posted", "waiting", "not_posted"


def follow_up_days(session: Session, shop_id: int) -> int:
    row = session.scalar(select(ShopSettings).where(ShopSettings.shop_id == shop_id))
    return DEFAULT_DAYS if row is None else row.seeding_follow_up_days


def status(sent_on: date | None, posts: int, as_of: date, days: int) -> str:
    if sent_on is None:
        return NOT_SENT
    if posts:
        return POSTED
    return NOT_POSTED if (as_of - sent_on).days >= days else WAITING


def _div(a: Decimal | int, b: int) -> str | None:
    return None if not b else str(Decimal(a) / Decimal(b))


def summary(items: list[dict]) -> dict:
    """Counts, posting rate and cost per post of seeding over these entries."""
    count = defaultdict(int)
    for item in items:
        count[item["status"]] += 1
    decided = [i for i in items if i["status"] in (POSTED, NOT_POSTED)]
    cost = sum((Decimal(i["amount"]) for i in decided), Decimal(0))
    posts = sum(len(i["posts"]) for i in decided)
    return {
        "seedings": len(items),
        "sent": len(items) - count[NOT_SENT],
        **{s: count[s] for s in (POSTED, WAITING, NOT_POSTED, NOT_SENT)},
        "cost": str(sum((Decimal(i["amount"]) for i in items), Decimal(0))),
        "decided_cost": str(cost),
        "posts": posts,
        "posting_rate": _div(count[POSTED], count[POSTED] + count[NOT_POSTED]),
        "cost_per_post": _div(cost, posts),
    }


def entries_in(session: Session, shop_id: int, start: date, end: date) -> list[SpendEntry]:
    in_range = or_(
        and_(SpendEntry.sent_on.is_not(None), SpendEntry.sent_on >= start, SpendEntry.sent_on <= end),
        and_(SpendEntry.sent_on.is_(None), SpendEntry.spent_on >= start, SpendEntry.spent_on <= end),
    )
    return list(
        session.scalars(
            select(SpendEntry)
            .where(SpendEntry.shop_id == shop_id, SpendEntry.kind == SEEDING, in_range)
            .order_by(SpendEntry.spent_on, SpendEntry.id)
        )
    )


def follow_up(session: Session, shop_id: int, args: Mapping[str, str]) -> dict:
    """`?from&to&as_of`: every seeding of the range with its status, per creator and in total."""
    start, end, as_of = parse_range(args)
    days = follow_up_days(session, shop_id)
    entries = entries_in(session, shop_id, start, end)
    ids = [e.id for e in entries]
    posts: dict[int, list] = defaultdict(list)
    for post in session.scalars(
        select(CreatorPost)
        .where(CreatorPost.shop_id == shop_id, CreatorPost.seeding_entry_id.in_(ids or [-1]))
        .order_by(CreatorPost.posted_at)
    ):
        posts[post.seeding_entry_id].append(
            {"id": post.id, "url": post.url, "posted_at": post.posted_at.isoformat()}
        )
    creators = {c.id: c for c in session.scalars(select(Creator).where(Creator.shop_id == shop_id))}
    orders = dict(
        session.execute(
            select(Order.id, Order.name).where(
                Order.shop_id == shop_id, Order.id.in_([e.order_id for e in entries if e.order_id] or [-1])
            )
        ).all()
    )
    items = []
    for e in entries:
        creator = creators[e.creator_id]
        items.append(
            {
                "id": e.id,
                "handle": creator.handle,
                "name": creator.name,
                "date": e.spent_on.isoformat(),
                "sent_on": e.sent_on.isoformat() if e.sent_on else None,
                "days_since_sent": (as_of - e.sent_on).days if e.sent_on else None,
                "amount": str(e.amount),
                "note": e.note,
                "order": orders.get(e.order_id),
                "posts": posts[e.id],
                "status": status(e.sent_on, len(posts[e.id]), as_of, days),
            }
        )
    by_creator = defaultdict(list)
    for item in items:
        by_creator[item["handle"]].append(item)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat(),
        "follow_up_days": days,
        "seedings": items,
        "creators": [
            {"handle": h, "name": rows[0]["name"], **summary(rows)} for h, rows in sorted(by_creator.items())
        ],
        "totals": summary(items),
        "to_record": to_record(session, shop_id, creators),
    }


def to_record(session: Session, shop_id: int, creators: dict[int, Creator]) -> list[dict]:
    """Seeding orders with no seeding spend recorded yet (a tag without a known creator, or no cost from
    Shopify): staff record them (their creator, the product cost)."""
    rows = session.execute(
        select(
            Order.shopify_id,
            Order.name,
            Order.created_at,
            Order.creator_id,
            Order.seeding_handle,
            Order.seeding_issue,
        )
        .outerjoin(SpendEntry, and_(SpendEntry.shop_id == Order.shop_id, SpendEntry.order_id == Order.id))
        .where(Order.shop_id == shop_id, or_(Order.seeding, Order.seeding_marked), SpendEntry.id.is_(None))
        .order_by(Order.created_at.desc())
        .limit(100)
    ).all()
    handles = {c.handle for c in creators.values()}
    out = []
    for oid, name, created, creator_id, handle, issue in rows:
        known = (
            handle if handle in handles else (creators[creator_id].handle if creator_id in creators else None)
        )
        reason = issue or ("" if known else _no_creator(handle))
        out.append(
            {
                "order_id": oid,
                "name": name,
                "created_at": created.isoformat(),
                "creator": known,
                "reason": reason,
            }
        )
    return out


def _no_creator(handle: str) -> str:
    if handle:
        return f"No creator: the tag names @{handle}, who is not a creator of this shop. Choose one."
    return "No creator: neither a tag creator-roi-seeding:<handle> nor a code or link names one. Choose one."


def check_days(data, errors: dict) -> int | None:
    """`{"follow_up_days": 1-365}` (Settings' `seeding`): the number, or None with the reason in `errors`."""
    days = data.get("follow_up_days") if isinstance(data, dict) and set(data) == {"follow_up_days"} else None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors["seeding.follow_up_days"] = f"must be a whole number of days from 1 to {MAX_DAYS}"
        return None
    return days


def save_days(session: Session, row: ShopSettings, days: int | None) -> int:
    """Store the follow-up days on the shop's settings row (None: unchanged); the days in force."""
    if days is not None:
        row.seeding_follow_up_days = days
        session.flush()
    return row.seeding_follow_up_days or DEFAULT_DAYS


def set_sent(session: Session, shop_id: int, entry_id: int, data) -> SpendEntry:
    """`{"sent_on": "YYYY-MM-DD"}` marks the seeding sent that day (null: not sent); 404 for an entry that is
    not one of the shop's seeding entries."""
    entry = session.get(SpendEntry, (entry_id, shop_id)) if 0 < entry_id < 2**31 else None
    if entry is None or entry.shop_id != shop_id or entry.kind != SEEDING:
        raise NotFound("No such seeding entry in this shop.")
    errors: dict[str, str] = {}
    if not isinstance(data, dict) or set(data) != {"sent_on"}:
        raise Invalid('Send {"sent_on": "YYYY-MM-DD"} (or null: not sent).', {"sent_on": "a date or null"})
    sent = None if data["sent_on"] in (None, "") else fields.day(data["sent_on"], "sent_on", errors)
    if errors:
        raise Invalid("Not saved: sent_on " + errors["sent_on"], errors)
    entry.sent_on = sent
    session.flush()
    return entry
