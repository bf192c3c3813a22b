"""create_app(settings=None): the Flask app, its runtime and blueprints."""

from __future__ import annotations

import logging

from flask import Flask
from flask_compress import Compress
from werkzeug.middleware.proxy_fix import ProxyFix

from shopify_roi import runtime, web
from shopify_roi.config import Settings, from_env
from shopify_roi.jobs.schedules import Ticker


def create_app(settings: Settings | None = None, *, start_worker: bool | None = None) -> Flask:
    """Build the app. Settings default to the environment; an invalid setup raises ConfigError.

    With no REDIS_URL the queue is in-process and a worker thread runs in this process
    (unless `start_worker=False`, as tests do to drain the queue themselves).
    """
    settings = (settings or from_env()).validate()
    logging.basicConfig(level=settings.log_level)
    app = Flask(__name__, static_folder="web/static", template_folder="web/templates")
    # The default body limit; webhooks and the CSV import have their own (web/__init__.py).
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    if settings.proxy_hops:
        # request.remote_addr is then the client's address as the trusted proxies saw it.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=settings.proxy_hops, x_proto=0, x_host=0, x_port=0, x_prefix=0
        )
    # gzip for the page, its scripts and the JSON API: the ROI table of 500 creators is ~800 KB of JSON,
    # ~90 KB compressed (bench/page_load.py). Small bodies (webhook answers, redirects) are left alone.
    # Level 3: the 750 KB table compresses in ~5 ms to 153 KB (level 5: ~9 ms, 135 KB).
    app.config.update(
        COMPRESS_ALGORITHM=["gzip"],
        COMPRESS_MIN_SIZE=2048,
        COMPRESS_LEVEL=3,
        COMPRESS_MIMETYPES=[
            "application/json",
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "text/csv",
            "image/svg+xml",
        ],
    )
    Compress(app)
    rt = runtime.install(runtime.Runtime.build(settings))
    app.extensions["shopify_roi"] = rt

    web.register(app)
    should_start = settings.run_inprocess_worker if start_worker is None else start_worker
    if should_start and rt.jobs.in_process:
        rt.jobs.start_thread()
        Ticker(rt).start()
    return app
