"""Shopify's GraphQL Admin rate limit: a leaky bucket per shop (and app), sized by the shop's plan.

Source: shopify.dev "GraphQL Admin API rate limits"
(https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): "Each combination of app and
store is given a bucket size and restore rate based on the store's plan" - Standard 100
points/second, Advanced Shopify 200, Shopify Plus 1000, Shopify for enterprise (Commerce
Components) 2000. The page gives no bucket sizes; real answers show ``maximumAvailable`` 2000.0
with ``restoreRate`` 100.0 (a standard shop) and 20000.0 with 1000.0 (a Plus shop), i.e. twenty
seconds of restore, which the stand-in applies to every plan. "Before execution begins, an app's
bucket must have enough capacity for the requested cost of a query. When execution is complete,
the bucket is refunded the difference between the requested cost and the actual cost." The cost
itself is computed in ``devstore.admin.query_cost``.
"""

from __future__ import annotations

from dataclasses import dataclass

from devstore.admin.query_cost import MUTATION_COST, requested_cost

PLANS = {  # plan -> restore rate in points/second (the doc's table)
    "standard": 100.0,
    "advanced": 200.0,
    "plus": 1000.0,
    "enterprise": 2000.0,
}
BUCKET_SECONDS = 20  # maximumAvailable = 20 x restoreRate, as real answers show
SINGLE_QUERY_MAX_COST = 1000  # "A single query may not exceed a cost of 1,000 points"
DEFAULT_MAXIMUM = BUCKET_SECONDS * PLANS["standard"]
DEFAULT_RESTORE_RATE = PLANS["standard"]


def plan_limits(plan: str) -> tuple[float, float]:
    """(maximum, restore rate) of a plan; KeyError names the plans for an unknown one."""
    key = (plan or "").strip().lower()
    if key not in PLANS:
        raise KeyError(f"unknown plan {plan!r}: one of {', '.join(PLANS)}")
    return BUCKET_SECONDS * PLANS[key], PLANS[key]


@dataclass
class LeakyBucket:
    """Points available to one shop; refills at ``restore_rate`` points/s up to ``maximum``.

    Not thread-safe by itself: callers hold the store lock.
    """

    maximum: float = DEFAULT_MAXIMUM
    restore_rate: float = DEFAULT_RESTORE_RATE
    available: float = DEFAULT_MAXIMUM
    updated_at: float = 0.0

    def refill(self, now: float) -> None:
        """Add what leaked back since the last call (never above ``maximum``)."""
        if self.updated_at:
            self.available = min(
                self.maximum,
                self.available + (now - self.updated_at) * self.restore_rate,
            )
        self.updated_at = now

    def try_take(self, cost: float, now: float) -> bool:
        """Deduct ``cost`` and return True if that many points are available, else False."""
        self.refill(now)
        if cost > self.available:
            return False
        self.available -= cost
        return True

    def refund(self, points: float) -> None:
        """Give back what a query did not use (requested minus actual), never above ``maximum``."""
        self.available = min(self.maximum, self.available + max(points, 0))

    def reset(self, maximum: float | None = None, restore_rate: float | None = None) -> None:
        """Set new limits (None keeps the current one) and fill the bucket."""
        if maximum is not None:
            self.maximum = float(maximum)
        if restore_rate is not None:
            self.restore_rate = float(restore_rate)
        self.available = self.maximum
        self.updated_at = 0.0

    def status(self) -> dict:
        """The ``throttleStatus`` object Shopify puts in ``extensions.cost``."""
        return {
            "maximumAvailable": float(self.maximum),
            "currentlyAvailable": int(self.available),
            "restoreRate": float(self.restore_rate),
        }


def cost_extension(requested: int | None, actual: int | None, bucket: LeakyBucket) -> dict:
    """The ``extensions`` object every GraphQL response carries."""
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": bucket.status(),
        }
    }


def estimate_cost(schema, operation, fragments: dict, variables: dict | None = None) -> int:
    """The requested cost of a validated operation (``devstore.admin.query_cost.requested_cost``)."""
    return requested_cost(schema, operation, fragments, variables)


__all__ = ["MUTATION_COST", "LeakyBucket", "cost_extension", "estimate_cost", "plan_limits"]
