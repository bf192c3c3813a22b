"""Attribution precedence (METRICS.md "Attribution"), on hand-made signals."""

from __future__ import annotations

from shopify_roi.services.orders.attribution import attribute, parse_precedence
from shopify_roi.services.orders.signals import link_signals

CODES = {"ANNA15": 1, "BEN10": 2}
HANDLES = {"anna": 1, "ben": 2, "cleo": 3}


def test_a_creator_code_wins_case_insensitively_and_trimmed():
    won = attribute({"codes": [" anna15 "]}, CODES, HANDLES)
    assert (won.creator_id, won.rule, won.contested) == (1, "code", ())


def test_a_sitewide_code_never_blocks_the_link_step():
    # Worked example 3, order #1003: WELCOME10 plus ?ref=anna&utm_content=anna -> anna by link.
    signals = {"codes": ["WELCOME10"], **link_signals("/?ref=anna&utm_content=anna")}
    won = attribute(signals, CODES, HANDLES)
    assert (won.creator_id, won.rule) == (1, "link")


def test_the_first_creator_code_wins_and_the_other_is_contested():
    won = attribute({"codes": ["BEN10", "ANNA15"]}, CODES, HANDLES)
    assert (won.creator_id, won.contested) == (2, (1,))


def test_ref_wins_over_utm_content_and_a_code_wins_over_both():
    assert attribute(link_signals("/p?utm_content=ben&ref=cleo"), CODES, HANDLES).creator_id == 3
    won = attribute({"codes": ["ANNA15"], **link_signals("/p?utm_content=ben&ref=cleo")}, CODES, HANDLES)
    assert (won.creator_id, won.rule, set(won.contested)) == (1, "code", {2, 3})


def test_other_utm_parameters_never_attribute():
    won = attribute(link_signals("/?utm_source=anna&utm_campaign=anna&utm_medium=anna"), CODES, HANDLES)
    assert (won.creator_id, won.rule) == (None, "none")


def test_precedence_is_configurable_per_shop():
    signals = {"codes": ["ANNA15"], **link_signals("/?ref=ben")}
    assert attribute(signals, CODES, HANDLES, parse_precedence("link,code")).creator_id == 2
    assert parse_precedence("nonsense") == ("code", "pixel", "link")
    # a rule order stored before the pixel existed gets it just before the link
    assert parse_precedence("code,link") == ("code", "pixel", "link")
    assert parse_precedence("link,code") == ("pixel", "link", "code")
    assert parse_precedence("code,link,pixel") == ("code", "link", "pixel")


def test_the_pixels_creator_comes_after_a_code_and_before_the_landing_pages_ref():
    # HANDLES: anna -> 1, ben -> 2 (above); the pixel remembered ben, the landing page names anna
    signals = {"codes": [], "pixel": "ben", **link_signals("/?ref=anna")}
    won = attribute(signals, CODES, HANDLES)
    assert (won.creator_id, won.rule, won.contested) == (2, "pixel", (1,))
    with_code = {**signals, "codes": ["ANNA15"]}
    won = attribute(with_code, CODES, HANDLES)
    assert (won.creator_id, won.rule, won.contested) == (1, "code", (2,))
    # handles match as a link's do: trimmed, any case
    assert attribute({"pixel": " BEN "}, CODES, HANDLES).creator_id == 2
