"""The app-lifecycle topics: `app/uninstalled` and `app/scopes_update` (shopify-platform.md 2.4).

Each handler takes (session, delivery, payload) and returns a readable result; the privacy topics
are privacy.py. An event triggered before the install the app holds now is recorded and not applied
(install_generations.py); an uninstall body naming another shop fails (named_shop.py).
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from shopify_roi.models import WebhookDelivery
from shopify_roi.services.shops import install
from shopify_roi.services.shops.named_shop import names_shop, require_same_shop
from shopify_roi.services.webhooks import inbox
from shopify_roi.services.webhooks.inbox import PayloadError

_SCOPE_RE = re.compile(r"[a-z_]{1,64}")
_SHOP_FIELD = "myshopify_domain"  # app/uninstalled's body is the REST Shop object


def receive_uninstall(session: Session, **delivery) -> inbox.Receipt:
    """Store an `app/uninstalled` delivery (inbox.receive) and, unless it is a repeat, stop the shop in
    the same transaction: Shopify has already revoked the tokens, so nothing waits for the worker. An
    uninstall of an earlier install, or whose body names another shop, is left to the worker to record."""
    receipt = inbox.receive(session, **delivery)
    if receipt.duplicate:
        return receipt
    try:
        payload = inbox.parse_payload(delivery["raw_body"].decode("utf-8", errors="replace"))
    except PayloadError:
        return receipt  # the worker records why
    if names_shop(payload, _SHOP_FIELD, delivery["shop_domain"]):
        install.mark_uninstalled(session, delivery["shop_domain"], delivery.get("triggered_at"))
    return receipt


def on_uninstalled(session: Session, delivery: WebhookDelivery, payload: dict) -> str:
    require_same_shop(payload, _SHOP_FIELD, delivery.shop_domain)
    return install.mark_uninstalled(session, delivery.shop_domain, delivery.triggered_at)


def on_scopes_update(session: Session, delivery: WebhookDelivery, payload: dict) -> str:
    current = payload.get("current")
    if not isinstance(current, list) or not all(
        isinstance(s, str) and _SCOPE_RE.fullmatch(s) for s in current
    ):
        raise PayloadError("`current` must be a list of scope names")
    not_applied = install.apply_scopes_update(session, delivery.shop_domain, current, delivery.triggered_at)
    return not_applied or "granted scopes now " + ",".join(current)


HANDLERS = {
    "app/uninstalled": on_uninstalled,
    "app/scopes_update": on_scopes_update,
}
