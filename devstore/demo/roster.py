"""The demo's creators, in order (the five standouts, then the seven ordinary ones), as the
generator's profiles and by role."""

from __future__ import annotations

from devstore.demo.creator import Creator
from devstore.demo.ordinary import ORDINARY
from devstore.demo.standouts import STANDOUTS

CREATORS: list[Creator] = [*STANDOUTS, *ORDINARY]


def profiles() -> list[dict]:
    """The generator's creator profiles (creators with orders only)."""
    out = []
    for c in CREATORS:
        if c.profile is None:
            continue
        money = (
            {"amount": c.discount["amount_off"]}
            if "amount_off" in c.discount
            else {"percent": c.discount["percent_off"]}
        )
        out.append({"handle": c.handle, "code": c.code, **money, **c.profile})
    return out


def roles() -> dict:
    """Handles by role: star, returns, leaked, loyal, no_sales (one each) and ordinary (a list)."""
    out: dict = {"ordinary": []}
    for c in CREATORS:
        if c.role == "ordinary":
            out["ordinary"].append(c.handle)
        else:
            out[c.role] = c.handle
    return out
