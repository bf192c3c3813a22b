"""The order parser core: a neutral order (or refund) mapping turned into facts, with all the validation.

Webhook bodies (REST JSON, services/orders/parse_webhook.py) and bulk results (GraphQL JSONL,
services/orders/parse_bulk.py) only map their field names onto the neutral mapping; every check is
made here, the same for both (METRICS.md for what the figures mean):

- ids: Shopify's unsigned 64-bit integers, kept as their exact digits (at most 20);
- money: the shop-currency amount only (never the presentment side), a decimal string or an integer
  made Decimal; a float is refused, never rounded; 0 to MAX_AMOUNT with at most 4 decimals; a line's
  price x quantity, discounts and taxes, the order's figures and a refund's totals within MAX_AMOUNT;
- counts: quantities are whole numbers from 0 to MAX_QUANTITY (INTEGER columns);
- times: ISO 8601 with a UTC offset, from 2000-01-01 to a few days past now (order_times.py);
- edits: a line's discount and tax follow the quantity an edit left on it (its current quantity plus
  the refunded units: a refund is a return, never an edit), as a share of the amounts for all units;
- text: labels without control characters, cut to their columns (name 64, financial status 32); the
  currency an ISO 4217 code.

The neutral order: `id, name, created_at, updated_at, cancelled_at, financial_status, test,
taxes_included, currency, customer_id` (None: a guest), `tags` (a list), `codes, landing_site,
referring_site, note_attributes` ((name, value) pairs) and `lines` (a list, or None when the source has
none), each `{id, quantity, current_quantity, price, discounts: [amount], taxes: [amount]}`. A refund:
`{id, order_id, created_at}` with its lines made by `refund_line_facts` from `{id, line_item_id,
quantity, subtotal, tax}`. An amount is the raw value sent, MISSING when the source's money object has
none (a refund line's `tax` None: no tax). `labels` say how the source spells each field in messages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shopify_roi.money import MAX_AMOUNT, in_range
from shopify_roi.services.orders import order_times
from shopify_roi.services.orders.facts import LineFacts, OrderFacts, RefundFacts, RefundLineFacts
from shopify_roi.services.orders.signals import order_signals
from shopify_roi.services.webhooks.inbox import PayloadError

MAX_QUANTITY = 1_000_000_000  # INTEGER columns; far above any real line
MAX_NAME, MAX_STATUS = 64, 32  # the orders table's name and financial_status columns
MISSING = object()  # an amount the source's money object does not carry
_ID_RE = re.compile(r"[0-9]{1,20}")  # Shopify ids are unsigned 64-bit integers
_CURRENCY_RE = re.compile(r"[A-Z]{3}")
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SHAPE_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, ArithmeticError, RecursionError)


@contextmanager
def shape_errors() -> Iterator[None]:
    """PayloadError for whatever else reading an untrusted source raises: a list where an object belongs,
    a string where a number does, must fail that order (or delivery) readably and never its batch."""
    try:
        yield
    except PayloadError:
        raise
    except _SHAPE_ERRORS as exc:
        raise PayloadError(f"unexpected shape ({type(exc).__name__}: {str(exc)[:200]})") from None


def amount_in(money, side: str):
    """The amount of the `side` of a money object (`{side: {"amount": …}}`) as sent; MISSING if none."""
    try:
        return money[side]["amount"]
    except (TypeError, KeyError):
        return MISSING


def shopify_id(value) -> str | None:
    """The id as its exact digits, or None when `value` is not a Shopify id."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not _ID_RE.fullmatch(str(value)):
        return None
    return str(value)


def order_facts(
    order: Mapping, refunds: list[RefundFacts], labels: Mapping[str, str], line_id: Callable | None = None
) -> OrderFacts:
    """The facts of a neutral order (see the module's docstring) with its refunds, already parsed (a refund
    is a return, never an edit: its quantities are added back to the lines). The lines are the source's
    own line items, read by its names (`labels`); `line_id`, if given, turns a line's id as sent into the
    value checked as a Shopify id (a GID into its number). Raises PayloadError."""
    items = order["lines"]
    if not isinstance(items, list):
        raise PayloadError(f"`{labels['lines']}` is missing")
    refunded: Counter = Counter()
    for refund in refunds:
        for line in refund.lines:
            refunded[line.line_shopify_id] += line.quantity
    lines = [_line(item, (labels["lines"], i), refunded, labels, line_id) for i, item in enumerate(items)]
    currency = order["currency"] or ""
    if currency and not (isinstance(currency, str) and _CURRENCY_RE.fullmatch(currency)):
        raise PayloadError(f"`{labels['currency']}` is not an ISO 4217 code")
    customer = order["customer_id"]
    facts = OrderFacts(
        shopify_id=_id(order["id"], labels["id"]),
        name=_plain(order["name"], MAX_NAME),
        created_at=_when(order["created_at"], labels["created_at"]),
        updated_at=_when(order["updated_at"], labels["updated_at"]),
        cancelled_at=_when(order["cancelled_at"], labels["cancelled_at"], required=False),
        financial_status=_plain(order["financial_status"], MAX_STATUS),
        test=bool(order["test"]),
        taxes_included=bool(order["taxes_included"]),
        currency=str(currency),
        customer_id=None if customer is None else _id(customer, labels["customer_id"]),
        tags=[tag for tag in (str(t).strip() for t in order["tags"]) if tag],
        lines=lines,
        signals=order_signals(
            order["codes"], order["landing_site"], order["referring_site"], order["note_attributes"]
        ),
        refunds=refunds,
    )
    _check_totals(facts)
    return facts


def _check_totals(facts: OrderFacts) -> None:
    """The order's figures (OrderFacts' sums, in one pass) stay within what the Money column holds."""
    gross = discounts = line_tax = Decimal(0)
    for line in facts.lines:
        gross += line.price * line.quantity
        discounts += line.discount
        line_tax += line.tax
    revenue = gross - discounts - (line_tax if facts.taxes_included else Decimal(0))
    for figure, value in (
        ("gross", gross),
        ("discounts", discounts),
        ("line_tax", line_tax),
        ("revenue", revenue),
    ):
        _total(value, "the order's", figure)


def _line(
    item, at: tuple, refunded: Counter, labels: Mapping[str, str], line_id: Callable | None
) -> LineFacts:
    """A line item read by the source's names (`labels`): its id, quantities and shop-currency amounts;
    `at`: (the lines' name, its index), for messages."""
    if not isinstance(item, Mapping):
        raise PayloadError(f"{_place(at)} is not an object")
    sent_id = item.get(labels["line_id"])
    shopify_line_id = _id(sent_id if line_id is None else line_id(sent_id), at, labels["line_id"])
    ordered = _quantity(item.get(labels["quantity"]), at, labels["quantity"])
    # The current quantity drops with edits AND with refunds; a refund is a return, never an edit
    # (METRICS.md), so the quantity sold is what is left plus what was refunded.
    current = item.get(labels["current_quantity"])
    if current is not None and not isinstance(current, bool):
        current = _quantity(current, at, labels["current_quantity"])
    quantity = ordered if not isinstance(current, int) else min(ordered, current + refunded[shopify_line_id])
    side = labels["money"]
    # A line's discount allocations and tax lines cover every unit ordered, removed ones included
    # (Admin GraphQL LineItem.discountAllocations and .taxLines, "including ... refunded and removed
    # quantities"; neither the REST line item nor the bulk query has a current amount per line), so
    # units removed by an edit take their share of both with them (METRICS.md: a line's amounts follow
    # the quantity left on it; the tax counts where prices include tax).
    discount = _kept(_sum_of(item, labels["discounts"], at, side), quantity, ordered)
    tax = _kept(_sum_of(item, labels["taxes"], at, side), quantity, ordered)
    price = _amount(amount_in(item.get(labels["price"]), side), at, labels["price"])
    _total(price * quantity, at, "price x quantity")
    _total(discount, at, "discounts")
    _total(tax, at, "taxes")
    product = item.get("product")  # the bulk query's {id}; a webhook sends product_id
    sent_product = product.get("id") if isinstance(product, Mapping) else item.get("product_id")
    title = _plain(item.get("title"), 255)
    return LineFacts(shopify_line_id, quantity, price, discount, tax, _product_id(sent_product), title)


def _product_id(value) -> str | None:
    """The line's product as Shopify's digits (a webhook's `product_id`, or the bulk query's `product.id`
    GID); None for a custom line, a deleted product or anything else: never a reason to refuse the order."""
    if isinstance(value, str) and value.startswith("gid://shopify/Product/"):
        value = value.rsplit("/", 1)[-1]
    return shopify_id(value)


def _kept(amount: Decimal, quantity: int, ordered: int) -> Decimal:
    """The share of a line's `amount` (for `ordered` units) that `quantity` units keep, to the cent
    rounded half-up (the stand-in's and a refund's rounding of a part of a line)."""
    if quantity >= ordered:
        return amount
    if not quantity:
        return Decimal(0)
    return (amount * quantity / ordered).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _sum_of(item: Mapping, path: str, at: tuple, side: str) -> Decimal:
    """The sum of the amounts a line's list holds (`path`: "list.money field", e.g. its tax lines' prices)."""
    field, money = path.split(".")
    total = Decimal(0)
    for entry in item.get(field) or []:
        total += _amount(amount_in(entry.get(money), side), at, path)
    return total


def refund_line_facts(line: Mapping, at: str, labels: Mapping[str, str]) -> RefundLineFacts:
    """A refund's line from `{id, line_item_id, quantity, subtotal, tax}` (`at`: where it is, for messages):
    returns are its subtotal, tax apart."""
    return RefundLineFacts(
        _id(line["id"], at, labels["refund_line_id"]),
        _id(line["line_item_id"], at, labels["line_item_id"]),
        _quantity(line["quantity"], at, labels["quantity"]),
        _amount(line["subtotal"], at, labels["subtotal"]),
        Decimal(0) if line["tax"] is None else _amount(line["tax"], at, labels["tax"]),
    )


def refund_facts(refund: Mapping, lines: list[RefundLineFacts], labels: Mapping[str, str]) -> RefundFacts:
    """A refund from `{id, order_id, created_at}` and its lines (`refund_line_facts`)."""
    _total(sum((line.subtotal for line in lines), Decimal(0)), "the refund's", "subtotal")
    _total(sum((line.tax for line in lines), Decimal(0)), "the refund's", "taxes")
    return RefundFacts(
        _id(refund["id"], labels["refund_id"]),
        _id(refund["order_id"], labels["order_id"]),
        _when(refund["created_at"], labels["refund_created_at"]),
        lines,
    )


# The checks. `what` names the field for the message, in parts joined only when a check fails (a line's
# place is (the lines' name, its index)): most values pass, and the message costs more than the check.


def _place(at) -> str:
    return f"{at[0]}[{at[1]}]" if isinstance(at, tuple) else at


def _name(what: tuple) -> str:
    return ".".join(_place(part) for part in what)


def _id(value, *what) -> str:
    out = shopify_id(value)
    if out is None:
        raise PayloadError(f"`{_name(what)}` must be an integer id")
    return out


def _plain(value, max_len: int) -> str:
    """A short label (order name, status) as text without control characters, cut to `max_len`."""
    return _CONTROL_RE.sub("", str(value or ""))[:max_len]


def _quantity(value, *what) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_QUANTITY:
        raise PayloadError(f"`{_name(what)}` must be a whole number from 0 to {MAX_QUANTITY:,}")
    return value


def _total(value: Decimal, *what) -> Decimal:
    """A computed figure (line total, order revenue) must stay within what the Money column holds."""
    if abs(value) > MAX_AMOUNT:
        raise PayloadError(f"{' '.join(_place(part) for part in what)} is beyond {MAX_AMOUNT:,}")
    return value


def _when(value, what: str, required: bool = True) -> datetime | None:
    if value in (None, ""):
        if required:
            raise PayloadError(f"`{what}` is missing")
        return None
    if not isinstance(value, str):
        raise PayloadError(f"`{what}` is not an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise PayloadError(f"`{what}` is not an ISO 8601 time") from exc
    if moment.tzinfo is None:
        raise PayloadError(f"`{what}` has no UTC offset")
    try:
        moment = moment.astimezone(UTC)
    except OverflowError as exc:
        raise PayloadError(f"`{what}` is outside the calendar in UTC") from exc
    if not order_times.allowed(moment):  # year 1 or 9999 broke every local day and month computed from it
        raise PayloadError(f"`{what}` ({moment.date().isoformat()}) must be {order_times.window_text()}")
    return moment


def _amount(amount, *what) -> Decimal:
    """A shop-currency amount as sent (`amount_in`): a decimal string or an integer, never a float."""
    if amount is MISSING:
        raise PayloadError(f"`{_name(what)}` has no shop-currency amount")
    if isinstance(amount, float):
        raise PayloadError(f"`{_name(what)}` is a float; Shopify sends decimal strings")
    if isinstance(amount, bool) or not isinstance(amount, (str, int)):
        raise PayloadError(f"`{_name(what)}` is not an amount")
    try:
        value = Decimal(amount)  # Decimal ignores surrounding whitespace itself
    except InvalidOperation as exc:
        raise PayloadError(f"`{_name(what)}` is not an amount") from exc
    if not in_range(value):
        raise PayloadError(
            f"`{_name(what)}` must be an amount from 0 to {MAX_AMOUNT:,} with at most 4 decimals"
        )
    return value
