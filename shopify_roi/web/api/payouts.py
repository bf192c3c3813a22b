"""`/api/payouts`: the commission ledger and payout runs (README "Payouts (commission ledger)"): list and
make runs, read one (a statement per creator, the lines behind it), compute a draft again, mark it paid,
delete it, and its CSV files. The return window is in `/api/settings` (`payouts`)."""

from __future__ import annotations

from flask import Response, g, request

from shopify_roi.services.payouts import export_csv, ledger, run_views, runs
from shopify_roi.web.api import bp
from shopify_roi.web.guards import runtime, session_token_required


def _csv(name: str, text: str) -> Response:
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"}
    )


@bp.get("/payouts")
@session_token_required
def list_payout_runs():
    """Every run, newest first, with its totals; the shop's currency and return window."""
    with runtime().db.session() as session:
        return run_views.list_runs(session, g.shop.id)


@bp.get("/payouts/ledger")
@session_token_required
def payout_ledger():
    """Per creator to date: commission (METRICS.md, exact) beside accrued, held, paid, clawbacks
    outstanding and what a run made now would pay."""
    with runtime().db.session() as session:
        return ledger.creator_ledger(session, g.shop.id)


@bp.post("/payouts")
@session_token_required
def create_payout_run():
    """`{"period_end": "YYYY-MM-DD"}` -> 201, the draft run; 409 while another draft waits."""
    with runtime().db.session() as session:
        run = runs.create_run(session, g.shop.id, request.get_json(silent=True))
        session.flush()
        return run_views.run_detail(session, g.shop.id, run.id), 201


@bp.get("/payouts/<int:run_id>")
@session_token_required
def get_payout_run(run_id: int):
    with runtime().db.session() as session:
        return run_views.run_detail(session, g.shop.id, run_id)


@bp.post("/payouts/<int:run_id>/recompute")
@session_token_required
def recompute_payout_run(run_id: int):
    """A draft computed again now (`{"period_end"}` optional); 409 for a paid run."""
    with runtime().db.session() as session:
        runs.recompute(session, g.shop.id, run_id, request.get_json(silent=True))
        return run_views.run_detail(session, g.shop.id, run_id)


@bp.post("/payouts/<int:run_id>/paid")
@session_token_required
def mark_payout_run_paid(run_id: int):
    """`{"reference": "...", "computed_at"?: "..."}`: the draft is paid for good; 409 if it was already."""
    with runtime().db.session() as session:
        runs.mark_paid(session, g.shop.id, run_id, request.get_json(silent=True))
        return run_views.run_detail(session, g.shop.id, run_id)


@bp.delete("/payouts/<int:run_id>")
@session_token_required
def delete_payout_run(run_id: int):
    """A draft is deleted; 409 for a paid run."""
    with runtime().db.session() as session:
        runs.delete_run(session, g.shop.id, run_id)
    return {"deleted": run_id}


@bp.get("/payouts/<int:run_id>/statements.csv")
@session_token_required
def payout_statements_csv(run_id: int):
    with runtime().db.session() as session:
        return _csv(*export_csv.statements_csv(session, g.shop.id, run_id))


@bp.get("/payouts/<int:run_id>/lines.csv")
@session_token_required
def payout_lines_csv(run_id: int):
    with runtime().db.session() as session:
        return _csv(*export_csv.lines_csv(session, g.shop.id, run_id))


@bp.get("/payouts/<int:run_id>/paypal.csv")
@session_token_required
def payout_paypal_csv(run_id: int):
    with runtime().db.session() as session:
        return _csv(*export_csv.paypal_csv(session, g.shop.id, run_id))
