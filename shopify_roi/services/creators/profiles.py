"""A shop's creators: their fields checked, listing, editing, archiving.

Creating a creator together with its code is onboard.py; campaigns are campaigns.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import Creator
from shopify_roi.models.creator import ACTIVE, ARCHIVED
from shopify_roi.services import fields
from shopify_roi.services.creators.campaigns import campaign_by_name
from shopify_roi.services.errors import Invalid, NotFound

HANDLE_RE = re.compile(r"[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?")
RESERVED_HANDLES = {"import", "imports", "sync", "template.csv", "new", "adopt"}
MAX_CAMPAIGNS = 50  # per creator
PLATFORMS = (
    "instagram",
    "tiktok",
    "youtube",
    "pinterest",
    "twitter",
    "facebook",
    "twitch",
    "snapchat",
    "blog",
    "podcast",
    "newsletter",
    "other",
)


@dataclass
class CreatorFields:
    name: str | None = None
    handle: str | None = None
    platform: str | None = None
    followers: int | None = None
    commission_rate: Decimal | None = None  # fraction
    notes: str | None = None
    campaigns: list[str] | None = None
    present: set[str] = field(default_factory=set)
    cleared: set[str] = field(default_factory=set)  # sent empty on an edit: followers unknown again


def normalise_handle(value: str) -> str:
    return (value if isinstance(value, str) else "").strip().lstrip("@").lower()


def _percent(value, name: str, errors: dict) -> Decimal | None:
    """'10', '10%', 10 or '7.5' (percent) -> Decimal fraction 0.10; refuses floats and out-of-range."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = value.strip().rstrip("%").strip()
    number = fields.decimal(value, name, errors, "must be a percentage such as 10 or 7.5")
    if number is None:
        return None
    if not (Decimal(0) <= number <= Decimal(100)):
        errors[name] = "must be between 0 and 100"
        return None
    fraction = number / 100
    if fraction != fraction.quantize(Decimal("0.0001")):
        errors[name] = "at most two decimals of a percent"
        return None
    return fraction


def parse_creator(data: dict, *, partial: bool = False) -> CreatorFields:
    """Validate creator fields from JSON or a CSV row; raises Invalid naming every bad field."""
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    errors: dict[str, str] = {}
    out = CreatorFields(present={k for k in data if data.get(k) is not None})
    if "name" in data or not partial:
        out.name = fields.text(data.get("name"), "name", errors, max_len=255, required=True)
    if "handle" in data or not partial:
        handle = data.get("handle")
        out.handle = normalise_handle(handle if isinstance(handle, str) else "")
        if not HANDLE_RE.fullmatch(out.handle):
            errors["handle"] = "use 1-64 letters, digits, - or _ (it appears in links)"
        elif out.handle in RESERVED_HANDLES:
            errors["handle"] = "is reserved; choose another"
    if "platform" in data or not partial:
        platform = data.get("platform") or "instagram"
        out.platform = platform.strip().lower() if isinstance(platform, str) else ""
        if out.platform not in PLATFORMS:
            errors["platform"] = "must be one of " + ", ".join(PLATFORMS)
    if data.get("followers") not in (None, ""):
        out.followers = fields.whole(data["followers"], "followers", errors)
    elif partial and "followers" in data:
        out.cleared.add("followers")
    if "commission_rate" in data or "commission_percent" in data or not partial:
        out.commission_rate = _percent(
            data.get("commission_percent", data.get("commission_rate")), "commission_percent", errors
        )
        if out.commission_rate is None and "commission_percent" not in errors:
            out.commission_rate = Decimal(0)
    if "notes" in data:
        out.notes = fields.text(data.get("notes"), "notes", errors, max_len=5000)
    if data.get("campaigns") not in (None, ""):
        raw = data["campaigns"]
        names = raw if isinstance(raw, list) else raw.split("|") if isinstance(raw, str) else None
        if names is None or len(names) > MAX_CAMPAIGNS:
            errors["campaigns"] = f"must be a list of up to {MAX_CAMPAIGNS} campaign names"
        else:
            checked = [fields.text(n, "campaigns", errors, max_len=255) for n in names]
            out.campaigns = list(dict.fromkeys(n for n in checked if n))
    if errors:
        raise Invalid("Please correct the highlighted fields.", errors)
    return out


def get_creator(session: Session, shop_id: int, handle: str) -> Creator:
    creator = find_creator(session, shop_id, handle)
    if creator is None:
        raise NotFound("No such creator in this shop.")
    return creator


def find_creator(session: Session, shop_id: int, handle: str) -> Creator | None:
    """The shop's creator with this handle; None for any text that cannot be a handle (no query)."""
    key = normalise_handle(handle)
    if not HANDLE_RE.fullmatch(key):
        return None
    return session.scalar(select(Creator).where(Creator.shop_id == shop_id, Creator.handle == key))


def creator_row(session: Session, model, shop_id: int, creator_id: int, row_id: int, missing: str):
    """The row of `model` (a code, a link, a spend entry) with this id that belongs to this creator of
    this shop; NotFound(`missing`) for any other id, another creator's or another shop's included."""
    row = session.scalar(
        select(model).where(model.shop_id == shop_id, model.creator_id == creator_id, model.id == row_id)
    )
    if row is None:
        raise NotFound(missing)
    return row


def list_creators(session: Session, shop_id: int, include_archived: bool = False) -> list[Creator]:
    query = select(Creator).where(Creator.shop_id == shop_id).order_by(Creator.name, Creator.handle)
    if not include_archived:
        query = query.where(Creator.status == ACTIVE)
    return list(session.scalars(query))


def apply_fields(session: Session, shop_id: int, creator: Creator, fields: CreatorFields) -> Creator:
    """Copy validated fields onto a creator (handles never change after creation: links carry them)."""
    for name in ("name", "platform", "followers", "commission_rate", "notes"):
        value = getattr(fields, name)
        if value is not None or name in fields.present:
            setattr(creator, name, value if value is not None else getattr(creator, name))
    for name in fields.cleared:
        setattr(creator, name, None)
    if fields.campaigns is not None:
        creator.campaigns = [campaign_by_name(session, shop_id, n, create=True) for n in fields.campaigns]
    session.flush()
    return creator


def update_creator(session: Session, shop_id: int, handle: str, data: dict) -> Creator:
    creator = get_creator(session, shop_id, handle)
    if "handle" in data and normalise_handle(str(data["handle"])) != creator.handle:
        raise Invalid("A creator's handle cannot change: it is in their links.", {"handle": "cannot change"})
    return apply_fields(session, shop_id, creator, parse_creator(data, partial=True))


def set_archived(session: Session, shop_id: int, handle: str, archived: bool) -> Creator:
    creator = get_creator(session, shop_id, handle)
    creator.status = ARCHIVED if archived else ACTIVE
    session.flush()
    return creator
