"""Sending the creators to Shopify's Marketing reports (issue 18): each creator x campaign as an external
marketing activity under its campaign's (marketingActivityUpsertExternal) and each day's figures as an
engagement (marketingEngagementCreate), both worked out in marketing_figures.py by the ROI API's code.

Idempotent: what Shopify accepted last is kept per activity and per (activity, day) (`MarketingSent`), and
a run sends only what differs, so a refund or a late webhook that changes a day re-sends that day alone,
and a second run sends nothing. A full run compares every day of every campaign (daily, and after an edit
of spend, a creator or a campaign, or a scope grant); the hourly run compares only the days the rollup
recomputed since (marketing_due.py: orders, refunds, late webhooks, clicks), today, and every day of an
activity it just created or changed. A day with nothing to report is
not sent unless an earlier figure for it must be replaced. A refused activity keeps its engagements
unsent (its reason stored) and never holds others back; a failure of Shopify stops the run, to be tried
again at the next one.

Transactions: this service calls Shopify, so it commits before each call and after it (CONVENTIONS.md).
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from shopify_roi.models import MarketingSent, Shop, ShopSettings
from shopify_roi.services.metrics import marketing_due, rollups
from shopify_roi.services.metrics import marketing_figures as figures
from shopify_roi.shopify_client import marketing as api
from shopify_roi.shopify_client.admin import AdminClient, AdminError

SCOPE = "write_marketing_events"
ACTIVITY_DAY = date(1970, 1, 1)  # the `day` of an activity's own row
MAX_CALLS = 500  # a longer backlog goes on in the next run


def enabled(db, shop_id: int) -> tuple[bool, bool]:
    """Whether the merchant turned the reports on, and whether the shop granted write_marketing_events."""
    with db.session() as session:
        row = session.scalar(select(ShopSettings).where(ShopSettings.shop_id == shop_id))
        shop = session.get(Shop, shop_id)
        return bool(row and row.marketing), bool(shop and SCOPE in shop.scope_set)


def shops_reporting(session) -> list[str]:
    """The installed shops whose merchant turned the Marketing reports on."""
    query = (
        select(Shop)
        .join(ShopSettings, ShopSettings.shop_id == Shop.id)
        .where(ShopSettings.marketing.is_(True))
    )
    return sorted(s.domain for s in session.scalars(query) if s.is_installed)


def _sent(session, shop_id: int) -> dict[tuple[str, date], MarketingSent]:
    rows = session.scalars(select(MarketingSent).where(MarketingSent.shop_id == shop_id))
    return {(r.remote_id, r.day): r for r in rows}


def _record(db, shop_id: int, remote_id: str, day: date, sent: str | None, error: str = "") -> None:
    """Store what Shopify accepted (`sent`), or why it did not (`error`, the last accepted kept)."""
    with db.session() as session:
        row = session.scalar(
            select(MarketingSent).where(
                MarketingSent.shop_id == shop_id,
                MarketingSent.remote_id == remote_id,
                MarketingSent.day == day,
            )
        )
        if row is None:
            row = MarketingSent(shop_id=shop_id, remote_id=remote_id, day=day, sent="")
            session.add(row)
        row.error = error
        if sent is not None:
            row.sent = sent


def _call(db, shop_id: int, remote_id: str, day: date, payload: dict, send, counts: dict) -> bool:
    """Send one activity or engagement; True when Shopify accepted it. A refusal is stored; any other
    failure (throttling and transient errors were retried by the client) is raised: the run stops."""
    counts["calls"] += 1
    try:
        send()
    except api.UserErrors as exc:
        _record(db, shop_id, remote_id, day, None, f"refused: {exc}")
        counts["refused"] += 1
        return False
    _record(db, shop_id, remote_id, day, json.dumps(payload, sort_keys=True))
    return True


def _upsert_activities(db, client, shop_id: int, app_url: str, counts: dict) -> set[str]:
    """Create or update the activities that changed; the remoteIds Shopify holds as they should be."""
    with db.session() as session:
        shop = session.get(Shop, shop_id)
        wanted = figures.activities(session, shop, app_url)
        sent = _sent(session, shop_id)
    ready: set[str] = set()
    counts["fresh"] = set()
    for activity in wanted:
        if activity.parent is not None and activity.parent not in ready:
            continue  # its campaign's activity was refused: Shopify would refuse the child too
        row = sent.get((activity.remote_id, ACTIVITY_DAY))
        held = json.loads(row.sent) if row is not None and row.sent else {}
        if "utm" in held:  # Shopify keeps an activity's UTM parameters (IMMUTABLE_UTM_PARAMETERS): a
            activity.input["utm"] = held["utm"]  # creator on another platform keeps the first ones
        text = json.dumps(activity.input, sort_keys=True)
        if row is not None and row.sent == text and not row.error:
            ready.add(activity.remote_id)
            continue
        if counts["calls"] >= MAX_CALLS:
            counts["more"] = 1
            break

        def send(a=activity):
            api.upsert_activity(client, a.input)

        if _call(db, shop_id, activity.remote_id, ACTIVITY_DAY, activity.input, send, counts):
            ready.add(activity.remote_id)
            counts["fresh"].add(activity.parent or activity.remote_id)  # its campaign's days, all of them
            counts["activities"] += 1
    return ready


def _changed_days(db, shop_id: int, ready: set[str], full: bool, fresh: set[str]) -> tuple[list, dict]:
    """Every (activity, day) whose figures differ from what Shopify holds, of the activities in `ready`, over
    every day (`full`) or the noted days and today (a campaign in `fresh`: every day); and the notes seen."""
    with db.session() as session:
        shop = session.get(Shop, shop_id)
        rollups.refresh(session, shop)  # the days changed until now are recomputed and noted
        seen = marketing_due.due(session, shop_id)
        sent = _sent(session, shop_id)
        today = figures.today_of(shop)
        changed = []
        for campaign in figures.campaigns_with_creators(session, shop_id):
            every = full or figures.campaign_remote_id(campaign.id) in fresh
            for day in figures.days_of(campaign, today):
                if not (every or day in seen or day == today):
                    continue
                for remote_id, want in figures.day_engagements(session, shop, campaign, day).items():
                    row = sent.get((remote_id, day))
                    if remote_id not in ready or (row is None and figures.is_empty(want)):
                        continue
                    if row is None or row.error or json.loads(row.sent or "{}") != want:
                        changed.append((remote_id, want))
        return changed, seen


def _clear(db, shop_id: int, seen: dict) -> None:
    with db.session() as session:
        marketing_due.clear(session, shop_id, seen)


def sync(db, client: AdminClient, shop_id: int, app_url: str, full: bool = True) -> dict:
    """Bring the shop's Marketing reports in line with the ROI figures; what was done, by count. `full`
    compares every day; otherwise the days noted since the last run, today and new activities' days."""
    on, granted = enabled(db, shop_id)
    if not on:
        return {"skipped": "turned off in the settings"}
    if not granted:
        return {"skipped": "scope not granted", "missing_scopes": [SCOPE]}
    counts = {"calls": 0, "activities": 0, "engagements": 0, "refused": 0}
    try:
        ready = _upsert_activities(db, client, shop_id, app_url, counts)
        changed, seen = _changed_days(db, shop_id, ready, full, counts.pop("fresh"))
        for remote_id, want in changed:
            if counts["calls"] >= MAX_CALLS:
                counts["more"] = 1
                break
            day = date.fromisoformat(want["occurredOn"])

            def send(r=remote_id, w=want):
                api.create_engagement(client, r, w)

            if _call(db, shop_id, remote_id, day, want, send, counts):
                counts["engagements"] += 1
    except AdminError as exc:
        counts["failed"] = str(exc)
    counts.pop("fresh", None)
    if not counts.get("failed") and not counts.get("more"):
        _clear(db, shop_id, seen)  # every noted day was compared and sent
    return {**counts, "full": full}
