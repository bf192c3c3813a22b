"""A shop's scorecard targets (defaults from METRICS.md), gross margin (for breakeven CAC) and whether the
app writes the creator metafields to Shopify (`creator_metafields`: off until the merchant turns it on;
it needs the optional write_orders and write_customers scopes, listed as `missing_scopes` until granted) and
whether it shows the campaigns on Shopify's analytics charts (`analytics_annotations`: annotations and
targets, off until turned on; it needs the optional write_analytics_annotations and write_reports scopes)
and whether it sends the creators to Shopify's Marketing reports (`marketing_activities`: off until turned
on; it needs the optional write_marketing_events scope), and
whether it sends its Shopify Flow triggers (`flow_triggers`: off until turned on; events from then on), and
the creator pixel (`creator_pixel`, services/pixel/settings.py), and the payouts' return window (`payouts`,
services/payouts/settings.py)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import Shop, ShopSettings
from shopify_roi.services.errors import Invalid
from shopify_roi.services.payouts import settings as payout_settings
from shopify_roi.services.pixel import settings as pixel_settings
from shopify_roi.services.pixel.settings import PixelState
from shopify_roi.services.seeding import follow_up as seeding_follow_up

# METRICS.md: ROAS >= 3.0, conversion rate 1.5-5 %, redemption 2-10 %, AOV >= 70, 90-day repeat >= 15 %.
DEFAULT_TARGETS: dict[str, Decimal] = {
    "roas_min": Decimal("3.0"),
    "conversion_rate_min": Decimal("0.015"),
    "conversion_rate_max": Decimal("0.05"),
    "redemption_rate_min": Decimal("0.02"),
    "redemption_rate_max": Decimal("0.10"),
    "aov_min": Decimal("70"),
    "repeat_rate_90d_min": Decimal("0.15"),
}
RATIO_TARGETS = {k for k in DEFAULT_TARGETS if "rate" in k}
LIMIT = Decimal("1000000")


class Settings:
    """What the metrics need: every target (merchant's or default) and the margin (None = unknown)."""

    def __init__(
        self,
        targets: dict[str, Decimal],
        gross_margin: Decimal | None,
        metafields: bool = False,
        missing=(),
        marks: bool = False,
        marks_missing=(),
        marketing: bool = False,
        marketing_missing=(),
        flow_since=None,
        pixel: PixelState | None = None,
        pixel_changed: bool = False,
        hold_days: int | None = None,
        seeding_days: int | None = None,
    ):
        self.targets = targets
        self.gross_margin = gross_margin
        self.metafields = metafields
        self.missing_scopes = list(missing)
        self.marks = marks
        self.marks_missing_scopes = list(marks_missing)
        self.marketing = marketing
        self.marketing_missing = list(marketing_missing)
        self.flow_since = flow_since  # when the Flow triggers were turned on; None: off
        self.pixel = pixel  # the creator pixel (services/pixel/settings.py)
        self.pixel_changed = pixel_changed  # saved with a change Shopify's web pixel must follow
        self.hold_days = hold_days  # the payouts' return window (services/payouts/settings.py)
        self.seeding_days = seeding_days  # seeding follow-up (services/seeding/follow_up.py)

    def as_json(self) -> dict:
        return {
            "targets": {k: str(v) for k, v in self.targets.items()},
            "gross_margin": str(self.gross_margin) if self.gross_margin is not None else None,
            "creator_metafields": {"enabled": self.metafields, "missing_scopes": self.missing_scopes},
            "analytics_annotations": {"enabled": self.marks, "missing_scopes": self.marks_missing_scopes},
            "marketing_activities": {"enabled": self.marketing, "missing_scopes": self.marketing_missing},
            "flow_triggers": {"enabled": self.flow_since is not None, "missing_scopes": []},  # needs no scope
            **({"creator_pixel": self.pixel.as_json()} if self.pixel is not None else {}),
            **({"payouts": {"hold_days": self.hold_days}} if self.hold_days is not None else {}),
            **({"seeding": {"follow_up_days": self.seeding_days}} if self.seeding_days is not None else {}),
        }


METAFIELD_SCOPES = ("write_orders", "write_customers")
MARK_SCOPES = ("write_analytics_annotations", "write_reports")
MARKETING_SCOPES = ("write_marketing_events",)


def _missing_scopes(session: Session, shop_id: int, scopes=METAFIELD_SCOPES) -> list[str]:
    shop = session.get(Shop, shop_id)
    granted = shop.scope_set if shop is not None else set()
    return [s for s in scopes if s not in granted]


def _metafields_choice(data: dict, current: bool, errors: dict, name: str = "creator_metafields") -> bool:
    """`"<name>": {"enabled": true|false}` (absent: unchanged)."""
    if name not in data:
        return current
    given = data[name]
    if not isinstance(given, dict) or not isinstance(given.get("enabled"), bool):
        errors[name] = 'must be {"enabled": true} or {"enabled": false}'
        return current
    return given["enabled"]


def load(session: Session, shop_id: int) -> Settings:
    row = session.scalar(select(ShopSettings).where(ShopSettings.shop_id == shop_id))
    targets = dict(DEFAULT_TARGETS)
    if row is not None:
        targets.update(
            {k: Decimal(v) for k, v in json.loads(row.targets or "{}").items() if k in DEFAULT_TARGETS}
        )
    on = bool(row is not None and row.metafields)
    return Settings(
        targets,
        row.gross_margin if row is not None else None,
        on,
        _missing_scopes(session, shop_id),
        bool(row is not None and row.analytics_marks),
        _missing_scopes(session, shop_id, MARK_SCOPES),
        bool(row is not None and row.marketing),
        _missing_scopes(session, shop_id, MARKETING_SCOPES),
        row.flow_triggers_since if row is not None else None,
        pixel_settings.load(session, shop_id),
        hold_days=payout_settings.hold_days(session, shop_id),
        seeding_days=seeding_follow_up.follow_up_days(session, shop_id),
    )


def _decimal(value, name: str, errors: dict, low: Decimal, high: Decimal) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        errors[name] = 'must be a number given as a string, such as "3.0"'
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[name] = "must be a number such as 3.0"
        return None
    if not number.is_finite() or not (low <= number <= high) or number != number.quantize(Decimal("0.0001")):
        errors[name] = f"must be between {low} and {high}, at most 4 decimals"
        return None
    return number


def _targets(current: dict[str, Decimal], data: dict, errors: dict) -> dict[str, Decimal]:
    """The targets with the ones `data` sends (each bad one named in `errors`)."""
    targets = dict(current)
    given = data.get("targets", {})
    if not isinstance(given, dict):
        errors["targets"] = "must be an object of target names to values"
        given = {}
    for name, value in given.items():
        if name not in DEFAULT_TARGETS:
            errors[f"targets.{str(name)[:64]}"] = "unknown target; one of " + ", ".join(DEFAULT_TARGETS)
            continue
        number = _decimal(
            value, f"targets.{name}", errors, Decimal(0), Decimal(1) if name in RATIO_TARGETS else LIMIT
        )
        if number is not None:
            targets[name] = number
    return targets


def _checked_targets(current: dict[str, Decimal], data: dict, errors: dict) -> dict[str, Decimal]:
    """`_targets`, with each range's minimum not above its maximum."""
    targets = _targets(current, data, errors)
    for low, high in (
        ("conversion_rate_min", "conversion_rate_max"),
        ("redemption_rate_min", "redemption_rate_max"),
    ):
        if targets[low] > targets[high]:
            errors[f"targets.{low}"] = f"must not be above {high}"
    return targets


def update(session: Session, shop_id: int, data) -> Settings:
    """`{"targets": {name: "value"}, "gross_margin": "0.55" | null, ...}`: all or nothing (400 names each)."""
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    errors: dict[str, str] = {}
    current = load(session, shop_id)
    targets = _checked_targets(current.targets, data, errors)
    margin = current.gross_margin
    if "gross_margin" in data:
        raw = data["gross_margin"]
        margin = None if raw in (None, "") else _decimal(raw, "gross_margin", errors, Decimal(0), Decimal(1))
    metafields = _metafields_choice(data, current.metafields, errors)
    marks = _metafields_choice(data, current.marks, errors, "analytics_annotations")
    marketing = _metafields_choice(data, current.marketing, errors, "marketing_activities")
    flow_on = _metafields_choice(data, current.flow_since is not None, errors, "flow_triggers")
    pixel_on, window = (
        pixel_settings.check(data["creator_pixel"], errors) if "creator_pixel" in data else (None, None)
    )
    hold_days = payout_settings.check(data["payouts"], errors) if "payouts" in data else None
    seeding_days = seeding_follow_up.check_days(data["seeding"], errors) if "seeding" in data else None
    if errors:
        raise Invalid("Settings not saved: " + "; ".join(f"{k} {v}" for k, v in errors.items()), errors)
    row = session.scalar(select(ShopSettings).where(ShopSettings.shop_id == shop_id))
    if row is None:
        row = ShopSettings(shop_id=shop_id)
        session.add(row)
    row.targets = json.dumps(
        {k: str(v) for k, v in targets.items() if v != DEFAULT_TARGETS[k]}, sort_keys=True
    )
    row.gross_margin = margin
    row.metafields = metafields
    row.analytics_marks = marks
    row.marketing = marketing
    # turned on: events from now on are sent (services/flow/triggers.py); kept while it stays on
    row.flow_triggers_since = (row.flow_triggers_since or utcnow()) if flow_on else None
    session.flush()
    pixel, pixel_changed = (
        pixel_settings.save(session, shop_id, pixel_on, window)
        if "creator_pixel" in data
        else (pixel_settings.load(session, shop_id), False)
    )
    return Settings(
        targets,
        margin,
        metafields,
        current.missing_scopes,
        marks,
        current.marks_missing_scopes,
        marketing,
        current.marketing_missing,
        row.flow_triggers_since,
        pixel,
        pixel_changed,
        payout_settings.save(session, shop_id, hold_days) if hold_days is not None else current.hold_days,
        seeding_follow_up.save_days(session, row, seeding_days),
    )
