"""create_app(settings=None): the Flask app, its runtime and blueprints."""
from __future__ import annotations

import logging

from flask import Flask

from . import runtime as runtime_mod
from .config import Settings, from_env
from .runtime import Runtime


def create_app(settings: Settings | None = None, *, start_worker: bool | None = None) -> Flask:
    """Build the app. Settings default to the environment; an invalid setup raises ConfigError.

    With no REDIS_URL the queue is in-process and a worker thread runs in this process
    (unless `start_worker=False`, as tests do to drain the queue themselves).
    """
    settings = (settings or from_env()).validate()
    logging.basicConfig(level=settings.log_level)
    app = Flask(__name__, static_folder="web/static", template_folder="web/templates")
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024  # the largest order payloads are well below
    rt = runtime_mod.install(Runtime.build(settings))
    app.extensions["shopify_roi"] = rt

    from . import web

    web.register(app)
    should_start = settings.run_inprocess_worker if start_worker is None else start_worker
    if should_start and rt.jobs.in_process:
        from .jobs.schedules import Ticker

        rt.jobs.start_thread()
        Ticker(rt).start()
    return app
