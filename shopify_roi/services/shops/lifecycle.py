"""The app-lifecycle topics: `app/uninstalled` and `app/scopes_update` (shopify-platform.md 2.4).

Each handler takes (session, delivery, payload) and returns a readable result; the privacy topics
are privacy.py.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from shopify_roi.models import WebhookDelivery
from shopify_roi.services.shops import install
from shopify_roi.services.webhooks import inbox
from shopify_roi.services.webhooks.inbox import PayloadError

_SCOPE_RE = re.compile(r"[a-z_]{1,64}")


def receive_uninstall(session: Session, **delivery) -> inbox.Receipt:
    """Store an `app/uninstalled` delivery (inbox.receive) and, unless it is a repeat, stop the shop in
    the same transaction: Shopify has already revoked the tokens, so nothing waits for the worker."""
    receipt = inbox.receive(session, **delivery)
    if not receipt.duplicate:
        install.mark_uninstalled(session, delivery["shop_domain"])
    return receipt


def on_uninstalled(session: Session, delivery: WebhookDelivery, payload: dict) -> str:
    install.mark_uninstalled(session, delivery.shop_domain)
    return "tokens dropped, shop marked uninstalled"


def on_scopes_update(session: Session, delivery: WebhookDelivery, payload: dict) -> str:
    current = payload.get("current")
    if not isinstance(current, list) or not all(
        isinstance(s, str) and _SCOPE_RE.fullmatch(s) for s in current
    ):
        raise PayloadError("`current` must be a list of scope names")
    install.apply_scopes_update(session, delivery.shop_domain, current)
    return "granted scopes now " + ",".join(current)


HANDLERS = {
    "app/uninstalled": on_uninstalled,
    "app/scopes_update": on_scopes_update,
}
