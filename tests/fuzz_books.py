"""Messy-but-plausible workbooks for the property tests (``test_fuzz.py``): what a Thai office
really sends, and what an attacker adds to it.

A ``Book`` is one sheet as a grid of cells plus where its table is; it is written as an xlsx
(openpyxl: merged cells, formulas without cached values, error cells, booleans, dates) or as a
CSV (ragged lines, three delimiters, UTF-8 with or without BOM). It round-trips through JSON,
so that a failing example found by ``make fuzz`` is kept under ``tests/fuzz_regressions/`` and
replayed by every test run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import strategies as st

from ita_model.schema import sheet_kinds

REGRESSIONS = Path(__file__).resolve().parent / "fuzz_regressions"
KINDS = ("oit", "measures", "timeline", "survey", "scores")
ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


@dataclass(frozen=True)
class Formula:
    text: str  # "=..." : openpyxl writes it without a cached value, so it reads as blank


@dataclass(frozen=True)
class Error:
    code: str  # "#REF!" : an error cell


Cell = None | str | int | float | bool | dt.datetime | dt.date | Formula | Error


@dataclass
class Book:
    kind: str
    fmt: str  # "xlsx" | "csv"
    name: str  # file name without the suffix
    rows: list[list[Cell]]  # row 0 is Excel row 1
    header_row: int  # 0-based index of the header row in ``rows``
    table_cols: list[int]  # 0-based columns under a recognised header
    again_rows: list[int] = field(default_factory=list)  # the header row repeated
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    delimiter: str = ","
    bom: bool = False

    @property
    def suffix(self) -> str:
        return "." + self.fmt

    def write(self, folder: Path) -> Path:
        path = folder / f"{self.name}{self.suffix}"
        path.write_bytes(self.to_bytes())
        return path

    def to_bytes(self) -> bytes:
        return _xlsx(self) if self.fmt == "xlsx" else _csv(self)

    def grid(self) -> list[list[Cell]]:
        """The cells as the file holds them: merged cells keep only their top-left value."""
        rows = [list(r) for r in self.rows]
        if self.fmt == "xlsx":
            for r1, c1, r2, c2 in self.merged:
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        if (r, c) != (r1, c1) and c < len(rows[r]):
                            rows[r][c] = None
        return rows

    def shown(self, cell: Cell) -> bool:
        """Whether a cell shows a value in this format (the oracle, written apart from the code)."""
        if cell is None or isinstance(cell, Error):
            return False
        if isinstance(cell, Formula):
            return self.fmt == "csv"  # xlsx: no cached value; csv: the text itself
        if isinstance(cell, str):
            if self.fmt == "xlsx" and len(cell) > 1 and cell.startswith("="):
                return False
            text = _INVISIBLE.sub("", cell)
            return bool(text) and text not in ERRORS
        return True

    def to_json(self) -> str:
        rows = {"rows": [[_tag(c) for c in r] for r in self.rows]}
        return json.dumps(asdict(self) | rows, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Book:
        data = json.loads(text)
        data["rows"] = [[_untag(c) for c in r] for r in data["rows"]]
        data["merged"] = [tuple(m) for m in data["merged"]]
        return cls(**data)


_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+")


def _tag(cell: Cell) -> Any:
    if isinstance(cell, Formula):
        return {"formula": cell.text}
    if isinstance(cell, Error):
        return {"error": cell.code}
    if isinstance(cell, dt.datetime):
        return {"datetime": cell.isoformat()}
    if isinstance(cell, dt.date):
        return {"date": cell.isoformat()}
    if isinstance(cell, float):
        return {"float": repr(cell)}
    return cell


def _untag(value: Any) -> Cell:
    if not isinstance(value, dict):
        return value
    ((tag, text),) = value.items()
    return {
        "formula": Formula,
        "error": Error,
        "datetime": dt.datetime.fromisoformat,
        "date": dt.date.fromisoformat,
        "float": float,
    }[tag](text)


def _xlsx(book: Book) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "แผ่นงาน"
    for r, row in enumerate(book.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(r, c)
            if isinstance(value, Formula):
                cell.value = value.text
            elif isinstance(value, Error):
                cell.value = value.code
                cell.data_type = "e"
            else:
                cell.value = value
    for r1, c1, r2, c2 in book.merged:
        ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, Formula):
        return cell.text
    if isinstance(cell, Error):
        return cell.code
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return str(cell)


def _csv(book: Book) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=book.delimiter, lineterminator="\n")
    for row in book.rows:
        cells = [_csv_text(c) for c in row]
        while cells and cells[-1] == "":  # ragged: a line ends at its last value
            cells.pop()
        writer.writerow(cells)
    return (b"\xef\xbb\xbf" if book.bom else b"") + out.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- cell values

_THAI = "กขคงจฉชซญดตถทนบปผพฟมยรลวศสหอฮะาำิีึืุูเแโใไ่้๊๋็์ๆฯ"
_ODD = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202b\u202e\u0301\u0e31\u0e4c"  # zero-width, RTL
_RTL = "\u05d0\u05d1\u0627\u0644\u0639"  # Hebrew and Arabic letters
_DIGITS = "0123456789๐๑๒๓๔๕๖๗๘๙²³⁵⁶٢٥"
_PUNCT = " .,:;-–/()%'\"*#=\n\t\u00a0\u3000"
ALPHABET = _THAI + _ODD + _RTL + _DIGITS + _PUNCT + "abcoxyzABOFYTE"

plain_text = st.text(ALPHABET, max_size=24)
long_text = st.builds(
    lambda unit, n: (unit * n)[:5000],
    st.text(ALPHABET, min_size=1, max_size=6),
    st.integers(20, 1200),
)
text = st.one_of(plain_text, plain_text, long_text)

years_be = st.sampled_from(["2565", "๒๕๖๕", "65", "๖๕", "2022", "2564", "²⁵⁶⁵", "0001", "1800"])
months = st.sampled_from(["มกราคม", "ม.ค.", "ม.ค", "ธ.ค.", "กุมภา", "Jan", "sept", "ก.ย.", "x"])
days = st.sampled_from(["1", "26", "๒๖", "31", "0", "²", "29"])
date_text = st.one_of(
    st.builds(lambda d, m, y: f"{d} {m} {y}", days, months, years_be),
    st.builds(lambda d, m, y: f"{d}/{m}/{y}", days, st.sampled_from(["1", "01", "13"]), years_be),
    st.builds(lambda y: f"{y}-01-26", years_be),
    st.builds(lambda d, m, y: f"วันที่ {d} {m} {y}", days, months, years_be),
    st.sampled_from(["44587", "44587.5", "1", "9999999", "31/02/2565", "2565-13-45"]),
)
period_text = st.one_of(
    date_text,
    st.builds(lambda m, n, y: f"{m} - {n} {y}", months, months, years_be),
    st.builds(lambda m, y: f"{m} {y} เป็นต้นไป", months, years_be),
    st.builds(lambda y: f"ปีงบประมาณ {y}", st.one_of(years_be, st.sampled_from(["1000", "9999"]))),
    st.builds(lambda y: f"FY {y}", st.sampled_from(["2022", "1800", "0000", "9999"])),
    st.builds(lambda q, y: f"ไตรมาส {q}/{y}", st.sampled_from(["1", "4", "5"]), years_be),
    st.builds(
        lambda u, n: u * n, st.sampled_from(["ม.ค.-", "-", "1-", " ถึง "]), st.integers(1, 60)
    ),
)
dates = st.one_of(
    st.dates(dt.date(1900, 3, 1), dt.date(9000, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9000, 12, 31)),
)
numbers = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.5, 1e-300, 1e300, -0.0, 2**53 + 1]),
)
number_text = st.one_of(
    st.builds(str, st.integers(-(10**6), 10**6)),
    st.sampled_from(["1,000", "๑๒๐", "12.0", "1e999", "nan", "inf", "-1", "9" * 400, "²⁵⁶⁵"]),
)


def junk() -> st.SearchStrategy[Cell]:
    """What any cell may hold instead of what its column asks for."""
    return st.one_of(
        st.none(),
        text,
        st.booleans(),
        numbers,
        dates,
        st.builds(Formula, st.sampled_from(["=A1+1", "=1/0", '=HYPERLINK("http://x","y")'])),
        st.builds(Error, st.sampled_from(ERRORS)),
        st.sampled_from(["", "  ", "\u200b", " \u200b\u200e ", "#REF!", "-", "ไม่มี"]),
    )


def _org_names() -> list[str]:
    from ita_model.organisation import load_organisation

    return [d.name_th for d in load_organisation().divisions]


VALUES: dict[str, st.SearchStrategy[Cell]] = {
    "item": st.one_of(
        st.builds(lambda n: f"o{n:02d}", st.integers(0, 50)),
        st.sampled_from(["๐๑", "ข้อ 1", "1", "O 01", "o1 โครงสร้าง", "9.1", "o๔๔"]),
        st.integers(-5, 100),
        st.sampled_from([1.0, 39.5]),
    ),
    "status": st.sampled_from(
        [
            "เสร็จสิ้น",
            "ดำเนินการแล้ว",
            "กำลังดำเนินการ",
            "ยังไม่ดำเนินการ",
            "ไม่เกี่ยวข้อง",
            "done",
            "100%",
            "✓",
            "n/a",
            "เสร็จ",
            "DONE ",
        ]
    ),
    "division": st.one_of(st.sampled_from(_org_names()), st.just("กองที่ไม่มี")),
    "url": st.sampled_from(
        [
            "https://www.pao-phayao.go.th/ita/o1",
            "http://a.example/x https://b.example/y",
            "www.example.com",
            "ดูที่เว็บ",
            "https://ok.example/,https://two.example/",
        ]
    ),
    "updated": st.one_of(date_text, dates),
    "start": st.one_of(date_text, period_text, dates),
    "end": st.one_of(date_text, dates),
    "date": st.one_of(date_text, dates),
    "period": st.one_of(period_text, dates),
    "respondents": st.one_of(number_text, numbers),
    "target": st.one_of(number_text, numbers),
    "score": st.one_of(number_text, numbers),
    "year": st.one_of(years_be, st.integers(0, 3000)),
    "indicator": st.sampled_from(["1", "9", "10", "11", "IIT", "EIT", "OIT", "รวม", "ตัวชี้วัดที่ 9"]),
    "tool": st.sampled_from(["IIT", "EIT", "แบบวัด IIT", "ภายนอก", "อื่น"]),
    "phase": st.sampled_from(["IIT", "OIT", "ทั่วไป"]),
}
TITLES = [
    "องค์การบริหารส่วนจังหวัดพะเยา",
    "รายงานผลการดำเนินงาน ITA",
    "ส่วนราชการ: ฝ่ายนิติการ",
    "ส่วนราชการ: กองคลัง",
    "ข้อมูล ณ วันที่ 27 มี.ค. 2565",
]
NOTES = ["หมายเหตุ: ดูเพิ่มเติม", "* ข้อมูลเบื้องต้น", "note: draft", "ลงชื่อ ............"]


def _header_word(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word, word.upper(), f" {word} ", f"{word}:", f"{word}*", f"{word}\n"])


@st.composite
def books(draw: st.DrawFn, kind: str) -> Book:
    spec = sheet_kinds()[kind]
    fmt = draw(st.sampled_from(["xlsx", "csv"]))
    optional = [c for c in spec.columns if c not in spec.required and c in VALUES]
    columns = [*spec.required, *draw(st.lists(st.sampled_from(optional), unique=True))]
    columns = draw(st.permutations(columns))
    headers: list[str] = [draw(_header_word(spec.columns[c][0])) for c in columns]
    left = draw(st.integers(0, 2))  # blank columns before the table
    if draw(st.booleans()):  # a duplicate header, and an unknown one
        headers.append(headers[0])
    if draw(st.booleans()):
        headers.append("คอลัมน์อื่น")
    width = left + len(headers)
    table_cols = [left + i for i in range(len(columns))]

    rows: list[list[Cell]] = []
    for _ in range(draw(st.integers(0, 3))):  # title rows, one cell each
        rows.append([None] * left + [draw(st.sampled_from(TITLES))])
    header_row = len(rows)
    rows.append([None] * left + headers)
    again: list[int] = []
    for _ in range(draw(st.integers(0, 10))):
        shape = draw(
            st.sampled_from(["data", "data", "data", "blank", "beside", "errors", "below", "again"])
        )
        if shape == "data":
            values = [
                draw(st.one_of(VALUES[c], VALUES[c], junk())) if c in VALUES else draw(text)
                for c in columns
            ]
            row = [None] * left + values + [draw(junk()) for _ in headers[len(columns) :]]
        elif shape == "blank":
            row = [None] * draw(st.integers(0, width))
        elif shape == "beside":  # a note right of the table
            row = [None] * (width + draw(st.integers(0, 2))) + [draw(st.sampled_from(NOTES))]
        elif shape == "errors":
            row = [None] * left + [draw(st.builds(Error, st.sampled_from(ERRORS))) for _ in columns]
        elif shape == "below":  # a note written in the table's first column
            row = [None] * left + [draw(st.one_of(st.sampled_from(NOTES), text))]
        else:
            again.append(len(rows))
            row = [None] * left + headers
        rows.append(row)
    merged: list[tuple[int, int, int, int]] = []
    if fmt == "xlsx" and len(rows) > header_row + 2 and draw(st.booleans()):
        first = draw(st.integers(header_row + 1, len(rows) - 2))
        last = draw(st.integers(first + 1, len(rows) - 1))
        col = draw(st.sampled_from(table_cols))
        if not any(first <= r <= last for r in again):  # a repeated header stays whole
            merged.append((first, col, last, col))
    name = draw(st.sampled_from(["ฝ่ายนิติการ", "กองคลัง", "upload", "สำนักปลัด อบจ.", "x"]))
    return Book(
        kind=kind,
        fmt=fmt,
        name=name,
        rows=rows,
        header_row=header_row,
        table_cols=table_cols,
        again_rows=again,
        merged=merged,
        delimiter=draw(st.sampled_from([",", ",", ";", "\t"])),
        bom=draw(st.booleans()),
    )
