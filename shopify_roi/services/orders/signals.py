"""An order's attribution signals (METRICS.md "Attribution"): its discount codes, the landing page's
`utm_*` and `ref`, the referring site and the note attributes, stored with the order as JSON; and the
part of them kept once the customer is forgotten (customers/redact).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

LINK_PARAMS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "ref")


def link_signals(landing_site: str | None) -> dict:
    """utm_* and ref from the landing page's query string (the other parameters are ignored)."""
    if not landing_site:
        return {}
    query = parse_qs(urlsplit(str(landing_site)).query)
    return {k: query[k][0].strip() for k in LINK_PARAMS if query.get(k) and query[k][0].strip()}


def order_signals(codes: list, landing_site, referring_site, note_attributes: list[tuple]) -> dict:
    """Every signal of an order, as sent: `note_attributes` as (name, value) pairs."""
    return {
        "codes": [str(code) for code in codes],
        "landing_site": landing_site,
        "referring_site": referring_site,
        "note_attributes": [{"name": name, "value": value} for name, value in note_attributes],
        **link_signals(landing_site),
    }


def signals_json(signals: dict) -> str:
    return json.dumps(signals, sort_keys=True)


def anonymous_signals(signals_json: str) -> str:
    """Only what attribution and the leak check read: codes, UTMs and ref, the pixel's creator, the
    referrer's host."""
    try:
        signals = json.loads(signals_json or "{}")
    except ValueError:
        signals = {}
    if not isinstance(signals, dict):
        signals = {}
    landing = signals.get("landing_site")
    referrer = urlsplit(str(signals.get("referring_site") or ""))
    kept = {
        "codes": [str(c) for c in signals.get("codes") or []]
        if isinstance(signals.get("codes"), list)
        else [],
        "landing_site": None,
        "note_attributes": [],
        "referring_site": f"{referrer.scheme}://{referrer.netloc}/"
        if referrer.scheme and referrer.netloc
        else None,
        **link_signals(landing if isinstance(landing, str) else None),
    }
    if isinstance(signals.get("pixel"), str):
        kept["pixel"] = signals["pixel"]  # a creator's handle, not the customer's
    return json.dumps(kept, sort_keys=True)
