"""The ROI table: a row per creator, the unattributed orders, the creators' totals and the totals of all
orders, with the shop's targets, each creator's scorecard and code-leak warning, the baseline and the
history note, exactly as METRICS.md defines them.

Sums happen in SQL on exact integer money (creator_sums.py, over the rollup), so a year costs ~12 month
rows and ~120 day rows per creator, not its orders; ratios are exact Decimals (figures.py), None where
undefined, rounded only for display. `compute` reads only: the API refreshes the rollup first
(reads.py; rollups.py says why).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from shopify_roi.models import Shop
from shopify_roi.services.creators.codes import current_code_refs
from shopify_roi.services.metrics import read_aside
from shopify_roi.services.metrics.baseline import baseline, history_note
from shopify_roi.services.metrics.creator_sums import creator_sums, no_spend_in_range, shop_creators
from shopify_roi.services.metrics.figures import as_text, creator_row, div, finish, total
from shopify_roi.services.metrics.leak_warnings import leak_warnings
from shopify_roi.services.metrics.scorecard import judge
from shopify_roi.services.metrics.window import window_of
from shopify_roi.services.shops import settings

# METRICS.md, Totals: the all-orders row divides every counted order (creators' and unattributed) by the
# creators' spend, so its ROAS, ROI, CAC and CPA are blended, and say so wherever they are shown.
BLENDED = {
    "roas": "Blended ROAS: net revenue of all counted orders, creators' and unattributed, ÷ creators' spend.",
    "roi": "Blended ROI: (net revenue of all counted orders − creators' spend) ÷ creators' spend.",
    "cac": "Blended CAC: creators' spend ÷ new customers from all counted orders.",
    "cpa": "Blended CPA: creators' spend ÷ all counted orders.",
}


def compute(
    session: Session, shop: Shop, start: date, end: date, as_of: date, campaign: str | None = None
) -> dict:
    """The ROI table: creators, unattributed, totals (all rows) and attributed_totals (creators only),
    with the shop's targets and each creator's scorecard and code-leak warning."""
    window = window_of(shop, start, end, as_of)
    # every creator's code-leak warning read beside the sums where it can be (read_aside.py)
    aside = (
        read_aside.start(
            session, lambda s: leak_warnings(s, shop, window, shop_creators(s, shop.id), every_creator=True)
        )
        if campaign is None
        else None
    )
    creators, rows, campaign_row = creator_sums(session, shop, window, campaign)
    config = settings.load(session, shop.id)
    codes = current_code_refs(session, shop.id)
    if aside is not None:
        warnings = aside.result()
    else:
        warnings = leak_warnings(session, shop, window, creators, every_creator=campaign is None)
    out_rows = [
        creator_row(creator, rows[creator.id], codes.get(creator.id), warnings.get(creator.id), config)
        for creator in creators
    ]
    return {
        "currency": shop.currency,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat(),
        "campaign": campaign,
        "creators": sorted(out_rows, key=lambda r: r["handle"]),
        **_totals(rows, [c.id for c in creators], config),
        **config.as_json(),
        "baseline": baseline(
            session,
            shop,
            start,
            end,
            campaign_row,
            revenue=rows[None]["shop_revenue"] if campaign is None else None,
        ),
        "history_note": history_note(shop),
        "no_spend_in_range": no_spend_in_range(creators, rows),
    }


def _totals(rows: dict, ids: list[int], config: settings.Settings) -> dict:
    """The unattributed row, the creators' totals and the totals of all orders."""
    attributed = total([rows[c] for c in ids])
    totals = finish(
        total([rows[c] for c in ids] + [rows[None]]),
        {"handle": None, "name": "All orders"},
        with_spend=bool(ids),
        config=config,
    )
    # Conversion is attributed orders per click, and only creators' links have clicks: the all-orders row
    # takes the creators' rate, not all orders (unattributed ones included) over the creators' clicks.
    conversion = div(attributed["orders"], attributed["clicks"])
    totals["conversion_rate"] = as_text(conversion)
    targets = config.targets
    totals["scores"]["conversion_rate"] = judge(
        conversion, targets["conversion_rate_min"], targets["conversion_rate_max"]
    )
    totals["blended"] = BLENDED
    return {
        "unattributed": finish(
            rows[None], {"handle": None, "name": "Unattributed"}, with_spend=False, config=config
        ),
        "attributed_totals": finish(
            attributed, {"handle": None, "name": "Creators"}, with_spend=True, config=config
        ),
        "totals": totals,
    }
