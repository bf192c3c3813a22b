"""`/api/creators`: creators with their codes and links; CSV import."""

from __future__ import annotations

from flask import Response, g, request

from shopify_roi.jobs.creators import complete_pending_codes, run_import, sync_discounts
from shopify_roi.jobs.marketing import after_edit
from shopify_roi.jobs.metafields import request_metafield_write
from shopify_roi.jobs.orders import reattribute_shop
from shopify_roi.services.creators import (
    code_changes,
    extra_codes,
    imports,
    links,
    onboard,
    overview,
    profiles,
)
from shopify_roi.services.creators.links import LinkRequest
from shopify_roi.services.errors import Invalid
from shopify_roi.services.shops.tokens import admin_client
from shopify_roi.shopify_client.admin import AdminClient
from shopify_roi.shopify_client.domains import shop_origin
from shopify_roi.web.api import bp
from shopify_roi.web.api.serializers import creator_detail_json, creator_json, link_json, links_json
from shopify_roi.web.guards import csv_upload, runtime, session_token_required


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    return data


def _origin() -> str:
    """The shop's storefront origin, which a creator's links lead to."""
    return shop_origin(runtime().settings.origin_template, g.shop.domain)


def _client() -> AdminClient:
    return admin_client(runtime(), g.shop.domain)


def _detail(handle: str) -> dict:
    """The creator's page as it is now (the answer of every route that changes a creator)."""
    rt = runtime()
    with rt.db.session() as session:
        return creator_detail_json(
            overview.detail(session, g.shop.id, _origin(), handle), rt.settings.app_url
        )


@bp.get("/creators")
@session_token_required
def list_creators():
    with runtime().db.session() as session:
        rows = overview.listing(
            session, g.shop.id, include_archived=request.args.get("include_archived") == "1"
        )
        return {"creators": [creator_json(r.creator, r.code, r.clicks) for r in rows]}


@bp.post("/creators")
@session_token_required
def create_creator():
    """Create a creator and its discount code together (409 on any code clash, nothing created)."""
    data = _body()
    code_data = data.get("discount") if isinstance(data.get("discount"), dict) else {}
    outcome = onboard.onboard(runtime().db, _client(), g.shop.id, data, code_data)
    # Orders already held may carry the code or handle.
    runtime().jobs.enqueue(reattribute_shop, g.shop.id, shop=g.shop.domain)
    return _detail(outcome.handle), (200 if outcome.status == "unchanged" else 201)


@bp.get("/creators/<handle>")
@session_token_required
def get_creator(handle: str):
    return _detail(handle)


@bp.patch("/creators/<handle>")
@session_token_required
def edit_creator(handle: str):
    """A new handle or campaigns change the creator metafields of their orders: a write follows."""
    with runtime().db.session() as session:
        profiles.update_creator(session, g.shop.id, handle, _body())
    request_metafield_write(runtime(), g.shop.domain)
    after_edit(runtime(), g.shop.id, g.shop.domain)  # a commission rate or campaigns: the Marketing days
    return _detail(handle)


def _set_archived(handle: str, archived: bool) -> dict:
    with runtime().db.session() as session:
        profiles.set_archived(session, g.shop.id, handle, archived)
    return _detail(handle)


@bp.post("/creators/<handle>/archive")
@session_token_required
def archive_creator(handle: str):
    return _set_archived(handle, True)


@bp.post("/creators/<handle>/unarchive")
@session_token_required
def unarchive_creator(handle: str):
    return _set_archived(handle, False)


@bp.post("/creators/<handle>/codes/rotate")
@session_token_required
def rotate_code(handle: str):
    code_changes.rotate(runtime().db, _client(), g.shop.id, handle, _body())
    runtime().jobs.enqueue(reattribute_shop, g.shop.id, shop=g.shop.domain)
    return _detail(handle)


@bp.post("/creators/<handle>/codes/<int:code_id>/pause")
@session_token_required
def pause_code(handle: str, code_id: int):
    code_changes.set_paused(runtime().db, _client(), g.shop.id, handle, code_id, True)
    return _detail(handle)


@bp.post("/creators/<handle>/codes/<int:code_id>/resume")
@session_token_required
def resume_code(handle: str, code_id: int):
    code_changes.set_paused(runtime().db, _client(), g.shop.id, handle, code_id, False)
    return _detail(handle)


@bp.delete("/creators/<handle>/codes/<int:code_id>")
@session_token_required
def delete_code(handle: str, code_id: int):
    code_changes.delete_code(runtime().db, _client(), g.shop.id, handle, code_id)
    return _detail(handle)


@bp.post("/creators/<handle>/codes/<int:code_id>/extra")
@session_token_required
def add_extra_codes(handle: str, code_id: int):
    """More codes on the same discount: `{"codes": ["ANNA-TIKTOK", ...]}` -> a result per code."""
    codes = (request.get_json(silent=True) or {}).get("codes")
    results = extra_codes.add(runtime().db, _client(), g.shop.id, handle, code_id, codes)
    return {"results": results, "creator": _detail(handle)}


@bp.get("/creators/<handle>/links/preview")
@session_token_required
def preview_links(handle: str):
    """UTM and auto-apply links for a target and placement, without saving anything."""
    with runtime().db.session() as session:
        built = links.preview(session, g.shop.id, _origin(), handle, LinkRequest.of(request.args))
    return links_json(built)


@bp.post("/creators/<handle>/links")
@session_token_required
def create_link(handle: str):
    """A tracked short link to the auto-apply URL (or the storefront link when the code is not active)."""
    rt = runtime()
    with rt.db.session() as session:
        link, campaign = links.create_tracked(session, g.shop.id, _origin(), handle, LinkRequest.of(_body()))
        return link_json(link, rt.settings.app_url, 0, campaign.name if campaign else None), 201


@bp.delete("/creators/<handle>/links/<int:link_id>")
@session_token_required
def archive_link(handle: str, link_id: int):
    with runtime().db.session() as session:
        links.archive(session, g.shop.id, handle, link_id)
    return _detail(handle)


@bp.get("/creators/template.csv")
@session_token_required
def csv_template():
    return Response(
        imports.TEMPLATE,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=creators-template.csv"},
    )


def _csv_text() -> str:
    """The CSV of an import: a text/csv body, a `file` upload, or JSON {"csv": ...}."""
    if request.mimetype == "application/json":
        return str((request.get_json(silent=True) or {}).get("csv") or "")
    if request.files.get("file"):
        return request.files["file"].read().decode("utf-8-sig", errors="replace")
    return request.get_data(as_text=True)


@bp.post("/creators/import")
@session_token_required
@csv_upload
def start_import():
    """Validate a CSV (text/csv body, or JSON {"csv": ...}) and queue the import; 202 with its id."""
    rt = runtime()
    with rt.db.session() as session:
        run = imports.start(session, g.shop.id, _csv_text())
        run_id, status = run.id, run.status
        body = imports.summary(run)
    if status != "done":
        rt.jobs.enqueue(run_import, g.shop.domain, run_id, job_timeout=3600)
    return body, 202


@bp.get("/creators/imports/<int:import_id>")
@session_token_required
def import_status(import_id: int):
    with runtime().db.session() as session:
        return imports.summary(imports.get(session, g.shop.id, import_id))


@bp.post("/creators/sync")
@session_token_required
def sync_codes():
    """Check every code against the shop now, and finish pending ones."""
    rt = runtime()
    rt.jobs.enqueue(complete_pending_codes, g.shop.domain)
    rt.jobs.enqueue(sync_discounts, g.shop.domain)
    return {"status": "queued"}, 202
