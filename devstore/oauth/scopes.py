"""Which scopes a shop grants the app: required at install, optional only when the merchant says so.

shopify.dev "Manage access scopes"
(https://shopify.dev/docs/apps/build/authentication-authorization/app-installation/manage-access-scopes):
``scopes`` "are mandatory when merchants install your app"; ``optional_scopes`` "can only be requested
by the app post-installation. When requested, merchants have the option to grant access to these
scopes, or to decline them. Merchants can also revoke previously granted optional scopes."
AccessScope (Admin GraphQL): "The granted scopes remain active until the merchant uninstalls the app
or revokes them." App Bridge's Scopes API (https://shopify.dev/docs/api/app-home/apis/scopes):
``query() -> ScopesDetail {granted, required, optional}``, ``request(scopes) -> {result:
'granted-all' | 'declined-all', detail}``, ``revoke(scopes) -> {detail}``.

The merchant's answer to a request is the shop's ``scope_request_answer`` (control API; "grant" by
default). A granted or revoked scope changes what every live token of the shop carries (Shopify's
app template only rewrites the stored session's scope on ``app/scopes_update``, it never asks for a
new token) and ``app/scopes_update`` is sent with ``previous`` and ``current`` (changelog "New webhook
topic app/scopes_update": "triggered when the granted access scopes for the installed app on a shop
have been modified", https://shopify.dev/changelog/new-webhook-topic-app-scopes_update).
"""

from __future__ import annotations

from devstore import app_toml
from devstore.store.state import Shop, Store
from devstore.webhooks import delivery, payloads

ANSWERS = ("grant", "decline")


class ScopeRequestError(ValueError):
    """The request itself is refused (App Bridge rejects the promise)."""


def granted(shop: Shop) -> list[str]:
    return app_toml.split_scopes(shop.granted_scopes)


def install_grant(shop: Shop, requested: str, toml: app_toml.AppToml) -> str:
    """The grant an install (or a new token acquisition) leaves: the requested scopes without the
    declared optional ones (those only come through a request after install), plus optional
    scopes the merchant granted before and has not revoked."""
    optional = set(toml.optional_scopes)
    scopes = [s for s in app_toml.split_scopes(requested) if s not in optional]
    if shop.installed:
        scopes += [s for s in granted(shop) if s in optional and s not in scopes]
    return ",".join(scopes)


def detail(shop: Shop, toml: app_toml.AppToml) -> dict:
    """App Bridge's ScopesDetail."""
    return {
        "granted": granted(shop),
        "required": toml.required,
        "optional": list(toml.optional_scopes),
    }


def _checked(shop: Shop, scopes, toml: app_toml.AppToml) -> list[str]:
    if not shop.installed:
        raise ScopeRequestError("the app is not installed on this shop")
    if not isinstance(scopes, list) or not scopes or not all(isinstance(s, str) and s for s in scopes):
        raise ScopeRequestError("scopes must be a non-empty list of scope handles")
    undeclared = [s for s in scopes if s not in toml.optional_scopes]
    if undeclared:  # only declared optional scopes can be requested or revoked (the stricter reading)
        raise ScopeRequestError(f"not declared in [access_scopes] optional_scopes: {', '.join(undeclared)}")
    return list(dict.fromkeys(scopes))


def request_scopes(store: Store, config, shop: Shop, scopes) -> dict:
    """The merchant answers a ``shopify.scopes.request(scopes)``; ScopesRequestResponse.

    Granting adds the scopes to the shop's grant and its tokens, then sends ``app/scopes_update``
    after the answer (on a background thread, as Shopify sends webhooks after the change).
    """
    toml = app_toml.load(config.app_toml)
    wanted = _checked(shop, scopes, toml)
    with store.lock:
        previous = granted(shop)
        if all(s in previous for s in wanted):
            return {"result": "granted-all", "detail": detail(shop, toml)}
        if shop.scope_request_answer == "decline":
            return {"result": "declined-all", "detail": detail(shop, toml)}
        current = previous + [s for s in wanted if s not in previous]
        store.tokens.set_scope(shop, ",".join(current))
        answer = {"result": "granted-all", "detail": detail(shop, toml)}
    _announce(store, config, shop, previous, current)
    return answer


def revoke_scopes(store: Store, config, shop: Shop, scopes) -> dict:
    """``shopify.scopes.revoke(scopes)``: granted optional scopes are removed; ``{detail}``."""
    toml = app_toml.load(config.app_toml)
    unwanted = _checked(shop, scopes, toml)
    with store.lock:
        previous = granted(shop)
        current = [s for s in previous if s not in unwanted]
        if current != previous:
            store.tokens.set_scope(shop, ",".join(current))
        answer = {"detail": detail(shop, toml)}
    if current != previous:
        _announce(store, config, shop, previous, current)
    return answer


def _announce(store: Store, config, shop: Shop, previous: list[str], current: list[str]) -> None:
    body = payloads.app_scopes_update(shop, previous=previous, current=current, update_id=store.next_id())
    delivery.deliver_in_background(config, shop, [("app/scopes_update", body)], store)
