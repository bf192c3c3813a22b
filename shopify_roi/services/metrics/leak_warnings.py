"""The code-leak warnings of the ROI table: each creator's code orders in the range read from the code
rollup (CodeDay, CodeMonth) and the creator's last activity from the daily rollup and their posts, judged
by leaks.py (which reads no database). Reads only: the caller refreshes the rollup first."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from shopify_roi.models import CodeDay, CodeMonth, CreatorPost, DiscountCode, OrderDay, Shop
from shopify_roi.models.discount import DELETED, PAUSED, REMOVED, ROTATED
from shopify_roi.services.metrics import leaks
from shopify_roi.services.metrics.rollup_months import rows_covering
from shopify_roi.services.metrics.window import Window


def leak_warnings(
    session: Session, shop: Shop, window: Window, creators: list, every_creator: bool = False
) -> dict[int, dict]:
    """creator id -> its code-leak warning over the range (only creators with enough code orders);
    `every_creator`: `creators` are all of the shop's (no filter on them in SQL)."""
    if not creators:
        return {}
    handles = {c.id: c.handle.lower() for c in creators}
    recent_from = window.end - timedelta(days=leaks.SURGE_DAYS - 1)
    summaries, activity = _code_orders(session, shop.id, window, handles, recent_from, every_creator)
    # the last activity is read only where a quiet creator would make a surge: no other warning reads it
    surging = [cid for cid, s in summaries.items() if leaks.could_surge(s, window.start, window.end)]
    if surging:
        _add_last_activity(session, shop.id, surging, activity, recent_from)
        _add_last_post(session, shop, surging, activity)
    warnings = {}
    for cid, summary in summaries.items():
        warning = leaks.judge(handles[cid], summary, window.start, window.end, activity.get(cid))
        if warning is not None:
            warnings[cid] = warning
    codes = _codes(session, shop.id, list(warnings)) if warnings else {}
    out = {}
    for cid, warning in warnings.items():
        code = codes.get((cid, warning["code"]), {})
        out[cid] = {**warning, "code_id": code.get("code_id"), **_acted_on(code, codes, shop)}
    return out


def _codes(session: Session, shop_id: int, creator_ids: list[int]) -> dict:
    """(creator id, code in upper case) -> the newest row of that code: its id (for pause and rotate), its
    status, when it last changed and the row that replaced it; also id -> the code's text."""
    codes: dict = {}
    for cid, code, code_id, status, changed, replaced_by in session.execute(
        select(
            DiscountCode.creator_id,
            DiscountCode.code,
            DiscountCode.id,
            DiscountCode.status,
            DiscountCode.updated_at,
            DiscountCode.replaced_by_id,
        )
        .where(DiscountCode.shop_id == shop_id, DiscountCode.creator_id.in_(creator_ids))
        .order_by(DiscountCode.id)
    ):
        codes[(cid, code.strip().upper())] = {
            "code_id": code_id,
            "status": status,
            "changed": changed,
            "replaced_by": replaced_by,
        }
        codes[code_id] = code
    return codes


def _acted_on(code: dict, codes: dict, shop: Shop) -> dict:
    """What staff already did about the warned code: `code_status` (paused, rotated, deleted, ...) and,
    once it is no longer live in the shop as it was, `acted_on` (the shop's local date it changed) and
    `replaced_by` (the new code of a rotation); the page then says so instead of offering the actions."""
    status = code.get("status")
    out = {"code_status": status, "acted_on": None, "replaced_by": None}
    if status in (PAUSED, ROTATED, DELETED, REMOVED) and code.get("changed") is not None:
        tz = ZoneInfo(shop.iana_timezone or "UTC")
        out["acted_on"] = code["changed"].astimezone(tz).date().isoformat()
        out["replaced_by"] = codes.get(code["replaced_by"]) if code.get("replaced_by") else None
    return out


def _code_orders(
    session: Session, shop_id: int, window: Window, handles: dict, recent_from: date, every_creator: bool
) -> tuple[dict[int, leaks.Summary], dict[int, date]]:
    """Each creator's code orders in the window, summed, and the last day in it with a code order that
    carried the creator's link."""
    source = rows_covering(
        CodeDay,
        CodeMonth,
        shop_id,
        window.start,
        window.end,
        [recent_from - timedelta(days=1)],
        ["creator_key", "code", "has_link", "referrer_host", "orders", "last_day"],
        day_extra={"last_day": CodeDay.day},
    )
    c = source.c
    query = select(
        c.creator_key,
        c.code,
        c.has_link,
        c.referrer_host,
        func.sum(c.orders),
        func.sum(case((c.d >= recent_from, c.orders), else_=0)),
        func.max(case((c.has_link.is_(True), c.last_day))),
    ).group_by(c.creator_key, c.code, c.has_link, c.referrer_host)
    if not every_creator:
        query = query.where(c.creator_key.in_(list(handles)))
    summaries: dict[int, leaks.Summary] = {}
    activity: dict[int, date] = {}
    for cid, code, has_link, host, n, recent, last_linked in session.execute(query):
        if cid not in handles:
            continue  # a creator deleted since (its days are recomputed without it)
        summaries.setdefault(cid, leaks.Summary()).add(code, bool(has_link), host, int(n), int(recent or 0))
        if last_linked is not None and (cid not in activity or last_linked > activity[cid]):
            activity[cid] = last_linked
    return summaries, activity


def _add_last_activity(
    session: Session, shop_id: int, creator_ids: list[int], activity: dict[int, date], recent_from: date
) -> None:
    """The creators' last local day with a link order or a click: the last weeks first (a creator active
    then is not quiet), all time for the rest."""
    recent_enough = recent_from - timedelta(days=leaks.QUIET_DAYS)
    for since in (recent_enough, None):
        pending = [cid for cid in creator_ids if cid not in activity or activity[cid] < recent_enough]
        if not pending:
            break
        last_active = (
            select(OrderDay.creator_key, func.max(OrderDay.day))
            .where(
                OrderDay.shop_id == shop_id,
                OrderDay.creator_key.in_(pending),
                (OrderDay.link_orders > 0) | (OrderDay.clicks > 0),
                *([OrderDay.day >= since] if since else []),
            )
            .group_by(OrderDay.creator_key)
        )
        for cid, day in session.execute(last_active):
            if day is not None and (cid not in activity or day > activity[cid]):
                activity[cid] = day


def _add_last_post(session: Session, shop: Shop, creator_ids: list[int], activity: dict[int, date]) -> None:
    """A creator's posts are activity too (issue 20): the local day of their latest post."""
    tz = ZoneInfo(shop.iana_timezone or "UTC")
    rows = session.execute(
        select(CreatorPost.creator_id, func.max(CreatorPost.posted_at))
        .where(CreatorPost.shop_id == shop.id, CreatorPost.creator_id.in_(creator_ids))
        .group_by(CreatorPost.creator_id)
    )
    for cid, posted in rows:
        day = posted.astimezone(tz).date() if posted is not None else None
        if day is not None and (cid not in activity or day > activity[cid]):
            activity[cid] = day
