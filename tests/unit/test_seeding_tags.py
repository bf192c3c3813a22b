"""The seeding tags README "Seeding" names, read from an order's tags in Shopify (case-insensitive)."""

from __future__ import annotations

import pytest

from shopify_roi.services.orders.seeding_tags import seeding_tag


@pytest.mark.parametrize(
    "tags,expected",
    [
        (["gift", "vip"], (False, "")),
        (["creator-roi-seeding"], (True, "")),
        (["creator-roi:seeding"], (True, "")),  # the tag read before it was documented
        (["Creator-ROI-Seeding:@Maya"], (True, "maya")),
        ([" x ", " creator-roi-seeding:ben "], (True, "ben")),
        (["creator-roi-seeding:"], (True, "")),  # a seeding order whose creator is still to name
        (["creator-roi-seedings"], (False, "")),  # not the tag
    ],
)
def test_the_documented_tags_mark_a_seeding_order_and_may_name_its_creator(tags, expected):
    assert seeding_tag(tags) == expected
