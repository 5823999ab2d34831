"""What the reader hands back (sheets as text in Arrow arrays, placed on their Excel cells) and
the one exception it raises inside the package; ``read_workbook`` turns it into
``UnreadableFile``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa

Format = Literal["xlsx", "xlsm", "xls", "ods", "csv"]

MB = 1024 * 1024


@dataclass(frozen=True)
class RawSheet:
    """One sheet as text, positioned so that every problem can name its Excel cell."""

    name: str
    hidden: bool
    columns: list[pa.Array]  # pyarrow strings, None for a blank cell, all the same length
    first_row: int  # Excel row number (1-based) of element 0 of every column
    first_col: int  # 0-based Excel column index of columns[0]
    hyperlinks: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> target
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2


@dataclass(frozen=True)
class RawWorkbook:
    name: str  # the file name as the user knows it (for messages)
    format: Format
    sheets: list[RawSheet]


class Refusal(Exception):
    """A file the reader will not read: one code of ``errors.CODES`` and its parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def short(exc: BaseException) -> str:
    """A library's error message on one line, at most 160 characters, for a refusal's detail."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
