"""What the browser tests share. Named uniquely so it cannot clash with another helper module on
sys.path."""

from __future__ import annotations

import re

import requests


def serve_app_bridge(page, stand_in) -> None:
    """Shopify's CDN URL answers with the stand-in's App Bridge (the app is configured with the CDN)."""
    shim = requests.get(f"{stand_in.url}/_devstore/app-bridge.js", timeout=60).text
    page.route(
        re.compile(r"https://cdn\.shopify\.com/.*"),
        lambda route: route.fulfill(
            status=200,
            content_type="application/javascript",
            body=shim,
            headers={"Access-Control-Allow-Origin": "*"},
        ),
    )


def open_admin(page, stand_in, shop_domain: str, api_key: str, app_url: str):
    """Open the app from the stand-in shop's admin, as a merchant does (serve_app_bridge first), and wait
    until the ROI page has rendered; returns the app's frame."""
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{api_key}")
    page.frame_locator("#app-frame").locator("body[data-roi-ready]").wait_for(timeout=30_000)
    return next(f for f in page.frames if f.url.startswith(app_url))


def open_app(page, stand_in, shop_domain: str, api_key: str, app_url: str):
    """serve_app_bridge, then open_admin: the app's frame once the ROI page has rendered."""
    serve_app_bridge(page, stand_in)
    return open_admin(page, stand_in, shop_domain, api_key, app_url)


def rendered_after(frame, action) -> None:
    """Do `action` and wait for the page's next render (body[data-roi-ready] changes)."""
    before = frame.evaluate("document.body.dataset.roiReady")
    action()
    frame.wait_for_function("n => document.body.dataset.roiReady !== n", arg=before, timeout=30_000)
