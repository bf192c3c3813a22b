"""A payout run as CSV files: its statements (one row per creator), its lines (one row per order), and a
PayPal Payouts file (one row per creator with something to pay). Amounts are plain decimals in cents
("12.50", a spreadsheet reads them as numbers); text cells cannot run as formulas (services/csv_cells.py).

The PayPal file follows Payouts Web's upload format (developer.paypal.com, "Payouts Web": no header row;
recipient, amount, currency, customer ID, note, wallet). Creators have no e-mail address in the app, so
the recipient is the creator's handle: replace it with their PayPal e-mail (or PayerID) before uploading.
"""

from __future__ import annotations

import io

from sqlalchemy.orm import Session

from shopify_roi.services import csv_cells
from shopify_roi.services.payouts.run_views import COUNTS, MONEY, run_detail

STATEMENT_COLUMNS = ("run_id", "period_end", "status", "paid_at", "reference", "currency", "handle", "name")
LINE_COLUMNS = (
    "handle",
    "order",
    "order_created_at",
    "kind",
    "revenue",
    "returns",
    "net_revenue",
    "rate",
    "commission",
    "amount",
)


def _run_cells(run: dict) -> list:
    return [
        run["id"],
        csv_cells.text(run["period_end"]),
        csv_cells.text(run["status"]),
        csv_cells.text(run["paid_at"]),
        csv_cells.text(run["reference"]),
        csv_cells.text(run["currency"]),
    ]


def statements_csv(session: Session, shop_id: int, run_id: int) -> tuple[str, str]:
    """(file name, CSV text): one row per creator's statement, every figure of it."""
    run = run_detail(session, shop_id, run_id)
    out = io.StringIO()
    writer = csv_cells.writer(out)
    writer.writerow([*STATEMENT_COLUMNS, *COUNTS, *MONEY])
    for s in run["statements"]:
        writer.writerow(
            [
                *_run_cells(run),
                csv_cells.text(s["handle"]),
                csv_cells.text(s["name"]),
                *(s[k] for k in COUNTS),
                *(csv_cells.figure(s[k]) for k in MONEY),
            ]
        )
    return f"payout-run-{run['id']}-{run['period_end']}.csv", out.getvalue()


def lines_csv(session: Session, shop_id: int, run_id: int) -> tuple[str, str]:
    """(file name, CSV text): every line of the run, one per creator and order."""
    run = run_detail(session, shop_id, run_id)
    out = io.StringIO()
    writer = csv_cells.writer(out)
    writer.writerow(LINE_COLUMNS)
    for s in run["statements"]:
        for line in s["lines"]:
            writer.writerow(
                [
                    csv_cells.text(s["handle"]),
                    csv_cells.text(line["order"]),
                    csv_cells.text(line["order_created_at"]),
                    csv_cells.text(line["kind"]),
                    *(csv_cells.figure(line[k]) for k in LINE_COLUMNS[4:]),
                ]
            )
    return f"payout-run-{run['id']}-{run['period_end']}-orders.csv", out.getvalue()


def paypal_csv(session: Session, shop_id: int, run_id: int) -> tuple[str, str]:
    """(file name, CSV text) in PayPal Payouts Web's format, one row per creator whose payable is above 0."""
    run = run_detail(session, shop_id, run_id)
    out = io.StringIO()
    writer = csv_cells.writer(out)
    for s in run["statements"]:
        if csv_cells.figure(s["payable"]) <= 0:
            continue
        writer.writerow(
            [
                csv_cells.text(s["handle"]),
                csv_cells.figure(s["payable"]),
                csv_cells.text(run["currency"]),
                csv_cells.text(f"run{run['id']}-{s['handle']}"),
                csv_cells.text(f"Commission on orders to {run['period_end']}"),
                "PAYPAL",
            ]
        )
    return f"paypal-payouts-run-{run['id']}.csv", out.getvalue()
