"""Secrets: nothing secret reaches a log line, HMACs and tokens are compared in constant time,
tokens at rest can move to a new key, and only the shop's own admin may frame the app."""

from __future__ import annotations

import ast
import html
import io
import logging
import re
import threading
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import factories
import pytest
import requests
from click.testing import CliRunner
from cryptography.fernet import Fernet, InvalidToken
from hostile_support import HostileServer, truncate
from support import API_SECRET, app_settings, install, session_token
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[2]


class LoggingServer:
    """Like support.LiveServer, but with werkzeug's own request handler: every request line is logged."""

    def __init__(self):
        self.app = None
        self._server = make_server(
            "127.0.0.1",
            0,
            lambda env, start: self.app(env, start),
            threaded=True,
            request_handler=WSGIRequestHandler,
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        self._server.shutdown()


def _tokens(hostile) -> set[str]:
    with hostile.runtime.db.session() as session:
        shop = factories.shop_named(session, hostile.shop)
        return {
            hostile.runtime.cipher.decrypt(shop.access_token_enc),
            hostile.runtime.cipher.decrypt(shop.refresh_token_enc),
        }


def _gunicorn_access_line(raw_uri: str, headers: dict) -> str:
    """What gunicorn's access log (Procfile: --access-logfile -, default format) writes for a request."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    cfg.set("accesslog", "-")
    glog = Logger(cfg)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    glog.access_log.addHandler(handler)
    try:
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": raw_uri,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "PATH_INFO": raw_uri.split("?")[0],
            "QUERY_STRING": raw_uri.partition("?")[2],
            "REMOTE_ADDR": "203.0.113.9",
            **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
        }
        resp = type("Resp", (), {"status": "302 FOUND", "sent": 0, "headers": []})()
        req = type("Req", (), {"headers": list(headers.items())})()
        glog.access(resp, req, environ, timedelta(milliseconds=3))
    finally:
        glog.access_log.removeHandler(handler)
    return out.getvalue()


def test_no_secret_reaches_any_log(database_url, redis_url, stand_in, caplog):
    """Install, open the embedded page, call the API, refresh the token, receive a webhook: all at DEBUG,
    with werkzeug's request lines; the API secret and every token stay out of the logs."""
    caplog.set_level(logging.DEBUG)
    truncate(database_url)
    hostile = HostileServer(
        app_settings(database_url, redis_url, stand_in.origin_template, log_level="DEBUG"),
        stand_in,
        server=LoggingServer(),
    )
    try:
        secrets = {API_SECRET, hostile.settings.token_encryption_key} | _tokens(hostile)
        # The authorization-code grant's callback carries code, hmac and state in its query string.
        other = f"logs-{uuid.uuid4().hex[:8]}.myshopify.com"
        stand_in.control.create_shop(other)
        callback = install(hostile.url, other)
        assert callback.status_code == 302
        # The embedded page: Shopify's admin adds id_token, session and hmac to the URL.
        admin = requests.get(
            f"{stand_in.url}/{hostile.shop}/admin/apps/{hostile.settings.api_key}", timeout=10
        ).text
        frame = html.unescape(re.search(r'<iframe[^>]+src="([^"]+)"', admin).group(1))
        query = parse_qs(urlsplit(frame).query)
        secrets |= {query["id_token"][0], query["session"][0], query["hmac"][0]}
        page = requests.get(frame, headers={"Referer": frame}, timeout=60)
        assert page.status_code == 200
        # The API, by session token, with an expired access token that must be refreshed.
        stand_in.control.expire_tokens(hostile.shop)
        token = hostile.token()
        secrets.add(token)
        created = requests.post(
            f"{hostile.url}/api/creators",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
            json={"name": "Lee", "handle": "lee", "discount": {"code": "LEE10", "percent_off": "10"}},
        )
        assert created.status_code == 201, created.text
        assert stand_in.control.shop(hostile.shop)["refresh_count"] == 1
        secrets |= _tokens(hostile)  # the refreshed pair
        # A signed webhook, processed by the worker.
        stand_in.control.send_webhook(hostile.shop, "app/scopes_update")
        hostile.runtime.jobs.drain()
        # And a failure that logs an exception quoting a token.
        logging.getLogger("shopify_roi.test").exception(
            "refresh failed for token %s", token, exc_info=ValueError(token)
        )

        text = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
        callback_lines = [
            r.getMessage()
            for r in caplog.records
            if r.name == "werkzeug" and "/auth/callback?" in r.getMessage()
        ]
        assert (
            callback_lines
            and "code=[redacted]" in callback_lines[0]
            and "hmac=[redacted]" in callback_lines[0]
        )
        assert any("id_token=[redacted]" in r.getMessage() for r in caplog.records if r.name == "werkzeug")
        leaked = [s[:12] + "…" for s in secrets if s and s in text]
        assert leaked == [], f"secrets in the logs: {leaked}"
        # gunicorn's access log (the Procfile's) gets the same treatment: query string and Referer.
        line = _gunicorn_access_line(
            urlsplit(frame).path + "?" + urlsplit(frame).query,
            {"Referer": frame, "Authorization": f"Bearer {token}", "User-Agent": "test"},
        )
        assert "id_token=[redacted]" in line and not [s for s in secrets if s in line], line
    finally:
        hostile.close()
        truncate(database_url)


def test_every_hmac_and_token_comparison_is_constant_time():
    """No `==`/`!=` in shopify_roi compares a value named like a signature, digest, HMAC or secret."""
    suspicious = re.compile(r"hmac|digest|signature|secret|nonce|given", re.I)
    offenders = []
    for path in (ROOT / "shopify_roi").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops):
                # A SQL condition on a model column (`OAuthState.nonce == nonce`) is a database lookup,
                # reached only after the callback's HMAC was verified in constant time.
                left = node.left
                if (
                    isinstance(left, ast.Attribute)
                    and isinstance(left.value, ast.Name)
                    and left.value.id[:1].isupper()
                ):
                    continue
                names = [
                    n.id if isinstance(n, ast.Name) else n.attr
                    for n in ast.walk(node)
                    if isinstance(n, (ast.Name, ast.Attribute))
                ]
                if any(suspicious.search(name) for name in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], f"compare these with hmac.compare_digest: {offenders}"
    uses = [p.name for p in (ROOT / "shopify_roi").rglob("*.py") if "hmac.compare_digest" in p.read_text()]
    # the creator pixel's collector compares the shop's pixel key (services/pixel/collector.py), a report
    # link its secret's hash (services/creators/report_links.py)
    assert sorted(uses) == ["collector.py", "query_hmac.py", "report_links.py", "webhook_hmac.py"]


def test_rotate_keys_moves_every_token_to_the_new_key(database_url, redis_url, stand_in, monkeypatch):
    truncate(database_url)
    hostile = HostileServer(app_settings(database_url, redis_url, stand_in.origin_template), stand_in)
    try:
        old_key, new_key = hostile.settings.token_encryption_key, Fernet.generate_key().decode()
        before = _tokens(hostile)
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SHOPIFY_ORIGIN_TEMPLATE": stand_in.origin_template,
            "SHOPIFY_API_KEY": hostile.settings.api_key,
            "SHOPIFY_API_SECRET": API_SECRET,
            "TOKEN_ENCRYPTION_KEY": f"{new_key},{old_key}",
            "LOG_LEVEL": "WARNING",
        }
        from shopify_roi.cli import main

        result = CliRunner().invoke(main, ["rotate-keys"], env=env)
        assert result.exit_code == 0, result.output
        assert "re-encrypted the tokens of 1 shops" in result.output
        # The new key alone now reads them, the old alone no longer does; the raw tokens are unchanged.
        with hostile.runtime.db.session() as session:
            shop = factories.shop_named(session, hostile.shop)
            stored = (shop.access_token_enc, shop.refresh_token_enc)
        assert {Fernet(new_key).decrypt(c.encode()).decode() for c in stored} == before
        with pytest.raises(InvalidToken):
            Fernet(old_key).decrypt(stored[0].encode())
        # The app restarted with only the new key works on, and the command is safe to run again.
        restarted = hostile.settings.with_(token_encryption_key=new_key)
        from shopify_roi.runtime import Runtime

        assert Runtime.build(restarted).cipher.decrypt(stored[0]) in before
        again = CliRunner().invoke(main, ["rotate-keys"], env={**env, "TOKEN_ENCRYPTION_KEY": new_key})
        assert again.exit_code == 0, again.output
        # A key that cannot read the tokens is reported, and nothing is changed.
        wrong = CliRunner().invoke(
            main, ["rotate-keys"], env={**env, "TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode()}
        )
        assert wrong.exit_code != 0 and hostile.shop in wrong.output
    finally:
        hostile.close()
        truncate(database_url)


def test_a_comma_separated_key_list_is_valid_configuration_and_a_bad_key_is_named():
    from shopify_roi.config import ConfigError, Settings

    good = Settings(
        token_encryption_key=f"{Fernet.generate_key().decode()}, {Fernet.generate_key().decode()}",
        origin_template="http://127.0.0.1:1/{shop}",
    )
    assert good.validate() is good and len(good.encryption_keys) == 2
    with pytest.raises(ConfigError, match="key 2 is not a Fernet key"):
        Settings(
            token_encryption_key=f"{Fernet.generate_key().decode()},nope",
            origin_template="http://127.0.0.1:1/{shop}",
        ).validate()


def test_the_embedded_page_may_be_framed_only_by_its_own_shops_admin(database_url, redis_url, stand_in):
    """With real Shopify's origins: frame-ancestors names https://{shop} and admin.shopify.com, nothing
    else."""
    from shopify_roi.app import create_app

    truncate(database_url)
    settings = app_settings(database_url, redis_url, stand_in.origin_template).with_(
        origin_template="https://{shop}", app_url="https://creator-roi.example"
    )
    app = create_app(settings, start_worker=False)
    rt = app.extensions["shopify_roi"]
    try:
        shops = ["anna-shop.myshopify.com", "ben-shop.myshopify.com"]
        with rt.db.session() as session:
            for domain in shops:
                factories.shop(session, rt.cipher, domain=domain, scopes="read_orders")
        client = app.test_client()
        for domain in shops:
            page = client.get(
                "/", query_string={"embedded": "1", "shop": domain, "id_token": session_token(domain)}
            )
            assert page.status_code == 200
            assert f"frame-ancestors https://{domain} https://admin.shopify.com" in page.headers[
                "Content-Security-Policy"
            ].split("; ")
        bare = client.get("/")  # no shop known: only Shopify's admin
        assert "frame-ancestors https://admin.shopify.com" in bare.headers["Content-Security-Policy"].split(
            "; "
        )
    finally:
        rt.close()
        truncate(database_url)
