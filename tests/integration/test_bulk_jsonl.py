"""A bulk result's orders put back together by `__parentId` wherever Shopify wrote the line items
(`groupObjects` defaults to false since 2026-01: after other orders, or at the end of the file), the
same orders as from the grouped file; lines the query cannot have produced are refused."""

from __future__ import annotations

import json

import pytest

from shopify_roi.shopify_client.bulk import assemble_orders, orders_query
from shopify_roi.shopify_client.bulk_jsonl import BulkShapeError

ORDER = "gid://shopify/Order/{}"
ITEM = "gid://shopify/LineItem/{}"


def jsonl(*objects: dict) -> list[bytes]:
    return [json.dumps(o).encode() for o in objects]


def order(n: int) -> dict:
    return {
        "id": ORDER.format(n),
        "name": f"#{1000 + n}",
        "refunds": [{"id": f"gid://shopify/Refund/{n}", "createdAt": "2026-11-02T00:00:00Z"}],
    }


def item(n: int, of: int) -> dict:
    return {"id": ITEM.format(n), "quantity": n, "__parentId": ORDER.format(of)}


def expected(n: int, items: list[int]) -> dict:
    return {**order(n), "lineItems": [{"id": ITEM.format(i), "quantity": i} for i in items]}


def test_line_items_after_other_orders_and_at_the_end_give_the_orders_of_the_grouped_file():
    grouped = jsonl(
        order(1), item(11, 1), item(12, 1), order(2), item(21, 2), order(3), order(4), item(41, 4)
    )
    # order 1's items after order 2 (one of them after order 3), order 2's at the very end, order 4's before
    # order 2's
    scattered = jsonl(
        order(1), order(2), item(11, 1), order(3), item(12, 1), order(4), item(41, 4), item(21, 2)
    )
    want = [expected(1, [11, 12]), expected(2, [21]), expected(3, []), expected(4, [41])]
    assert list(assemble_orders(iter(grouped))) == want
    assert list(assemble_orders(iter(scattered))) == want


def test_a_child_whose_parent_is_not_in_the_file_is_refused():
    with pytest.raises(BulkShapeError, match="parent 'gid://shopify/Order/9'"):
        list(assemble_orders(iter(jsonl(order(1), item(11, 9)))))


def test_a_child_the_query_does_not_select_is_refused():
    refund_line = {"id": "gid://shopify/RefundLineItem/5", "__parentId": ORDER.format(1)}
    with pytest.raises(BulkShapeError, match="RefundLineItem/5"):
        list(assemble_orders(iter(jsonl(order(1), refund_line))))


def test_the_stand_ins_grouped_and_ungrouped_files_of_a_generated_shop_give_the_same_orders():
    from devstore.admin.bulk import operations
    from devstore.admin.engine import ResolverContext, prepare
    from devstore.config import DevstoreConfig
    from devstore.generator.timeline import Generator
    from devstore.store.state import Store

    store = Store()
    shop, _ = store.create_shop("jsonl.myshopify.com", scopes="read_orders,read_all_orders")
    Generator(
        store,
        shop,
        {
            "seed": 3,
            "orders": 80,
            "start": "2026-06-01",
            "days": 20,
            "creators": [{"handle": "anna", "code": "ANNA15", "percent": "15", "return_rate": 0.5}],
        },
        None,
    ).run()
    context = ResolverContext(store, shop, DevstoreConfig(), "read_orders,read_all_orders")
    files = {
        group: operations.execute(prepare(orders_query("")), context, group=group, seed=42)[0]
        for group in (True, False)
    }
    assert files[True] != files[False] and sorted(files[True].splitlines()) == sorted(
        files[False].splitlines()
    )
    grouped = list(assemble_orders(iter(files[True].encode().splitlines())))
    ungrouped = list(assemble_orders(iter(files[False].encode().splitlines())))

    def by_id(orders: list[dict]) -> list[dict]:  # an ungrouped file keeps no order among siblings either
        return [{**o, "lineItems": sorted(o["lineItems"], key=lambda li: li["id"])} for o in orders]

    assert len(grouped) == 80 and by_id(ungrouped) == by_id(grouped)
    assert sum(len(o["lineItems"]) for o in grouped) == files[True].count('"__parentId"')
