"""Posts from a CSV (issue 20): one row per post, or per new report of a post's figures. Columns (a header
row, names as below, any order; only `handle`, `platform`, `url` and `posted_at` required):
handle, platform, url, posted_at, timezone, format, campaign, reach, impressions, views, likes, comments,
shares, saves, link_clicks. A row whose creator already has a post with that URL adds a dated report of its
figures (figures grow for days: a later export of the same posts updates them, keeping the earlier reports).
All or nothing: one bad row refuses the file, naming every bad cell by row and column, and stores nothing.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import Creator, CreatorPost, PostFigures
from shopify_roi.models.post import FIGURES
from shopify_roi.services.errors import Invalid
from shopify_roi.services.posts.entries import parse

MAX_ROWS = 5000
COLUMNS = ("handle", "platform", "url", "posted_at", "timezone", "format", "campaign", *FIGURES)


def _rows(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h not in COLUMNS]
    if not header or unknown or not {"handle", "platform", "url", "posted_at"} <= set(header):
        raise Invalid(
            "The first row must name the columns: handle, platform, url, posted_at (required), and any of "
            + ", ".join(COLUMNS[4:])
            + (f"; unknown: {', '.join(unknown[:5])}" if unknown else ""),
            {"csv": "header"},
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            raise Invalid(f"At most {MAX_ROWS} rows per file.", {"csv": "too many rows"})
        if None in row:
            raise Invalid(f"Row {len(rows) + 2} has more cells than the header.", {"csv": "row"})
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return rows


def import_csv(session: Session, shop_id: int, text: str) -> dict:
    """Add the file's posts and reports; {"posts": new, "reports": added to existing posts}."""
    handles = dict(
        session.execute(select(Creator.handle, Creator.id).where(Creator.shop_id == shop_id)).all()
    )
    errors: dict[str, str] = {}
    planned = []
    for n, row in enumerate(_rows(text), start=2):
        creator_id = handles.get(row.pop("handle", "").lower())
        if creator_id is None:
            errors[f"row {n} handle"] = "is not a creator of this shop"
            continue
        try:
            planned.append(
                (
                    creator_id,
                    parse(session, shop_id, {k: v for k, v in row.items() if v != ""}, creator_id=creator_id),
                )
            )
        except Invalid as exc:
            errors.update({f"row {n} {k}": v for k, v in (exc.fields or {}).items()})
    if errors:
        raise Invalid(
            f"Nothing imported: {len(errors)} bad cells. "
            + "; ".join(f"{k} {v}" for k, v in list(errors.items())[:20]),
            errors,
        )
    made = reported = 0
    for creator_id, values in planned:
        figures = values.pop("figures")
        post = session.scalar(
            select(CreatorPost).where(
                CreatorPost.shop_id == shop_id,
                CreatorPost.creator_id == creator_id,
                CreatorPost.url == values["url"],
            )
        )
        if post is None:
            post = CreatorPost(shop_id=shop_id, creator_id=creator_id, **values)
            session.add(post)
            session.flush()
            made += 1
        elif figures:
            reported += 1
        if figures:
            session.add(PostFigures(shop_id=shop_id, post_id=post.id, **figures))
    session.flush()
    return {"posts": made, "reports": reported}
