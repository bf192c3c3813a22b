"""Starting the workflows that begin with one of the app's Flow triggers: `flowTriggerReceive(handle,
payload)` ("flowTriggerReceive", https://shopify.dev/docs/api/admin-graphql/latest/mutations/flowTriggerReceive;
"Flow trigger reference", https://shopify.dev/docs/apps/build/flow/triggers/reference: the payload's keys
are the extension's field keys, a reference field's key is `order_id`, `customer_id`, `product_id`; the
payload is at most 50 KB)."""

from __future__ import annotations

import json

from shopify_roi.shopify_client.admin import AdminClient, load_query

MAX_PAYLOAD_BYTES = 50_000


def trigger(client: AdminClient, handle: str, payload: dict) -> list[str]:
    """Send one trigger event; Shopify's userErrors as text ([]: accepted)."""
    if len(json.dumps(payload).encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"a Flow trigger payload is at most {MAX_PAYLOAD_BYTES} bytes")
    data = client.execute(
        load_query("flow_trigger_receive"), {"handle": handle, "payload": payload}, "FlowTriggerReceive"
    )
    errors = (data.get("flowTriggerReceive") or {}).get("userErrors") or []
    return [f"{e.get('field') or ''}: {e.get('message', '')}".strip(": ") for e in errors]
