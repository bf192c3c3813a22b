"""Which of the shop's codes look like a creator's, and which can be adopted (creators/shop_codes.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopify_roi.services.creators.shop_codes import suggest, why_not
from shopify_roi.shopify_client.shop_discounts import shop_code


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ANNA15", {"handle": "anna", "name": "Anna"}),
        ("ben-10", {"handle": "ben", "name": "Ben"}),
        ("Cleo_20", {"handle": "cleo", "name": "Cleo"}),
        ("WELCOME10", None),  # a promotion word
        ("SUMMER20", None),
        ("ANNA", None),  # no digits
        ("15ANNA", None),
        ("ANNA1500", None),  # more than three digits: an amount or a year, not a creator's code
        ("A1", None),  # one letter is no name
        ("", None),
        (None, None),
    ],
)
def test_a_creator_code_is_a_name_and_a_few_digits(code, expected):
    assert suggest(code) == expected


def _node(typename="DiscountCodeBasic", value=None, code="ANNA15"):
    value = value or {"__typename": "DiscountPercentage", "percentage": 0.15}
    return {
        "id": "gid://shopify/DiscountCodeNode/1",
        "codeDiscount": {
            "__typename": typename,
            "title": "t",
            "status": "ACTIVE",
            "customerGets": {"value": value},
            "codesCount": {"count": 1},
            "codes": {"nodes": [{"id": "gid://shopify/DiscountRedeemCode/9", "code": code}]},
        },
    }


def test_only_an_unlinked_amount_off_code_can_be_adopted():
    basic = shop_code(_node())
    assert (basic.value_type, basic.value) == ("percentage", Decimal("0.15"))
    assert why_not(basic, {}) is None
    assert why_not(basic, {"ANNA15": "anna"}) == "Already @anna's code in Creator ROI."
    assert (
        why_not(basic, {"gid://shopify/DiscountCodeNode/1": "ben"}) == "Already @ben's code in Creator ROI."
    )
    assert "Only amount-off" in why_not(shop_code(_node("DiscountCodeFreeShipping")), {})
    on_quantity = _node(value={"__typename": "DiscountOnQuantity"})
    assert "Only amount-off" in why_not(shop_code(on_quantity), {})
    fixed = shop_code(_node(value={"__typename": "DiscountAmount", "amount": {"amount": "5.0"}}))
    assert (fixed.value_type, fixed.value) == ("fixed_amount", Decimal("5.0"))
