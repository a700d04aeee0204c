"""CSV for spreadsheets: cells a spreadsheet would run as a formula are made plain text.

A community named `=HYPERLINK("http://evil.example","x")` must reach a spreadsheet as
that text, not as a live link or a formula (CSV injection). As OWASP advises, a cell
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a single quote
in front; plain numbers (`12`, `-3`, `2.5`) stay numbers. Every CSV the node or hub
writes goes through `writer`, except SPARQL results in CSV: a W3C format that gives
the data back verbatim.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterable, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)


def neutral(value: Any) -> Any:
    """A cell a spreadsheet shows as the text it is; numbers and empty cells pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` whose every cell goes through `neutral`."""

    def __init__(self, out: TextIO, delimiter: str = ","):
        self._writer = csv.writer(out, delimiter=delimiter)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutral(cell) for cell in row])


def writer(out: TextIO) -> SafeWriter:
    return SafeWriter(out)


def render(header: Iterable[str], rows: Iterable[Iterable[Any]], spreadsheet: str | None = None) -> bytes:
    """A whole CSV file: plain UTF-8 with commas for scripts (`spreadsheet=None`), or for a
    spreadsheet in a language (`"nl"`, `"en"`): a byte order mark so Excel reads UTF-8, and in
    Dutch a semicolon between cells and a decimal comma, as Dutch Excel and LibreOffice expect."""
    out = io.StringIO()
    dutch = spreadsheet == "nl"
    safe = SafeWriter(out, delimiter=";" if dutch else ",")
    safe.writerow(header)
    for row in rows:
        safe.writerow([_decimal_comma(cell) for cell in row] if dutch else row)
    text = out.getvalue()
    return ("\ufeff" + text).encode("utf-8") if spreadsheet else text.encode("utf-8")


def _decimal_comma(cell: Any) -> Any:
    return str(cell).replace(".", ",") if isinstance(cell, float) else cell
