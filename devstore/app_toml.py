"""Reading the app's ``shopify.app.toml`` (Shopify CLI app configuration), as Shopify does
when the app is deployed: webhook API version, subscriptions, required and optional scopes, and the
app-owned metafield definitions it declares (``[order.metafields.app.<key>]``,
``[customer.metafields.app.<key>]``: "Declarative custom data definitions",
https://shopify.dev/docs/beta/next-gen-dev-platform/declarative-custom-data-definitions; the
``capabilities.analytics_queryable`` key: changelog "Enable the analytics queryable capability on
metafield and metaobject definitions from your app's TOML",
https://shopify.dev/changelog/make-metafield-definitions-analytics-queryable-from-app-s-toml).

``[access_scopes]``: ``scopes`` is a comma-separated string (or ``required_scopes`` a list) and
``optional_scopes`` a list of strings, as Shopify CLI's app_access schema declares them (github
Shopify/cli packages/app/src/cli/models/extensions/specifications/app_config_app_access.ts:
``optional_scopes: zod.array(zod.string()).optional()``). A file the CLI would refuse to deploy
raises AppTomlError here.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Subscription:
    """One ``[[webhooks.subscriptions]]`` entry; ``topics`` includes its compliance topics."""

    topics: tuple[str, ...]
    uri: str


class AppTomlError(ValueError):
    """The configuration is not one Shopify CLI would deploy."""


# TOML owner key -> MetafieldOwnerType; the owners analytics_queryable supports (changelog "New
# analyticsQueryable capability for Metafield Definitions": PRODUCT, PRODUCTVARIANT, ORDER, CUSTOMER).
OWNERS = {"order": "ORDER", "customer": "CUSTOMER", "product": "PRODUCT", "variant": "PRODUCTVARIANT"}
# The metafield types the stand-in validates values of (``devstore.admin.metafield_values``).
TYPES = ("single_line_text_field", "multi_line_text_field", "number_integer", "date", "date_time", "boolean")
ADMIN_ACCESS = ("merchant_read", "merchant_read_write")


@dataclass(frozen=True)
class MetafieldDefinition:
    """One app-owned definition (namespace ``$app``), created in every shop the app is installed in."""

    owner_type: str  # MetafieldOwnerType: ORDER, CUSTOMER, ...
    key: str
    type: str
    name: str
    description: str = ""
    admin_access: str = "merchant_read"
    analytics_queryable: bool = False


@dataclass(frozen=True)
class AppToml:
    api_version: str | None
    scopes: str  # the required scopes, comma-separated
    subscriptions: tuple[Subscription, ...]
    optional_scopes: tuple[str, ...] = ()
    metafields: tuple[MetafieldDefinition, ...] = ()

    def definition(self, owner_type: str, key: str) -> MetafieldDefinition | None:
        """The declared ``$app`` definition of ``key`` on ``owner_type``, or None."""
        return next((d for d in self.metafields if d.owner_type == owner_type and d.key == key), None)

    @property
    def required(self) -> list[str]:
        """The required scopes as a list, in the file's order."""
        return split_scopes(self.scopes)

    def uris_for(self, topic: str, app_url: str) -> list[str]:
        """Absolute URLs subscribed to ``topic``; relative URIs are prefixed with ``app_url``."""
        urls = []
        for sub in self.subscriptions:
            if topic in sub.topics:
                urls.append(sub.uri if "://" in sub.uri else app_url.rstrip("/") + "/" + sub.uri.lstrip("/"))
        return urls


EMPTY = AppToml(api_version=None, scopes="", subscriptions=())


def split_scopes(text: str) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]`` (order kept, blanks and repeats dropped)."""
    out: list[str] = []
    for part in (text or "").split(","):
        if part.strip() and part.strip() not in out:
            out.append(part.strip())
    return out


def _access_scopes(data: dict) -> tuple[str, tuple[str, ...]]:
    section = data.get("access_scopes", {}) or {}
    scopes = section.get("scopes", "") or ""
    required = section.get("required_scopes")
    optional = section.get("optional_scopes", []) or []
    if not isinstance(scopes, str):
        raise AppTomlError("[access_scopes] scopes must be a comma-separated string")
    for key, value in (("required_scopes", required or []), ("optional_scopes", optional)):
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise AppTomlError(f"[access_scopes] {key} must be a list of strings")
    required_list = split_scopes(",".join([scopes, *(required or [])]))
    both = sorted(set(required_list) & set(optional))
    if both:  # not documented either way; refused, the stricter reading
        raise AppTomlError(f"[access_scopes] {', '.join(both)} declared both required and optional")
    return ",".join(required_list), tuple(split_scopes(",".join(optional)))


def _definitions(data: dict) -> tuple[MetafieldDefinition, ...]:
    """``[<owner>.metafields.app.<key>]`` tables; a key the CLI would refuse raises AppTomlError."""
    found = []
    for owner, owner_type in OWNERS.items():
        section = ((data.get(owner) or {}).get("metafields") or {}).get("app") or {}
        for key, spec in section.items():
            where = f"[{owner}.metafields.app.{key}]"
            if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
                raise AppTomlError(f"{where} needs a name")
            if spec.get("type") not in TYPES:
                raise AppTomlError(f"{where} type must be one of {', '.join(TYPES)}")
            access = (spec.get("access") or {}).get("admin", "merchant_read")
            if access not in ADMIN_ACCESS:
                raise AppTomlError(f"{where} access.admin must be one of {', '.join(ADMIN_ACCESS)}")
            queryable = (spec.get("capabilities") or {}).get("analytics_queryable", False)
            if not isinstance(queryable, bool):
                raise AppTomlError(f"{where} capabilities.analytics_queryable must be true or false")
            found.append(
                MetafieldDefinition(
                    owner_type,
                    key,
                    spec["type"],
                    spec["name"],
                    str(spec.get("description", "")),
                    access,
                    queryable,
                )
            )
    return tuple(found)


_parsed: dict[str, tuple[tuple[int, int, int], AppToml]] = {}


def load(path: Path | str | None) -> AppToml:
    """The TOML file at ``path``, parsed again whenever it changed (its modification time, size or inode:
    edits apply at once; an unchanged file is not parsed per webhook); EMPTY if absent."""
    if path is None:
        return EMPTY
    try:
        st = os.stat(path)
    except OSError:
        return EMPTY
    if not stat.S_ISREG(st.st_mode):
        return EMPTY
    version = (st.st_mtime_ns, st.st_size, st.st_ino)
    hit = _parsed.get(str(path))
    if hit is not None and hit[0] == version:
        return hit[1]
    parsed = _parse(path)
    _parsed[str(path)] = (version, parsed)
    return parsed


def _parse(path: Path | str) -> AppToml:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    webhooks = data.get("webhooks", {}) or {}
    subs = []
    for entry in webhooks.get("subscriptions", []) or []:
        topics = tuple(entry.get("topics", []) or []) + tuple(entry.get("compliance_topics", []) or [])
        if entry.get("uri"):
            subs.append(Subscription(topics=topics, uri=entry["uri"]))
    scopes, optional = _access_scopes(data)
    return AppToml(
        api_version=webhooks.get("api_version"),
        scopes=scopes,
        subscriptions=tuple(subs),
        optional_scopes=optional,
        metafields=_definitions(data),
    )
