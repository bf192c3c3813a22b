"""`/api/metrics/creators` (JSON) and the spend ledger `/api/creators/{handle}/spend`."""

from __future__ import annotations

from datetime import date

from flask import Response, g, request
from sqlalchemy import select

from shopify_roi.models import Campaign, Shop
from shopify_roi.services.creators import profiles as creators_svc
from shopify_roi.services.errors import Invalid
from shopify_roi.services.metrics import series
from shopify_roi.services.metrics import table as metrics
from shopify_roi.services.shops import settings as shop_settings
from shopify_roi.services.shops.tokens import admin_client
from shopify_roi.services.spend import ledger as spend
from shopify_roi.services.spend import seeding_cost
from shopify_roi.web.api import bp
from shopify_roi.web.guards import runtime, session_token_required

EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)


def _date(name: str, default: date | None = None) -> date:
    value = request.args.get(name)
    if not value and default is not None:
        return default
    try:
        day = date.fromisoformat(value or "")
    except (TypeError, ValueError):
        raise Invalid(f"`{name}` must be a date YYYY-MM-DD.", {name: "YYYY-MM-DD"}) from None
    if not EARLIEST <= day <= LATEST:  # local midnights outside these overflow in some time zones
        raise Invalid(f"`{name}` must be between {EARLIEST} and {LATEST}.", {name: "YYYY-MM-DD"})
    return day


@bp.get("/metrics/creators")
@session_token_required
def creator_metrics():
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD&as_of=YYYY-MM-DD[&campaign=]`: money and ratios as exact decimal strings."""
    start, end, as_of = _range()
    with runtime().db.session() as session:
        shop = session.get(Shop, g.shop.id)
        return metrics.compute(session, shop, start, end, as_of, request.args.get("campaign") or None)


def _range() -> tuple[date, date, date]:
    start, end = _date("from"), _date("to")
    if end < start:
        raise Invalid("`to` is before `from`.", {"to": "after from"})
    if (end - start).days > 3660:
        raise Invalid("A range is at most ten years.", {"from": "within ten years of to"})
    return start, end, _date("as_of", date.today())


@bp.get("/metrics/creators/<handle>")
@session_token_required
def creator_detail(handle: str):
    """One creator: the table's figures and the cohort curve (repeat share and LTV at 30/90/180/365 days)."""
    with runtime().db.session() as session:
        creator = creators_svc.get_creator(session, g.shop.id, handle)
        start, end, as_of = _range()
        return metrics.creator_detail(session, session.get(Shop, g.shop.id), creator, start, end, as_of)


@bp.get("/metrics/timeseries")
@session_token_required
def timeseries():
    """`?from&to[&campaign=][&handle=]`: net revenue per local day (per week past 92 days), attributed vs not."""
    start, end, _ = _range()
    with runtime().db.session() as session:
        shop = session.get(Shop, g.shop.id)
        creator = (
            creators_svc.get_creator(session, shop.id, request.args["handle"])
            if request.args.get("handle")
            else None
        )
        members = None
        if request.args.get("campaign"):
            campaign = session.scalar(
                select(Campaign).where(Campaign.shop_id == shop.id, Campaign.name == request.args["campaign"])
            )
            members = {c.id for c in campaign.creators} if campaign else set()
        return series.net_revenue_series(session, shop, start, end, members, creator)


@bp.get("/settings")
@session_token_required
def get_settings():
    with runtime().db.session() as session:
        return shop_settings.load(session, g.shop.id).as_json()


@bp.put("/settings")
@session_token_required
def put_settings():
    """`{"targets": {"roas_min": "3.0", ...}, "gross_margin": "0.55" | null}` (partial; 400 names every bad field)."""
    with runtime().db.session() as session:
        return shop_settings.update(session, g.shop.id, request.get_json(silent=True)).as_json()


@bp.get("/metrics/creators.csv")
@session_token_required
def creator_metrics_csv():
    table = creator_metrics()
    return Response(
        metrics.to_csv(table),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=creator-roi-{table['from']}-{table['to']}.csv"
        },
    )


@bp.get("/metrics/creators/<handle>/orders")
@session_token_required
def creator_orders(handle: str):
    """The orders behind every number of a creator, with their signals and the rule that won."""

    with runtime().db.session() as session:
        creator = creators_svc.get_creator(session, g.shop.id, handle)  # another shop's handle: 404 first
        start, end = _date("from"), _date("to")
        return {
            "handle": creator.handle,
            "orders": metrics.orders_behind(session, session.get(Shop, g.shop.id), creator, start, end),
        }


def _entry_json(entry) -> dict:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "date": entry.spent_on.isoformat(),
        "amount": str(entry.amount),
        "units": entry.units,
        "unit_cost": str(entry.unit_cost) if entry.unit_cost is not None else None,
        "shipping": str(entry.shipping) if entry.shipping is not None else None,
        "note": entry.note,
        "campaign_id": entry.campaign_id,
    }


def _creator_exists(handle: str) -> None:

    with runtime().db.session() as session:
        creators_svc.get_creator(session, g.shop.id, handle)


def _seeding_cost(data):
    """A seeding entry naming a `variant_id` without a `unit_cost` takes Shopify's cost per item."""

    if not seeding_cost.needs_lookup(data):
        return data
    return seeding_cost.with_shopify_cost(admin_client(runtime(), g.shop.domain), data, g.shop.currency)


@bp.get("/creators/<handle>/spend")
@session_token_required
def list_spend(handle: str):

    with runtime().db.session() as session:
        creator = creators_svc.get_creator(session, g.shop.id, handle)
        return {"entries": [_entry_json(e) for e in spend.entries(session, g.shop.id, creator)]}


@bp.post("/creators/<handle>/spend")
@session_token_required
def add_spend(handle: str):
    """`{"kind": "fee"|"seeding"|"other", "date", "amount"}` or, for seeding, `units`, `unit_cost` (or `variant_id`:
    Shopify's cost per item), `shipping`."""
    _creator_exists(handle)  # another shop's handle: 404 before anything is asked of Shopify
    data = _seeding_cost(request.get_json(silent=True) or {})
    with runtime().db.session() as session:
        return _entry_json(spend.add(session, g.shop.id, handle, data)), 201


@bp.patch("/creators/<handle>/spend/<int:entry_id>")
@session_token_required
def edit_spend(handle: str, entry_id: int):
    _creator_exists(handle)
    data = _seeding_cost(request.get_json(silent=True) or {})
    with runtime().db.session() as session:
        return _entry_json(spend.edit(session, g.shop.id, handle, entry_id, data))


@bp.delete("/creators/<handle>/spend/<int:entry_id>")
@session_token_required
def delete_spend(handle: str, entry_id: int):
    with runtime().db.session() as session:
        spend.remove(session, g.shop.id, handle, entry_id)
    return {"deleted": entry_id}
