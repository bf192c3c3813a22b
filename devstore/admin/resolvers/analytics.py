"""Analytics annotations and targets: ``analyticsAnnotationCreate/Update/Delete``,
``Shop.analyticsAnnotations``, ``analyticsTargetCreate/Update``, ``analyticsTargetsDelete``,
``analyticsTargets``.

Sources (Admin GraphQL 2026-10): AnalyticsAnnotation,
https://shopify.dev/docs/api/admin-graphql/2026-10/objects/AnalyticsAnnotation ("The maximum length is 75
characters" for an app's title, 150 for its description); analyticsAnnotationCreate,
https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/analyticsAnnotationCreate (needs
``write_analytics_annotations``; "Shopify limits how many annotations an app can have for a shop" ->
``LIMIT_REACHED``); analyticsAnnotationUpdate/Delete ("An app can update only annotations that it created ...
NOT_FOUND"); analyticsTargetCreate,
https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/analyticsTargetCreate (``write_reports``;
"uniquely identified by the combination of metric, startDate, endDate, and filters" -> ``TAKEN``;
expectedValue "Must be greater than 0"; currency "set to the shop's currency"); analyticsTargetsDelete ("If
any ID is not found, a user error is returned for that ID while the remaining valid targets are still
deleted"). The annotation types are the bare types of the ShopifyQL ANNOTATE categories that Shopify's
campaign dashboard tutorial writes
(https://shopify.dev/docs/apps/build/analytics/campaign-dashboard-targets-and-annotations).

Stricter readings (not documented either way): only those eight types are accepted (``INVALID``); a
target's metric must be ``total_sales`` or ``orders`` (the two the docs name; ``INVALID_METRIC``
otherwise); endedAt must be after startedAt and endDate not before startDate (``INVALID``); an app holds at
most ``ANNOTATION_LIMIT`` annotations in a shop; a target name is 1 to 255 characters; a target another app
or the merchant made is ``NOT_FOUND`` to this app, like an annotation; ``query`` and ``sortKey`` on the two
connections are not implemented (an explicit error).
"""

from __future__ import annotations

from datetime import date, datetime

from graphql import GraphQLError

from devstore.admin.connections import connection
from devstore.admin.engine import mutation
from devstore.store import times
from devstore.store.times import utc_seconds

ANNOTATIONS, TARGETS = "analytics_annotations", "analytics_targets"
TYPES = {
    "campaign",
    "product_launch",
    "landing_page_launch",
    "seasonal_promotion",
    "ad_spend_change",
    "influencer_collaboration",
    "revenue_milestone",
    "other",
}
METRICS = {"total_sales", "orders"}
MONEY_METRICS = {"total_sales"}
TITLE_MAX, DESCRIPTION_MAX, NAME_MAX = 75, 150, 255
ANNOTATION_LIMIT = 1000
THIS_APP = "this-app"  # `createdBy` of what the app under test made; seeded records carry another value


def _require(info, scope: str, read: str | None = None) -> None:
    granted = {s.strip() for s in info.context.scopes.split(",") if s.strip()}
    if scope in granted or (read is not None and read in granted):
        return
    required = f"`{read or scope}` access scope."
    raise GraphQLError(
        f"Access denied for {info.field_name} field. Required access: {required}",
        extensions={"code": "ACCESS_DENIED", "requiredAccess": required},
    )


def _error(field: list[str], code: str, message: str) -> dict:
    return {"field": field, "code": code, "message": message}


def _instant(value) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if len(str(value)) == 10 else None
    except ValueError:
        return None


def _held(info, kind: str, gid: str) -> dict | None:
    """The record with this id if the app under test made it (another's is NOT_FOUND to it)."""
    try:
        number = int(str(gid).rsplit("/", 1)[1])
    except (IndexError, ValueError):
        return None
    with info.context.store.lock:
        record = info.context.shop.records.get(kind, {}).get(number)
    return record if record is not None and record.get("createdBy") == THIS_APP else None


def _annotation_errors(fields: dict, merged: dict) -> list[dict]:
    errors = []
    if "title" in fields and not (0 < len(fields["title"] or "") <= TITLE_MAX):
        errors.append(_error(["input", "title"], "INVALID", f"Title must be 1 to {TITLE_MAX} characters."))
    if len(fields.get("description") or "") > DESCRIPTION_MAX:
        errors.append(
            _error(["input", "description"], "INVALID", f"Description is over {DESCRIPTION_MAX} characters.")
        )
    if "type" in fields and fields["type"] not in TYPES:
        errors.append(_error(["input", "type"], "INVALID", "Type is not a supported annotation type."))
    started = _instant(merged.get("startedAt"))
    if started is None:
        errors.append(_error(["input", "startedAt"], "INVALID", "startedAt is not a date and time."))
    if merged.get("endedAt") is not None:
        ended = _instant(merged["endedAt"])
        if ended is None or (started is not None and ended <= started):
            errors.append(_error(["input", "endedAt"], "INVALID", "endedAt must be after startedAt."))
    return errors


def _normal(value) -> str | None:
    instant = _instant(value) if value is not None else None
    return utc_seconds(instant.timestamp()) if instant is not None else None


def _save_annotation(info, record: dict, fields: dict) -> dict:
    ctx = info.context
    now = utc_seconds(times.now(ctx.store, ctx.shop))
    with ctx.store.lock:
        record.update({k: v for k, v in fields.items()})
        record["startedAt"] = _normal(record["startedAt"])
        record["endedAt"] = _normal(record.get("endedAt"))
        record["updatedAt"] = now
        return dict(record)


@mutation("analyticsAnnotationCreate")
def resolve_annotation_create(_root, info, input):
    _require(info, "write_analytics_annotations")
    ctx = info.context
    errors = _annotation_errors(input, input)
    mine = [r for r in ctx.store.records(ctx.shop, ANNOTATIONS) if r.get("createdBy") == THIS_APP]
    if not errors and len(mine) >= ANNOTATION_LIMIT:
        errors = [
            _error(["input"], "LIMIT_REACHED", "The app has reached its annotation limit for this shop.")
        ]
    if errors:
        return {"analyticsAnnotation": None, "userErrors": errors}
    number = ctx.store.next_id()
    record = {
        "id": f"gid://shopify/AnalyticsAnnotation/{number}",
        "source": "APP",
        "createdBy": THIS_APP,
        "createdAt": utc_seconds(times.now(ctx.store, ctx.shop)),
        "description": None,
        "endedAt": None,
    }
    ctx.store.put_record(ctx.shop, ANNOTATIONS, number, record)
    return {"analyticsAnnotation": _save_annotation(info, record, input), "userErrors": []}


@mutation("analyticsAnnotationUpdate")
def resolve_annotation_update(_root, info, id, input):
    _require(info, "write_analytics_annotations")
    record = _held(info, ANNOTATIONS, id)
    if record is None:
        return {
            "analyticsAnnotation": None,
            "userErrors": [_error(["id"], "NOT_FOUND", "Annotation not found.")],
        }
    errors = _annotation_errors(input, {**record, **input})
    if errors:
        return {"analyticsAnnotation": None, "userErrors": errors}
    return {"analyticsAnnotation": _save_annotation(info, record, input), "userErrors": []}


@mutation("analyticsAnnotationDelete")
def resolve_annotation_delete(_root, info, id):
    _require(info, "write_analytics_annotations")
    record = _held(info, ANNOTATIONS, id)
    if record is None:
        return {"deletedId": None, "userErrors": [_error(["id"], "NOT_FOUND", "Annotation not found.")]}
    with info.context.store.lock:
        info.context.shop.records[ANNOTATIONS].pop(int(id.rsplit("/", 1)[1]), None)
    return {"deletedId": id, "userErrors": []}


def annotations_reader(info, **args):
    """``Shop.analyticsAnnotations``: every annotation of the shop (any source), oldest first."""
    _require(info, "write_analytics_annotations", "read_analytics_annotations")
    _no_search(args)
    items = [_public(r) for r in info.context.store.records(info.context.shop, ANNOTATIONS)]
    return connection(items, key=lambda r: int(r["id"].rsplit("/", 1)[1]), **args)


def _no_search(args: dict) -> None:
    if args.get("query") or args.get("sortKey") not in (None, "ID"):
        raise GraphQLError("devstore: query and sortKey on analytics annotations/targets are not implemented")


def _public(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "createdBy"}


def of_shop(store, shop) -> dict:
    """The shop's annotations and targets, with who made them (for the control API and tests)."""
    return {"annotations": store.records(shop, ANNOTATIONS), "targets": store.records(shop, TARGETS)}


def seed_annotation(store, shop, fields: dict) -> dict:
    """An annotation the merchant or another app made (the app under test may not change it)."""
    number = store.next_id()
    record = {
        "id": f"gid://shopify/AnalyticsAnnotation/{number}",
        "source": "SHOPIFY",
        "createdBy": "other",
        "type": "other",
        "title": "Merchant note",
        "description": None,
        "startedAt": "2026-01-01T00:00:00Z",
        "endedAt": None,
        **fields,
    }
    store.put_record(shop, ANNOTATIONS, number, record)
    return record
