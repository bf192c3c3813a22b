"""axe-core (npm, pinned in tests/browser/package.json) run inside a page of the app: the WCAG 2.1 A and AA
rules; a violation of impact serious or critical fails. The script is evaluated through the browser's
DevTools protocol, which the app's Content-Security-Policy does not apply to (the page itself never loads
it)."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


@cache
def axe_source() -> str:
    """axe.min.js, installed with `npm ci` in tests/browser when missing (`make test` does it first)."""
    if not AXE.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True, timeout=300
        )
    return AXE.read_text()


def scan(frame) -> list[dict]:
    """The serious and critical WCAG 2.1 AA violations in the frame, each with its rule, impact, help and
    the first nodes' selectors."""
    frame.evaluate(axe_source())
    result = frame.evaluate(
        "tags => axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })",
        TAGS,
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
            "count": len(v["nodes"]),
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
