"""Blueprints: thin views that parse, authorise, call one service and shape the response.

`register` also sets what every route shares: ids in URLs fit the id columns, request bodies
have a size limit per kind of route, errors under `/api/` and `/webhooks/` answer JSON, and every
response carries the security headers (headers.py).
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from shopify_roi.web import api, auth, creator_report, flow_actions, headers, links, pages, pixel, webhooks

log = logging.getLogger(__name__)
ID_MAX = 2**31 - 1  # the id columns are INTEGER on PostgreSQL


class IdConverter(IntegerConverter):
    """`<int:…>` in a route: a positive id that fits the id columns; anything else is a 404."""

    def __init__(self, map, fixed_digits=0, min=1, max=ID_MAX, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _body_limit() -> tuple[int, str]:
    """The byte limit of this request's body and the variable that sets it."""
    settings = current_app.extensions["shopify_roi"].settings
    if request.blueprint == "webhooks":
        # A webhook carries a whole REST order (line items, refunds, fulfilments): megabytes for a big one.
        return settings.webhook_max_body_bytes, "WEBHOOK_MAX_BODY_BYTES"
    if request.blueprint == "pixel":
        return pixel.collector.MAX_BODY, "the pixel's limit"
    if request.blueprint == "flow_actions":
        return flow_actions.MAX_BODY_BYTES, "a Flow action's limit"
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "accepts_csv_upload", False):
        return settings.import_max_body_bytes, "IMPORT_MAX_BODY_BYTES"
    return settings.max_body_bytes, "MAX_BODY_BYTES"


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/webhooks/", "/flow/", "/pixel/"))


def register(app: Flask) -> None:
    # Before any rule is added: the converter is looked up when a rule is compiled.
    app.url_map.converters["int"] = IdConverter
    headers.register(app)

    @app.before_request
    def limit_body():
        limit, variable = _body_limit()
        if request.content_length is not None:
            request.max_content_length = limit
            if request.content_length > limit:
                raise RequestEntityTooLarge()
        elif "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            # Werkzeug stops reading a chunked body at the limit without an error (the rest is
            # silently cut off), so read one byte more, now, and refuse it whole. The body is
            # cached: the view reads the same bytes.
            request.max_content_length = limit + 1
            if len(request.get_data(cache=True)) > limit:
                raise RequestEntityTooLarge()

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc):
        limit, variable = _body_limit()
        if request.blueprint == "webhooks":
            # Shopify retries it for 4 hours and then drops it; the nightly reconciliation repairs orders.
            log.warning(
                "refused a %s webhook body over %d bytes (%s)",
                request.headers.get("X-Shopify-Topic", "?"),
                limit,
                variable,
            )
        resp = jsonify(
            error="too_large", message=f"The request body is larger than {limit} bytes ({variable})."
        )
        resp.status_code = 413
        return resp

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if not _wants_json() or exc.code is None or exc.code < 400:
            return exc
        resp = jsonify(error=(exc.name or "error").lower().replace(" ", "_"), message=exc.description)
        resp.status_code = exc.code
        for name, value in exc.get_headers():
            if name.lower() not in ("content-type", "content-length"):
                resp.headers[name] = value
        return resp

    app.register_blueprint(auth.bp)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(flow_actions.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(links.bp)
    app.register_blueprint(pixel.bp)
    app.register_blueprint(creator_report.bp)
