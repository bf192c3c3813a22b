"""A bulk job for tests/integration/test_bulk_slots.py (RQ finds job functions by module path)."""

from __future__ import annotations

from shopify_roi.jobs.bulk_slots import bulk_job

RAN: list[int] = []


@bulk_job
def long_job(shop_domain: str, n: int) -> str:
    RAN.append(n)
    return f"ran {n}"
