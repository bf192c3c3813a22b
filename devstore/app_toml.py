"""Reading the app's ``shopify.app.toml`` (Shopify CLI app configuration), as Shopify does
when the app is deployed: webhook API version, subscriptions and requested scopes."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Subscription:
    """One ``[[webhooks.subscriptions]]`` entry; ``topics`` includes its compliance topics."""

    topics: tuple[str, ...]
    uri: str


@dataclass(frozen=True)
class AppToml:
    api_version: str | None
    scopes: str
    subscriptions: tuple[Subscription, ...]

    def uris_for(self, topic: str, app_url: str) -> list[str]:
        """Absolute URLs subscribed to ``topic``; relative URIs are prefixed with ``app_url``."""
        urls = []
        for sub in self.subscriptions:
            if topic in sub.topics:
                urls.append(
                    sub.uri
                    if "://" in sub.uri
                    else app_url.rstrip("/") + "/" + sub.uri.lstrip("/")
                )
        return urls


EMPTY = AppToml(api_version=None, scopes="", subscriptions=())


def load(path: Path | str | None) -> AppToml:
    """Parse the TOML file at ``path`` (read afresh each call, so edits apply); EMPTY if absent."""
    if path is None or not Path(path).is_file():
        return EMPTY
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    webhooks = data.get("webhooks", {}) or {}
    subs = []
    for entry in webhooks.get("subscriptions", []) or []:
        topics = tuple(entry.get("topics", []) or []) + tuple(
            entry.get("compliance_topics", []) or []
        )
        if entry.get("uri"):
            subs.append(Subscription(topics=topics, uri=entry["uri"]))
    scopes = (data.get("access_scopes", {}) or {}).get("scopes", "") or ""
    return AppToml(
        api_version=webhooks.get("api_version"),
        scopes=scopes,
        subscriptions=tuple(subs),
    )
