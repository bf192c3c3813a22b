"""Orders, refunds, cancellations and edits made through the control API: Shopify's REST
shapes (schema-valid), totals that add up, exact 64-bit ids, and the webhooks they send."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from devstore_order_support import code, gid_id, line, money, schema_errors

from devstore.testing import ControlError


@pytest.fixture
def installed(devstore, shop, receiver, tokens):
    """A shop that granted read_orders, with the app's webhook endpoint listening. The app is
    approved for every protected customer field (level 2), so webhook bodies are whole."""
    devstore.control.customer_data(level=2)
    return shop


def received(receiver) -> list[tuple[str, dict]]:
    return [(d["headers"]["X-Shopify-Topic"], json.loads(d["body"])) for d in receiver.received]


def test_order_is_the_full_rest_shape_with_totals_that_add_up(devstore, installed):
    order = devstore.control.create_order(
        installed,
        customer_id=7,
        line_items=[line("Tee", "40.00", 2), line("Cap", "20.00", 1)],
        shipping="5.00",
        tax_rate="0.10",
    )
    assert len(order) == 93 and schema_errors("orders/create", order) == []
    assert order["name"] == "#1001" and order["financial_status"] == "paid"
    assert order["total_line_items_price"] == "100.00"
    assert order["subtotal_price"] == "100.00" and order["total_tax"] == "10.00"
    assert order["total_price"] == "115.00" == money(order["total_price_set"])
    assert money(order["total_shipping_price_set"]) == "5.00"
    line_tax = sum(Decimal(t["price"]) for li in order["line_items"] for t in li["tax_lines"])
    assert line_tax == Decimal(order["total_tax"])
    assert order["current_total_price"] == order["total_price"]
    second = devstore.control.create_order(installed, customer_id=7, line_items=[line()])
    assert second["name"] == "#1002" and second["customer"]["id"] == order["customer"]["id"]


def test_ids_are_exact_64_bit_integers_matching_their_gids(devstore, installed):
    order = devstore.control.create_order(installed, customer_id=1, line_items=[line()])
    assert order["id"] > 2**53 and gid_id(order["admin_graphql_api_id"]) == order["id"]
    assert order["admin_graphql_api_id"].startswith("gid://shopify/Order/")
    assert gid_id(order["customer"]["admin_graphql_api_id"]) == order["customer"]["id"]
    for li in order["line_items"]:
        assert gid_id(li["admin_graphql_api_id"]) == li["id"]
        assert li["admin_graphql_api_id"].startswith("gid://shopify/LineItem/")


def test_a_15_percent_code_on_100_gives_15_off_and_85_subtotal(devstore, installed):
    order = devstore.control.create_order(
        installed, customer_id=1, line_items=[line("Item", "100.00")], discount_code=code("anna15")
    )
    assert order["total_discounts"] == "15.00" and order["subtotal_price"] == "85.00"
    assert order["discount_codes"] == [{"code": "anna15", "amount": "15.00", "type": "percentage"}]
    [application] = order["discount_applications"]
    assert application["type"] == "discount_code" and application["value"] == "15.0"
    [allocation] = order["line_items"][0]["discount_allocations"]
    assert money(allocation["amount_set"]) == "15.00" and allocation["discount_application_index"] == 0


def test_allocation_rounds_to_cents_with_the_remainder_on_the_last_line(devstore, installed):
    order = devstore.control.create_order(
        installed,
        line_items=[line("A", "10.00"), line("B", "10.00"), line("C", "10.00")],
        discount_code=code("TEN", "10.00", "fixed_amount"),
    )
    parts = [li["discount_allocations"][0]["amount"] for li in order["line_items"]]
    assert parts == ["3.33", "3.33", "3.34"] and order["total_discounts"] == "10.00"
    guest = devstore.control.create_order(installed, line_items=[line()])
    assert guest["customer"]["id"] != order["customer"]["id"]  # a guest is never a returning customer


def test_presentment_currency_keeps_shop_money_in_the_shop_currency(devstore, installed):
    order = devstore.control.create_order(
        installed, line_items=[line("Bag", "100.00")], presentment_currency="EUR", rate="0.9"
    )
    assert order["currency"] == "USD" and order["presentment_currency"] == "EUR"
    assert order["total_price_set"]["shop_money"] == {"amount": "100.00", "currency_code": "USD"}
    assert order["total_price_set"]["presentment_money"] == {"amount": "90.00", "currency_code": "EUR"}


def test_taxes_included_keep_the_tax_inside_the_price(devstore, installed):
    order = devstore.control.create_order(
        installed, line_items=[line("Bag", "119.00")], tax_rate="0.19", taxes_included=True
    )
    assert order["total_tax"] == "19.00" and order["total_price"] == "119.00"


def test_refund_body_is_shopifys_shape(devstore, installed, receiver):
    order = devstore.control.create_order(
        installed,
        customer_id=2,
        line_items=[line("Tee", "40.00", 2)],
        discount_code=code(),
        shipping="5.00",
        tax_rate="0.10",
    )
    lid = order["line_items"][0]["id"]
    answer = devstore.control.refund_order(
        installed, order["id"], line_items=[{"line_item_id": lid, "quantity": 1}], shipping="5.00"
    )
    refund = answer["refund"]
    assert schema_errors("refunds/create", refund) == []
    [rli] = refund["refund_line_items"]
    assert rli["subtotal"] == 34.0 and isinstance(rli["subtotal"], float)  # a JSON number
    assert rli["subtotal_set"]["shop_money"]["amount"] == "34.00"  # a string
    assert rli["line_item_id"] == lid and isinstance(rli["id"], int)
    assert rli["total_tax"] == 3.4
    [txn] = refund["transactions"]
    assert txn["kind"] == "refund" and txn["status"] == "success" and txn["currency"] is None
    assert txn["amount"] == "42.40"  # 34.00 + 3.40 tax + 5.00 shipping
    assert money(refund["refund_shipping_lines"][0]["subtotal_amount_set"]) == "5.00"
    assert refund["order_adjustments"][0]["kind"] == "shipping_refund"
    after = answer["order"]
    assert after["financial_status"] == "partially_refunded"
    assert after["current_subtotal_price"] == "34.00" and after["current_total_tax"] == "3.40"
    assert after["current_total_price"] == "37.40" and money(after["current_shipping_price_set"]) == "0.00"
    assert after["line_items"][0]["current_quantity"] == 1
    assert schema_errors("orders/updated", after) == []
    topics = [t for t, _ in received(receiver)]
    assert topics == ["orders/create", "orders/paid", "refunds/create", "orders/updated"]
    assert devstore.control.order(installed, order["id"])["refunds"][0]["id"] == refund["id"]


def test_refunding_more_than_was_bought_is_refused(devstore, installed):
    order = devstore.control.create_order(installed, line_items=[line()])
    lid = order["line_items"][0]["id"]
    with pytest.raises(ControlError) as exc:
        devstore.control.refund_order(
            installed, order["id"], line_items=[{"line_item_id": lid, "quantity": 2}]
        )
    assert exc.value.response.status_code == 422


def test_cancel_with_refund_refunds_everything(devstore, installed, receiver):
    order = devstore.control.create_order(
        installed, line_items=[line("Tee", "50.00")], discount_code=code(), shipping="4.00"
    )
    answer = devstore.control.cancel_order(installed, order["id"], refund=True)
    after = answer["order"]
    assert after["cancelled_at"] and after["cancel_reason"] == "customer"
    assert after["financial_status"] == "refunded" and after["current_total_price"] == "0.00"
    assert answer["refund"]["refund_line_items"][0]["subtotal_set"]["shop_money"]["amount"] == "42.50"
    assert answer["refund"]["transactions"][0]["amount"] == "46.50"
    topics = [t for t, _ in received(receiver)][2:]
    assert topics == ["orders/cancelled", "refunds/create", "orders/updated"]
    for topic, body in received(receiver):
        assert schema_errors(topic, body) == []


def test_cancelling_an_unpaid_order_voids_it(devstore, installed):
    order = devstore.control.create_order(installed, line_items=[line()], financial_status="pending")
    answer = devstore.control.cancel_order(installed, order["id"], refund=True)
    assert answer["order"]["financial_status"] == "voided" and answer["refund"] is None
    assert answer["order"]["refunds"] == []


def test_edit_adds_and_removes_lines(devstore, installed, receiver):
    order = devstore.control.create_order(
        installed,
        line_items=[line("Tee", "40.00"), line("Cap", "20.00")],
        created_at="2026-03-03T10:00:00-05:00",
    )
    cap = order["line_items"][1]["id"]
    answer = devstore.control.edit_order(installed, order["id"], add=[line("Sock", "5.00", 2)], remove=[cap])
    after = answer["order"]
    removed = next(li for li in after["line_items"] if li["id"] == cap)
    # Shopify keeps the units ordered in `quantity`; only `current_quantity` drops (LineItem docs)
    assert removed["quantity"] == 1 and removed["current_quantity"] == 0
    assert after["total_line_items_price"] == "50.00" and after["current_total_price"] == "50.00"
    assert after["updated_at"] != order["updated_at"]
    edit = answer["order_edit"]
    assert edit["line_items"]["removals"] == [{"id": cap, "delta": 1}]
    assert edit["line_items"]["additions"][0]["delta"] == 2
    topic, body = received(receiver)[-2]
    assert topic == "orders/edited" and set(body) == {"order_edit"}
    assert schema_errors("orders/edited", body) == []


def test_staff_changing_the_tags_sends_orders_updated_with_the_new_tags(devstore, installed, receiver):
    """Tags edited in the admin: one `orders/updated` with the comma-separated tags; exact, as Shopify's tag
    actions ("tags are case sensitive"); nothing changed is refused and sends nothing."""
    order = devstore.control.create_order(
        installed,
        line_items=[line("Tee", "40.00")],
        tags=["gift", "creator-roi-seeding"],
        created_at="2026-03-03T10:00:00-05:00",
    )
    assert order["tags"] == "gift, creator-roi-seeding"
    answer = devstore.control.retag_order(
        installed,
        order["id"],
        remove=["creator-roi-seeding", "GIFT"],
        add=["vip", "vip"],
        created_at="2026-03-04T09:00:00-05:00",
    )
    assert answer["order"]["tags"] == "gift, vip"  # "GIFT" is not "gift"; "vip" once
    assert answer["order"]["updated_at"] == "2026-03-04T09:00:00-05:00"
    topic, body = received(receiver)[-1]
    assert topic == "orders/updated" and body["tags"] == "gift, vip"
    assert schema_errors("orders/updated", body) == []
    sent = len(receiver.received)
    with pytest.raises(ControlError) as refused:
        devstore.control.retag_order(installed, order["id"], remove=["nope"])
    assert refused.value.response.status_code == 422 and len(receiver.received) == sent


def test_an_edit_removing_units_keeps_the_lines_amounts_and_lowers_what_is_current(devstore, installed):
    """VAT 20 % inside the prices, 10 % off: Tee 60.00 x 2 and Cap 30.00 x 1; the edit takes one Tee
    and the Cap away. As in Shopify, each line keeps `quantity`, its discount allocation and its tax
    line (they cover removed units too); `current_quantity` and the order's totals drop."""
    order = devstore.control.create_order(
        installed,
        line_items=[line("Tee", "60.00", 2), line("Cap", "30.00", 1)],
        discount_code=code("ANNA10", "10.0"),
        tax_rate="0.20",
        taxes_included=True,
    )
    tee, cap = (li["id"] for li in order["line_items"])
    answer = devstore.control.edit_order(
        installed, order["id"], remove=[{"line_item_id": tee, "quantity": 1}, cap]
    )
    after = {li["id"]: li for li in answer["order"]["line_items"]}
    # Tee: 10 % of 120.00 = 12.00 off; tax inside 108.00 = 108.00 / 1.2 x 0.2 = 18.00
    # Cap: 10 % of 30.00 = 3.00 off; tax inside 27.00 = 27.00 / 1.2 x 0.2 = 4.50
    assert (after[tee]["quantity"], after[tee]["current_quantity"]) == (2, 1)
    assert (after[cap]["quantity"], after[cap]["current_quantity"]) == (1, 0)
    assert money(after[tee]["discount_allocations"][0]["amount_set"]) == "12.00"
    assert money(after[tee]["tax_lines"][0]["price_set"]) == "18.00"
    assert money(after[cap]["tax_lines"][0]["price_set"]) == "4.50"
    assert answer["order_edit"]["line_items"]["removals"] == [
        {"id": tee, "delta": 1},
        {"id": cap, "delta": 1},
    ]
    # What is left: one Tee, 60.00 less 6.00 = 54.00, of which 9.00 tax
    assert answer["order"]["current_subtotal_price"] == "54.00"
    assert answer["order"]["current_total_tax"] == "9.00"
    assert answer["order"]["current_total_price"] == "54.00"
    with pytest.raises(ControlError):  # one Tee left: two cannot be refunded
        devstore.control.refund_order(
            installed, order["id"], line_items=[{"line_item_id": tee, "quantity": 2}]
        )
    refund = devstore.control.refund_order(
        installed, order["id"], line_items=[{"line_item_id": tee, "quantity": 1}]
    )["refund"]["refund_line_items"][0]
    # the last Tee: 108.00 / 2 = 54.00 back, 18.00 / 2 = 9.00 of it tax
    assert (money(refund["subtotal_set"]), money(refund["total_tax_set"])) == ("54.00", "9.00")
    totals = devstore.control.totals(installed)["overall"]
    # revenue 54.00 - 9.00 = 45.00; returns 54.00 - 9.00 = 45.00
    assert (totals["revenue"], totals["returns"], totals["net_revenue"]) == ("45.00", "45.00", "0.00")


def test_every_order_webhook_validates_and_is_signed_for_the_orders_endpoint(devstore, installed, receiver):
    order = devstore.control.create_order(
        installed,
        customer_id=3,
        line_items=[line("Tee", "40.00", 3)],
        discount_code=code(),
        landing_site="/?ref=anna&utm_content=anna",
        referring_site="https://l.instagram.com/",
        note_attributes=[{"name": "creator", "value": "anna"}],
        tax_rate="0.19",
        taxes_included=True,
        presentment_currency="EUR",
        rate="0.9",
        shipping="5.00",
        tags=["vip", "creator"],
    )
    assert order["landing_site"] == "/?ref=anna&utm_content=anna" and order["tags"] == "vip, creator"
    lid = order["line_items"][0]["id"]
    devstore.control.refund_order(installed, order["id"], line_items=[{"line_item_id": lid, "quantity": 1}])
    devstore.control.edit_order(installed, order["id"], add=[line("Sock", "5.00")])
    devstore.control.cancel_order(installed, order["id"], refund=True)
    assert {d["path"] for d in receiver.received} == {"/webhooks/orders"}
    for topic, body in received(receiver):
        assert schema_errors(topic, body) == [], topic
    listed = devstore.control.orders(installed)
    assert listed[0]["id"] == order["id"] and listed[0]["refunds"] == 2


def test_order_webhooks_need_read_orders(devstore, shop, receiver):
    devstore.control.create_order(shop, line_items=[line()])
    assert receiver.received == []
    assert {d["error"] for d in devstore.control.deliveries(shop)} == {
        "the app lacks read_orders for orders/create",
        "the app lacks read_orders for orders/paid",
    }
