"""Sending webhooks the way Shopify does: HMAC-signed JSON POSTs to the app-specific
subscriptions declared in ``shopify.app.toml``.

Headers per shopify.dev "Webhooks delivery structure"
(https://shopify.dev/docs/apps/build/webhooks/delivery-structure) and "Verify webhook deliveries"
(https://shopify.dev/docs/apps/build/webhooks/verify-deliveries): ``X-Shopify-Webhook-Id`` is
unique per delivery (one per subscription) and the same on every retry of it - the duplicate key;
``X-Shopify-Event-Id`` is "shared across deliveries from the same merchant action": every
subscription and every topic one action causes (``orders/create`` and ``orders/paid`` of one
checkout) carry the same one. Callers pass one ``event_id`` for the webhooks of one action.

A delivery the app does not answer 2xx in time is retried automatically (``devstore.webhooks.retries``).
A test can also re-deliver by hand by passing a ``webhook_id`` that was delivered before: the
same delivery (ids, trigger time, version, body) is sent again to the same address.

``X-Shopify-API-Version`` is the version the body was made with: the ``[webhooks] api_version``
of the TOML when the stand-in serves it, else - "Shopify falls forward when your selected
version becomes inaccessible, and webhooks include the X-Shopify-Api-Version header to confirm
which version was used" (shopify.dev "About Shopify API versioning",
https://shopify.dev/docs/api/usage/versioning) - the oldest version it serves.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import asdict, dataclass

import requests

from devstore import app_toml
from devstore.admin import customer_data
from devstore.config import DevstoreConfig
from devstore.store.state import Shop, Store
from devstore.store.times import utc_millis
from devstore.webhooks import retries, signing


@dataclass(frozen=True)
class Delivery:
    """Outcome of one delivery. ``status_code`` is None when nothing was sent (no
    subscription) or the app could not be reached (``error`` says why)."""

    webhook_id: str
    status_code: int | None
    url: str | None
    error: str | None = None

    def to_json(self) -> dict:
        return asdict(self)

    @property
    def acknowledged(self) -> bool:
        """Shopify counts only a 2xx answer (a 3xx included) as received."""
        return self.status_code is not None and 200 <= self.status_code < 300


# Topics Shopify sends only to apps holding a scope (shopify.dev webhook topic docs); a
# ``write_`` scope implies its ``read_``. Topics not listed here need no scope in devstore.
TOPIC_SCOPES = {
    "discounts/": "read_discounts",
    "orders/": "read_orders",
    "refunds/": "read_orders",
}


def missing_scope(shop: Shop, topic: str) -> str | None:
    """The scope the shop's grant lacks for ``topic`` (None when it may be delivered)."""
    granted = {s.strip() for s in shop.granted_scopes.split(",") if s.strip()}
    for prefix, scope in TOPIC_SCOPES.items():
        if topic.startswith(prefix) and not granted & {scope, scope.replace("read_", "write_", 1)}:
            return scope
    return None


def delivered_version(config: DevstoreConfig, requested: str | None) -> str:
    """The version a subscription's webhooks are made with: the requested one if served, else
    the oldest served (Shopify falls forward from an inaccessible version)."""
    served = sorted(config.api_versions)
    return requested if requested in served else served[0]


def deliver(
    config: DevstoreConfig,
    shop: Shop | str,
    topic: str,
    payload: dict | None,
    webhook_id: str | None = None,
    store: Store | None = None,
    extra: dict | None = None,
    event_id: str | None = None,
) -> Delivery:
    """POST ``payload`` for ``topic`` to every subscription of the topic; return the first delivery.

    Each attempt (or the decision not to send) is appended to the shop's delivery log when
    ``store`` is given and ``shop`` is a Shop (with the keys of ``extra`` added). ``event_id``
    groups the webhooks of one action (a new one when None). A ``webhook_id`` delivered before
    re-sends that delivery. Never raises for network errors: they are in ``Delivery.error``.
    """
    logged = store is not None and isinstance(shop, Shop)
    previous = store.find_delivery(shop, webhook_id) if logged and webhook_id else None
    if previous is not None:
        return _resend(config, shop, previous, store, extra, payload)
    toml = app_toml.load(config.app_toml)
    entry = {
        "webhook_id": webhook_id or str(uuid.uuid4()),
        "event_id": event_id or str(uuid.uuid4()),
        "topic": topic,
        "triggered_at": utc_millis(),
        "api_version": delivered_version(config, toml.api_version),
        "subscription_api_version": toml.api_version,
        "payload": customer_data.redact(config.customer_data, topic, payload),
        **(extra or {}),
    }
    refusal = _refusal(config, shop, toml, topic)
    if refusal is not None:
        return _unsent(store, shop, entry, refusal)
    first = None
    for n, url in enumerate(toml.uris_for(topic, config.app_url)):
        one = entry if n == 0 else {**entry, "webhook_id": str(uuid.uuid4())}
        result = _attempt(config, shop, {**one, "url": url}, store)
        first = first or result
    return first


def _refusal(config: DevstoreConfig, shop, toml, topic: str) -> str | None:
    """Why nothing is sent for ``topic`` (scope, unapproved customer data, no subscription)."""
    lacking = missing_scope(shop, topic) if isinstance(shop, Shop) else None
    if lacking:
        return f"the app lacks {lacking} for {topic}"
    topics = {t for sub in toml.subscriptions for t in sub.topics}
    refused = customer_data.subscriptions_refused(config.customer_data, topics)
    if refused:
        return refused
    if not toml.uris_for(topic, config.app_url):
        return f"no subscription for {topic} in {config.app_toml}"
    return None


def _unsent(store, shop, entry: dict, error: str) -> Delivery:
    result = Delivery(entry["webhook_id"], None, None, error)
    _record(store, shop, entry, result, sent=False)
    return result


def _resend(config, shop: Shop, previous: dict, store: Store, extra: dict | None, payload) -> Delivery:
    """Send a logged delivery again: same ids, trigger time, version, address and (unless given) body."""
    entry = {
        k: previous.get(k)
        for k in (
            "webhook_id",
            "event_id",
            "topic",
            "triggered_at",
            "api_version",
            "subscription_api_version",
            "payload",
            "url",
        )
    }
    entry.update(extra or {})
    if payload is not None:
        entry["payload"] = customer_data.redact(config.customer_data, entry["topic"], payload)
    if not entry.get("url"):
        urls = app_toml.load(config.app_toml).uris_for(entry["topic"], config.app_url)
        if not urls:
            return _unsent(store, shop, entry, f"no subscription for {entry['topic']} in {config.app_toml}")
        entry["url"] = urls[0]
    return _attempt(config, shop, entry, store, retry_on_failure=False)


_senders = threading.local()


def _session() -> requests.Session:
    """The sending thread's HTTP session, made once: a connection the app keeps open is used again (an
    HTTP/1.1 server's; the werkzeug server closes each), and no proxy or .netrc is looked up per delivery
    (Shopify sends straight to the subscription's address)."""
    session = getattr(_senders, "session", None)
    if session is None:
        session = _senders.session = requests.Session()
        session.trust_env = False
    return session


def _post(config: DevstoreConfig, shop: Shop | str, entry: dict) -> Delivery:
    domain = shop.domain if isinstance(shop, Shop) else shop
    body = json.dumps(entry["payload"]).encode()
    headers = signing.headers(entry, domain, body, config.api_secret)
    try:
        response = _session().post(
            entry["url"], data=body, headers=headers, timeout=config.webhook_timeout, allow_redirects=False
        )  # Shopify counts a 3xx as a failure
        return Delivery(entry["webhook_id"], response.status_code, entry["url"])
    except requests.RequestException as exc:
        return Delivery(entry["webhook_id"], None, entry["url"], f"{type(exc).__name__}: {exc}")


def _attempt(config, shop, entry: dict, store: Store | None, retry_on_failure: bool = True) -> Delivery:
    """One POST, logged; an unacknowledged one is retried on Shopify's schedule."""
    result = _post(config, shop, entry)
    logged = _record(store, shop, {**entry, "delivered_at": utc_millis()}, result, sent=True)
    if retry_on_failure and not result.acknowledged and logged is not None:
        _retry_later(config, shop, entry, store, logged)
    return result


def _retry_later(config, shop: Shop, entry: dict, store: Store, logged: dict) -> None:
    last = [logged]
    base = {k: v for k, v in entry.items() if k not in ("reordered", "duplicate", "retry")}

    def send_again(n: int) -> bool:
        again = {**base, "retry": n}
        result = _post(config, shop, again)
        last[0] = _record(store, shop, {**again, "delivered_at": utc_millis()}, result, sent=True)
        return result.acknowledged

    def give_up() -> None:
        with store.lock:
            last[0]["abandoned"] = True

    retries.schedule(config, store, shop, 0, send_again, give_up)


def log_unsent(
    store: Store, shop: Shop, topic: str, payload: dict, error: str, extra: dict | None = None
) -> Delivery:
    """Log a delivery that is deliberately not sent (``sent: false`` with ``error``)."""
    extra = dict(extra or {})
    entry = {
        "webhook_id": str(uuid.uuid4()),
        "event_id": extra.pop("event_id", None) or str(uuid.uuid4()),
        "topic": topic,
        "triggered_at": utc_millis(),
        "payload": payload,
        **extra,
    }
    return _unsent(store, shop, entry, error)


def _record(store: Store | None, shop: Shop | str, entry: dict, result: Delivery, sent: bool) -> dict | None:
    if store is None or not isinstance(shop, Shop):
        return None
    logged = {**entry, **result.to_json(), "sent": sent}
    store.log_delivery(shop, logged)
    return logged


def deliver_in_background(
    config: DevstoreConfig, shop: Shop, events: list[tuple[str, dict]], store: Store
) -> threading.Thread:
    """Deliver ``[(topic, payload), ...]`` - the webhooks of one action, one event id - in order
    on a daemon thread and return it.

    Shopify sends webhooks after the API call that caused them, not inside it, so the app
    may get its answer before (or after) the webhook. Every outcome is in the shop's delivery
    log, including an unexpected exception (``sent: false`` with the error); nothing is raised.
    """
    event_id = str(uuid.uuid4())

    def run() -> None:
        for topic, payload in events:
            try:
                deliver(config, shop, topic, payload, store=store, event_id=event_id)
            except Exception as exc:  # noqa: BLE001 - a broken TOML must not kill the thread unseen
                log_unsent(
                    store, shop, topic, payload, f"{type(exc).__name__}: {exc}", {"event_id": event_id}
                )

    thread = threading.Thread(target=run, name=f"webhooks-{shop.domain}", daemon=True)
    thread.start()
    return thread
