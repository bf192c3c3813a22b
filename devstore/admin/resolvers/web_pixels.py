"""The app's web pixel: ``webPixelCreate``, ``webPixelUpdate``, ``webPixelDelete``, ``webPixel(id:)`` and
``node`` of a ``WebPixel`` GID.

Sources: webPixelCreate, https://shopify.dev/docs/api/admin-graphql/latest/mutations/webPixelCreate
("Requires ``write_pixels`` access scope. Also: The app requires read_customer_events access scope";
validated against the extension's settings definition; its examples send ``settings`` as an object and
answer it as a JSON-encoded string, ``"{\\"trackingId\\":\\"GA-TRACKING-ID-123\\"}"``, and answer
``INVALID_SETTINGS``, field ``["webPixel"]``, "Missing keys: trackingId"); "Build web pixels",
https://shopify.dev/docs/apps/build/marketing-analytics/build-web-pixels (``settings`` as a JSON-encoded
string; the app needs ``write_pixels`` and ``read_customer_events``); WebPixel,
https://shopify.dev/docs/api/admin-graphql/latest/objects/WebPixel ("Requires read_pixels access scope");
webPixel, https://shopify.dev/docs/api/admin-graphql/latest/queries/webPixel (``id`` optional: the app's
pixel); ErrorsWebPixelUserErrorCode (TAKEN, NOT_FOUND, NO_EXTENSION, INVALID_SETTINGS,
INVALID_CONFIGURATION_JSON, INVALID_RUNTIME_CONTEXT, INVALID_SETTINGS_DEFINITION). With no pixel, apps
record Shopify's answer to ``webPixel`` as the top-level error "No web pixel was found for this app."

Stricter readings: one pixel per app and shop (a second create is ``TAKEN``, as ``serverPixelCreate``
documents for server pixels); the query also needs ``read_customer_events``; ``write_pixels`` reads too
(as the other write scopes do here).
"""

from __future__ import annotations

from graphql import GraphQLError

from devstore import web_pixel_extension as extension
from devstore.admin.engine import mutation, query
from devstore.admin.resolvers.nodes import GID_RE, node_loader
from devstore.store import web_pixels

EVENTS_SCOPE = "read_customer_events"
NOT_FOUND_MESSAGE = "The web pixel with the ID used as the input value couldn't be found."
NO_PIXEL_MESSAGE = "No web pixel was found for this app."


def _require(info, write: bool) -> None:
    granted = {s.strip() for s in info.context.scopes.split(",") if s.strip()}
    scopes = {"write_pixels"} if write else {"read_pixels", "write_pixels"}
    if granted & scopes and EVENTS_SCOPE in granted:
        return
    scope = "write_pixels" if write else "read_pixels"
    required = f"`{scope}` access scope. Also: The app requires {EVENTS_SCOPE} access scope."
    raise GraphQLError(
        f"Access denied for {info.field_name} field. Required access: {required}",
        extensions={"code": "ACCESS_DENIED", "requiredAccess": required},
    )


def _public(record: dict) -> dict:
    return {"__typename": "WebPixel", "id": web_pixels.gid(record["id"]), "settings": record["settings_json"]}


def _number(gid: str) -> int | None:
    match = GID_RE.match(str(gid or ""))
    return int(match.group(2)) if match and match.group(1) == "WebPixel" else None


def _own(info, gid: str) -> dict | None:
    """The app's pixel when ``gid`` names it, else None."""
    record = web_pixels.current(info.context.store, info.context.shop)
    return record if record is not None and _number(gid) == record["id"] else None


def _settings(info, web_pixel: dict) -> tuple[dict | None, list[dict]]:
    """The settings checked against the app's extension: (settings, []) or (None, userErrors)."""
    config = info.context.config
    try:
        ext = extension.load(config.app_toml, config.web_pixel_extension_dir)
    except extension.ExtensionError as exc:
        return None, [extension.user_error(exc.code, str(exc))]
    if ext is None:
        return None, [extension.user_error("NO_EXTENSION", "No extension found.")]
    if ext.runtime_context != "strict":
        message = "The provided runtime context is invalid."
        return None, [extension.user_error("INVALID_RUNTIME_CONTEXT", message)]
    settings, error = extension.parse_settings(web_pixel.get("settings"))
    if error is not None:
        return None, [error]
    errors = extension.settings_errors(ext, settings)
    return (None, errors) if errors else (settings, [])


@mutation("webPixelCreate")
def resolve_web_pixel_create(_root, info, webPixel):  # noqa: N803
    _require(info, write=True)
    ctx = info.context
    settings, errors = _settings(info, webPixel)
    if not errors and web_pixels.current(ctx.store, ctx.shop) is not None:
        errors = [extension.user_error("TAKEN", "A web pixel already exists for this app on this shop.")]
    if errors:
        return {"webPixel": None, "userErrors": errors}
    record = web_pixels.save(ctx.store, ctx.shop, ctx.store.next_id(), settings)
    return {"webPixel": _public(record), "userErrors": []}


@mutation("webPixelUpdate")
def resolve_web_pixel_update(_root, info, id, webPixel):  # noqa: N803
    _require(info, write=True)
    ctx = info.context
    record = _own(info, id)
    if record is None:
        return {
            "webPixel": None,
            "userErrors": [extension.user_error("NOT_FOUND", NOT_FOUND_MESSAGE, ["id"])],
        }
    settings, errors = _settings(info, webPixel)
    if errors:
        return {"webPixel": None, "userErrors": errors}
    return {
        "webPixel": _public(web_pixels.save(ctx.store, ctx.shop, record["id"], settings)),
        "userErrors": [],
    }


@mutation("webPixelDelete")
def resolve_web_pixel_delete(_root, info, id):
    _require(info, write=True)
    record = _own(info, id)
    if record is None or not web_pixels.delete(info.context.store, info.context.shop, record["id"]):
        error = extension.user_error("NOT_FOUND", NOT_FOUND_MESSAGE, ["id"])
        return {"deletedWebPixelId": None, "userErrors": [error]}
    return {"deletedWebPixelId": web_pixels.gid(record["id"]), "userErrors": []}


@query("webPixel")
def resolve_web_pixel(_root, info, id=None):
    """The app's pixel (``id`` omitted, or its GID); none: Shopify's top-level error."""
    _require(info, write=False)
    record = web_pixels.current(info.context.store, info.context.shop)
    if record is None or (id is not None and _number(id) != record["id"]):
        raise GraphQLError(NO_PIXEL_MESSAGE, extensions={"code": "RESOURCE_NOT_FOUND"})
    return _public(record)


@node_loader("WebPixel")
def load_web_pixel(info, number: int) -> dict | None:
    _require(info, write=False)
    record = web_pixels.current(info.context.store, info.context.shop)
    return _public(record) if record is not None and record["id"] == number else None
