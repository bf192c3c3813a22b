"""The ceiling for webhook ingest: a bare Flask endpoint that only verifies the HMAC and LPUSHes the
body to a Redis list. Served by gunicorn with the same settings as the app in bench/ingest.py:
    gunicorn ... "bare_webhook:create_app()"   (with bench/ on PYTHONPATH)
"""

from __future__ import annotations

import os

import redis
from flask import Flask, jsonify, request

from shopify_roi.shopify_client import webhook_hmac


def create_app() -> Flask:
    app = Flask(__name__)
    conn = redis.Redis.from_url(os.environ["REDIS_URL"])
    secrets = [os.environ.get("SHOPIFY_API_SECRET") or "demo-api-secret-for-the-local-stand-in"]
    key = os.environ.get("BARE_LIST", "bench:bare-webhooks")

    @app.post("/webhooks/orders")
    def orders():
        raw = request.get_data(cache=False)
        if not webhook_hmac.verify(raw, request.headers.get("X-Shopify-Hmac-Sha256"), secrets).ok:
            resp = jsonify(status="HMAC does not match")
            resp.status_code = 401
            return resp
        conn.lpush(key, raw)
        return jsonify(status="queued")

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    return app
