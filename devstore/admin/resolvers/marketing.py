"""External marketing activities and their engagements: ``marketingActivityUpsertExternal`` and
``marketingEngagementCreate`` (activity-level, by ``remoteId`` or ``marketingActivityId``).

Sources: ``marketingActivityUpsertExternal``
(https://shopify.dev/docs/api/admin-graphql/latest/mutations/marketingActivityUpsertExternal): "Requires
``write_marketing_events`` access scope", creates or updates by ``remoteId``, "When optional fields are
absent or null, associated information will be removed from an existing marketing activity";
``MarketingActivityUpsertExternalInput`` (.../input-objects/MarketingActivityUpsertExternalInput): "Either
the URL parameter value or UTM can be set, but not both", "The hierarchy level can't be updated";
``MarketingActivityHierarchyLevel`` (.../enums/MarketingActivityHierarchyLevel): an AD "Must be parented by
an ad group or a campaign activity, and must be assigned tracking parameters (URL or UTM)", an AD_GROUP
"Must be parented by a campaign activity"; ``MarketingActivityUserErrorCode`` for the codes
(MARKETING_ACTIVITY_WITH_UTM_CAMPAIGN_ALREADY_EXISTS: "the same UTM campaign, medium, and source",
IMMUTABLE_*, NON_HIERARCHIAL_REQUIRES_UTM_URL_PARAMETER, CURRENCY_CODE_MISMATCH_INPUT, ...);
``marketingEngagementCreate`` (.../mutations/marketingEngagementCreate): ``marketingActivityId`` or
``remoteId`` "should be set when and only when providing activity-level engagements";
``MarketingEngagementInput`` (.../input-objects/MarketingEngagementInput): ``occurredOn`` a calendar date in
``utcOffset`` ("+HH:MM" or "-HH:MM", "Must match the account settings for the shop"), ``isCumulative``
deprecated ("Send non-cumulative engagement metrics instead").

Stricter readings (not documented either way): an engagement sent again for the same activity and day
replaces the day's figures (Shopify's reports show one figure a day; the stand-in keeps the last one);
money (``adSpend``, ``budget.total``, ``sales``) in another currency than the shop's is refused with
CURRENCY_CODE_MISMATCH_INPUT; ``isCumulative: true``, a ``utcOffset`` other than the shop's that day, a
negative figure and channel-level engagements (``channelHandle``: a handle only a partner manager gives)
are refused.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from graphql import GraphQLError

from devstore.admin.engine import mutation
from devstore.store import times
from devstore.store.times import utc_seconds

ACTIVITIES, ENGAGEMENTS = "marketing_activities", "marketing_engagements"
SCOPE = "write_marketing_events"
OFFSET_RE = re.compile(r"[+-](\d\d):(\d\d)")
IMMUTABLE = (
    ("hierarchyLevel", "IMMUTABLE_HIERARCHY_LEVEL"),
    ("parentRemoteId", "IMMUTABLE_PARENT_ID"),
    ("utm", "IMMUTABLE_UTM_PARAMETERS"),
    ("urlParameterValue", "IMMUTABLE_URL_PARAMETER"),
    ("channelHandle", "IMMUTABLE_CHANNEL_HANDLE"),
)
MONEY = ("adSpend", "sales")
COUNTS = ("clicksCount", "impressionsCount", "viewsCount", "sessionsCount", "sharesCount", "commentsCount")
DECIMALS = ("orders", "firstTimeCustomers", "returningCustomers", "primaryConversions", "allConversions")


def _require_scope(info) -> None:
    granted = {s.strip() for s in info.context.scopes.split(",") if s.strip()}
    if SCOPE not in granted:
        raise GraphQLError(
            f"Access denied for {info.field_name} field. Required access: `{SCOPE}` access scope.",
            extensions={"code": "ACCESS_DENIED", "requiredAccess": f"`{SCOPE}` access scope."},
        )


def _error(field: list[str], code: str, message: str) -> dict:
    return {"field": field, "code": code, "message": message}


def _activities(info) -> dict:
    return info.context.shop.records.setdefault(ACTIVITIES, {})


def _by_remote_id(info, remote_id: str | None) -> dict | None:
    return next((a for a in _activities(info).values() if a["remoteId"] == remote_id), None)


def _money_error(info, money: dict | None, field: list[str]) -> dict | None:
    if money is None:
        return None
    if money.get("currencyCode") != info.context.shop.currency:
        return _error(field, "CURRENCY_CODE_MISMATCH_INPUT", "Currency code does not match the shop's.")
    try:
        amount = Decimal(str(money["amount"]))
    except (InvalidOperation, KeyError):
        return _error(field, "INVALID", "Amount is not a decimal.")
    if not amount.is_finite() or amount < 0:
        return _error(field, "INVALID", "Amount must not be negative.")
    return None


def _utm_key(utm: dict | None) -> tuple | None:
    return (utm["campaign"], utm["medium"], utm["source"]) if utm else None


def _hierarchy_error(info, data: dict) -> dict | None:
    level, parent_id = data.get("hierarchyLevel"), data.get("parentRemoteId")
    tracked = bool(data.get("utm") or data.get("urlParameterValue"))
    if level is None:
        if parent_id is not None:
            return _error(["input", "parentRemoteId"], "INVALID", "A parent needs a hierarchy level.")
        if not tracked:
            return _error(
                ["input"], "NON_HIERARCHIAL_REQUIRES_UTM_URL_PARAMETER", "A UTM or URL parameter is required."
            )
        return None
    allowed = {"CAMPAIGN": set(), "AD_GROUP": {"CAMPAIGN"}, "AD": {"CAMPAIGN", "AD_GROUP"}}[level]
    if not allowed:
        if parent_id is not None:
            return _error(["input", "parentRemoteId"], "INVALID", "A campaign activity has no parent.")
        return None
    parent = _by_remote_id(info, parent_id)
    if parent is None:
        return _error(["input", "parentRemoteId"], "INVALID_REMOTE_ID", "The parent activity does not exist.")
    if parent.get("hierarchyLevel") not in allowed:
        return _error(["input", "parentRemoteId"], "INVALID", f"A {level} activity cannot have this parent.")
    if level == "AD" and not tracked:
        return _error(["input", "utm"], "INVALID", "An AD activity needs a UTM or URL parameter.")
    return None


def _upsert_error(info, data: dict, held: dict | None) -> dict | None:
    if not str(data.get("remoteId") or "").strip():
        return _error(["input", "remoteId"], "INVALID_REMOTE_ID", "Remote ID can't be blank.")
    if not str(data.get("title") or "").strip():
        return _error(["input", "title"], "INVALID", "Title can't be blank.")
    if data.get("utm") and data.get("urlParameterValue"):
        return _error(
            ["input", "utm"], "INVALID", "Either the URL parameter value or UTM can be set, not both."
        )
    if held is not None and (held["tactic"] == "STOREFRONT_APP") != (data.get("tactic") == "STOREFRONT_APP"):
        was = held["tactic"] == "STOREFRONT_APP"
        code = (
            "CANNOT_UPDATE_TACTIC_IF_ORIGINALLY_STOREFRONT_APP"
            if was
            else "CANNOT_UPDATE_TACTIC_TO_STOREFRONT_APP"
        )
        return _error(["input", "tactic"], code, "The tactic can't be changed to or from STOREFRONT_APP.")
    for key, code in IMMUTABLE if held is not None else ():
        if held.get(key) != data.get(key):
            return _error(["input", key], code, f"{key} can't be updated.")
    utm = _utm_key(data.get("utm"))
    if utm is not None and any(
        _utm_key(a.get("utm")) == utm and a is not held for a in _activities(info).values()
    ):
        return _error(
            ["input", "utm"],
            "MARKETING_ACTIVITY_WITH_UTM_CAMPAIGN_ALREADY_EXISTS",
            "A marketing activity with the same UTM campaign, medium, and source already exists.",
        )
    budget = data.get("budget") or {}
    return (
        (None if held is not None else _hierarchy_error(info, data))
        or _money_error(info, data.get("adSpend"), ["input", "adSpend"])
        or _money_error(info, budget.get("total"), ["input", "budget", "total"])
    )


def _shape(activity: dict) -> dict:
    out = dict(activity)
    utm = activity.get("utm")
    out["utmParameters"] = dict(utm) if utm else None
    out["isExternal"] = True
    for key in ("hierarchyLevel", "parentRemoteId", "urlParameterValue"):
        out.setdefault(key, None)
    return out


@mutation("marketingActivityUpsertExternal")
def resolve_upsert(_root, info, input):  # noqa: A002 - the argument's name in the schema
    """Create the activity of this remoteId, or replace its fields (absent optional fields removed)."""
    _require_scope(info)
    ctx = info.context
    with ctx.store.lock:
        held = _by_remote_id(info, input.get("remoteId"))
        error = _upsert_error(info, input, held)
        if error:
            return {"marketingActivity": None, "userErrors": [error]}
        now = utc_seconds(times.now(ctx.store, ctx.shop))
        if held is None:
            number = ctx.store.next_id()
            held = {"id": f"gid://shopify/MarketingActivity/{number}", "createdAt": now, "number": number}
            ctx.store.put_record(ctx.shop, ACTIVITIES, number, held)
        kept = {k: held[k] for k in ("id", "createdAt", "number")}
        held.clear()
        held.update(kept, **{k: v for k, v in input.items() if v is not None}, updatedAt=now)
        return {"marketingActivity": _shape(held), "userErrors": []}


def _offset_of(shop, day: date) -> str:
    seconds = int(datetime.combine(day, time(0), ZoneInfo(shop.timezone)).utcoffset().total_seconds())
    sign, seconds = ("-" if seconds < 0 else "+"), abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _engagement_error(info, data: dict) -> dict | None:
    field = ["marketingEngagement"]
    try:
        day = date.fromisoformat(str(data["occurredOn"]))
    except ValueError:
        return _error([*field, "occurredOn"], "INVALID", "occurredOn is not a date.")
    offset = str(data["utcOffset"])
    if not OFFSET_RE.fullmatch(offset) or offset != _offset_of(info.context.shop, day):
        return _error([*field, "utcOffset"], "INVALID", "utcOffset must be the shop's UTC offset that day.")
    if data.get("isCumulative"):
        return _error([*field, "isCumulative"], "INVALID", "Send non-cumulative engagement metrics.")
    for name in MONEY:
        error = _money_error(info, data.get(name), [*field, name])
        if error:
            return error
    for name in COUNTS:
        if data.get(name) is not None and int(data[name]) < 0:
            return _error([*field, name], "INVALID", f"{name} must not be negative.")
    for name in DECIMALS:
        if data.get(name) is None:
            continue
        try:
            value = Decimal(str(data[name]))
        except InvalidOperation:
            return _error([*field, name], "INVALID", f"{name} is not a decimal.")
        if not value.is_finite() or value < 0:
            return _error([*field, name], "INVALID", f"{name} must not be negative.")
    return None


@mutation("marketingEngagementCreate")
def resolve_engagement_create(
    _root, info, marketingEngagement, channelHandle=None, marketingActivityId=None, remoteId=None
):  # noqa: N803 - the arguments' names in the schema
    """Record an activity's figures for a day; the same activity and day sent again replaces them."""
    _require_scope(info)
    given = [x for x in (channelHandle, marketingActivityId, remoteId) if x is not None]
    if not given:
        code, message = "INVALID_MARKETING_ENGAGEMENT_ARGUMENT_MISSING", "No identifier found."
        return {"marketingEngagement": None, "userErrors": [_error([], code, message)]}
    if len(given) > 1 or channelHandle is not None:
        message = "Give the marketing activity ID or the remote ID (channel-level engagements not modelled)."
        return {
            "marketingEngagement": None,
            "userErrors": [_error([], "INVALID_MARKETING_ENGAGEMENT_ARGUMENTS", message)],
        }
    ctx = info.context
    with ctx.store.lock:
        if remoteId is not None:
            activity = _by_remote_id(info, remoteId)
        else:
            activity = next((a for a in _activities(info).values() if a["id"] == marketingActivityId), None)
        if activity is None:
            error = _error([], "MARKETING_ACTIVITY_DOES_NOT_EXIST", "Marketing activity does not exist.")
            return {"marketingEngagement": None, "userErrors": [error]}
        error = _engagement_error(info, marketingEngagement)
        if error:
            return {"marketingEngagement": None, "userErrors": [error]}
        engagements = ctx.shop.records.setdefault(ENGAGEMENTS, {})
        key = f"{activity['id']}|{marketingEngagement['occurredOn']}"
        record = {
            **{k: v for k, v in marketingEngagement.items() if v is not None},
            "occurredOn": str(marketingEngagement["occurredOn"]),
            "isCumulative": False,
            "remoteId": activity["remoteId"],
            "marketingActivityId": activity["id"],
        }
        engagements[key] = record
        return {"marketingEngagement": dict(record), "userErrors": []}


def of_shop(store, shop) -> dict:
    """The shop's external activities and their day engagements (for the control API and tests)."""
    with store.lock:
        return {
            "activities": [_shape(a) for a in shop.records.get(ACTIVITIES, {}).values()],
            "engagements": sorted(
                (dict(e) for e in shop.records.get(ENGAGEMENTS, {}).values()),
                key=lambda e: (e["remoteId"], e["occurredOn"]),
            ),
        }
