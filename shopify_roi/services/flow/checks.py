"""The daily Flow check of a shop: which creators' codes the code-leak check warns about, and which
creators' ROAS over the last 30 days (the shop's local days, today included) is below the shop's ROAS
target. Both come from the ROI table (services/metrics/table.py) over that window, so a trigger says what
the merchant's page says."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from shopify_roi.models import Shop
from shopify_roi.models.creator import ACTIVE
from shopify_roi.services.metrics import rollups, table
from shopify_roi.services.metrics.window import shop_zone

DAYS = 30
CENT = Decimal("0.01")  # payload figures: rounded half-up for display (METRICS.md)


@dataclass
class Findings:
    leaks: list[tuple[str, dict]] = field(default_factory=list)  # (event key, payload)
    below: list[tuple[str, dict]] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # event keys of creators back at or above target


def _number(value: Decimal) -> float:
    """A `number_decimal` field's JSON number: the exact figure rounded half-up to cents first, for display
    only (nothing is computed from it), so the float's shortest repr is those digits."""
    return float(value.quantize(CENT, ROUND_HALF_UP))


def _leak_reason(warning: dict) -> str:
    return " ".join(warning.get("evidence") or []) or f"{warning.get('level', '')} leak risk".strip()


def findings(session: Session, shop_id: int) -> Findings:
    """Leak warnings (one event per warned code) and creators below the ROAS target (one per creator
    while below). Refreshes the shop's rollup first (a write)."""
    shop = session.get(Shop, shop_id)
    rollups.refresh(session, shop)
    today = datetime.now(shop_zone(shop)).date()
    body = table.compute(session, shop, today - timedelta(days=DAYS - 1), today, today)
    target = Decimal(body["targets"]["roas_min"])
    out = Findings()
    for row in body["creators"]:
        if row["status"] != ACTIVE:
            continue
        warning = row.get("leak_warning")
        if warning and warning.get("code_id"):
            payload = {
                "Creator handle": row["handle"],
                "Discount code": warning["code"],
                "Reason": _leak_reason(warning),
            }
            out.leaks.append((f"code:{warning['code_id']}", payload))
        key = f"creator:{row['handle']}"
        if row.get("roas") is None:  # no spend in the window: ROAS undefined, neither below nor above
            continue
        roas = Decimal(row["roas"])
        if roas < target:
            payload = {
                "Creator handle": row["handle"],
                "ROAS": _number(roas),
                "ROAS target": _number(target),
                "Spend": _number(Decimal(row["spend"])),
            }
            out.below.append((key, payload))
        else:
            out.recovered.append(key)
    return out
