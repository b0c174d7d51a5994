"""Cells of the CSV files OSR writes and reads, kept inert in a spreadsheet.

A spreadsheet runs a cell beginning ``=``, ``+``, ``-``, ``@``, tab or carriage
return as a formula, so text a person typed into OSR (``=HYPERLINK(...)``) could
run on the machine of whoever opens an export. As OWASP's CSV injection guidance
recommends, every CSV OSR writes prefixes such a cell with a single quote, which
a spreadsheet shows as text; reading a cell takes that quote off again, so an
exported file imports as the text it was written from.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Quotes already in front of such a character get one more, so that taking one
# off on import gives back exactly what was written, quotes included.
_STARTS = re.escape("".join(FORMULA_STARTS))
_RUNNABLE = re.compile(f"'*[{_STARTS}]")
_NEUTRALISED = re.compile(f"'+[{_STARTS}]")


def inert(value: Any) -> str:
    """The cell for ``value``: its text, with a quote in front if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if _RUNNABLE.match(text) else text


def restored(cell: str) -> str:
    """The text of a cell ``inert`` wrote: its added quote taken off."""
    return cell[1:] if _NEUTRALISED.match(cell) else cell


class InertWriter:
    """A ``csv.writer`` whose every cell goes through ``inert``."""

    def __init__(self, out: TextIO, **options: Any):
        self._rows = csv.writer(out, **options)

    def writerow(self, cells: Iterable[Any]) -> None:
        self._rows.writerow([inert(cell) for cell in cells])
