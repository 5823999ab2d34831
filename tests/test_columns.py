"""Reading a column for the checks: each distinct cell value trimmed and tested for blankness
once, and Arrow arrays turned into numpy without pandas — the same result as cell by cell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_model.reader.arrow import to_bools, to_codes
from ita_model.sheet_columns import _BLANK, _read_column

ROOT = Path(__file__).resolve().parent.parent

# cells as a division's workbook holds them: repeats, padding, blanks that show nothing
_PIECES = ["o01", "o1", "เสร็จสิ้น", "done", " ", "\u00a0", "\u200b", "\t", "#REF!", "#N/A", "", "a b"]
cells = st.lists(
    st.one_of(
        st.none(),
        st.lists(st.sampled_from(_PIECES), max_size=3).map("".join),
        st.text(max_size=4),
    ),
    max_size=60,
)


def _cell_by_cell(values: list[str | None], start: int, n: int) -> tuple[list[int], list[str]]:
    """The earlier reading: trim and test every cell, then number the distinct values."""
    part = pa.array(values, pa.string()).slice(start, n)
    stripped = pc.utf8_trim_whitespace(part)
    blank = pc.match_substring_regex(stripped, _BLANK)
    stripped = pc.if_else(blank, pa.scalar(None, pa.string()), stripped)
    encoded = pc.dictionary_encode(stripped)
    return encoded.indices.fill_null(-1).to_pylist(), encoded.dictionary.to_pylist()


@settings(max_examples=300, deadline=None)
@given(cells, st.integers(0, 10), st.integers(0, 70))
def test_distinct_values_first_reads_as_cell_by_cell(values, start, n) -> None:
    column = _read_column(pa.array(values, pa.string()), start, n)
    codes, dictionary = _cell_by_cell(values, start, n)
    assert column.codes.tolist() == codes
    assert column.uniques == dictionary


@settings(max_examples=200, deadline=None)
@given(cells, st.integers(0, 10), st.integers(0, 70))
def test_a_column_of_distinct_values_reads_alike_a_slot_per_row(values, start, n) -> None:
    """A column whose values nearly all differ gets a slot per row instead of one per value:
    every row still reads the same text, and every slot is text."""
    from unittest import mock

    from ita_model import sheet_columns

    with mock.patch.multiple(sheet_columns, _MANY_ROWS=0, _mostly_distinct=lambda part: True):
        column = _read_column(pa.array(values, pa.string()), start, n)
    codes, dictionary = _cell_by_cell(values, start, n)
    assert [column.uniques[c] if c >= 0 else None for c in column.codes.tolist()] == [
        dictionary[c] if c >= 0 else None for c in codes
    ]
    assert all(isinstance(u, str) for u in column.uniques)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["", " ", "ก", "ab"])), max_size=40),
    st.integers(0, 20),
)
def test_a_cell_holding_empty_text_reads_as_blank(values, offset) -> None:
    """The reader hands the checks None for a cell with no text, wherever the column starts."""
    from ita_model.reader.arrow import _text

    arr = pa.array(values, pa.string()).slice(offset)
    out = _text(arr)
    assert out.to_pylist() == [v or None for v in arr.to_pylist()]
    assert out.type == pa.string()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.booleans()), max_size=40), st.integers(0, 20))
def test_bools_without_pandas(values, offset) -> None:
    arr = pa.array(values, pa.bool_()).slice(offset)
    assert to_bools(arr).tolist() == [bool(v) for v in arr.to_pylist()]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 2**31 - 1)), max_size=40), st.integers(0, 20))
def test_codes_without_pandas(values, offset) -> None:
    for kind in (pa.int32(), pa.int64()):  # dictionary indices, and any wider integer
        arr = pa.array(values, kind).slice(offset)
        codes = to_codes(arr)
        assert codes.tolist() == [-1 if v is None else v for v in arr.to_pylist()]
        assert codes.dtype == np.int64


def test_checking_a_file_does_not_import_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas at its first conversion of a Python value or of an array with
    nulls: 0.2-0.4 s of every ``validate`` on the command line, for nothing."""
    import openpyxl

    path = tmp_path / "oit.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["ส่วนราชการ: ฝ่ายนิติการ"])
    wb.active.append(["ข้อ", "สถานะ", "ลิงก์", "วันที่ปรับปรุง", "หมายเหตุ"])
    wb.active.append(["o01", "ดำเนินการแล้ว", "https://example.go.th/o1", "26/01/2565", None])
    wb.active.append(["o02", "ยังไม่ดำเนินการ", None, None, " "])
    wb.save(path)
    probe = (
        "import sys; from ita_model.validate import validate_file; "
        f"r = validate_file({str(path)!r}); print(r.sheets[0].valid_rows, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.split() == ["2", "False"], out.stderr
