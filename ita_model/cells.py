"""What we write into a spreadsheet cell, xlsx or CSV, from text a user typed: always text.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel or LibreOffice (CSV/formula injection: ``=HYPERLINK("http://…"&A2,"open")`` sends the
sheet's data away when clicked). Every export writes user text through here: in an xlsx it is a
string cell (with Excel's quote prefix, so it stays text when someone edits it); in a CSV, where
there are no types, it gets a leading apostrophe, the prefix OWASP recommends. Control characters
(a ``\\x07`` pasted into a CSV) cannot be stored in an xlsx at all: they are shown as their
Unicode control pictures (``␇``) instead of being lost or crashing the writer.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# numbers, dates and times: what openpyxl writes as typed values, never as formulas
_PLAIN = (int, float, date, datetime, time, timedelta)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0 cannot hold (openpyxl's set)


def visible(text: str) -> str:
    """Control characters replaced by their control picture (``\\x07`` → ``␇``): seen, not lost."""
    return _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())), text)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def put_text(cell: Cell, value: Any) -> None:
    """An xlsx cell: numbers and dates as they are, anything else text that is never a formula."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        cell.value = None
        return
    if isinstance(value, bool) or not isinstance(value, _PLAIN):
        text = visible(str(value))
        cell.value = text
        cell.data_type = "s"  # openpyxl makes "=…" a formula; a string cell is data
        if is_formula_like(text):
            cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
        return
    cell.value = value


def csv_value(value: Any) -> Any:
    """A CSV field: text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV for Excel (UTF-8 with BOM, so the Thai shows) whose every text field is safe."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([csv_value(h) for h in header])
    for row in rows:
        w.writerow(["" if v is None else csv_value(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A table as CSV for Excel (UTF-8 with BOM), every text field and heading made safe."""
    safe = frame.map(csv_value).rename(columns=csv_value)
    return ("\ufeff" + safe.to_csv(index=False)).encode("utf-8")
