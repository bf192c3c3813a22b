"""Security headers on every route of the URL map (pages, API, links, webhooks, auth, static files):
`X-Content-Type-Options: nosniff`, a `Referrer-Policy` and a `Content-Security-Policy`. Pages get the
full policy (scripts from the app and App Bridge's origin only, no inline script, framed only by the
shop's admin); everything else `default-src 'none'`. The pages themselves hold no inline script, style
or event handler the policy would block."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import requests
from support import session_token

SAMPLE = {"handle": "hdr", "filename": "app.js"}  # the rest (ids, short ids) come from the fixture
SCRIPT_BLOCKERS = ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:")


@pytest.fixture(scope="module")
def samples(hostile):
    created = hostile.call(
        "POST",
        "/api/creators",
        json={"name": "Hdr", "handle": "hdr", "discount": {"code": "HDR10", "percent_off": "10"}},
    )
    assert created.status_code == 201, created.text
    link = hostile.call("POST", "/api/creators/hdr/links", json={}).json()
    return SAMPLE | {"short_id": link["short_url"].rsplit("/", 1)[1], "link_id": link["id"]}


def _policy(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _page_policy_problems(hostile, resp: requests.Response, shop: str | None) -> list[str]:
    policy = _policy(resp.headers.get("Content-Security-Policy", ""))
    problems = []
    expected = {
        "default-src": ["'self'"],
        "script-src": ["'self'", _origin(hostile.settings.app_bridge_url)],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    }
    for directive, values in expected.items():
        if policy.get(directive) != values:
            problems.append(f"{directive} is {policy.get(directive)}, not {values}")
    if any(word in SCRIPT_BLOCKERS for word in policy.get("script-src", [])):
        problems.append(f"script-src allows too much: {policy.get('script-src')}")
    ancestors = ["https://admin.shopify.com"]
    if shop:
        ancestors.insert(0, _origin(hostile.stand_in.origin(shop)))  # a source is an origin, no path
    if policy.get("frame-ancestors") != ancestors:
        problems.append(f"frame-ancestors is {policy.get('frame-ancestors')}, not {ancestors}")
    return problems


def _header_problems(hostile, resp: requests.Response) -> list[str]:
    problems = []
    if resp.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not resp.headers.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    if resp.headers.get("Content-Type", "").startswith("text/html"):
        problems += _page_policy_problems(hostile, resp, None)
    else:
        policy = _policy(resp.headers.get("Content-Security-Policy", ""))
        if policy.get("default-src") != ["'none'"] or policy.get("frame-ancestors") != ["'none'"]:
            problems.append(f"Content-Security-Policy is {resp.headers.get('Content-Security-Policy')!r}")
    return problems


def test_every_route_of_the_url_map_sends_the_security_headers(hostile, samples):
    rules = [r for r in hostile.app.url_map.iter_rules()]
    seen_prefixes, problems = set(), []
    for rule in rules:
        path = rule.rule
        for name in rule.arguments:
            value = samples.get(name, 1)
            path = path.replace(f"<int:{name}>", str(value)).replace(f"<path:{name}>", str(value))
            path = path.replace(f"<{name}>", str(value))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            headers = {"Authorization": f"Bearer {hostile.token()}"} if path.startswith("/api/") else {}
            kw = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
            resp = requests.request(
                method, hostile.url + path, headers=headers, allow_redirects=False, timeout=30, **kw
            )
            problems += [
                f"{method} {path} ({resp.status_code}): {p}" for p in _header_problems(hostile, resp)
            ]
            seen_prefixes.add("/" + path.split("/")[1])
    assert {"/", "/api", "/auth", "/l", "/webhooks", "/static", "/healthz"} <= seen_prefixes
    assert problems == []


def test_errors_and_unknown_paths_send_them_too(hostile):
    for method, path in (
        ("GET", "/no-such-page"),
        ("GET", "/api/no-such-route"),
        ("DELETE", "/webhooks/app"),
    ):
        resp = requests.request(method, hostile.url + path, allow_redirects=False, timeout=60)
        assert resp.status_code in (404, 405)
        assert _header_problems(hostile, resp) == []


class _Markup(HTMLParser):
    """Inline scripts, style attributes and event-handler attributes a strict policy would block."""

    def __init__(self):
        super().__init__()
        self.blocked, self.scripts, self._in_inline_script = [], [], False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, _ in attrs:
            if name.startswith("on") or name == "style":
                self.blocked.append(f"<{tag} {name}=…>")
        if tag == "style":
            self.blocked.append("<style>")
        if tag == "script":
            self.scripts.append(names.get("src"))
            self._in_inline_script = not names.get("src")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.blocked.append("inline <script>: " + data.strip()[:60])


def _markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    return parser


def test_the_embedded_page_has_the_full_policy_and_nothing_inline(hostile):
    resp = requests.get(
        hostile.url + "/",
        params={"shop": hostile.shop, "id_token": session_token(hostile.shop), "embedded": "1"},
        timeout=30,
    )
    assert resp.status_code == 200 and 'id="view"' in resp.text  # the app itself, not the install page
    assert _page_policy_problems(hostile, resp, hostile.shop) == []
    markup = _markup(resp.text)
    assert markup.blocked == []
    assert markup.scripts[0] == hostile.settings.app_bridge_url  # App Bridge first, as Shopify requires
    assert all(src.startswith(("/static/", hostile.settings.app_bridge_url)) for src in markup.scripts)


def test_the_bounce_page_has_the_full_policy_and_nothing_inline(hostile):
    resp = requests.get(
        hostile.url + "/auth/session-token",
        params={"shop": hostile.shop, "shopify-reload": f"{hostile.url}/?shop={hostile.shop}"},
        timeout=30,
    )
    assert resp.status_code == 200 and 'id="bounce"' in resp.text
    assert _page_policy_problems(hostile, resp, hostile.shop) == []
    assert _markup(resp.text).blocked == []
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
