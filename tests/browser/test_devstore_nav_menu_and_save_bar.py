"""The stand-in's App Bridge navigation menu and save bar, as strict as Shopify's.

A small page server plays "an app" (any app, not Creator ROI) inside the stand-in's admin frame.
Sources: shopify.dev "ui-nav-menu" (https://shopify.dev/docs/api/app-bridge-library/web-components/ui-nav-menu),
Shopify/shopify-app-bridge issues #240 and #538 (a menu click is handed to the app's <a>; other attributes
throw), "Save bar" (https://shopify.dev/docs/api/app-home/app-bridge-web-components/save-bar), "Save Bar API"
(https://shopify.dev/docs/api/app-home/apis/user-interface-and-interactions/save-bar-api), and the Navigation
API's "While a save bar shows, the admin doesn't apply your app's route changes".
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask, Response
from support import API_KEY, API_SECRET, LiveServer

from devstore.config import DevstoreConfig
from devstore.testing import DevstoreServer

SHOP = "menu-shop.myshopify.com"
GOOD_MENU = (
    '<ui-nav-menu><a href="/" rel="home">Home</a><a href="/one">One</a><a href="/two">Two</a></ui-nav-menu>'
)
# An app with client-side routing: it cancels the click App Bridge hands its <a> and routes itself.
ROUTER = (
    "<script>document.addEventListener('click', function (e) {"
    " var a = e.target.closest('ui-nav-menu a'); if (!a) { return; }"
    " e.preventDefault(); window.routed = a.getAttribute('href'); });</script>"
)
FORM = (
    '<form id="f" data-save-bar EXTRA><input name="title" value="Hat">'
    '<select name="size"><option value="s" selected>S</option><option value="m">M</option></select>'
    '<input type="checkbox" name="gift"></form>'
    "<script>window.events = []; var f = document.getElementById('f');"
    " f.addEventListener('submit', function (e) { e.preventDefault(); window.events.push('submit'); });"
    " f.addEventListener('reset', function () { window.events.push('reset'); });</script>"
)
UI_SAVE_BAR = (
    '<ui-save-bar id="bar"><button variant="primary" id="save">Save</button>'
    '<button id="discard">Discard</button></ui-save-bar>'
    "<script>window.clicked = [];"
    " document.getElementById('save').onclick = function () { window.clicked.push('save'); };"
    " document.getElementById('discard').onclick = function () { window.clicked.push('discard'); };</script>"
)
BAD_MENUS = {
    "span-child": (
        '<ui-nav-menu><a href="/" rel="home">Home</a><span>Note</span><a href="/one">One</a></ui-nav-menu>',
        "unexpected child <span>",
    ),
    "no-home": ('<ui-nav-menu><a href="/one">One</a><a href="/two">Two</a></ui-nav-menu>', 'rel="home"'),
    "extra-attribute": (
        '<ui-nav-menu><a href="/" rel="home">Home</a><a href="/one" class="on">One</a></ui-nav-menu>',
        "Unexpected attributes on `<a>`: class",
    ),
    "hash-href": (
        '<ui-nav-menu><a href="/" rel="home">Home</a><a href="#/one">One</a></ui-nav-menu>',
        'href "#/one" is not a path of the app',
    ),
    "nested": (
        '<ui-nav-menu><a href="/" rel="home">Home</a><a href="/one"><b>One</b></a></ui-nav-menu>',
        "nested items are not supported",
    ),
}


class FakeApp:
    def __init__(self):
        self.server = LiveServer()
        self.url = self.server.url
        self.shim = ""
        self.server.app = self._flask()

    def page(self, body: str) -> str:
        head = f'<meta name="shopify-api-key" content="{API_KEY}"><script src="{self.shim}"></script>'
        done = '<p id="done">done</p>'
        return (
            f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>{body}{done}</body></html>'
        )

    def _flask(self) -> Flask:
        app = Flask("fake_menu_app")
        variants = {
            "plain": GOOD_MENU,
            "routed": GOOD_MENU + ROUTER,
            "form": GOOD_MENU + ROUTER + FORM.replace(" EXTRA", ""),
            "form-confirm": FORM.replace("EXTRA", "data-discard-confirmation"),
            "ui-save-bar": GOOD_MENU + ROUTER + UI_SAVE_BAR,
            **{name: menu for name, (menu, _) in BAD_MENUS.items()},
        }

        @app.get("/variant/<name>")
        def variant(name):
            return Response(self.page(variants[name]), mimetype="text/html")

        @app.get("/one")
        @app.get("/two")
        def section():
            return Response(
                self.page(GOOD_MENU + '<h1 id="section">a section, loaded</h1>'), mimetype="text/html"
            )

        return app


@pytest.fixture(scope="module")
def fake_app():
    app = FakeApp()
    yield app
    app.server.stop()


@pytest.fixture(scope="module")
def shopify(fake_app):
    config = DevstoreConfig(api_key=API_KEY, api_secret=API_SECRET, app_url=fake_app.url)
    with DevstoreServer(config) as server:
        server.control.create_shop(SHOP, scopes="read_orders")
        token = server.control.session_token(SHOP)
        installed = requests.post(
            f"{server.origin(SHOP)}/admin/oauth/access_token",
            timeout=60,
            json={
                "client_id": API_KEY,
                "client_secret": API_SECRET,
                "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token": token,
                "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
                "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
            },
        )
        assert installed.status_code == 200, installed.text
        fake_app.shim = f"{server.url}/_devstore/app-bridge.js"
        yield server


@pytest.fixture
def console(page):
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    return messages


def _open(page, shopify, fake_app, variant: str):
    page.goto(f"{shopify.origin(SHOP)}/admin/apps/{API_KEY}/variant/{variant}")
    page.frame_locator("#app-frame").locator("#done").wait_for(timeout=20_000)
    return next(f for f in page.frames if f.url.startswith(fake_app.url))


def _menu(page):
    return page.locator("#admin-app-menu a")


def test_the_menu_shows_under_the_apps_name_without_its_home_item(shopify, fake_app, page):
    _open(page, shopify, fake_app, "plain")
    page.locator("body[data-nav-menu=shown]").wait_for()
    assert _menu(page).all_inner_texts() == ["One", "Two"]
    assert page.locator("#admin-app-home").get_attribute("aria-current") == "page"


@pytest.mark.parametrize("variant", sorted(BAD_MENUS))
def test_a_malformed_menu_is_refused_whole(shopify, fake_app, page, console, variant):
    frame = _open(page, shopify, fake_app, variant)
    page.wait_for_function("document.body.dataset.navMenuError !== undefined")
    assert _menu(page).count() == 0
    assert BAD_MENUS[variant][1] in page.evaluate("document.body.dataset.navMenuError")
    frame.wait_for_function("true")
    assert any(BAD_MENUS[variant][1] in text for text in console), console


def test_a_menu_click_the_app_does_not_route_loads_the_app_at_that_path(shopify, fake_app, page):
    _open(page, shopify, fake_app, "plain")
    _menu(page).filter(has_text="Two").click()
    page.frame_locator("#app-frame").locator("#section").wait_for(timeout=20_000)
    frame = next(f for f in page.frames if f.url.startswith(fake_app.url))
    url = urlsplit(frame.url)
    assert url.path == "/two"
    assert {"id_token", "hmac", "shop", "host"} <= set(
        parse_qs(url.query)
    )  # opened by the admin, signed anew
    assert _menu(page).filter(has_text="Two").get_attribute("aria-current") == "page"  # from the admin's URL


def test_a_menu_click_the_app_routes_itself_does_not_reload_it(shopify, fake_app, page):
    frame = _open(page, shopify, fake_app, "routed")
    frame.evaluate("window.kept = 1")
    _menu(page).filter(has_text="One").click()
    frame.wait_for_function("window.routed === '/one'")
    assert frame.evaluate("window.kept") == 1 and frame.url.startswith(f"{fake_app.url}/variant/routed")
    assert _menu(page).filter(has_text="One").get_attribute("aria-current") == "page"


def test_a_data_save_bar_form_shows_the_bar_and_save_and_discard_reach_the_form(shopify, fake_app, page):
    frame = _open(page, shopify, fake_app, "form")
    bar = page.locator("#admin-save-bar")
    assert bar.is_hidden()
    frame.locator("input[name=title]").fill("Cap")
    bar.wait_for(state="visible")
    frame.locator("input[name=title]").fill("Hat")  # back to its initial value: nothing differs
    bar.wait_for(state="hidden")

    frame.locator("select[name=size]").select_option("m")
    bar.wait_for(state="visible")
    _menu(page).filter(has_text="One").click()  # leaving is refused and the bar flagged
    page.locator("#admin-save-bar[data-flags='1']").wait_for()
    assert frame.evaluate("window.routed") is None
    bar.get_by_role("button", name="Discard").click()
    bar.wait_for(state="hidden")
    assert frame.evaluate("window.events") == ["reset"]
    assert frame.locator("select[name=size]").input_value() == "s"

    frame.locator("input[name=gift]").check()
    bar.wait_for(state="visible")
    bar.get_by_role("button", name="Save").click()
    bar.wait_for(state="hidden")  # hidden as the form is submitted
    assert frame.evaluate("window.events") == ["reset", "submit"]
    _menu(page).filter(has_text="One").click()
    frame.wait_for_function("window.routed === '/one'")


def test_data_discard_confirmation_asks_before_resetting(shopify, fake_app, page):
    frame = _open(page, shopify, fake_app, "form-confirm")
    bar = page.locator("#admin-save-bar")
    frame.locator("input[name=title]").fill("Cap")
    bar.wait_for(state="visible")
    bar.get_by_role("button", name="Discard").click()
    assert "Discard all unsaved changes?" in bar.inner_text()
    bar.get_by_role("button", name="Continue editing").click()
    assert frame.evaluate("window.events") == [] and frame.locator("input[name=title]").input_value() == "Cap"
    bar.get_by_role("button", name="Discard").click()
    bar.get_by_role("button", name="Discard changes").click()
    bar.wait_for(state="hidden")
    assert frame.evaluate("window.events") == ["reset"]
    assert frame.locator("input[name=title]").input_value() == "Hat"


def test_ui_save_bar_is_shown_by_id_and_its_buttons_get_the_admins_clicks(shopify, fake_app, page):
    frame = _open(page, shopify, fake_app, "ui-save-bar")
    bar = page.locator("#admin-save-bar")
    assert frame.evaluate("shopify.saveBar.leaveConfirmation().then(() => 'left')") == "left"  # no bar
    refused = frame.evaluate("shopify.saveBar.show('nope').then(() => 'shown', (e) => e.message)")
    assert refused == 'saveBar: no <ui-save-bar> with id "nope"'
    frame.evaluate("shopify.saveBar.show('bar')")
    bar.wait_for(state="visible")
    assert frame.evaluate("document.getElementById('bar').showing") is True
    frame.evaluate(
        "() => { window.left = false;"
        " shopify.saveBar.leaveConfirmation().then(() => { window.left = true; }); }"
    )
    page.locator("#admin-save-bar[data-flags='1']").wait_for()  # the merchant is shown what is unsaved
    bar.get_by_role("button", name="Save").click()
    frame.wait_for_function("window.clicked.join() === 'save'")
    assert frame.evaluate("window.left") is False
    frame.evaluate("document.getElementById('bar').hide()")
    bar.wait_for(state="hidden")
    frame.wait_for_function("window.left === true")  # resolved once no bar shows
