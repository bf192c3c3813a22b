"""Creator profiles of a generated store (devstore/README.md, *Generated stores*): the keys a profile
may hold, its ``active_days`` windows (each may change the profile inside it, e.g. a surge), and the
profile in force at a moment. A key left out keeps the generator's default behaviour and draws nothing
from the random sequence, so an older request makes the same store."""

from __future__ import annotations

import random
from datetime import datetime

PROFILE_KEYS = (
    "handle",
    "code",
    "percent",
    "amount",
    "weight",
    "return_rate",
    "full_refund_share",
    "repeat_rate",
    "comeback_rate",
    "comeback_days",
    "comeback_max",
    "link_share",
    "no_link_share",
    "referrers",
    "lines",
    "aov",
    "active_days",
)
WINDOW_KEYS = tuple(
    k
    for k in PROFILE_KEYS
    if k
    not in (
        "handle",
        "code",
        "percent",
        "amount",
        "active_days",
        "repeat_rate",
        "comeback_rate",
        "comeback_days",
        "comeback_max",
    )
)


def parse_windows(creator: dict) -> list[tuple[float, float, dict]] | None:
    """``active_days`` as (from_day, to_day, overrides): ``[a, b]``, a list of them, or dicts
    ``{"from": a, "to": b, <profile keys valid inside>}``; None when always active."""
    spec = creator.get("active_days")
    if spec is None:
        return None
    if isinstance(spec, (list, tuple)) and len(spec) == 2 and all(isinstance(x, (int, float)) for x in spec):
        spec = [spec]
    out = []
    for window in spec:
        if isinstance(window, dict):
            extra = {k: v for k, v in window.items() if k not in ("from", "to")}
            unknown = set(extra) - set(WINDOW_KEYS)
            if unknown:
                raise ValueError(f"active_days of {creator.get('handle')}: unknown keys {sorted(unknown)}")
            out.append((float(window["from"]), float(window["to"]), extra))
        else:
            lo, hi = window
            out.append((float(lo), float(hi), {}))
    return out


class Profiles:
    """The creators of one generation and their windows, checked once."""

    def __init__(self, creators: list[dict], start: datetime):
        self.creators, self.start = creators, start
        for creator in self.creators:
            unknown = set(creator) - set(PROFILE_KEYS)
            if unknown:
                raise ValueError(f"creator {creator.get('handle')}: unknown keys {sorted(unknown)}")
        self.windows = {id(c): parse_windows(c) for c in self.creators}

    def at(self, creator: dict, when: datetime) -> dict | None:
        """The creator's profile at ``when`` (with its window's overrides), None when inactive."""
        windows = self.windows[id(creator)]
        if windows is None:
            return creator
        day = (when - self.start).total_seconds() / 86400
        for lo, hi, extra in windows:
            if lo <= day < hi:
                return {**creator, **extra} if extra else creator
        return None

    def pick(self, rng: random.Random, when: datetime) -> dict | None:
        """A creator active at ``when`` (its profile there), drawn by weight; None when none is."""
        if not any(w is not None for w in self.windows.values()):
            weights = [float(c.get("weight", 1)) for c in self.creators]
            return rng.choices(self.creators, weights=weights)[0]
        active = [p for p in (self.at(c, when) for c in self.creators) if p is not None]
        weights = [float(p.get("weight", 1)) for p in active]
        if not active or sum(weights) <= 0:
            return None
        return rng.choices(active, weights=weights)[0]
