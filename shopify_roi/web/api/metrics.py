"""`/api/metrics/creators` (JSON) and the spend ledger `/api/creators/{handle}/spend`."""
from __future__ import annotations

from datetime import date

from flask import Response, g, request

from ...services import metrics, spend
from ...services.errors import Invalid
from ..guards import runtime, session_token_required
from . import bp


def _date(name: str, default: date | None = None) -> date:
    value = request.args.get(name)
    if not value and default is not None:
        return default
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise Invalid(f"`{name}` must be a date YYYY-MM-DD.", {name: "YYYY-MM-DD"}) from None


@bp.get("/metrics/creators")
@session_token_required
def creator_metrics():
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD&as_of=YYYY-MM-DD[&campaign=]`: money and ratios as exact decimal strings."""
    start, end = _date("from"), _date("to")
    if end < start:
        raise Invalid("`to` is before `from`.", {"to": "after from"})
    as_of = _date("as_of", date.today())
    with runtime().db.session() as session:
        from ...models import Shop

        shop = session.get(Shop, g.shop.id)
        return metrics.compute(session, shop, start, end, as_of, request.args.get("campaign") or None)


@bp.get("/metrics/creators.csv")
@session_token_required
def creator_metrics_csv():
    table = creator_metrics()
    return Response(metrics.to_csv(table), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=creator-roi-{table['from']}-{table['to']}.csv"})


@bp.get("/metrics/creators/<handle>/orders")
@session_token_required
def creator_orders(handle: str):
    """The orders behind every number of a creator, with their signals and the rule that won."""
    from ...models import Shop
    from ...services import creators as creators_svc

    with runtime().db.session() as session:
        creator = creators_svc.get_creator(session, g.shop.id, handle)  # another shop's handle: 404 first
        start, end = _date("from"), _date("to")
        return {"handle": creator.handle, "orders": metrics.orders_behind(session, session.get(Shop, g.shop.id), creator, start, end)}


def _entry_json(entry) -> dict:
    return {"id": entry.id, "kind": entry.kind, "date": entry.spent_on.isoformat(), "amount": str(entry.amount),
            "units": entry.units, "unit_cost": str(entry.unit_cost) if entry.unit_cost is not None else None,
            "shipping": str(entry.shipping) if entry.shipping is not None else None, "note": entry.note,
            "campaign_id": entry.campaign_id}


@bp.get("/creators/<handle>/spend")
@session_token_required
def list_spend(handle: str):
    from ...services import creators as creators_svc

    with runtime().db.session() as session:
        creator = creators_svc.get_creator(session, g.shop.id, handle)
        return {"entries": [_entry_json(e) for e in spend.entries(session, g.shop.id, creator)]}


@bp.post("/creators/<handle>/spend")
@session_token_required
def add_spend(handle: str):
    """`{"kind": "fee"|"seeding"|"other", "date", "amount"}` or, for seeding, `units`, `unit_cost`, `shipping`."""
    with runtime().db.session() as session:
        return _entry_json(spend.add(session, g.shop.id, handle, request.get_json(silent=True) or {})), 201


@bp.patch("/creators/<handle>/spend/<int:entry_id>")
@session_token_required
def edit_spend(handle: str, entry_id: int):
    with runtime().db.session() as session:
        return _entry_json(spend.edit(session, g.shop.id, handle, entry_id, request.get_json(silent=True) or {}))


@bp.delete("/creators/<handle>/spend/<int:entry_id>")
@session_token_required
def delete_spend(handle: str, entry_id: int):
    with runtime().db.session() as session:
        spend.remove(session, g.shop.id, handle, entry_id)
    return {"deleted": entry_id}
