"""CSV: UTF-8 (with or without BOM), UTF-16 or TIS-620 text; the delimiter guessed in bounded
time; the sheet refused as soon as it passes the cell limit, row by row, before it is kept."""

from __future__ import annotations

import codecs
import csv
import io
import itertools

import pyarrow as pa

from ita_model.reader.arrow import blank_top
from ita_model.reader.raw import RawSheet, Refusal
from ita_model.settings import Settings

_MAX_COLUMNS = 16_384  # Excel's own limit (A..XFD): no spreadsheet program saves a wider sheet


def read_csv(data: bytes, stem: str, settings: Settings) -> RawSheet:
    text = _decode_csv(data)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    columns: list[list[str | None]] = []
    height = 0
    for row in rows:
        if len(row) > _MAX_COLUMNS:
            raise Refusal("too_many_columns", sheet=stem, columns=len(row), limit=_MAX_COLUMNS)
        width = max(len(row), len(columns))
        if (height + 1) * width > settings.max_cells:  # checked before the row is kept
            cells = (height + 1) * width
            raise Refusal("sheet_too_large", sheet=stem, cells=cells, limit=settings.max_cells)
        if len(row) > len(columns):
            columns += [[None] * height for _ in range(len(row) - len(columns))]
        for i, col in enumerate(columns):
            col.append((row[i] or None) if i < len(row) else None)
        height += 1
    arrays = [pa.array(col, type=pa.string()) for col in columns]
    skip = blank_top(arrays)
    arrays = [a.slice(skip) for a in arrays] if skip < height else []
    return RawSheet(
        name=stem, hidden=False, columns=arrays, first_row=1 + skip if arrays else 1, first_col=0
    )


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else TIS-620 (as Windows' cp874, its superset)."""
    text: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        text = _try_decode(data[3:], "utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try_decode(data, "utf-16")
    else:
        text = _try_decode(data, "utf-8") or _try_decode(data, "cp874")
    if text is None or "\x00" in text:
        raise Refusal("csv_encoding")
    return text


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


_DELIMITERS = ",;\t"
_SAMPLE_LINES = 50
_SAMPLE_CHARS = 65536


def _delimiter(text: str) -> str:
    """The delimiter that first splits a line into two filled fields or more (the header row,
    below title lines of one cell), then the one that splits most lines so, then into two
    fields or more, then the one whose lines agree most on their width: a note full of commas
    in a tab-separated file comes after the tabbed header; a row holding just "," splits into
    nothing filled, a header "ข้อ;สถานะ" into two; lines inside a quoted cell come late.

    A sample of at most 50 lines and 64 KB, split by the csv module (linear, quotes understood)
    once per candidate: bounded time whatever the file. csv.Sniffer's regular expressions took
    49 s on 63 KB of ",' " repeated, holding the GIL of the whole dashboard.
    """
    sample = text[:_SAMPLE_CHARS]
    if len(sample) == _SAMPLE_CHARS and "\n" in sample:  # whole lines only
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", (-_SAMPLE_LINES - 1, 0, 0, 0, 0)
    for delimiter in _DELIMITERS:
        rows = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            sample_rows = [row for row in itertools.islice(rows, _SAMPLE_LINES) if row]
        except csv.Error:
            continue
        split = [len(row) for row in sample_rows if len(row) > 1]
        if not split:
            continue
        filled = [i for i, row in enumerate(sample_rows) if sum(1 for c in row if c.strip()) > 1]
        first = -filled[0] if filled else -_SAMPLE_LINES
        common = max(set(split), key=split.count)
        score = (first, len(filled), len(split), split.count(common), -_DELIMITERS.index(delimiter))
        if score > best_score:
            best, best_score = delimiter, score
    return best
