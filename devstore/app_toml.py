"""Reading the app's ``shopify.app.toml`` (Shopify CLI app configuration), as Shopify does
when the app is deployed: webhook API version, subscriptions, required and optional scopes.

``[access_scopes]``: ``scopes`` is a comma-separated string (or ``required_scopes`` a list) and
``optional_scopes`` a list of strings, as Shopify CLI's app_access schema declares them (github
Shopify/cli packages/app/src/cli/models/extensions/specifications/app_config_app_access.ts:
``optional_scopes: zod.array(zod.string()).optional()``). A file the CLI would refuse to deploy
raises AppTomlError here.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class AppToml:
    api_version: str | None
    scopes: str  # the required scopes, comma-separated
    subscriptions: tuple[Subscription, ...]
    optional_scopes: tuple[str, ...] = ()

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


def load(path: Path | str | None) -> AppToml:
    """Parse the TOML file at ``path`` (read afresh each call, so edits apply); EMPTY if absent."""
    if path is None or not Path(path).is_file():
        return EMPTY
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
    )
