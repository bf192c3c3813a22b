"""How the creator metafields are grouped into metafieldsSet calls: whole owners, at most 25 metafields a
call (Shopify's limit), an owner refused before sent alone, deletions never sent to metafieldsSet."""

from __future__ import annotations

from shopify_roi.services.orders.metafield_sync import Change, batches


def _order(n: int, campaign: bool = False, alone: bool = False) -> Change:
    values = {"creator": "maya", "attribution_rule": "code"}
    if campaign:
        values["campaign"] = "Winter drop"
    return Change("order", str(1000 + n), values, {}, alone)


def _sizes(groups: list[list[Change]]) -> list[int]:
    return [sum(len(c.inputs()) for c in group) for group in groups]


def test_26_changed_orders_of_two_metafields_take_three_calls():
    # 26 x 2 = 52 metafields; 12 orders (24) fit a call, a 13th would make 26 > 25: 24 + 24 + 4.
    assert _sizes(batches([_order(n) for n in range(26)])) == [24, 24, 4]


def test_orders_with_a_campaign_go_eight_to_a_call():
    # 3 metafields each: 8 orders = 24, a 9th would make 27: 26 orders = 8 + 8 + 8 + 2 orders.
    assert _sizes(batches([_order(n, campaign=True) for n in range(26)])) == [24, 24, 24, 6]


def test_an_order_refused_before_goes_alone_and_deletions_go_nowhere():
    gone = Change("order", "9", {}, {"creator": "maya"}, False)
    groups = batches([_order(1), _order(2, alone=True), gone, _order(3)])
    assert [[c.shopify_id for c in g] for g in groups] == [["1002"], ["1001", "1003"]]
    assert _order(1).inputs()[0] == {
        "ownerId": "gid://shopify/Order/1001",
        "key": "attribution_rule",
        "type": "single_line_text_field",
        "value": "code",
    }
