"""#17 item 12, the app's shell in the Shopify admin as a merchant uses it: the app's sections in the
admin's left navigation (App Bridge ui-nav-menu), Shopify's contextual save bar over the admin while the
Settings form holds changes (Save, Discard, leaving refused), and messages that stay until dismissed,
errors in red. The admin and App Bridge are the stand-in's (devstore), which play Shopify's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from browser_support import serve_app_bridge
from support import Merchant, install

# app.html's menu
SECTIONS = ["Creators", "Campaigns", "Seeding", "Payouts", "Import CSV", "Store connection", "Settings"]
WIDTHS = [(1280, 800), (1024, 768), (375, 800)]


@pytest.fixture
def shell(app_server, runtime, stand_in, shop_domain, page, settings):
    install(app_server.url, shop_domain)
    runtime.jobs.drain()  # the shop's details synced from the stand-in
    serve_app_bridge(page, stand_in)
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}")
    page.frame_locator("#app-frame").locator("body[data-roi-ready]").wait_for(timeout=30_000)
    frame = next(f for f in page.frames if f.url.startswith(app_server.url))
    page.locator("#admin-app-menu a").first.wait_for()
    return page, frame, Merchant(app_server.url, stand_in, shop_domain)


def _menu(page):
    return page.locator("#admin-app-menu a")


def _open_section(page, frame, name: str, view: str):
    _menu(page).filter(has_text=name).click()
    frame.locator(f"body[data-view={view}]").wait_for()


def _shots(page, screenshots, name: str):
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_admin_lists_the_apps_sections_and_its_menu_opens_them_in_place(shell, screenshots):
    page, frame, _ = shell
    assert _menu(page).all_inner_texts() == SECTIONS  # the home item (rel="home") is not drawn
    home = page.locator("#admin-app-home")
    assert home.inner_text() == "Creator ROI" and home.get_attribute("aria-current") == "page"
    assert frame.locator("ui-nav-menu").is_hidden()  # it configures the admin, it draws nothing
    _shots(page, screenshots, "admin-nav-menu")

    frame.evaluate("window.keptAcrossClicks = 1")
    _open_section(page, frame, "Creators", "creators")
    assert frame.evaluate("location.hash") == "#/creators"
    assert frame.evaluate("window.keptAcrossClicks") == 1  # routed in the page, not reloaded
    assert _menu(page).filter(has_text="Creators").get_attribute("aria-current") == "page"
    assert home.get_attribute("aria-current") is None

    _open_section(page, frame, "Settings", "settings")
    frame.locator("#settings-form").wait_for()
    home.click()  # the app's name: its home route, the ROI page
    frame.locator("body[data-view=roi]").wait_for()
    assert frame.evaluate("window.keptAcrossClicks") == 1


def test_a_changed_setting_shows_the_save_bar_in_the_admin_and_discard_restores_it(shell, screenshots):
    page, frame, _ = shell
    _open_section(page, frame, "Settings", "settings")
    bar = page.locator("#admin-save-bar")
    assert bar.is_hidden()
    frame.locator("#s-roas_min").fill("4")
    bar.wait_for(state="visible")
    assert frame.locator("#admin-save-bar").count() == 0  # drawn by the admin, outside the app's frame
    assert page.locator("body[data-save-bar=shown]").count() == 1
    _shots(page, screenshots, "admin-save-bar")

    _menu(page).filter(has_text="Creators").click()  # leaving with unsaved changes: refused
    page.locator("#admin-save-bar[data-flags='1']").wait_for()
    assert "flag" in bar.get_attribute("class")
    assert frame.evaluate("location.hash") == "#/settings"
    assert frame.locator("#settings-form").is_visible()
    assert _menu(page).filter(has_text="Creators").get_attribute("aria-current") is None

    bar.get_by_role("button", name="Discard").click()
    bar.wait_for(state="hidden")
    assert frame.locator("#s-roas_min").input_value() == "3.0"  # the saved default (METRICS.md 3.0)
    _menu(page).filter(has_text="Creators").click()  # nothing unsaved: the menu works again
    frame.locator("body[data-view=creators]").wait_for()


def test_save_in_the_bar_stores_the_change_and_hides_the_bar(shell, page):
    page, frame, merchant = shell
    _open_section(page, frame, "Settings", "settings")
    frame.locator("#s-roas_min").fill("4.5")
    frame.locator("#s-precedence").select_option("pixel,link,code")
    bar = page.locator("#admin-save-bar")
    bar.wait_for(state="visible")
    bar.get_by_role("button", name="Save").click()
    frame.locator(".form-banner .banner.success").wait_for()
    bar.wait_for(state="hidden")
    assert Decimal(merchant.get("/api/settings").json()["targets"]["roas_min"]) == Decimal("4.5")
    assert merchant.get("/api/attribution-policy").json()["precedence"] == ["pixel", "link", "code"]

    frame.locator("#s-roas_min").fill("4.5")  # the saved value is the new baseline: nothing differs
    frame.locator("#s-roas_min").dispatch_event("change")
    page.wait_for_timeout(300)
    assert bar.is_hidden()

    page.reload()
    page.frame_locator("#app-frame").locator("body[data-roi-ready]").wait_for(timeout=30_000)
    frame = next(f for f in page.frames if f.url.startswith(merchant.app_url))
    _open_section(page, frame, "Settings", "settings")
    assert Decimal(frame.locator("#s-roas_min").input_value()) == Decimal("4.5")
    assert frame.locator("#s-precedence").input_value() == "pixel,link,code"


def test_a_refused_save_shows_the_bar_again_while_the_field_differs(shell):
    page, frame, merchant = shell
    before = merchant.get("/api/settings").json()
    _open_section(page, frame, "Settings", "settings")
    frame.locator("#s-conversion_rate_min").fill("6")  # above the range's end (5 %): refused
    bar = page.locator("#admin-save-bar")
    bar.wait_for(state="visible")
    bar.get_by_role("button", name="Save").click()
    frame.locator("[data-field=conversion_rate_min] .error-text").wait_for()
    bar.wait_for(state="visible")  # not saved: the merchant still has something to save or discard
    assert merchant.get("/api/settings").json() == before
    bar.get_by_role("button", name="Discard").click()
    bar.wait_for(state="hidden")
    assert frame.locator("#s-conversion_rate_min").input_value() == "1.5"
    assert frame.locator(".error-text").count() == 0  # Discard also clears the refused save's reasons


def test_a_success_message_stays_until_dismissed(shell, screenshots):
    page, frame, _ = shell
    _open_section(page, frame, "Store connection", "status")
    frame.get_by_role("button", name="Check now").click()
    message = frame.locator("#flash .banner.success")
    message.wait_for()
    assert "Check started" in message.inner_text()
    page.wait_for_timeout(5000)  # the old message went after 4 s
    assert message.is_visible()
    page.screenshot(path=str(screenshots / "app-message.png"))
    frame.get_by_role("button", name="Dismiss message").click()
    assert frame.locator("#flash").inner_text() == ""


def test_an_api_error_shows_in_red_inline_until_the_merchant_moves_on(shell, app_server):
    page, frame, _ = shell
    page.route(
        f"{app_server.url}/api/backfill",
        lambda route: route.fulfill(
            status=503, content_type="application/json", body='{"message": "The queue is not reachable."}'
        ),
    )
    _open_section(page, frame, "Store connection", "status")
    frame.get_by_role("button", name="Check now").click()
    error = frame.locator("#flash .banner.critical[role=alert]")
    error.wait_for()
    assert error.inner_text().startswith("The queue is not reachable.")
    red, green, blue = (
        int(part) for part in error.evaluate("e => getComputedStyle(e).color").strip("rgba()").split(",")[:3]
    )
    assert red > 100 and green < 60 and blue < 60, (red, green, blue)  # Polaris text-critical, a dark red
    page.wait_for_timeout(5000)
    assert error.is_visible()
    _open_section(page, frame, "Creators", "creators")  # another view: the message was about the last one
    assert frame.locator("#flash").inner_text() == ""


def test_a_sub_pages_header_has_a_named_back_link_to_its_list(shell):
    """R.pageHeader, the helper the creator, ROI-detail and campaign pages use for Polaris' back action."""
    _, frame, _ = shell
    header = frame.evaluate(
        """() => {
          const R = window.CreatorROI;
          const el = R.pageHeader("@maya", {back: {href: "#/creators", label: "Creators"},
                                            actions: [R.h("button.button", {type: "button"}, "Pause")]});
          document.getElementById("view").prepend(el);
          const back = el.querySelector("a.back-link");
          return {href: back.getAttribute("href"), name: back.getAttribute("aria-label"),
                  title: el.querySelector("h2").textContent,
                  actions: el.querySelector(".page-actions").textContent,
                  plain: R.pageHeader("Creators").querySelectorAll("a, .page-actions").length};
        }"""
    )
    assert header == {
        "href": "#/creators",
        "name": "Back to Creators",
        "title": "@maya",
        "actions": "Pause",
        "plain": 0,
    }
    frame.get_by_role("link", name="Back to Creators").click()
    frame.locator("body[data-view=creators]").wait_for()


@pytest.mark.parametrize(
    ("path", "view", "heading"), [("creators", "creators", "Creators"), ("settings", "settings", "Settings")]
)
def test_a_menu_sections_admin_url_opens_that_section_when_reloaded(
    shell, settings, stand_in, shop_domain, path, view, heading
):
    """A merchant reloads (or bookmarks) the admin at the app's Creators page: Shopify's admin frames
    the app at the menu item's path (/creators), which the app serves and opens at that section."""
    page, _, _ = shell
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}/{path}")
    frame = page.frame_locator("#app-frame")
    frame.locator(f"body[data-view={view}]").wait_for(timeout=30_000)
    assert frame.locator(".tabs a.on").inner_text() == heading
