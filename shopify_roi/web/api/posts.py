"""A creator's posts: `/api/creators/{handle}/posts` (list with figures over a range, add), one post
(edit, delete), a new dated report of its figures; `/api/metrics/posts` (per creator, or one campaign's)."""

from __future__ import annotations

from flask import g, request

from shopify_roi.services.posts import entries, imports, reads
from shopify_roi.web.api import bp
from shopify_roi.web.guards import csv_upload, runtime, session_token_required


def _body():
    return request.get_json(silent=True)


def _one(session, handle: str, post_id: int) -> dict:
    return reads.one_post(session, g.shop.id, handle, post_id)


@bp.get("/creators/<handle>/posts")
@session_token_required
def list_posts(handle: str):
    """`?from&to`: the creator's posts in the range, newest first, with engagement rate, cost, CPM, CPE and
    sales after each; totals; the decay curve."""
    with runtime().db.session() as session:
        return reads.creator_posts(session, g.shop.id, handle, request.args)


@bp.post("/creators/<handle>/posts")
@session_token_required
def add_post(handle: str):
    with runtime().db.session() as session:
        post = entries.add(session, g.shop.id, handle, _body())
        return _one(session, handle, post.id), 201


@bp.patch("/creators/<handle>/posts/<int:post_id>")
@session_token_required
def edit_post(handle: str, post_id: int):
    with runtime().db.session() as session:
        entries.edit(session, g.shop.id, handle, post_id, _body())
        return _one(session, handle, post_id)


@bp.post("/creators/<handle>/posts/<int:post_id>/figures")
@session_token_required
def report_figures(handle: str, post_id: int):
    """A new dated report (figures grow for days; earlier reports are kept)."""
    with runtime().db.session() as session:
        entries.report(session, g.shop.id, handle, post_id, _body())
        return _one(session, handle, post_id), 201


@bp.delete("/creators/<handle>/posts/<int:post_id>")
@session_token_required
def delete_post(handle: str, post_id: int):
    with runtime().db.session() as session:
        entries.remove(session, g.shop.id, handle, post_id)
    return {"deleted": post_id}


@bp.get("/metrics/posts")
@session_token_required
def posts_table():
    """`?from&to[&campaign=]`: per creator with posts in the range, the posts' totals over their spend."""
    with runtime().db.session() as session:
        return reads.posts_table(session, g.shop.id, request.args)


@bp.post("/posts/import")
@session_token_required
@csv_upload
def import_posts():
    """A CSV of posts (text/csv body, a `file` upload, or JSON {"csv": ...}): all or nothing; a row whose
    creator has a post with that URL adds a dated report of its figures."""
    if request.mimetype == "application/json":
        text = str((request.get_json(silent=True) or {}).get("csv") or "")
    elif request.files.get("file"):
        text = request.files["file"].read().decode("utf-8-sig", errors="replace")
    else:
        text = request.get_data(as_text=True)
    with runtime().db.session() as session:
        return imports.import_csv(session, g.shop.id, text), 201
