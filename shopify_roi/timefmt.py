"""How the app writes a date or a time as text: ISO 8601, and None for none (JSON's null)."""

from __future__ import annotations

from datetime import date


def iso(value: date | None) -> str | None:
    """`value.isoformat()` (a datetime keeps its UTC offset), or None when there is no value."""
    return value.isoformat() if value else None
