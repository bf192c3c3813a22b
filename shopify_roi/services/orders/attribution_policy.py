"""A shop's attribution policy: its rule order, the `Attributor` that applies it with the shop's codes and
handles (attribution.py holds the pure rules, METRICS.md "Attribution"), and the re-attribution of the
orders held when codes, creators or the order change.
"""

from __future__ import annotations

import json

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shopify_roi.models import AttributionPolicy, Creator, DiscountCode, Order, Shop
from shopify_roi.models.discount import PENDING
from shopify_roi.services.errors import Invalid
from shopify_roi.services.metrics import leaks, rollups
from shopify_roi.services.metrics.window import shop_zone
from shopify_roi.services.orders import attribution, pixel_signal
from shopify_roi.services.orders.signals import signals_json


class Attributor:
    """The shop's creator codes, handles and precedence, loaded once per batch."""

    def __init__(self, session: Session, shop_id: int):
        self.code_owners = dict(
            session.execute(
                select(DiscountCode.attribution_key, DiscountCode.creator_id)
                .where(DiscountCode.shop_id == shop_id, DiscountCode.status != PENDING)
                .order_by(DiscountCode.id)
            ).all()
        )
        self.handle_owners = dict(
            session.execute(select(Creator.handle, Creator.id).where(Creator.shop_id == shop_id)).all()
        )
        self.handles = {cid: handle for handle, cid in self.handle_owners.items()}
        self.precedence = precedence_of(session, shop_id)

    def __call__(self, signals: dict) -> attribution.Attribution:
        return attribution.attribute(signals, self.code_owners, self.handle_owners, self.precedence)

    def leak_signals(self, signals: dict, winner: int | None) -> tuple[str, bool, str]:
        """What the code-leak check reads of an order: the winner's code it used (else its first code),
        whether its ref, utm_content or pixel signal names the winner, and the referring site's host."""
        used = [str(c).strip().upper() for c in signals.get("codes") or []]
        code = next(
            (c for c in used if winner is not None and self.code_owners.get(c) == winner),
            used[0] if used else "",
        )
        named = {str(signals.get(k) or "").strip().lower() for k in ("ref", "utm_content", "pixel")}
        has_link = winner is not None and self.handles.get(winner) in named
        return code[:64], has_link, leaks.host(signals.get("referring_site"))[:255]


def precedence_of(session: Session, shop_id: int) -> tuple[str, ...]:
    """The shop's rule order (the default when it has set none)."""
    policy = session.get(AttributionPolicy, shop_id)
    return attribution.parse_precedence(policy.precedence if policy else None)


def set_precedence(session: Session, shop_id: int, steps) -> tuple[str, ...]:
    """Store the shop's rule order; it must name each of code and link once, and may place pixel (left out,
    it goes just before link)."""
    if (
        not isinstance(steps, list)
        or not all(isinstance(s, str) for s in steps)
        or len(set(steps)) != len(steps)
        or not {attribution.CODE, attribution.LINK} <= set(steps) <= set(attribution.RULES)
    ):
        raise Invalid(
            'precedence must list "code", "pixel" and "link" ("pixel" may be left out), once each, in the'
            " order they apply.",
            {"precedence": "code, pixel, link"},
        )
    full = attribution.complete_precedence(steps)
    policy = session.get(AttributionPolicy, shop_id) or AttributionPolicy(shop_id=shop_id)
    policy.precedence = ",".join(full)
    session.add(policy)
    session.flush()
    return full


_ATTRIBUTED = (
    Order.creator_id,
    Order.rule,
    Order.contested,
    Order.signal_code,
    Order.signal_link,
    Order.referrer_host,
)


def reattribute(session: Session, shop_id: int, batch_size: int = 2000) -> int:
    """Recompute every order's attribution from its stored signals (codes or policy changed); the rollup
    days of the orders whose attribution moved are marked. Returns how many changed creator or rule."""
    attributor = Attributor(session, shop_id)
    changed, last_id, tz = 0, 0, shop_zone(session.get(Shop, shop_id))
    while True:
        rows = session.execute(
            select(Order.id, Order.created_at, Order.signals, *_ATTRIBUTED)
            .where(Order.shop_id == shop_id, Order.id > last_id)
            .order_by(Order.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return changed
        changed += _apply(session, shop_id, attributor, tz, rows, {})
        last_id = rows[-1][0]


def reattribute_orders(session: Session, shop_id: int, touches: dict[str, str]) -> tuple[int, set[str]]:
    """Add the pixel's signal (order id -> handle) to the orders held and attribute them again. Returns how
    many changed creator or rule, and the order ids not held (yet)."""
    if not touches:
        return 0, set()
    rows = session.execute(
        select(Order.id, Order.created_at, Order.signals, *_ATTRIBUTED, Order.shopify_id)
        .where(Order.shop_id == shop_id, Order.shopify_id.in_(sorted(touches)))
        .order_by(Order.id)
    ).all()
    handles = {row[0]: touches[row[-1]] for row in rows}
    tz = shop_zone(session.get(Shop, shop_id))
    changed = _apply(session, shop_id, Attributor(session, shop_id), tz, [row[:-1] for row in rows], handles)
    return changed, set(touches) - {row[-1] for row in rows}


def _apply(session: Session, shop_id: int, attributor: Attributor, tz, rows, pixel: dict[int, str]) -> int:
    """Attribute these (id, created_at, signals, *attributed) rows again, `pixel`: row id -> the pixel's
    handle to add to its signals; writes what moved and marks its rollup days."""
    changed, moved = 0, []
    for oid, created, raw, creator_id, rule, contested, *leak in rows:
        stored = json.loads(raw or "{}")
        signals = pixel_signal.with_pixel(stored, pixel.get(oid))
        won = attributor(signals)
        new = (won.creator_id, won.rule, json.dumps(list(won.contested)))
        new_leak = attributor.leak_signals(signals, won.creator_id)
        if new != (creator_id, rule, contested) or new_leak != tuple(leak) or signals is not stored:
            values = dict(zip((c.key for c in _ATTRIBUTED), (*new, *new_leak), strict=True))
            if signals is not stored:
                values["signals"] = signals_json(signals)
            session.execute(update(Order).where(Order.id == oid, Order.shop_id == shop_id).values(values))
            changed += new != (creator_id, rule, contested)
            moved.append(created)
    rollups.mark(session, shop_id, rollups.local_days(tz, moved))
    return changed
