"""Cells of the CSV files the app serves, safe to open in a spreadsheet (OWASP, "CSV Injection").

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, after a tab or carriage return,
what follows) as a formula: a creator's name like `=HYPERLINK(...)` would run on the merchant's machine.
Text cells starting with one of those get a leading apostrophe (the spreadsheet shows the text as it is)
and every text cell is quoted, so a separator inside it cannot start a new cell; figures are written as
plain numbers, negative ones included, so they stay numbers.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def text(value) -> str:
    """A text cell: None is empty; a value a spreadsheet would evaluate gets a leading apostrophe."""
    out = "" if value is None else str(value)
    return "'" + out if out.startswith(FORMULA_STARTS) else out


class PlainDecimal(Decimal):
    """A Decimal the csv writer writes in plain digits: str(Decimal("0.000")) is `0E-3`, which a
    spreadsheet reads as text or as a formula's exponent, never as the 0 it is."""

    def __str__(self) -> str:
        return format(self, "f")


def figure(value) -> Decimal | int | str:
    """A figure cell: an exact number (an int, a Decimal, a decimal string) as a number in plain digits,
    None as empty, anything else as text."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return PlainDecimal(value)
    if isinstance(value, str) and _NUMBER_RE.fullmatch(value):
        return PlainDecimal(value)  # written back as the same digits, unquoted
    return text(value)


def writer(out: TextIO):
    """A csv writer that quotes every text cell and leaves numbers bare (pass cells through text and
    figure)."""
    return csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
