"""Web vitals of a page of the app, measured in the browser with Google's web-vitals library (npm, pinned in
tests/browser/package.json): LCP and CLS from the buffered performance entries of the frame's load, INP from
the interactions made after it. Evaluated through the DevTools protocol (the app's Content-Security-Policy
does not apply; the page never loads it). Also used by bench/page_load.py (it puts this folder on its path).
Each layout shift is kept too (its score, whether input came just before it, what moved), to say what moved
when CLS is over a bar."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
WEB_VITALS = HERE / "node_modules" / "web-vitals" / "dist" / "web-vitals.iife.js"
# Shopify's bar (Built for Shopify, p75) and this app's own goal (#17).
SHOPIFY_BAR = {"lcp_ms": 2500, "cls": 0.1, "inp_ms": 200}
GOAL = {"lcp_ms": 1000, "cls": 0.05, "inp_ms": 100}

START = """() => {
  window.__vitals = {};
  window.__shifts = [];
  const keep = name => metric => { window.__vitals[name] = metric.value; };
  webVitals.onLCP(keep('lcp_ms'), { reportAllChanges: true });
  webVitals.onCLS(keep('cls'), { reportAllChanges: true });
  webVitals.onINP(keep('inp_ms'), { reportAllChanges: true, durationThreshold: 16 });
  const name = n => !n ? '?' : n.nodeType !== 1 ? '#text' : n.tagName.toLowerCase() +
    (n.id ? '#' + n.id : '') + (n.classList.length ? '.' + [...n.classList].join('.') : '');
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) {
      window.__shifts.push({ value: e.value, after_input: e.hadRecentInput, at_ms: Math.round(e.startTime),
        moved: (e.sources || []).map(s => name(s.node)) });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}"""


@cache
def _source() -> str:
    if not WEB_VITALS.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True, timeout=300
        )
    return WEB_VITALS.read_text()


def start(frame) -> None:
    """Start measuring in the frame (once it has loaded: LCP and CLS read the buffered entries)."""
    frame.evaluate(_source())
    frame.evaluate(START)


def read(frame) -> dict:
    """What was measured: lcp_ms, cls, inp_ms (absent when no interaction lasted 16 ms or more)."""
    return frame.evaluate("() => Object.assign({}, window.__vitals)")


def shifts(frame) -> list[dict]:
    """Every layout shift since the load: value, after_input (within 500 ms of input: not in CLS), at_ms,
    moved (the elements that moved)."""
    return frame.evaluate("() => window.__shifts.slice()")
