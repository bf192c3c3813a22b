"""Control API for Shopify Flow.

- ``GET /_devstore/shops/{shop}/flow/triggers``: every trigger event the app sent with
  ``flowTriggerReceive`` and the stand-in accepted (``handle``, ``payload``, ``received_at``).
- ``POST /_devstore/shops/{shop}/flow/actions/{handle}`` ``{"properties": {...}, "action_run_id": "..."}``:
  the Flow runner. It runs one step of a workflow using the app's action: POSTs
  ``{shop_id, shopify_domain, action_run_id, action_definition_id, handle, properties}`` to the action's
  ``runtime_url`` with ``X-Shopify-Hmac-Sha256`` (base64 HMAC-SHA256 of the body, client secret) ("Create
  Flow action endpoints", https://shopify.dev/docs/apps/build/flow/actions/endpoints). The runtime_url's
  origin is replaced by the app's (as ``shopify app dev`` does). Sending the same ``action_run_id`` again
  is Flow's retry. Answers the app's status and body.
- ``POST /_devstore/shops/{shop}/flow/workflows`` ``{"trigger": handle, "enabled": bool}``: a workflow using
  the trigger is turned on or off; Flow sends the app's lifecycle callback (see ``set_workflow``).
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit

import requests
from flask import Blueprint, abort, jsonify, request

from devstore import flow_extensions
from devstore.admin.resolvers import flow
from devstore.context import runtime, shop_or_404
from devstore.store import times
from devstore.webhooks import signing

bp = Blueprint("control_flow", __name__, url_prefix="/_devstore")


@bp.get("/shops/<shop:shop_domain>/flow/triggers")
def list_triggers(shop_domain: str):
    shop, rt = shop_or_404(shop_domain), runtime()
    return jsonify(triggers=flow.of_shop(rt.store, shop))


@bp.post("/shops/<shop:shop_domain>/flow/actions/<handle>")
def run_action(shop_domain: str, handle: str):
    shop, rt = shop_or_404(shop_domain), runtime()
    ext = flow_extensions.load(rt.config.app_toml).get(handle)
    if ext is None or ext.type != "flow_action":
        abort(404, description=f"the app has no Flow action {handle!r}")
    given = request.get_json(silent=True) or {}
    run_id = str(given.get("action_run_id") or uuid.uuid4())
    body = json.dumps(
        {
            "shop_id": shop.numeric_id,
            "shopify_domain": shop.domain,
            "action_run_id": run_id,
            "action_definition_id": handle,
            "handle": handle,
            "properties": given.get("properties") or {},
        }
    ).encode()
    # an absolute runtime_url's host is the deployed app's; the stand-in calls the app it serves
    response = _post(rt, urlsplit(ext.url).path, body)
    return jsonify(action_run_id=run_id, status=response.status_code, body=response.text)


def _post(rt, path: str, body: bytes) -> requests.Response:
    return requests.post(
        flow_extensions.absolute(path, rt.config.app_url),
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Shopify-Hmac-Sha256": signing.sign(body, rt.config.api_secret),
        },
        timeout=rt.config.webhook_timeout,
    )


@bp.post("/shops/<shop:shop_domain>/flow/workflows")
def set_workflow(shop_domain: str):
    """The merchant turns on or off a workflow that starts with one of the app's triggers
    (``{"trigger": handle, "enabled": bool}``): Flow tells the app through its lifecycle callback
    (``{flow_trigger_definition_id, has_enabled_flow, shop_id, shopify_domain, timestamp}``, signed like an
    action request). Answers the app's status; a non-2xx answer means the workflow stays off."""
    shop, rt = shop_or_404(shop_domain), runtime()
    given = request.get_json(silent=True) or {}
    found = flow_extensions.load(rt.config.app_toml)
    trigger = found.get(str(given.get("trigger")))
    if trigger is None or trigger.type != "flow_trigger" or not isinstance(given.get("enabled"), bool):
        abort(400, description="send the handle of one of the app's triggers and enabled true or false")
    callbacks = [e for e in found.values() if e.type == "flow_trigger_lifecycle_callback"]
    if not callbacks:
        return jsonify(status=None, body="the app has no lifecycle callback")
    body = json.dumps(
        {
            "flow_trigger_definition_id": trigger.handle,
            "has_enabled_flow": given["enabled"],
            "shop_id": shop.numeric_id,
            "shopify_domain": shop.domain,
            "timestamp": times.utc_seconds(times.now(rt.store, shop)),
        }
    ).encode()
    response = _post(rt, urlsplit(callbacks[0].url).path, body)
    return jsonify(status=response.status_code, body=response.text)
