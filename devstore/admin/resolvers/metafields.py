"""App-owned metafields on orders and customers: ``metafieldsSet``, ``metafieldsDelete`` and
``Order.metafield`` / ``Customer.metafield`` (``reader``).

Sources: ``metafieldsSet`` (https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet):
"a maximum of 25 metafields", "atomic, meaning no changes are persisted if an error is encountered",
``compareDigest`` compare-and-set; ``MetafieldsSetUserErrorCode`` for the codes; ``metafieldsDelete``
(https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsDelete): ``null`` for an identifier
that does not exist. ``$app`` is the app's reserved namespace ``app--{app id}`` ("Ownership",
https://shopify.dev/docs/apps/build/custom-data/ownership); its definitions are the ones the app declares
in ``shopify.app.toml`` (``devstore.app_toml``), read afresh at each call as Shopify holds the deployed
version in every shop.

Stricter readings (not documented either way): writing a metafield needs the owner's write scope
(``write_orders``, ``write_customers``) or the whole call is ``ACCESS_DENIED``; in ``$app`` a key with no
declared definition is refused (``INVALID``); a namespace other than the app's own is not modelled.
"""

from __future__ import annotations

import hashlib

from graphql import GraphQLError

from devstore import app_toml
from devstore.admin import metafield_values
from devstore.admin.engine import mutation
from devstore.admin.resolvers.nodes import GID_RE
from devstore.orders import customers, order_records
from devstore.store import times
from devstore.store.times import utc_seconds

KIND = "metafields"
MAX_SET = 25  # "Allows a maximum of 25 metafields to be set at a time"
WRITE_SCOPE = {"Order": "write_orders", "Customer": "write_customers"}
OWNER_TYPE = {"Order": "ORDER", "Customer": "CUSTOMER"}


def app_namespace(info) -> str:
    return f"app--{info.context.config.app_id}"


def _namespace(info, given: str | None) -> str:
    """``$app`` (or none: "All APIs default to using a reserved namespace $app") -> ``app--{id}``."""
    if given in (None, "$app", app_namespace(info)):
        return app_namespace(info)
    raise GraphQLError(f"devstore: metafields in namespace {given!r} are not implemented")


def _require_write(info, owner_ids: list[str]) -> None:
    granted = {s.strip() for s in info.context.scopes.split(",") if s.strip()}
    for gid in owner_ids:
        match = GID_RE.match(str(gid))
        scope = WRITE_SCOPE.get(match.group(1)) if match else None
        if scope and scope not in granted:
            raise GraphQLError(
                f"Access denied for {info.field_name} field. Required access: `{scope}` access scope.",
                extensions={"code": "ACCESS_DENIED", "requiredAccess": f"`{scope}` access scope."},
            )


def _owner_exists(info, gid: str) -> str | None:
    """The owner's type name (``Order``/``Customer``) if it exists in the shop, else None."""
    match = GID_RE.match(str(gid))
    if match is None or match.group(1) not in OWNER_TYPE:
        return None
    ctx, numeric = info.context, int(match.group(2))
    with ctx.store.lock:
        if match.group(1) == "Order":
            found = numeric in ctx.shop.records.get(order_records.KIND, {})
        else:
            found = any(c["id"] == numeric for c in ctx.shop.records.get(customers.CUSTOMERS, {}).values())
    return match.group(1) if found else None


def _find(info, owner_id: str, namespace: str, key: str) -> dict | None:
    with info.context.store.lock:
        return next(
            (
                m
                for m in info.context.shop.records.get(KIND, {}).values()
                if (m["ownerId"], m["namespace"], m["key"]) == (owner_id, namespace, key)
            ),
            None,
        )


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _error(index: int, field: str, code: str, message: str) -> dict:
    return {
        "field": ["metafields", str(index), field],
        "message": message,
        "code": code,
        "elementIndex": index,
    }


def _check(info, index: int, item: dict, toml) -> dict | None:
    """The userError of one input, or None when it can be written."""
    owner = _owner_exists(info, item["ownerId"])
    if owner is None:
        return _error(index, "ownerId", "INVALID", "Owner does not exist.")
    definition = toml.definition(OWNER_TYPE[owner], item["key"])
    if definition is None:
        return _error(index, "key", "INVALID", f"No $app metafield definition {item['key']!r} for {owner}.")
    if item.get("type") not in (None, definition.type):
        return _error(index, "type", "INVALID_TYPE", f"Type must be {definition.type} (its definition's).")
    reason = metafield_values.refusal(definition.type, item["value"])
    if reason:
        return _error(index, "value", "INVALID_VALUE", reason)
    if "compareDigest" in item:
        held = _find(info, item["ownerId"], _namespace(info, item.get("namespace")), item["key"])
        if (held["compareDigest"] if held else None) != item["compareDigest"]:
            return _error(
                index, "compareDigest", "STALE_OBJECT", "The metafield has been modified since it was loaded."
            )
    return None


def _write(info, item: dict, toml) -> dict:
    ctx = info.context
    namespace = _namespace(info, item.get("namespace"))
    owner = OWNER_TYPE[GID_RE.match(item["ownerId"]).group(1)]
    definition = toml.definition(owner, item["key"])
    now = utc_seconds(times.now(ctx.store, ctx.shop))
    with ctx.store.lock:
        held = _find(info, item["ownerId"], namespace, item["key"])
        if held is None:
            number = ctx.store.next_id()
            held = {"id": f"gid://shopify/Metafield/{number}", "createdAt": now, "ownerType": owner}
            ctx.store.put_record(ctx.shop, KIND, number, held)
        held.update(
            ownerId=item["ownerId"],
            namespace=namespace,
            key=item["key"],
            type=definition.type,
            value=item["value"],
            compareDigest=digest(item["value"]),
            updatedAt=now,
        )
        return dict(held)


@mutation("metafieldsSet")
def resolve_metafields_set(_root, info, metafields):
    """Set up to 25 metafields, all or none."""
    _require_write(info, [m["ownerId"] for m in metafields])
    if len(metafields) > MAX_SET:
        message = f"Exceeds the maximum input size of {MAX_SET} metafields."
        error = {
            "field": ["metafields"],
            "message": message,
            "code": "LESS_THAN_OR_EQUAL_TO",
            "elementIndex": None,
        }
        return {"metafields": [], "userErrors": [error]}
    toml = app_toml.load(info.context.config.app_toml)
    for item in metafields:
        _namespace(info, item.get("namespace"))
    errors = [e for e in (_check(info, i, m, toml) for i, m in enumerate(metafields)) if e]
    if errors:
        return {"metafields": [], "userErrors": errors}
    return {"metafields": [_write(info, m, toml) for m in metafields], "userErrors": []}


@mutation("metafieldsDelete")
def resolve_metafields_delete(_root, info, metafields):
    """Delete metafields by owner, namespace and key; ``null`` for one that does not exist."""
    _require_write(info, [m["ownerId"] for m in metafields])
    deleted = []
    for item in metafields:
        namespace = _namespace(info, item["namespace"])
        with info.context.store.lock:
            held = _find(info, item["ownerId"], namespace, item["key"])
            if held is None:
                deleted.append(None)
                continue
            records = info.context.shop.records.get(KIND, {})
            number = int(held["id"].rsplit("/", 1)[1])
            records.pop(number, None)
        deleted.append({"ownerId": item["ownerId"], "namespace": namespace, "key": item["key"]})
    return {"deletedMetafields": deleted, "userErrors": []}


def reader(owner_id: str):
    """``metafield(namespace:, key:)`` on an owner object: the app's metafield or null."""

    def resolve(info, key, namespace=None):
        return _find(info, owner_id, _namespace(info, namespace), key)

    return resolve


def of_shop(store, shop) -> list[dict]:
    """Every metafield the shop holds (for the control API and tests)."""
    return [dict(m) for m in store.records(shop, KIND)]
