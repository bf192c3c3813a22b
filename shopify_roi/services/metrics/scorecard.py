"""The scorecard: each creator's figures against the shop's targets (services/shops/settings.py holds them,
with their defaults)."""

from __future__ import annotations

from decimal import Decimal

GOOD, POOR, ABOVE = "good", "poor", "above"


def judge(value: Decimal | None, minimum: Decimal, maximum: Decimal | None = None) -> str | None:
    """A figure against its target: None without data; "poor" below the minimum; with a range target
    (METRICS.md: conversion rate 1.5-5 %), "above" past its maximum (77.5 % is out of the range, not a
    figure that meets it: too few clicks counted, or orders from elsewhere); "good" otherwise."""
    if value is None:
        return None
    if value < minimum:
        return POOR
    return ABOVE if maximum is not None and value > maximum else GOOD


def scores(figures: dict, targets: dict[str, Decimal]) -> dict:
    """Each scorecard figure against its target, both ends of a range checked: "good", "poor", "above"
    (a range's figure past its maximum) or None without data."""
    return {
        "roas": judge(figures["roas"], targets["roas_min"]),
        "conversion_rate": judge(
            figures["conversion_rate"], targets["conversion_rate_min"], targets["conversion_rate_max"]
        ),
        "redemption_rate": judge(
            figures["redemption_rate"], targets["redemption_rate_min"], targets["redemption_rate_max"]
        ),
        "aov": judge(figures["aov"], targets["aov_min"]),
        "repeat_rate_90d": judge(figures["repeat_rate_90d"], targets["repeat_rate_90d_min"]),
    }
