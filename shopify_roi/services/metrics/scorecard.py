"""The scorecard: each creator's figures against the shop's targets (services/shops/settings.py holds them,
with their defaults)."""

from __future__ import annotations

from decimal import Decimal


def scores(figures: dict, targets: dict[str, Decimal]) -> dict:
    """Each scorecard figure against its target: "good" at or above the minimum, "poor" below, None
    without data. (A conversion or redemption rate above the typical range is better than the range, so
    it is good too.)"""

    def judge(value, minimum):
        return None if value is None else ("good" if value >= minimum else "poor")

    return {
        "roas": judge(figures["roas"], targets["roas_min"]),
        "conversion_rate": judge(figures["conversion_rate"], targets["conversion_rate_min"]),
        "redemption_rate": judge(figures["redemption_rate"], targets["redemption_rate_min"]),
        "aov": judge(figures["aov"], targets["aov_min"]),
        "repeat_rate_90d": judge(figures["repeat_rate_90d"], targets["repeat_rate_90d_min"]),
    }
