"""``flowTriggerReceive(handle, payload)``: start the workflows that begin with one of the app's Flow
triggers ("flowTriggerReceive", https://shopify.dev/docs/api/admin-graphql/latest/mutations/flowTriggerReceive;
"Flow trigger reference", https://shopify.dev/docs/apps/build/flow/triggers/reference: the payload is at
most 50 KB and its keys are the trigger extension's fields).

The stand-in reads the app's trigger extensions (``devstore.flow_extensions``) afresh at each call and
records each accepted event for the control API (``GET /_devstore/shops/{shop}/flow/triggers``). Refused
(a userError, nothing recorded): an unknown handle, the deprecated ``body`` (stricter: the app must use
``handle`` and ``payload``), a payload over 50 KB or not matching the fields (see ``payload_errors``).
"""

from __future__ import annotations

import json

from devstore import flow_extensions
from devstore.admin.engine import mutation
from devstore.orders import customers, order_records
from devstore.store import times

KIND = "flow_trigger_events"
MAX_PAYLOAD_BYTES = 50_000


def _exists(info):
    ctx = info.context

    def exists(key: str, number: int) -> bool:
        with ctx.store.lock:
            if key == "order_id":
                return number in ctx.shop.records.get(order_records.KIND, {})
            if key == "customer_id":
                return any(c["id"] == number for c in ctx.shop.records.get(customers.CUSTOMERS, {}).values())
        return False  # product references are not modelled: refused (stricter)

    return exists


def _refusal(field: list[str], message: str) -> dict:
    return {"userErrors": [{"field": field, "message": message}]}


@mutation("flowTriggerReceive")
def resolve_flow_trigger_receive(_root, info, handle=None, payload=None, body=None):
    if body is not None or handle is None:
        return _refusal(["body"], "devstore: send handle and payload (body is deprecated)")
    ext = flow_extensions.load(info.context.config.app_toml).get(handle)
    if ext is None or ext.type != "flow_trigger":
        return _refusal(["handle"], f"Trigger with handle '{handle}' not found")
    if len(json.dumps(payload).encode()) > MAX_PAYLOAD_BYTES:
        return _refusal(["payload"], "Payload must be smaller than 50 KB")
    errors = flow_extensions.payload_errors(ext, payload, _exists(info))
    if errors:
        return {"userErrors": errors}
    ctx = info.context
    number = ctx.store.next_id()
    received = times.utc_seconds(times.now(ctx.store, ctx.shop))
    event = {"id": number, "handle": handle, "payload": payload, "received_at": received}
    ctx.store.put_record(ctx.shop, KIND, number, event)
    return {"userErrors": []}


def of_shop(store, shop) -> list[dict]:
    """Every trigger event the shop received, oldest first."""
    return [dict(e) for e in store.records(shop, KIND)]
