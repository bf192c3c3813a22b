"""How the demo describes a creator: who it is, its code and discount, its campaigns, its profile for
the stand-in's generator, its spend entries and how its links are clicked."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Creator:
    role: str
    handle: str
    name: str
    platform: str
    followers: int
    commission: str  # percent of net revenue
    code: str
    discount: dict  # {"percent_off": "15"} or {"amount_off": "10.00"}
    campaigns: tuple[str, ...]
    starts_day: int  # the code is valid from this day of the history
    profile: dict | None  # the generator's creator profile (devstore/README.md); None: no orders
    spend: tuple = ()  # (day, {"kind", "amount" | "units", "unit_cost", "shipping", "note", "campaign"})
    conversion: float | None = None  # orders ÷ clicks over the last 30 days (sizes the clicks)
    clicks: int | None = None  # or a fixed number of clicks
    placements: tuple[str, ...] = ("post",)
    notes: str = ""


def fee(day: int, amount: str, note: str, campaign: str | None = None) -> tuple:
    return day, {
        "kind": "fee",
        "amount": amount,
        "note": note,
        **({"campaign": campaign} if campaign else {}),
    }


def seeding(day: int, units: int, unit_cost: str, shipping: str, campaign: str | None = None) -> tuple:
    return day, {
        "kind": "seeding",
        "units": units,
        "unit_cost": unit_cost,
        "shipping": shipping,
        "note": f"{units} gifted items",
        **({"campaign": campaign} if campaign else {}),
    }


def other(day: int, amount: str, note: str, campaign: str | None = None) -> tuple:
    return day, {
        "kind": "other",
        "amount": amount,
        "note": note,
        **({"campaign": campaign} if campaign else {}),
    }
