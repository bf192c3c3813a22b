"""Order and refund webhook bodies (REST shapes) turned into facts, per METRICS.md.

Money comes only from the `shop_money` side of `*_set` fields, as Decimal; the presentment side
and bare amount fields are never summed. Ids are kept as the exact digits sent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs, urlsplit

from shopify_roi.money import MAX_AMOUNT, in_range
from shopify_roi.services.webhooks.inbox import PayloadError

MAX_QUANTITY = 1_000_000_000  # INTEGER columns; far above any real line
_ID_RE = re.compile(r"[0-9]{1,20}")  # Shopify ids are unsigned 64-bit integers
_CURRENCY_RE = re.compile(r"[A-Z]{3}")
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
LINK_PARAMS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "ref")


@dataclass
class LineFacts:
    shopify_id: str
    quantity: int
    price: Decimal
    discount: Decimal
    tax: Decimal


@dataclass
class OrderFacts:
    shopify_id: str
    name: str
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    financial_status: str
    test: bool
    taxes_included: bool
    currency: str
    customer_id: str | None
    tags: list[str]
    lines: list[LineFacts]
    signals: dict
    refunds: list[RefundFacts] = field(default_factory=list)

    @property
    def gross(self) -> Decimal:
        return sum((l.price * l.quantity for l in self.lines), Decimal(0))

    @property
    def discounts(self) -> Decimal:
        return sum((l.discount for l in self.lines), Decimal(0))

    @property
    def line_tax(self) -> Decimal:
        return sum((l.tax for l in self.lines), Decimal(0))

    @property
    def revenue(self) -> Decimal:
        """Goods net of discounts and, where prices include tax, of the tax on the lines."""
        return self.gross - self.discounts - (self.line_tax if self.taxes_included else Decimal(0))

    @property
    def voided(self) -> bool:
        return self.financial_status == "voided"


@dataclass
class RefundLineFacts:
    shopify_id: str
    line_shopify_id: str
    quantity: int
    subtotal: Decimal
    tax: Decimal


@dataclass
class RefundFacts:
    shopify_id: str
    order_shopify_id: str
    created_at: datetime
    lines: list[RefundLineFacts]


def shopify_id(value) -> str | None:
    """The id as its exact digits, or None when `value` is not a Shopify id."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not _ID_RE.fullmatch(str(value)):
        return None
    return str(value)


def _id(value, what: str) -> str:
    out = shopify_id(value)
    if out is None:
        raise PayloadError(f"`{what}` must be an integer id")
    return out


def _plain(value, max_len: int) -> str:
    """A short label (order name, status) as text without control characters, cut to `max_len`."""
    return _CONTROL_RE.sub("", str(value or ""))[:max_len]


def _quantity(value, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_QUANTITY:
        raise PayloadError(f"`{what}` must be a whole number from 0 to {MAX_QUANTITY:,}")
    return value


def _total(value: Decimal, what: str) -> Decimal:
    """A computed figure (line total, order revenue) must stay within what the Money column holds."""
    if abs(value) > MAX_AMOUNT:
        raise PayloadError(f"{what} is beyond {MAX_AMOUNT:,}")
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
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise PayloadError(f"`{what}` is outside the calendar in UTC") from exc


def shop_money(money_set, what: str) -> Decimal:
    """The shop-currency amount of a `*_set` field (a decimal string)."""
    try:
        amount = money_set["shop_money"]["amount"]
    except (TypeError, KeyError) as exc:
        raise PayloadError(f"`{what}` has no shop_money amount") from exc
    if isinstance(amount, float):
        raise PayloadError(f"`{what}` is a float; Shopify sends decimal strings")
    if isinstance(amount, bool) or not isinstance(amount, (str, int)):
        raise PayloadError(f"`{what}` is not an amount")
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as exc:
        raise PayloadError(f"`{what}` is not an amount") from exc
    if not in_range(value):
        raise PayloadError(f"`{what}` must be an amount from 0 to {MAX_AMOUNT:,} with at most 4 decimals")
    return value


def link_signals(landing_site: str | None) -> dict:
    """utm_* and ref from the landing page's query string (the other parameters are ignored)."""
    if not landing_site:
        return {}
    query = parse_qs(urlsplit(str(landing_site)).query)
    return {k: query[k][0].strip() for k in LINK_PARAMS if query.get(k) and query[k][0].strip()}


def parse_order(body: dict) -> OrderFacts:
    """A full order body (orders/create, updated, paid, cancelled). Raises PayloadError."""
    if not isinstance(body.get("line_items"), list):
        raise PayloadError("`line_items` is missing")
    refunded: dict[str, int] = {}
    for refund in body.get("refunds") or []:
        for r in (refund.get("refund_line_items") or []) if isinstance(refund, dict) else []:
            if isinstance(r, dict) and isinstance(r.get("quantity"), int):
                refunded[str(r.get("line_item_id"))] = (
                    refunded.get(str(r.get("line_item_id")), 0) + r["quantity"]
                )
    lines = []
    for i, item in enumerate(body["line_items"]):
        if not isinstance(item, dict):
            raise PayloadError(f"line_items[{i}] is not an object")
        ordered = _quantity(item.get("quantity"), f"line_items[{i}].quantity")
        # `current_quantity` drops with edits AND with refunds; a refund is a return, never an edit
        # (METRICS.md), so the quantity sold is what is left plus what was refunded.
        current = item.get("current_quantity")
        if current is not None and not isinstance(current, bool):
            current = _quantity(current, f"line_items[{i}].current_quantity")
        quantity = (
            ordered
            if not isinstance(current, int)
            else min(ordered, current + refunded.get(str(item.get("id")), 0))
        )
        if quantity < 0:
            raise PayloadError(f"line_items[{i}] has more refunded than left")
        discount = sum(
            (
                shop_money(a.get("amount_set"), f"line_items[{i}].discount_allocations.amount_set")
                for a in item.get("discount_allocations") or []
            ),
            Decimal(0),
        )
        if quantity < ordered:  # removed by an edit: its share of the discount goes with it
            discount = (discount * quantity / ordered).quantize(Decimal("0.01")) if quantity else Decimal(0)
        tax = sum(
            (
                shop_money(t.get("price_set"), f"line_items[{i}].tax_lines.price_set")
                for t in item.get("tax_lines") or []
            ),
            Decimal(0),
        )
        price = shop_money(item.get("price_set"), f"line_items[{i}].price_set")
        _total(price * quantity, f"line_items[{i}] price x quantity")
        _total(discount, f"line_items[{i}] discounts")
        _total(tax, f"line_items[{i}] taxes")
        lines.append(LineFacts(_id(item.get("id"), f"line_items[{i}].id"), quantity, price, discount, tax))
    customer = body.get("customer") if isinstance(body.get("customer"), dict) else None
    signals = {
        "codes": [str(d.get("code", "")) for d in body.get("discount_codes") or [] if isinstance(d, dict)],
        "landing_site": body.get("landing_site"),
        "referring_site": body.get("referring_site"),
        "note_attributes": [
            {"name": a.get("name"), "value": a.get("value")}
            for a in body.get("note_attributes") or []
            if isinstance(a, dict)
        ],
        **link_signals(body.get("landing_site")),
    }
    currency = (
        ((body.get("total_price_set") or {}).get("shop_money") or {}).get("currency_code")
        or body.get("currency")
        or ""
    )
    if currency and not (isinstance(currency, str) and _CURRENCY_RE.fullmatch(currency)):
        raise PayloadError("`currency` is not an ISO 4217 code")
    tags = [t.strip() for t in str(body.get("tags") or "").split(",") if t.strip()]
    facts = OrderFacts(
        shopify_id=_id(body.get("id"), "id"),
        name=_plain(body.get("name"), 64),
        created_at=_when(body.get("created_at"), "created_at"),
        updated_at=_when(body.get("updated_at") or body.get("created_at"), "updated_at"),
        cancelled_at=_when(body.get("cancelled_at"), "cancelled_at", required=False),
        financial_status=_plain(body.get("financial_status"), 32),
        test=bool(body.get("test")),
        taxes_included=bool(body.get("taxes_included")),
        currency=str(currency),
        customer_id=_id(customer["id"], "customer.id")
        if customer and customer.get("id") is not None
        else None,
        tags=tags,
        lines=lines,
        signals=signals,
    )
    facts.refunds = [
        parse_refund({**r, "order_id": r.get("order_id", body.get("id"))}) for r in body.get("refunds") or []
    ]
    for figure in ("gross", "discounts", "line_tax", "revenue"):
        _total(getattr(facts, figure), f"the order's {figure}")
    return facts


def parse_refund(body: dict) -> RefundFacts:
    """A refunds/create body: returns are the refunded lines' `subtotal_set` (tax apart)."""
    lines = []
    for i, item in enumerate(body.get("refund_line_items") or []):
        if not isinstance(item, dict):
            raise PayloadError(f"refund_line_items[{i}] is not an object")
        quantity = _quantity(item.get("quantity"), f"refund_line_items[{i}].quantity")
        lines.append(
            RefundLineFacts(
                _id(item.get("id"), f"refund_line_items[{i}].id"),
                _id(item.get("line_item_id"), f"refund_line_items[{i}].line_item_id"),
                quantity,
                shop_money(item.get("subtotal_set"), f"refund_line_items[{i}].subtotal_set"),
                shop_money(item.get("total_tax_set"), f"refund_line_items[{i}].total_tax_set")
                if item.get("total_tax_set")
                else Decimal(0),
            )
        )
    _total(sum((line.subtotal for line in lines), Decimal(0)), "the refund's subtotal")
    _total(sum((line.tax for line in lines), Decimal(0)), "the refund's taxes")
    return RefundFacts(
        _id(body.get("id"), "id"),
        _id(body.get("order_id"), "order_id"),
        _when(body.get("created_at"), "created_at"),
        lines,
    )


def signals_json(signals: dict) -> str:
    return json.dumps(signals, sort_keys=True)


def anonymous_signals(signals_json: str) -> str:
    """The signals attribution and the leak check read (codes, UTMs and ref, the referrer's host), nothing else."""
    try:
        signals = json.loads(signals_json or "{}")
    except ValueError:
        signals = {}
    if not isinstance(signals, dict):
        signals = {}
    landing = signals.get("landing_site")
    referrer = urlsplit(str(signals.get("referring_site") or ""))
    kept = {
        "codes": [str(c) for c in signals.get("codes") or []]
        if isinstance(signals.get("codes"), list)
        else [],
        "landing_site": None,
        "note_attributes": [],
        "referring_site": f"{referrer.scheme}://{referrer.netloc}/"
        if referrer.scheme and referrer.netloc
        else None,
        **link_signals(landing if isinstance(landing, str) else None),
    }
    return json.dumps(kept, sort_keys=True)
