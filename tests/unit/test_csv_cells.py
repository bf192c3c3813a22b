"""CSV cells (OWASP "CSV Injection"): text a spreadsheet would evaluate gets a leading apostrophe and
every text cell is quoted; numbers, negative ones included, stay bare numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from shopify_roi.services import csv_cells


def _line(cells) -> str:
    out = io.StringIO()
    csv_cells.writer(out).writerow(cells)
    return out.getvalue()


def test_text_a_spreadsheet_would_evaluate_gets_an_apostrophe():
    for raw in ("=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "-12.5"):
        assert csv_cells.text(raw) == "'" + raw
    for raw in ("Maya", "1+1", " =1", "a=b", ""):
        assert csv_cells.text(raw) == raw
    assert csv_cells.text(None) == ""


def test_figures_stay_numbers_and_anything_else_is_text():
    assert csv_cells.figure("-1.2500") == Decimal("-1.2500")
    assert csv_cells.figure(-3) == -3
    assert csv_cells.figure(None) == ""
    assert csv_cells.figure("-1+cmd") == "'-1+cmd"  # not a number: escaped text
    assert csv_cells.figure("1e5") == "1e5"  # exponent notation is not an exact figure of the app's


def test_a_row_quotes_text_and_leaves_numbers_bare():
    row = [
        csv_cells.text("a;=1+1"),
        csv_cells.text("-2+3"),
        csv_cells.figure("-1.50"),
        csv_cells.figure(None),
    ]
    line = _line(row)
    assert line == '"a;=1+1","\'-2+3",-1.50,""\r\n'
    assert next(csv.reader(io.StringIO(line))) == ["a;=1+1", "'-2+3", "-1.50", ""]
