"""#17 item 9: the Settings tab as a merchant uses it: the shop's currency and time zone shown, the
scorecard's targets and the gross margin in percents, the attribution order; a save reaches the API, a
refused one names the field in red beside it and changes nothing."""

from __future__ import annotations

import pytest
from browser_support import open_app
from support import Merchant, install


@pytest.fixture
def settings_page(app_server, runtime, stand_in, shop_domain, page, settings):
    install(app_server.url, shop_domain)
    runtime.jobs.drain()  # the shop's details (currency, time zone) synced from the stand-in
    frame = open_app(page, stand_in, shop_domain, settings.api_key, app_server.url)
    frame.locator(".tabs a", has_text="Settings").click()
    frame.locator("#settings-form").wait_for()
    return frame, Merchant(app_server.url, stand_in, shop_domain)


def test_settings_are_shown_in_percents_and_saved_as_the_api_takes_them(settings_page, page, screenshots):
    frame, merchant = settings_page
    facts = frame.locator("#shop-facts")
    assert facts.locator("[data-fact=currency]").inner_text() == "EUR"  # the stand-in shop's
    assert facts.locator("[data-fact=timezone]").inner_text() == "Europe/Berlin"
    assert frame.locator("#s-conversion_rate_min").input_value() == "1.5"  # METRICS.md default 1.5 %
    assert frame.locator("#s-roas_min").input_value() == "3.0"  # default 3.0
    assert frame.locator("#s-gross_margin").input_value() == ""  # unknown until entered
    page.screenshot(path=str(screenshots / "settings.png"), full_page=True)

    frame.locator("#s-conversion_rate_max").fill("4")
    frame.locator("#s-gross_margin").fill("55")
    frame.locator("#s-precedence").select_option("pixel,link,code")
    frame.get_by_role("button", name="Save").click()
    frame.locator(".form-banner .banner.success").wait_for()
    saved = merchant.get("/api/settings").json()
    assert saved["targets"]["conversion_rate_max"] == "0.04" and saved["gross_margin"] == "0.55"
    assert merchant.get("/api/attribution-policy").json()["precedence"] == ["pixel", "link", "code"]


def test_a_refused_save_names_the_field_in_red_and_changes_nothing(settings_page, page, screenshots):
    frame, merchant = settings_page
    before = merchant.get("/api/settings").json()
    frame.locator("#s-conversion_rate_min").fill("6")  # above the range's end (5 %)
    frame.get_by_role("button", name="Save").click()
    error = frame.locator("[data-field=conversion_rate_min] .error-text")
    error.wait_for()
    assert "must not be above conversion_rate_max" in error.inner_text()
    assert frame.locator("[data-field=conversion_rate_min]").get_attribute("class") == "field error"
    assert "Not saved" in frame.locator(".form-banner").inner_text()
    page.wait_for_timeout(1500)
    assert error.is_visible()  # it stays (no auto-dismissing message)
    assert merchant.get("/api/settings").json() == before
    page.screenshot(path=str(screenshots / "settings-refused.png"), full_page=True)
