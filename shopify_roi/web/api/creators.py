"""`/api/creators`: creators with their codes and links; CSV import."""

from __future__ import annotations

from flask import Response, g, request

from shopify_roi.jobs.creators import complete_pending_codes, run_import, sync_discounts
from shopify_roi.jobs.orders import reattribute_shop
from shopify_roi.services.creators import codes as discounts
from shopify_roi.services.creators import extra_codes as code_aliases
from shopify_roi.services.creators import imports, links
from shopify_roi.services.creators import onboard as onboarding
from shopify_roi.services.creators import profiles as creators_svc
from shopify_roi.services.errors import Invalid
from shopify_roi.services.shops.tokens import admin_client
from shopify_roi.shopify_client.domains import shop_origin
from shopify_roi.web.api import bp
from shopify_roi.web.api.serializers import code_json, creator_json, link_json
from shopify_roi.web.guards import csv_upload, runtime, session_token_required


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    return data


def _detail(handle: str) -> dict:
    rt = runtime()
    with rt.db.session() as session:
        creator = creators_svc.get_creator(session, g.shop.id, handle)
        code = discounts.current_code(session, g.shop.id, creator.id)
        history = discounts.codes_of(session, g.shop.id, creator.id)
        link_clicks = links.click_counts(session, g.shop.id, by="link")
        tracked = links.links_of(session, g.shop.id, creator.id)
        campaign = creator.campaigns[0] if creator.campaigns else None
        built = links.build(
            shop_origin(rt.settings.origin_template, g.shop.domain),
            creator,
            code.code if code and code.status == "active" else None,
            campaign=campaign,
        )
        body = creator_json(creator, code, sum(link_clicks.get(link.id, 0) for link in tracked))
        body["codes"] = [code_json(c) for c in history]
        body["links"] = {
            "storefront": built.storefront,
            "auto_apply": built.auto_apply,
            "utm": built.utm,
            "tracked": [
                link_json(link, rt.settings.app_url, link_clicks.get(link.id, 0)) for link in tracked
            ],
        }
    return body


@bp.get("/creators")
@session_token_required
def list_creators():
    with runtime().db.session() as session:
        rows = creators_svc.list_creators(
            session, g.shop.id, include_archived=request.args.get("include_archived") == "1"
        )
        codes = discounts.current_codes(session, g.shop.id)
        clicks = links.click_counts(session, g.shop.id)
        return {"creators": [creator_json(c, codes.get(c.id), clicks.get(c.id, 0)) for c in rows]}


@bp.post("/creators")
@session_token_required
def create_creator():
    """Create a creator and its discount code together (409 on any code clash, nothing created)."""
    rt = runtime()
    data = _body()
    code_data = data.get("discount") if isinstance(data.get("discount"), dict) else {}
    outcome = onboarding.onboard(rt.db, admin_client(rt, g.shop.domain), g.shop.id, data, code_data)
    rt.jobs.enqueue(reattribute_shop, g.shop.id)  # orders already held may carry the code or the handle
    return _detail(outcome.handle), (200 if outcome.status == "unchanged" else 201)


@bp.get("/creators/<handle>")
@session_token_required
def get_creator(handle: str):
    return _detail(handle)


@bp.patch("/creators/<handle>")
@session_token_required
def edit_creator(handle: str):
    with runtime().db.session() as session:
        creators_svc.update_creator(session, g.shop.id, handle, _body())
    return _detail(handle)


@bp.post("/creators/<handle>/archive")
@session_token_required
def archive_creator(handle: str):
    with runtime().db.session() as session:
        creators_svc.set_archived(session, g.shop.id, handle, True)
    return _detail(handle)


@bp.post("/creators/<handle>/unarchive")
@session_token_required
def unarchive_creator(handle: str):
    with runtime().db.session() as session:
        creators_svc.set_archived(session, g.shop.id, handle, False)
    return _detail(handle)


@bp.post("/creators/<handle>/codes/rotate")
@session_token_required
def rotate_code(handle: str):
    rt = runtime()
    onboarding.rotate(rt.db, admin_client(rt, g.shop.domain), g.shop.id, handle, _body())
    rt.jobs.enqueue(reattribute_shop, g.shop.id)
    return _detail(handle)


@bp.post("/creators/<handle>/codes/<int:code_id>/pause")
@session_token_required
def pause_code(handle: str, code_id: int):
    rt = runtime()
    onboarding.set_paused(rt.db, admin_client(rt, g.shop.domain), g.shop.id, handle, code_id, True)
    return _detail(handle)


@bp.post("/creators/<handle>/codes/<int:code_id>/resume")
@session_token_required
def resume_code(handle: str, code_id: int):
    rt = runtime()
    onboarding.set_paused(rt.db, admin_client(rt, g.shop.domain), g.shop.id, handle, code_id, False)
    return _detail(handle)


@bp.delete("/creators/<handle>/codes/<int:code_id>")
@session_token_required
def delete_code(handle: str, code_id: int):
    rt = runtime()
    onboarding.delete_code(rt.db, admin_client(rt, g.shop.domain), g.shop.id, handle, code_id)
    return _detail(handle)


@bp.post("/creators/<handle>/codes/<int:code_id>/extra")
@session_token_required
def add_extra_codes(handle: str, code_id: int):
    """More codes on the same discount: `{"codes": ["ANNA-TIKTOK", ...]}` -> a result per code."""
    rt = runtime()
    codes = (request.get_json(silent=True) or {}).get("codes")
    results = code_aliases.add(rt.db, admin_client(rt, g.shop.domain), g.shop.id, handle, code_id, codes)
    return {"results": results, "creator": _detail(handle)}


@bp.get("/creators/<handle>/links/preview")
@session_token_required
def preview_links(handle: str):
    """UTM and auto-apply links for a target and placement, without saving anything."""
    rt = runtime()
    args = request.args
    with rt.db.session() as session:
        creator = creators_svc.get_creator(session, g.shop.id, handle)
        code = discounts.current_code(session, g.shop.id, creator.id)
        campaign = (
            creators_svc.campaign_by_name(session, g.shop.id, args["campaign"])
            if args.get("campaign")
            else None
        )
        built = links.build(
            shop_origin(rt.settings.origin_template, g.shop.domain),
            creator,
            code.code if code and code.status == "active" else None,
            args.get("target", "home"),
            args.get("target_handle", ""),
            args.get("placement", "post"),
            campaign,
        )
    return {"storefront": built.storefront, "auto_apply": built.auto_apply, "utm": built.utm}


@bp.post("/creators/<handle>/links")
@session_token_required
def create_link(handle: str):
    """A tracked short link to the auto-apply URL (or the storefront link when the code is not active)."""
    rt = runtime()
    data = _body()
    with rt.db.session() as session:
        creator = creators_svc.get_creator(session, g.shop.id, handle)
        code = discounts.current_code(session, g.shop.id, creator.id)
        campaign = (
            creators_svc.campaign_by_name(session, g.shop.id, data["campaign"])
            if data.get("campaign")
            else None
        )
        target, target_handle, placement = (
            data.get("target", "home"),
            data.get("target_handle", ""),
            data.get("placement", "post"),
        )
        built = links.build(
            shop_origin(rt.settings.origin_template, g.shop.domain),
            creator,
            code.code if code and code.status == "active" else None,
            target,
            target_handle,
            placement,
            campaign,
        )
        link = links.create_tracked(
            session,
            g.shop.id,
            creator,
            built.auto_apply or built.storefront,
            target,
            target_handle,
            placement,
            campaign,
        )
        return link_json(link, rt.settings.app_url, 0, campaign.name if campaign else None), 201


@bp.delete("/creators/<handle>/links/<int:link_id>")
@session_token_required
def archive_link(handle: str, link_id: int):
    with runtime().db.session() as session:
        creator = creators_svc.get_creator(session, g.shop.id, handle)
        links.get_link(session, g.shop.id, creator.id, link_id).archived = True
    return _detail(handle)


@bp.get("/creators/template.csv")
@session_token_required
def csv_template():
    return Response(
        imports.TEMPLATE,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=creators-template.csv"},
    )


@bp.post("/creators/import")
@session_token_required
@csv_upload
def start_import():
    """Validate a CSV (text/csv body, or JSON {"csv": ...}) and queue the import; 202 with its id."""
    rt = runtime()
    if request.mimetype == "application/json":
        text = str((request.get_json(silent=True) or {}).get("csv") or "")
    elif request.files.get("file"):
        text = request.files["file"].read().decode("utf-8-sig", errors="replace")
    else:
        text = request.get_data(as_text=True)
    with rt.db.session() as session:
        run = imports.start(session, g.shop.id, text)
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
