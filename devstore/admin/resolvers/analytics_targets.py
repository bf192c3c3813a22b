"""Analytics targets: ``analyticsTargetCreate/Update``, ``analyticsTargetsDelete``, ``analyticsTargets``.

Sources and the stricter readings are in analytics.py's docstring (analyticsTargetCreate: ``write_reports``;
a target is unique by metric, dates and filters -> ``TAKEN``; expectedValue must be greater than 0; its
currency is the shop's; analyticsTargetsDelete deletes the valid ids and answers NOT_FOUND for the others).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from devstore.admin.connections import connection
from devstore.admin.engine import mutation, query
from devstore.admin.resolvers.analytics import (
    METRICS,
    NAME_MAX,
    TARGETS,
    THIS_APP,
    _day,
    _error,
    _held,
    _no_search,
    _public,
    _require,
)
from devstore.store import times
from devstore.store.times import utc_seconds


def _target_errors(info, fields: dict, merged: dict, own_id: str | None) -> list[dict]:
    errors = []
    if "name" in fields and not (0 < len(fields["name"] or "") <= NAME_MAX):
        errors.append(_error(["input", "name"], "INVALID", f"Name must be 1 to {NAME_MAX} characters."))
    if "metric" in fields and fields["metric"] not in METRICS:
        errors.append(_error(["input", "metric"], "INVALID_METRIC", "The metric is not valid for targets."))
    try:
        if "expectedValue" in fields and not Decimal(str(fields["expectedValue"])) > 0:
            raise InvalidOperation
    except InvalidOperation:
        errors.append(_error(["input", "expectedValue"], "INVALID", "Expected value must be greater than 0."))
    start, end = _day(merged.get("startDate")), _day(merged.get("endDate"))
    if start is None or end is None or end < start:
        errors.append(
            _error(["input", "endDate"], "INVALID", "Dates must be YYYY-MM-DD, end not before start.")
        )
    identity = tuple(merged.get(k) for k in ("metric", "startDate", "endDate", "filters"))
    for other in info.context.store.records(info.context.shop, TARGETS):
        if (
            other["id"] != own_id
            and tuple(other.get(k) for k in ("metric", "startDate", "endDate", "filters")) == identity
        ):
            errors.append(_error(["input"], "TAKEN", "A target with this metric, dates and filters exists."))
            break
    return errors


def _save_target(info, record: dict, fields: dict) -> dict:
    ctx = info.context
    with ctx.store.lock:
        record.update(fields)
        record["expectedValue"] = str(Decimal(str(record["expectedValue"])))
        record["updatedAt"] = utc_seconds(times.now(ctx.store, ctx.shop))
        return _public(record)


@mutation("analyticsTargetCreate")
def resolve_target_create(_root, info, input):
    _require(info, "write_reports")
    ctx = info.context
    errors = _target_errors(info, input, {"filters": None, **input}, None)
    if errors:
        return {"analyticsTarget": None, "userErrors": errors}
    number = ctx.store.next_id()
    record = {
        "id": f"gid://shopify/AnalyticsTarget/{number}",
        "createdBy": THIS_APP,
        "createdAt": utc_seconds(times.now(ctx.store, ctx.shop)),
        "currencyCode": ctx.shop.currency,
        "filters": None,
        "shopifyqlQuery": None,
    }
    ctx.store.put_record(ctx.shop, TARGETS, number, record)
    return {"analyticsTarget": _save_target(info, record, input), "userErrors": []}


@mutation("analyticsTargetUpdate")
def resolve_target_update(_root, info, id, input):
    _require(info, "write_reports")
    record = _held(info, TARGETS, id)
    if record is None:
        return {"analyticsTarget": None, "userErrors": [_error(["id"], "NOT_FOUND", "Target not found.")]}
    errors = _target_errors(info, input, {**record, **input}, record["id"])
    if errors:
        return {"analyticsTarget": None, "userErrors": errors}
    return {"analyticsTarget": _save_target(info, record, input), "userErrors": []}


@mutation("analyticsTargetsDelete")
def resolve_targets_delete(_root, info, ids):
    _require(info, "write_reports")
    deleted, errors = [], []
    for index, gid in enumerate(ids):
        if _held(info, TARGETS, gid) is None:
            errors.append(_error(["ids", str(index)], "NOT_FOUND", "Target not found."))
            continue
        with info.context.store.lock:
            info.context.shop.records[TARGETS].pop(int(gid.rsplit("/", 1)[1]), None)
        deleted.append(gid)
    return {"deletedIds": deleted, "userErrors": errors}


@query("analyticsTargets")
def resolve_targets(_root, info, **args):
    _require(info, "write_reports", "read_reports")
    _no_search(args)
    items = [_public(r) for r in info.context.store.records(info.context.shop, TARGETS)]
    return connection(items, key=lambda r: int(r["id"].rsplit("/", 1)[1]), **args)
