"""Keeping Shopify's analytics annotations and targets equal to the marks the campaigns call for
(services/creators/analytics_marks.py). Idempotent: each mark is compared with what was last written
(`AnalyticsMark`), so a re-run calls Shopify for nothing, an edit sends one update, a removed campaign (or the
setting turned off) deletes its marks, and a mark Shopify refused (a userError such as TAKEN, LIMIT_REACHED)
keeps its reason in `error` and is tried again only once its fields change.

Only marks whose scope the shop granted are touched (annotations: `write_analytics_annotations`, targets:
`write_reports`, https://shopify.dev/docs/apps/build/analytics/campaign-dashboard-targets-and-annotations).
A call that fails before Shopify judges it (after the client's retries) stops the run with nothing recorded
for that mark, so the next run sends it again.

Transactions: this service calls Shopify, so it commits before each call and after it (CONVENTIONS.md).
"""

from __future__ import annotations

import json

from sqlalchemy import delete, select

from shopify_roi.models import AnalyticsMark, Shop, ShopSettings
from shopify_roi.models.analytics_mark import ANNOTATION, TARGET
from shopify_roi.services.creators.analytics_marks import wanted
from shopify_roi.shopify_client import analytics as api
from shopify_roi.shopify_client.admin import AdminClient, AdminError, UserErrors

SCOPES = {ANNOTATION: "write_analytics_annotations", TARGET: "write_reports"}
MAX_CALLS = 200  # a longer backlog goes on in the next run (`more`: the job queues it at once)


def enabled(db, shop_id: int) -> tuple[bool, set[str]]:
    """Whether the merchant turned the marks on, and the kinds whose write scope the shop granted."""
    with db.session() as session:
        row = session.scalar(select(ShopSettings).where(ShopSettings.shop_id == shop_id))
        shop = session.get(Shop, shop_id)
        granted = shop.scope_set if shop is not None else set()
        return bool(row and row.analytics_marks), {k for k, s in SCOPES.items() if s in granted}


def shops_marking(session) -> list[str]:
    """The installed shops that turned the marks on or still hold marks to delete."""
    on = select(ShopSettings.shop_id).where(ShopSettings.analytics_marks.is_(True))
    held = select(AnalyticsMark.shop_id)
    shops = session.scalars(select(Shop).where(Shop.id.in_(on.union(held))))
    return sorted(s.domain for s in shops if s.is_installed)


def _load(db, shop_id: int, on: bool, kinds: set[str]):
    with db.session() as session:
        want = {k: v for k, v in wanted(session, shop_id).items() if v[0] in kinds} if on else {}
        rows = {
            r.key: (r.kind, r.shopify_id, json.loads(r.written), r.error)
            for r in session.scalars(select(AnalyticsMark).where(AnalyticsMark.shop_id == shop_id))
            if r.kind in kinds
        }
    return want, rows


def _record(db, shop_id: int, key: str, kind: str, gid: str | None, fields: dict | None, error: str = ""):
    """Store what Shopify now holds for `key` (`fields` None: nothing, the row goes)."""
    with db.session() as session:
        row = session.scalar(
            select(AnalyticsMark).where(AnalyticsMark.shop_id == shop_id, AnalyticsMark.key == key)
        )
        if fields is None:
            if row is not None:
                session.execute(
                    delete(AnalyticsMark).where(AnalyticsMark.id == row.id, AnalyticsMark.shop_id == shop_id)
                )
            return
        if row is None:
            row = AnalyticsMark(shop_id=shop_id, key=key, kind=kind)
            session.add(row)
        row.shopify_id, row.written, row.error = gid, json.dumps(fields, sort_keys=True), error


def _refusal(exc: UserErrors) -> str:
    return "; ".join(f"{e.get('code') or 'INVALID'}: {e.get('message', '')}" for e in exc.errors)[:500]


def _put(client: AdminClient, kind: str, gid: str | None, fields: dict) -> str:
    """Update the mark Shopify holds, or create it (none yet, or Shopify no longer has it); its gid."""
    if gid is not None:
        try:
            api.update(client, kind, gid, fields)
            return gid
        except UserErrors as exc:
            if not api.not_found(exc):
                raise
    return api.create(client, kind, fields)


def sync(db, client: AdminClient, shop_id: int) -> dict:
    """Bring the shop's annotations and targets in line with its campaigns and creators; counts of what was
    done (`calls`: requests sent, 0 when nothing changed)."""
    on, kinds = enabled(db, shop_id)
    want, rows = _load(db, shop_id, on, kinds)
    counts = {"calls": 0, "created": 0, "updated": 0, "deleted": 0, "refused": 0}
    try:
        for key, (kind, gid, _old, _error) in rows.items():
            if counts["calls"] >= MAX_CALLS:
                return {**counts, "more": 1}
            if key not in want:
                if gid is not None:
                    counts["calls"] += 1
                    api.delete(client, kind, gid)
                    counts["deleted"] += 1
                _record(db, shop_id, key, kind, None, None)
        for key, (kind, fields) in want.items():
            held = rows.get(key)
            if held is not None and held[2] == fields:
                continue  # written already, or refused with these very fields
            if counts["calls"] >= MAX_CALLS:
                return {**counts, "more": 1}
            gid = held[1] if held is not None else None
            counts["calls"] += 1
            try:
                new = _put(client, kind, gid, fields)
            except UserErrors as exc:
                counts["refused"] += 1
                _record(db, shop_id, key, kind, gid, fields, _refusal(exc))
                continue
            counts["updated" if new == gid else "created"] += 1
            _record(db, shop_id, key, kind, new, fields)
    except AdminError as exc:  # throttling and transient errors were retried by the client
        counts["failed"] = str(exc)[:300]
    missing = sorted(s for k, s in SCOPES.items() if k not in kinds)
    return {**counts, **({"missing_scopes": missing} if on and missing else {})}
