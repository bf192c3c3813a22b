"""CSV import of creators with their codes: validated up front, run row by row, resumable.

Each row goes through `onboard.onboard`, which is idempotent for the same handle and code, and
the import commits its progress after every row. A run that dies half-way is resumed from its
last committed row (the row in flight is finished by onboard's own resume); importing the
same file again reports every row `unchanged` and creates nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db import Database, utcnow
from shopify_roi.models import CreatorImport
from shopify_roi.models.creator_import import DONE, QUEUED, RUNNING
from shopify_roi.services.creators import code_input, codes, onboard, profiles
from shopify_roi.services.errors import Invalid, NotFound, ServiceError
from shopify_roi.shopify_client.admin import AdminClient

COLUMNS = (
    "name",
    "handle",
    "platform",
    "followers",
    "commission_percent",
    "code",
    "percent_off",
    "amount_off",
    "starts_at",
    "ends_at",
    "usage_limit",
    "once_per_customer",
    "campaigns",
    "notes",
)
CREATOR_FIELDS = ("name", "handle", "platform", "followers", "commission_percent", "campaigns", "notes")
MAX_ROWS = 5000
# A row with neither `percent_off` nor `amount_off` gets this (README "HTTP interface", the import tab):
# `name, handle, code` are enough, and the row's report says the default was used.
DEFAULT_PERCENT_OFF = "10"
DEFAULT_NOTE = f"no percent_off or amount_off: made at {DEFAULT_PERCENT_OFF}% off (the default)"
# How a row ended, as the report and the import tab's badges name it: a code Shopify or the app already
# holds is a clash (ServiceError 409); a Shopify outage leaves the row pending (503).
OUTCOME_BY_STATUS = {409: "clash", 503: "pending"}
TEMPLATE = (
    ",".join(COLUMNS)
    + "\r\n"
    + "Jamie Lee,jamie,instagram,48000,10,JAMIE15,15,,2026-03-01,,,no,Spring launch,"
    + "Reels about trail shoes\r\n"
    + "Ben Okafor,ben,tiktok,120000,12.5,BEN10,,10.00,,,500,yes,Spring launch|Summer,\r\n"
)


def parse_csv(text: str) -> tuple[list[dict], list[dict]]:
    """(valid rows, report entries for invalid rows). Each row keeps its 1-based line number."""
    try:
        return _parse_csv(text)
    except csv.Error as exc:  # a NUL byte, an over-long field, a broken quote
        raise Invalid(f"The file is not a CSV this import can read ({exc}).") from None


def _parse_csv(text: str) -> tuple[list[dict], list[dict]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("name", "handle", "code") if c not in headers]
    if missing:
        raise Invalid(
            "The CSV needs the columns " + ", ".join(missing) + ". Download the template to start from."
        )
    reader.fieldnames = headers
    valid, invalid, seen_handles, seen_codes = [], [], set(), set()
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise Invalid(f"At most {MAX_ROWS} creators per file.")
        row = {k: (v or "").strip() for k, v in raw.items() if k in COLUMNS}
        if not any(row.values()):
            continue
        entry = {
            "line": number,
            "handle": profiles.normalise_handle(row.get("handle", "")),
            "code": row.get("code", ""),
        }
        if not row.get("percent_off") and not row.get("amount_off"):
            row.update(percent_off=DEFAULT_PERCENT_OFF, discount_note=DEFAULT_NOTE)
        try:
            profiles.parse_creator({k: row.get(k) for k in CREATOR_FIELDS})
            code_input.parse_code(row)
        except Invalid as exc:
            invalid.append(
                {
                    **entry,
                    "status": "invalid",
                    "message": "; ".join(f"{k} {v}" for k, v in exc.fields.items()),
                }
            )
            continue
        key = codes.code_key(row["code"])
        if entry["handle"] in seen_handles or key in seen_codes:
            invalid.append(
                {
                    **entry,
                    "status": "invalid",
                    "message": "the same handle or code appears earlier in the file",
                }
            )
            continue
        seen_handles.add(entry["handle"])
        seen_codes.add(key)
        valid.append({"line": number, **row})
    return valid, invalid


def start(session: Session, shop_id: int, text: str) -> CreatorImport:
    """Validate the file and store the run (status queued); the caller enqueues `run`."""
    valid, invalid = parse_csv(text)
    run = CreatorImport(
        shop_id=shop_id,
        status=QUEUED if valid else DONE,
        rows_json=json.dumps(valid),
        report_json=json.dumps(invalid),
        total=len(valid) + len(invalid),
        processed=len(invalid),
    )
    session.add(run)
    session.flush()
    return run


def get(session: Session, shop_id: int, import_id: int) -> CreatorImport:
    run = session.scalar(
        select(CreatorImport).where(CreatorImport.shop_id == shop_id, CreatorImport.id == import_id)
    )
    if run is None:
        raise NotFound("No such import.")
    return run


def summary(run: CreatorImport) -> dict:
    report = json.loads(run.report_json)
    counts: dict[str, int] = {}
    for entry in report:
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    return {
        "id": run.id,
        "status": run.status,
        "total": run.total,
        "processed": run.processed,
        "counts": counts,
        "rows": sorted(report, key=lambda e: e["line"]),
    }


def run(
    db: Database,
    client: AdminClient,
    shop_id: int,
    import_id: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Process the rows not yet reported, committing after each. Safe to call again at any time."""
    with db.session() as session:
        record = get(session, shop_id, import_id)
        rows = json.loads(record.rows_json)
        record.status = RUNNING
        done_lines = {e["line"] for e in json.loads(record.report_json)}
    for row in rows:
        if row["line"] in done_lines:
            continue
        entry = {
            "line": row["line"],
            "handle": profiles.normalise_handle(row["handle"]),
            "code": row["code"],
        }
        try:
            outcome = onboard.onboard(
                db, client, shop_id, {k: row.get(k) for k in CREATOR_FIELDS}, row, repeat_ok=True
            )
            entry.update(status=outcome.status, message=row.get("discount_note", ""))
        except ServiceError as exc:
            kind = OUTCOME_BY_STATUS.get(exc.status, "invalid")
            entry.update(status=kind, message=exc.message)
        with db.session() as session:
            record = get(session, shop_id, import_id)
            report = json.loads(record.report_json)
            if any(e["line"] == entry["line"] for e in report):
                continue  # a second runner (a resumed job) reported it first
            report.append(entry)
            record.report_json = json.dumps(report)
            record.processed = len(report)
            record.updated_at = utcnow()
            total, processed = record.total, record.processed
        if progress:
            progress(processed, total)
    with db.session() as session:
        record = get(session, shop_id, import_id)
        record.status = DONE
        return summary(record)


def unfinished(session: Session, older_than_seconds: int = 120) -> list[tuple[int, int]]:
    """(shop id, import id) of runs queued or running with no progress for a while (a dead worker)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return [
        (r.shop_id, r.id)
        for r in session.scalars(
            select(CreatorImport).where(
                CreatorImport.status.in_((QUEUED, RUNNING)), CreatorImport.updated_at < cutoff
            )
        )
    ]
