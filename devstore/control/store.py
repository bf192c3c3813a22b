"""Control API for whole-store data: ``POST /_devstore/shops/{shop}/generate`` (a realistic,
seeded store, see ``devstore.generator``), ``GET .../totals`` (the stand-in's own figures,
see ``devstore.orders.store_totals``) and ``POST .../clock`` (the "now" of the 60-day order window)."""

from __future__ import annotations

import time

from flask import Blueprint, jsonify, request

from devstore.context import runtime, shop_or_404
from devstore.generator.timeline import Generator
from devstore.orders import store_totals
from devstore.store import times
from devstore.webhooks import order_events

bp = Blueprint("control_store", __name__, url_prefix="/_devstore")


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.post("/shops/<shop:shop_domain>/generate")
def generate(shop_domain: str):
    """``{seed, orders, start, days, until, creators: [{handle, code, percent, weight, ...profile}],
    sitewide_codes, deliver, async, silent_before, tax_rate, taxes_included, ...}`` (README:
    *Generated stores*; the profile keys are ``devstore.generator.profiles.PROFILE_KEYS``) → the
    counts of what was made. With ``deliver`` every webhook (except those dated before
    ``silent_before``) goes through the shop's order channel (faults apply); the answer waits for the
    sending unless ``async``."""
    shop, body, rt = shop_or_404(shop_domain), _body(), runtime()
    emit = None
    futures = []
    if body.get("deliver"):

        def emit(events):
            futures.append(order_events.submit(rt.config, rt.store, shop, order_events.snapshot(events)))

    started = time.monotonic()
    try:
        counts = Generator(rt.store, shop, body, emit).run()
    except (KeyError, ValueError, TypeError) as exc:
        return jsonify(error=f"invalid generate request: {exc}"), 400
    answer = {**counts, "generated_seconds": round(time.monotonic() - started, 3)}
    if futures and not body.get("async"):
        order_events.results(futures[-1])
        answer["deliveries"] = sum(len(order_events.results(f)) for f in futures)
        answer["delivered_seconds"] = round(time.monotonic() - started, 3)
    return jsonify(answer), 201


@bp.get("/shops/<shop:shop_domain>/totals")
def totals(shop_domain: str):
    shop = shop_or_404(shop_domain)
    return jsonify(store_totals.totals(runtime().store, shop))


@bp.post("/shops/<shop:shop_domain>/clock")
def set_clock(shop_domain: str):
    """``{"now": "2026-10-01T00:00:00Z"}`` fixes the shop's "now"; ``{"now": null}`` unsets it."""
    shop, body = shop_or_404(shop_domain), _body()
    return jsonify(now=times.set_now(runtime().store, shop, body.get("now") or None))
