"""Editing a creator on their page (#17 item 9): followers, commission and campaigns change in one form and
are there after a reload; a refused save shows each reason in red beside its field and changes nothing; a
tracked link on the ROI page says where it is placed, for which campaign and where it leads (item 11)."""

from __future__ import annotations

import pytest
from browser_support import open_app
from support import Merchant, install


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


@pytest.fixture
def go(app_server, stand_in, shop_domain, page, settings):
    """Open the app from the admin, then the page at `hash_path`, once `ready` (a selector) shows."""

    def to(hash_path: str, ready: str):
        frame = open_app(page, stand_in, shop_domain, settings.api_key, app_server.url)
        frame.evaluate("h => { location.hash = h; }", hash_path)
        frame.locator(ready).first.wait_for(timeout=30_000)
        return frame

    return to


def test_followers_commission_and_campaigns_change_in_one_form(merchant, go, page, screenshots):
    assert merchant.post("/api/campaigns", {"name": "Summer drop"}).status_code == 201
    assert merchant.create_creator("anna", "ANNA15", campaigns=["Spring launch"]).status_code == 201
    frame = go("#/creators/anna", "#creator-edit")
    form = frame.locator("#creator-edit")
    assert frame.get_by_role("link", name="Back to Creators").get_attribute("href") == "#/creators"
    # The handle is shown, not editable, and the form says why; fees lead to the ROI page's spend card.
    assert form.locator("#e-handle").get_attribute("readonly") is not None
    assert "Can't be renamed" in form.locator("[data-field=handle] .help").inner_text()
    assert form.locator("#e-fees-link").get_attribute("href") == "#/roi/anna?show=spend"
    for width, height in ((1280, 800), (1024, 768), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        form.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"creator-edit-{width}.png"))
        assert frame.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.set_viewport_size({"width": 1280, "height": 800})

    form.locator("#e-followers").fill("52,000")
    form.locator("#e-commission_percent").fill("12.5")
    form.get_by_label("Spring launch").uncheck()
    form.get_by_label("Summer drop").check()
    form.locator("#e-new_campaign").fill("Autumn")
    form.get_by_role("button", name="Save").click()
    frame.locator("#flash", has_text="@anna saved.").wait_for(timeout=30_000)

    page.reload()
    frame = go("#/creators/anna", "#creator-edit")
    facts = frame.locator("#creator-facts").inner_text()
    assert "52,000" in facts and "12.5% of return-adjusted revenue" in facts
    assert "Autumn, Summer drop" in facts
    form = frame.locator("#creator-edit")
    assert form.locator("#e-followers").input_value() == "52000"
    assert form.get_by_label("Summer drop").is_checked() and form.get_by_label("Autumn").is_checked()
    assert not form.get_by_label("Spring launch").is_checked()
    anna = merchant.get("/api/creators/anna").json()
    assert (anna["followers"], anna["commission_percent"], anna["campaigns"]) == (
        52000,
        "12.5",
        ["Autumn", "Summer drop"],
    )


def test_a_refused_edit_shows_red_reasons_beside_the_fields_and_changes_nothing(
    merchant, go, page, screenshots
):
    assert merchant.create_creator("anna", "ANNA15", campaigns=["Spring launch"]).status_code == 201
    before = merchant.get("/api/creators/anna").json()
    frame = go("#/creators/anna", "#creator-edit")
    form = frame.locator("#creator-edit")
    form.locator("#e-name").fill("Anna Berg")
    form.locator("#e-followers").fill("lots")
    form.locator("#e-commission_percent").fill("150")
    form.get_by_role("button", name="Save").click()
    errors = form.locator(".field.error")
    errors.first.wait_for(timeout=30_000)
    reasons = {f.get_attribute("data-field"): f.locator(".error-text").inner_text() for f in errors.all()}
    assert reasons == {
        "followers": "must be a whole number",
        "commission_percent": "must be between 0 and 100",
    }
    colour = form.locator("[data-field=followers] .error-text").evaluate("e => getComputedStyle(e).color")
    red, green, blue = (int(x) for x in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3])
    assert red > 2 * green and red > 2 * blue, colour
    assert "Not saved." in form.locator(".form-banner").inner_text()
    form.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "creator-edit-refused.png"))
    # Nothing changed, not even the valid name sent with them.
    assert merchant.get("/api/creators/anna").json() == before


def test_a_tracked_link_shows_its_placement_campaign_and_destination(merchant, go, page, screenshots):
    assert merchant.create_creator("anna", "ANNA15", campaigns=["Spring launch"]).status_code == 201
    made = merchant.post(
        "/api/creators/anna/links",
        {
            "target": "collection",
            "target_handle": "summer",
            "placement": "story",
            "campaign": "Spring launch",
        },
    )
    assert made.status_code == 201, made.text
    frame = go("#/roi/anna", "#codes-card .tracked-link")
    row = frame.locator("#codes-card .tracked-link").inner_text()
    assert "In a story (story) · campaign Spring launch · opens collection summer · 0 clicks" in row
    assert made.json()["short_url"] in row
    frame.locator("#codes-card").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "roi-tracked-link-placement.png"))


def test_the_fees_link_opens_the_roi_page_at_the_spend_lines(merchant, go):
    assert merchant.create_creator("anna", "ANNA15").status_code == 201
    frame = go("#/creators/anna", "#creator-edit")
    frame.locator("#e-fees-link").click()
    frame.locator("#spend-card").wait_for(timeout=30_000)
    frame.wait_for_function(
        "Math.abs(document.getElementById('spend-card').getBoundingClientRect().top) < 80"
    )
    assert frame.locator("#spend-card form.spend-form").count() >= 1
