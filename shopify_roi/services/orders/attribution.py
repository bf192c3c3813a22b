"""Which creator an order belongs to (METRICS.md "Attribution"). Pure: no I/O.

Default precedence: a creator's discount code (case-insensitive, trimmed; the first creator code
in `discount_codes` wins; a sitewide code never blocks the next step), then the creator the app's web
pixel remembered for the visitor when it saw the checkout complete (`pixel`, a handle), then the
creator named by the landing page's `ref` or `utm_content` (`ref` wins). Every other creator with a
signal on the order is recorded as contested.
"""

from __future__ import annotations

from dataclasses import dataclass

CODE, PIXEL, LINK, NONE = "code", "pixel", "link", "none"
DEFAULT_PRECEDENCE = (CODE, PIXEL, LINK)
RULES = (CODE, PIXEL, LINK)


@dataclass(frozen=True)
class Attribution:
    creator_id: int | None
    rule: str
    contested: tuple[int, ...]


def code_candidates(signals: dict, code_owners: dict[str, int]) -> list[int]:
    out = []
    for code in signals.get("codes") or []:
        owner = code_owners.get(str(code).strip().upper())
        if owner is not None and owner not in out:
            out.append(owner)
    return out


def link_candidates(signals: dict, handle_owners: dict[str, int]) -> list[int]:
    out = []
    for key in ("ref", "utm_content"):  # ref first: it wins when the two name different creators
        owner = handle_owners.get(str(signals.get(key) or "").strip().lower())
        if owner is not None and owner not in out:
            out.append(owner)
    return out


def pixel_candidates(signals: dict, handle_owners: dict[str, int]) -> list[int]:
    owner = handle_owners.get(str(signals.get("pixel") or "").strip().lower())
    return [] if owner is None else [owner]


def attribute(
    signals: dict,
    code_owners: dict[str, int],
    handle_owners: dict[str, int],
    precedence: tuple[str, ...] = DEFAULT_PRECEDENCE,
) -> Attribution:
    """The winner, the rule that won, and the creators whose signal lost."""
    candidates = {
        CODE: code_candidates(signals, code_owners),
        PIXEL: pixel_candidates(signals, handle_owners),
        LINK: link_candidates(signals, handle_owners),
    }
    winner, rule = None, NONE
    for step in precedence:
        if candidates.get(step):
            winner, rule = candidates[step][0], step
            break
    everyone = [c for step in RULES for c in candidates[step]]
    contested = tuple(dict.fromkeys(c for c in everyone if c != winner))
    return Attribution(winner, rule, contested)


def complete_precedence(steps: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """A rule order naming code and link; one stored before the pixel existed gets the pixel just before
    the link (its default place: after a creator's code, before the landing page's ref/utm_content)."""
    steps = list(dict.fromkeys(steps))
    if PIXEL not in steps and LINK in steps:
        steps.insert(steps.index(LINK), PIXEL)
    return tuple(steps)


def parse_precedence(text: str | None) -> tuple[str, ...]:
    steps = [s.strip() for s in (text or "").split(",") if s.strip() in RULES]
    if CODE not in steps or LINK not in steps:
        return DEFAULT_PRECEDENCE
    return complete_precedence(steps)
