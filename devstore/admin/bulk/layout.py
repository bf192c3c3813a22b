"""Where a bulk query's JSONL puts each child line: ``groupObjects``.

Sources:
- shopify.dev changelog "Bulk operations group objects default changed to false"
  (https://shopify.dev/changelog/bulk-operations-group-objects-default-changed-to-false, API 2026-01
  and later): ``bulkOperationRunQuery``'s ``groupObjects`` "now defaults to false"; set it to true "to
  maintain grouped output". The 2026-10 schema: ``groupObjects: Boolean! = false`` ("Enables grouping
  objects directly under their corresponding parent objects in the JSONL output").
- shopify.dev changelog "Optional groupObjects argument in bulk operations mutations…" (2025-07):
  grouped output "places child objects directly below their corresponding parent objects".
- Shopify/shopify-api-ruby issue #729: "children connections will always be listed after their
  parent, not directly after" - the one ordering guarantee, kept in both layouts.

Grouped (``group=True``): the document order, each parent followed by all its descendants.
Ungrouped (the default): every child line is written away from its parent - after one of the next
three parents, or in the tail of the file (the tail in the order of the parents, so that the last
parent's children are not next to it when others are there too) - chosen by ``Random(seed)``, so one
operation always gives the same file. Siblings may end up in another order than the grouped one. So
that both patterns occur in any file with two or more parents with children, the first parent's
children always follow the second parent and the second parent's always go to the tail.
"""

from __future__ import annotations

from random import Random

TAIL = float("inf")


def arrange(lines: list[dict], parents: list[int | None], group: bool, seed: int) -> list[dict]:
    """``lines`` in document order (each parent before its children; ``parents[i]`` the index of line
    i's parent line, None for a root object) rearranged for the file."""
    if group:
        return list(lines)
    roots: list[int] = []  # line index of each root, in order
    root_no: list[int] = []  # root number of each line's root
    for i, parent in enumerate(parents):
        if parent is None:
            roots.append(i)
            root_no.append(len(roots) - 1)
        else:
            root_no.append(root_no[parent])
    rng = Random(seed)
    count = len(roots)
    place: list[float] = []
    for i, parent in enumerate(parents):
        if parent is None:
            place.append(root_no[i])
            continue
        own = _away(root_no[i], count, rng)
        place.append(max(own, place[parent]))  # never before its parent's own line
    buckets: dict[float, list[int]] = {}
    for i, spot in enumerate(place):
        if parents[i] is not None:
            buckets.setdefault(spot, []).append(i)
    out: list[dict] = []
    for number, index in enumerate(roots):
        out.append(lines[index])
        out.extend(lines[j] for j in buckets.get(number, ()))
    tail = sorted(buckets.get(TAIL, ()), key=lambda j: (root_no[j], j))
    out.extend(lines[j] for j in tail)
    return out


def _away(root: int, count: int, rng: Random) -> float:
    """Where a child of root number ``root`` goes: after a later root's line, or the tail."""
    if root == 0 and count >= 2:
        return 1
    if root == 1:
        return TAIL
    spot = TAIL if rng.random() < 0.25 else root + rng.randint(1, 3)
    return TAIL if spot >= count else spot
