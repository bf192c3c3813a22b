"""Blueprints: thin views that parse, authorise, call one service and shape the response."""
from flask import Flask


def register(app: Flask) -> None:
    from . import api, auth, links, pages, webhooks

    app.register_blueprint(auth.bp)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(links.bp)
