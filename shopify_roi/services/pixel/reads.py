"""The funnel and product mix as the JSON API and the CSV give them (figures in funnel.py): money and
ratios as exact decimal strings, a ratio over nothing as null (the page shows "—" with the reason)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy.orm import Session

from shopify_roi.models import Shop
from shopify_roi.services import csv_cells
from shopify_roi.services.creators.profiles import get_creator, list_creators
from shopify_roi.services.metrics.window import parse_range, window_of
from shopify_roi.services.pixel import funnel
from shopify_roi.services.pixel import settings as pixel_settings


def _text(value):
    return str(value) if isinstance(value, Decimal) else value


def _funnel_json(shape: dict) -> dict:
    return {
        "steps": [{**step, "conversion": _text(step["conversion"])} for step in shape["steps"]],
        "net_revenue": str(shape["net_revenue"]),
        "visit_to_order": _text(shape["visit_to_order"]),
    }


def _window(session: Session, shop_id: int, args: Mapping[str, str]):
    start, end, as_of = parse_range(args)
    return window_of(session.get(Shop, shop_id), start, end, as_of)


def funnel_table(session: Session, shop_id: int, args: Mapping[str, str]) -> dict:
    """Every active creator's funnel over `from`..`to`, and whether the pixel is on."""
    window = _window(session, shop_id, args)
    creators = list_creators(session, shop_id)
    shapes = funnel.funnels(session, shop_id, window, creators)
    return {
        "from": window.start.isoformat(),
        "to": window.end.isoformat(),
        "pixel": pixel_settings.load(session, shop_id).as_json(),
        "creators": [{"handle": c.handle, "name": c.name, **_funnel_json(shapes[c.id])} for c in creators],
    }


def creator_funnel(session: Session, shop_id: int, handle: str, args: Mapping[str, str]) -> dict:
    """One creator's funnel and top products by net revenue (NotFound for another shop's handle)."""
    creator = get_creator(session, shop_id, handle)
    window = _window(session, shop_id, args)
    shape = funnel.funnels(session, shop_id, window, [creator])[creator.id]
    products = funnel.product_mix(session, shop_id, window, creator.id)
    return {
        "handle": creator.handle,
        "from": window.start.isoformat(),
        "to": window.end.isoformat(),
        "pixel": pixel_settings.load(session, shop_id).as_json(),
        "funnel": _funnel_json(shape),
        "products": [{**p, "net_revenue": str(p["net_revenue"])} for p in products],
    }


def funnel_csv(session: Session, shop_id: int, args: Mapping[str, str]) -> tuple[str, str]:
    """The funnel table as CSV: one row per creator, counts, conversions as fractions of 1, net revenue."""
    table = funnel_table(session, shop_id, args)
    out = io.StringIO()
    write = csv_cells.writer(out)
    names = [step["step"] for step in table["creators"][0]["steps"]] if table["creators"] else []
    write.writerow(
        ["handle", "name", *names, *(f"{n}_conversion" for n in names[1:]), "visit_to_order", "net_revenue"]
    )
    for row in table["creators"]:
        steps = row["steps"]
        write.writerow(
            [
                csv_cells.text(row["handle"]),
                csv_cells.text(row["name"]),
                *(step["count"] for step in steps),
                *(csv_cells.figure(step["conversion"]) for step in steps[1:]),
                csv_cells.figure(row["visit_to_order"]),
                csv_cells.figure(row["net_revenue"]),
            ]
        )
    return f"creator-funnel-{table['from']}-{table['to']}.csv", out.getvalue()
