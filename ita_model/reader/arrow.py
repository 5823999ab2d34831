"""Cells into Arrow: an Excel-format file's sheets loaded through fastexcel as text columns,
blanks as None and the blank rows above the table dropped, each sheet refused when it holds
more cells than the limit; and Arrow arrays back into numpy without pyarrow's pandas path.

Only the format modules call ``load_sheets``, and only after their checks have passed: the
library sizes its memory from the cell positions in the file, and a hostile file would make it
abort the process.
"""

from __future__ import annotations

import fastexcel
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ita_model.reader.raw import RawSheet, Refusal, short
from ita_model.settings import Settings


def open_book(data: bytes) -> fastexcel.ExcelReader:
    """The library's view of the workbook: its sheet list, styles and shared strings."""
    try:
        return fastexcel.read_excel(data)
    except fastexcel.FastExcelError as exc:
        raise _library_refusal(exc) from exc


def load_sheets(
    book: bytes | fastexcel.ExcelReader,
    settings: Settings,
    wanted: set[str] | None = None,
    others: set[str] = frozenset(),  # type: ignore[assignment]
    hidden: set[str] | None = None,
) -> list[RawSheet]:
    """Cells as text through fastexcel (``book`` the file, or opened already): every sheet, or
    only the ``wanted`` ones (the xlsx worksheets we checked) while skipping ``others`` (sheets
    without cells); a sheet in neither is refused, never loaded.

    Where the caller knows which sheets are ``hidden`` (xlsx: the workbook part says), the
    cells go straight into Arrow (fastexcel's eager load, which borrows the shared strings
    rather than copying them into a range first): 1.06 s of CPU against 1.21 s on a national
    sheet as Excel saves it.
    """
    reader = open_book(book) if isinstance(book, bytes) else book
    sheets = []
    for name in reader.sheet_names:
        if wanted is not None and name not in wanted:
            if name in others:
                continue
            raise Refusal("corrupt_file", detail=f"sheet {name} cannot be located")
        try:
            if hidden is None:
                sheet = reader.load_sheet(name, header_row=None, dtypes="string", skip_rows=0)
                batch, is_hidden = sheet.to_arrow(), sheet.visible != "visible"
                first_col = min((c.absolute_index for c in sheet.selected_columns), default=0)
            else:
                batch, first_col = _load_eager(reader, name)
                is_hidden = name in hidden
        except fastexcel.FastExcelError as exc:
            raise _library_refusal(exc, name) from exc
        sheets.append(_raw_sheet(name, is_hidden, batch, first_col, settings))
    return sheets


def _load_eager(reader: fastexcel.ExcelReader, name: str) -> tuple[pa.RecordBatch, int]:
    """The sheet's cells, and the Excel column of the first (which only the column filter
    is told in an eager load)."""
    at: list[int] = []

    def every(column: fastexcel.ColumnInfoNoDtype) -> bool:
        at.append(column.absolute_index)
        return True

    batch = reader.load_sheet(
        name, header_row=None, dtypes="string", skip_rows=0, eager=True, use_columns=every
    )
    return batch, min(at, default=0)


def _library_refusal(exc: Exception, sheet: str | None = None) -> Refusal:
    text = short(exc)
    if "password" in text.lower() or "encrypt" in text.lower():
        return Refusal("encrypted_file")
    return Refusal("corrupt_file", detail=f"sheet {sheet}: {text}" if sheet else text)


def _raw_sheet(
    name: str, hidden: bool, batch: pa.RecordBatch, first_col: int, settings: Settings
) -> RawSheet:
    columns = [_text(col) for col in batch.columns]
    skip = blank_top(columns)
    columns = [col.slice(skip) for col in columns] if skip < batch.num_rows else []
    height = len(columns[0]) if columns else 0
    if height * len(columns) > settings.max_cells:
        raise Refusal(
            "sheet_too_large", sheet=name, cells=height * len(columns), limit=settings.max_cells
        )
    return RawSheet(
        name=name,
        hidden=hidden,
        columns=columns,
        first_row=1 + skip if columns else 1,
        first_col=first_col if columns else 0,
    )


def _text(col: pa.Array) -> pa.Array:
    """A string column with blanks as None: validators then never see "".

    Built from arrays only: the first Python value handed to pyarrow (``pc.equal(col, "")``)
    makes it import pandas, 0.2 s that the reader has no use for. An empty cell is found
    from the offsets, two equal in a row, not by measuring every string (60 ms a sheet).
    """
    if not pa.types.is_string(col.type):
        col = col.cast(pa.string())
    n, at = len(col), col.offset
    if col.null_count == n:  # nothing to find (and maybe no offsets to read)
        return col
    offsets = np.frombuffer(col.buffers()[1], dtype=np.int32, count=at + n + 1)[at:]
    empty = offsets[1:] == offsets[:-1]
    if col.null_count:
        empty &= _bits(col.buffers()[0], at, n)  # a null also spans nothing: it stays a null
    if empty.any():
        kept = pa.py_buffer(np.packbits(~empty, bitorder="little"))
        filled = pa.Array.from_buffers(pa.bool_(), n, [None, kept])
        col = pc.if_else(filled, col, pa.nulls(n, pa.string()))
    return col


def blank_top(columns: list[pa.Array]) -> int:
    """How many rows at the top are blank in every column (the reader pads from row 1)."""
    height = len(columns[0]) if columns else 0
    firsts = [
        pc.indices_nonzero(col.is_valid())[0].as_py() if col.null_count else 0
        for col in columns
        if col.null_count < len(col)
    ]
    return min(firsts, default=height)


# Arrow -> numpy. pyarrow converts an array with nulls, a boolean array or any Python value
# through pandas, which it imports the first time: 0.2-0.4 s that checking a file has no use
# for. These read the buffers instead.


def to_bools(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean array as numpy, a null as False."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n, offset = len(arr), arr.offset
    if not n:
        return np.zeros(0, dtype=bool)
    validity, data = arr.buffers()
    out = _bits(data, offset, n)
    if validity is not None and arr.null_count:
        out &= _bits(validity, offset, n)
    return out


def to_codes(indices: pa.Array) -> np.ndarray:
    """Integer indices (a dictionary array's) as int64 numpy, a null as -1."""
    n, offset = len(indices), indices.offset
    if not n:
        return np.zeros(0, dtype=np.int64)
    width = np.dtype(f"i{indices.type.bit_width // 8}")
    data = np.frombuffer(indices.buffers()[1], dtype=width, count=offset + n)
    out = data[offset:].astype(np.int64)
    if indices.null_count:
        out[~_bits(indices.buffers()[0], offset, n)] = -1
    return out


def _bits(buffer: pa.Buffer, offset: int, n: int) -> np.ndarray:
    raw = np.frombuffer(buffer, dtype=np.uint8)
    return np.unpackbits(raw, count=offset + n, bitorder="little")[offset:].astype(bool)
