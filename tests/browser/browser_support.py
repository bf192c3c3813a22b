"""What the browser tests share. Named uniquely so it cannot clash with another helper module on
sys.path."""

from __future__ import annotations

import re

import requests


def serve_app_bridge(page, stand_in) -> None:
    """Shopify's CDN URL answers with the stand-in's App Bridge (the app is configured with the CDN)."""
    shim = requests.get(f"{stand_in.url}/_devstore/app-bridge.js", timeout=10).text
    page.route(
        re.compile(r"https://cdn\.shopify\.com/.*"),
        lambda route: route.fulfill(
            status=200,
            content_type="application/javascript",
            body=shim,
            headers={"Access-Control-Allow-Origin": "*"},
        ),
    )
