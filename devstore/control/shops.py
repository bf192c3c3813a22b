"""The control API under ``/_devstore/``: JSON endpoints tests and developers use to set up
shops, mint session tokens, send webhooks, uninstall, expire tokens and inject faults.
Not part of Shopify's protocol; the app never calls it."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from devstore.admin import customer_data
from devstore.admin.throttle import plan_limits
from devstore.context import runtime, shop_or_404
from devstore.oauth import session_tokens
from devstore.store.state import Faults, Shop, valid_shop_domain
from devstore.webhooks import delivery, order_events, payloads

PLAN_KEY = "plan"
# What ``shop { plan }`` says for each rate-limit plan ("GraphQL Admin API rate limits" names
# the plans; the display names are the admin's).
PLAN_NAMES = {
    "standard": "Basic",
    "advanced": "Advanced",
    "plus": "Shopify Plus",
    "enterprise": "Shopify Plus",
}

bp = Blueprint("control", __name__, url_prefix="/_devstore")


def shop_json(shop: Shop) -> dict:
    """The shop's public state as the control API shows it."""
    store = runtime().store
    with store.lock:
        return {
            "shop": shop.domain,
            "id": shop.numeric_id,
            "gid": shop.gid,
            "name": shop.name,
            "email": shop.email,
            "currency": shop.currency,
            "timezone": shop.timezone,
            "scopes": shop.scopes,
            "installed": shop.installed,
            "granted_scopes": shop.granted_scopes,
            "live_access_tokens": store.live_token_count(shop),
            "refresh_count": shop.refresh_count,
            "refresh_retries": shop.refresh_retries,
            "token_clock_offset": shop.token_clock_offset,
            "scope_request_answer": shop.scope_request_answer,
            "faults": {
                "fail_next": shop.faults.fail_next,
                "fail_every": shop.faults.fail_every,
                "status": shop.faults.status,
            },
            "plan": plan_of(shop),
            "throttle": {
                "maximum": shop.bucket.maximum,
                "restore_rate": shop.bucket.restore_rate,
            },
            "webhook_faults": order_events.channel(store, shop).faults.to_json(),
        }


def plan_of(shop: Shop) -> str:
    """The shop's rate-limit plan: standard (the default, as on a development store), advanced,
    plus or enterprise."""
    return str(shop.extras.get(PLAN_KEY, "standard"))


def set_plan(shop: Shop, plan: str) -> None:
    """Move the shop to ``plan``: the bucket takes the plan's size and restore rate (full), and
    ``shop { plan }`` says so. KeyError for an unknown plan."""
    maximum, restore = plan_limits(plan)
    with runtime().store.lock:
        shop.extras[PLAN_KEY] = plan.strip().lower()
        shop.bucket.reset(maximum, restore)
        shop.plan_display_name = PLAN_NAMES[shop.extras[PLAN_KEY]]
        shop.shopify_plus = shop.extras[PLAN_KEY] in ("plus", "enterprise")
        shop.partner_development = False


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _bad(message: str, status: int = 400):
    return jsonify(error=message), status


@bp.get("/health")
def health():
    return jsonify(ok=True)


@bp.post("/shops")
def create_shop():
    """Create a shop (201) or return the existing one (200)."""
    body = _body()
    domain = str(body.get("shop", "")).lower()
    if not valid_shop_domain(domain):
        return _bad("shop must look like name.myshopify.com")
    keys = (
        "name",
        "email",
        "currency",
        "timezone",
        "scopes",
        "plan_display_name",
        "partner_development",
        "shopify_plus",
    )
    if body.get("plan") is not None:
        try:
            plan_limits(str(body["plan"]))
        except KeyError as exc:
            return _bad(str(exc.args[0]))
    shop, created = runtime().store.create_shop(domain, **{k: body.get(k) for k in keys})
    if created and body.get("plan") is not None:
        set_plan(shop, str(body["plan"]))
    return jsonify(shop_json(shop)), 201 if created else 200


@bp.post("/shops/<shop:shop_domain>/plan")
def change_plan(shop_domain: str):
    """``{"plan": "standard" | "advanced" | "plus" | "enterprise"}``: the shop's plan, which sets
    its GraphQL bucket (refilled)."""
    shop = shop_or_404(shop_domain)
    try:
        set_plan(shop, str(_body().get("plan", "")))
    except KeyError as exc:
        return _bad(str(exc.args[0]))
    return jsonify(shop_json(shop))


@bp.route("/app/customer-data", methods=["GET", "POST"])
def app_customer_data():
    """The app's protected customer data approval (Partner Dashboard): ``{"level": 0 | 1 | 2,
    "fields": ["name", "email", "phone", "address"]}`` (level 2 without ``fields``: all four).
    Answers ``{"level", "approved"}``."""
    rt = runtime()
    if request.method == "POST":
        body = _body()
        spec = str(body.get("level", ""))
        if body.get("fields") and isinstance(body["fields"], list):
            spec += ":" + ",".join(str(f) for f in body["fields"])
        try:
            rt.update_config(customer_data=customer_data.parse_level(spec))
        except ValueError as exc:
            return _bad(str(exc))
    approved = rt.config.customer_data
    return jsonify(level=customer_data.level_of(approved), approved=sorted(approved))


@bp.get("/shops/<shop:shop_domain>")
def get_shop(shop_domain: str):
    return jsonify(shop_json(shop_or_404(shop_domain)))


@bp.post("/shops/<shop:shop_domain>/session-token")
def session_token(shop_domain: str):
    """Mint an App Bridge session token, optionally forged (secret/aud/dest overrides)."""
    shop = shop_or_404(shop_domain)
    body, config = _body(), runtime().config
    token = session_tokens.mint(
        shop.domain,
        api_key=config.api_key,
        secret=body.get("secret") or config.api_secret,
        sub=str(body.get("sub", "1")),
        ttl=int(body.get("ttl", 60)),
        nbf_offset=int(body.get("nbf_offset", 0)),
        aud=body.get("aud"),
        dest=body.get("dest"),
        now=runtime().store.clock(),
    )
    return jsonify(token=token)


def _send(shop: Shop, topic: str, payload: dict | None, webhook_id: str | None):
    rt = runtime()
    if payload is None and not (webhook_id and rt.store.find_delivery(shop, webhook_id)):
        payload = payloads.build(topic, shop)
    return delivery.deliver(rt.config, shop, topic, payload, webhook_id=webhook_id, store=rt.store)


@bp.post("/shops/<shop:shop_domain>/webhooks")
def send_webhook(shop_domain: str):
    """Deliver one webhook now; the body is built from the shop when no payload is given."""
    shop = shop_or_404(shop_domain)
    body = _body()
    if not body.get("topic"):
        return _bad("topic is required")
    try:
        delivery = _send(shop, body["topic"], body.get("payload"), body.get("webhook_id"))
    except KeyError as exc:
        return _bad(str(exc.args[0]))
    return jsonify(delivery.to_json())


@bp.post("/shops/<shop:shop_domain>/uninstall")
def uninstall(shop_domain: str):
    """Revoke every token, mark the shop uninstalled, then send ``app/uninstalled``."""
    shop = shop_or_404(shop_domain)
    payload = payloads.app_uninstalled(shop)
    runtime().store.uninstall(shop)
    return jsonify(_send(shop, "app/uninstalled", payload, None).to_json())


@bp.post("/shops/<shop:shop_domain>/expire-tokens")
def expire_tokens(shop_domain: str):
    """Every live access token of the shop expires now; refresh tokens stay valid."""
    shop = shop_or_404(shop_domain)
    return jsonify(expired=runtime().store.expire_access_tokens(shop))


@bp.post("/shops/<shop:shop_domain>/faults")
def set_faults(shop_domain: str):
    """Set any of fail_next, fail_every, status, throttle {maximum, restore_rate, empty_every} (bucket
    refilled; every ``empty_every``-th charged GraphQL request finds it spent; setting fail_every restarts
    its request count) and webhooks {duplicate,
    reorder, drop, seed} (order webhook faults, see ``devstore.webhooks.order_events``)."""
    shop = shop_or_404(shop_domain)
    body, store = _body(), runtime().store
    if isinstance(body.get("webhooks"), dict):
        order_events.configure(store, shop, body["webhooks"])
    if "bulk_delay" in body:  # seconds a bulk operation stays RUNNING before it works
        with store.lock:
            shop.extras["bulk_delay"] = float(body["bulk_delay"] or 0)
    with store.lock:
        if "fail_next" in body:
            shop.faults.fail_next = int(body["fail_next"])
        if "fail_every" in body:
            shop.faults.fail_every = int(body["fail_every"] or 0)
            shop.faults.requests_seen = 0
        if "status" in body:
            shop.faults.status = int(body["status"])
        if isinstance(body.get("throttle"), dict):
            shop.bucket.reset(body["throttle"].get("maximum"), body["throttle"].get("restore_rate"))
            shop.faults.empty_every = int(body["throttle"].get("empty_every") or 0)
            shop.faults.charges_seen = 0
    return jsonify(shop_json(shop))


@bp.delete("/shops/<shop:shop_domain>/faults")
def reset_faults(shop_domain: str):
    """No pending failures; the bucket of the shop's plan (standard: 2000 points, 100/s), full."""
    shop = shop_or_404(shop_domain)
    order_events.configure(runtime().store, shop, None)
    with runtime().store.lock:
        shop.faults = Faults()
        shop.bucket.reset(*plan_limits(plan_of(shop)))
    return jsonify(shop_json(shop))


@bp.get("/shops/<shop:shop_domain>/graphql-log")
def graphql_log(shop_domain: str):
    shop = shop_or_404(shop_domain)
    with runtime().store.lock:
        return jsonify(list(shop.graphql_log))


@bp.get("/shops/<shop:shop_domain>/deliveries")
def deliveries(shop_domain: str):
    shop = shop_or_404(shop_domain)
    with runtime().store.lock:
        return jsonify(list(shop.deliveries))
