"""Opening the embedded app: the shop a verified session token names, installed by token exchange
the first time it is opened (or again after an uninstall), with what the page shows of it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from shopify_roi.crypto import TokenCipher
from shopify_roi.models import Shop, WebhookDelivery
from shopify_roi.services.shops.install import install_from_session_token
from shopify_roi.services.shops.lookup import shop_by_domain
from shopify_roi.services.webhooks import registry
from shopify_roi.shopify_client.oauth import AppCredentials


@dataclass(frozen=True)
class OpenedShop:
    shop: Shop
    newly_installed: bool
    deliveries: list[WebhookDelivery]  # the latest, newest first


def is_installed(session: Session, domain: str) -> bool:
    shop = shop_by_domain(session, domain)
    return bool(shop and shop.is_installed)


def open_shop(
    session: Session, creds: AppCredentials, cipher: TokenCipher, domain: str, raw_token: str
) -> OpenedShop:
    """The shop of a verified session token, installed now if it is not (InstallError when Shopify
    refuses the exchange). The rows are detached from the session: the page reads them after it closed."""
    shop = shop_by_domain(session, domain)
    newly_installed = not (shop and shop.is_installed)
    if newly_installed:
        shop = install_from_session_token(session, creds, cipher, domain, raw_token)
    deliveries = registry.recent(session, domain, limit=10)
    session.expunge_all()
    return OpenedShop(shop, newly_installed, deliveries)
