"""The ceiling for webhook ingest: a bare Flask endpoint that only verifies the HMAC and LPUSHes the
body to a Redis list. Served by gunicorn with the same settings as the app in bench/ingest.py:
    gunicorn ... "bare_webhook:create_app()"   (with bench/ on PYTHONPATH)
bench/ingest.py serves and measures it (its --smoke included). `python bench/bare_webhook.py --smoke`
checks it alone through Flask's test client: a signed body is queued (Redis db 7, its own list, deleted),
a bad signature is refused.
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


def smoke() -> None:
    """One signed and one badly signed delivery through the test client, against Redis."""
    import sys
    import uuid
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import common

    key = f"bench:bare-smoke:{uuid.uuid4().hex}"
    os.environ.setdefault("REDIS_URL", f"{common.REDIS}/7")
    os.environ["BARE_LIST"] = key
    conn = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        client = create_app().test_client()
        body = b'{"id": 1}'
        good = client.post(
            "/webhooks/orders",
            data=body,
            headers={"X-Shopify-Hmac-Sha256": webhook_hmac.sign(body, common.DEMO_SECRET)},
        )
        bad = client.post("/webhooks/orders", data=body, headers={"X-Shopify-Hmac-Sha256": "AAAA"})
        queued = conn.llen(key)
    finally:
        conn.delete(key)
    print(f"bare webhook: signed {good.status_code}, bad signature {bad.status_code}, queued {queued}")
    if (good.status_code, bad.status_code, queued) != (200, 401, 1):
        raise SystemExit("smoke run failed: the bare endpoint did not queue the signed body alone")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="the bare webhook endpoint (served by bench/ingest.py)")
    parser.add_argument("--smoke", action="store_true", help="check it alone through Flask's test client")
    if parser.parse_args().smoke:
        smoke()
    else:
        parser.error("served by gunicorn (see bench/ingest.py); --smoke checks it alone")
