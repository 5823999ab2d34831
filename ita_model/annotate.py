"""The division's own workbook back, with every problem marked where it is.

Each problem cell is filled (red: error, amber: warning, blue: notice) and carries a comment in
Thai (English below) saying what to fix; a first sheet lists every problem with a link to its
cell. The validator names a problem's place by sheet, Excel row and the column's header text as
the division wrote it; the header cell is found again by that text (compared the way the
validator compares headers). ``.xlsx``/``.xlsm`` files are annotated in place (formulas, styles
and other sheets kept; macros are not carried over); ``.xls``, ``.ods`` and ``.csv`` are copied
cell by cell into a new ``.xlsx`` at the same positions, so the row numbers still match.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ita_model.cells import put_text, visible
from ita_model.errors import InvalidDecision, Issue, UnreadableFile
from ita_model.reader import read_workbook
from ita_model.schema import normalise_header

PROBLEMS_SHEET = "ปัญหาที่พบ"
AUTHOR = "ITA · ฝ่ายนิติการ"
HEADER_SEARCH_ROWS = 40  # the contract puts the header within the first 15 rows of data
MAX_COMMENTS = 10_000  # past this Excel slows to a crawl; the cells are still filled and listed
FILLS = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
    "notice": PatternFill("solid", fgColor="DDEBF7"),
}
SEVERITY_TH = {"error": "ผิดพลาด", "warning": "คำเตือน", "notice": "หมายเหตุ"}
_RANK = {"error": 0, "warning": 1, "notice": 2}


def annotated_name(filename: str) -> str:
    return f"{Path(filename).stem}-ผลตรวจ.xlsx"


@dataclass
class _Mark:
    severity: str
    lines: list[str] = field(default_factory=list)


def annotate(data: bytes, filename: str, issues: Iterable[Issue | Mapping[str, Any]]) -> bytes:
    """The workbook with its problems marked, as ``.xlsx`` bytes.

    ``issues``: ``Issue`` objects or their JSON (a stored report's ``"issues"``).
    """
    problems = [_as_dict(i) for i in issues]
    wb = _open(data, filename)
    sheets = {ws.title: ws for ws in wb.worksheets}
    finder = _HeaderFinder()
    marks: dict[tuple[str, int, int], _Mark] = {}
    places: list[str | None] = []
    for p in problems:
        ws = sheets.get(p.get("sheet") or "")
        cell = _place(ws, p, finder) if ws is not None else None
        if ws is None or cell is None:
            places.append(None)
            continue
        row, col = cell
        key = (ws.title, row, col)
        mark = marks.setdefault(key, _Mark(p["severity"]))
        if _RANK.get(p["severity"], 2) < _RANK.get(mark.severity, 2):
            mark.severity = p["severity"]
        mark.lines.append(_comment_line(p))
        places.append(f"{get_column_letter(col)}{row}")

    commented = 0
    for (title, row, col), mark in marks.items():
        cell = sheets[title].cell(row, col)
        cell.fill = FILLS.get(mark.severity, FILLS["notice"])
        if commented < MAX_COMMENTS:
            body = visible("\n\n".join(mark.lines))
            comment = Comment(body[:32_000], AUTHOR)
            comment.width = 320
            comment.height = min(60 + 18 * body.count("\n") + 18 * (len(body) // 45), 600)
            cell.comment = comment
            commented += 1

    _problems_sheet(wb, filename, problems, places, commented < len(marks))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- opening


def _open(data: bytes, filename: str) -> openpyxl.Workbook:
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), rich_text=False)
            wb.template = False  # saved as a plain .xlsx whatever it was
            return wb
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
            pass  # not something openpyxl can keep as it is: copy its cells instead
    return _copy_cells(data, filename)


def _copy_cells(data: bytes, filename: str) -> openpyxl.Workbook:
    """A new workbook with every cell of the file at its own place (as text)."""
    try:
        book = read_workbook(data, filename)
    except UnreadableFile as exc:
        raise InvalidDecision(
            f"{filename} อ่านไม่ได้ จึงทำไฟล์ที่มีหมายเหตุไม่ได้ ({exc.issue.message}) — "
            f"{filename} cannot be read, so it cannot be annotated ({exc.issue.message_en})"
        ) from exc
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in book.sheets:
        ws = wb.create_sheet(_sheet_title(sheet.name, wb))
        if sheet.hidden:
            ws.sheet_state = "hidden"
        for j, column in enumerate(sheet.columns):
            for i, value in enumerate(column.to_pylist()):
                if value is not None:  # text stays text: "=HYPERLINK(…)" is not run
                    put_text(ws.cell(sheet.first_row + i, sheet.first_col + j + 1), value)
    return wb


def _sheet_title(name: str, wb: openpyxl.Workbook) -> str:
    title = name[:31] or "Sheet"
    n = 1
    while title in wb.sheetnames:
        n += 1
        title = f"{name[:28]}~{n}"
    return title


# --------------------------------------------------------------------------- places


class _HeaderFinder:
    """Header text -> column, per sheet: the matching cell nearest above the problem's row."""

    def __init__(self) -> None:
        self._cache: dict[str, dict[str, list[tuple[int, int]]]] = {}

    def _cells(self, ws: Worksheet) -> dict[str, list[tuple[int, int]]]:
        if ws.title not in self._cache:
            found: dict[str, list[tuple[int, int]]] = {}
            top = min(ws.max_row, HEADER_SEARCH_ROWS)
            for row in ws.iter_rows(min_row=1, max_row=top):
                for cell in row:
                    if isinstance(cell, MergedCell) or cell.value is None:
                        continue
                    key = normalise_header(str(cell.value))
                    if key:
                        found.setdefault(key, []).append((cell.row, cell.column))
            self._cache[ws.title] = found
        return self._cache[ws.title]

    def find(self, ws: Worksheet, header: str, below: int | None) -> tuple[int, int] | None:
        spots = self._cells(ws).get(normalise_header(header))
        if not spots:
            return None
        above = [s for s in spots if below is None or s[0] < below]
        return max(above or spots)

    def leftmost(self, ws: Worksheet, below: int) -> int:
        spots = [s for v in self._cells(ws).values() for s in v if s[0] < below]
        if not spots:
            return 1
        header_row = max(r for r, _ in spots)
        return min(c for r, c in spots if r == header_row)


def _place(ws: Worksheet, p: Mapping[str, Any], finder: _HeaderFinder) -> tuple[int, int] | None:
    """The cell a problem is about: (row, column), 1-based; None when it has no cell."""
    row, header = p.get("row"), p.get("column")
    if row is not None:
        col = None
        if header:
            spot = finder.find(ws, header, row)
            col = spot[1] if spot else None
        if col is None:
            col = finder.leftmost(ws, row)
        return _top_left(ws, int(row), col)
    if header:
        spot = finder.find(ws, header, None)
        if spot:
            return _top_left(ws, *spot)
    return (1, 1)  # a problem of the whole sheet: its first cell


def _top_left(ws: Worksheet, row: int, col: int) -> tuple[int, int]:
    """A merged cell's comment goes on the range's first cell (the only one Excel shows)."""
    if isinstance(ws.cell(row, col), MergedCell):
        for rng in ws.merged_cells.ranges:
            if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
                return rng.min_row, rng.min_col
    return row, col


# --------------------------------------------------------------------------- the list


def _as_dict(issue: Issue | Mapping[str, Any]) -> dict[str, Any]:
    d = issue.model_dump(mode="json") if isinstance(issue, Issue) else dict(issue)
    d["severity"] = str(d.get("severity") or "error")
    return d


def _comment_line(p: Mapping[str, Any]) -> str:
    head = f"[{SEVERITY_TH.get(p['severity'], p['severity'])}] {p.get('message', '')}"
    en = p.get("message_en")
    return f"{head}\n({en})" if en else head


def _append_text(ws: Worksheet, values: list[Any]) -> None:
    """A row of the problems sheet: sheet names, headers and messages come from the file, so
    each is written as text (an unknown header "=HYPERLINK(…)" must not become a formula)."""
    row = ws.max_row + 1
    for col, value in enumerate(values, start=1):
        put_text(ws.cell(row, col), value)


def _problems_sheet(
    wb: openpyxl.Workbook,
    filename: str,
    problems: list[dict[str, Any]],
    places: list[str | None],
    capped: bool,
) -> None:
    title = _sheet_title(PROBLEMS_SHEET, wb)
    ws = wb.create_sheet(title, 0)
    errors = sum(p["severity"] == "error" for p in problems)
    warnings = sum(p["severity"] == "warning" for p in problems)
    put_text(
        ws["A1"], f"ผลการตรวจไฟล์ {filename}: ผิดพลาด {errors:,} รายการ คำเตือน {warnings:,} รายการ"
    )
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = (
        "แก้ไขเซลล์ที่ระบายสีในแผ่นงานของท่าน (ชี้ที่เซลล์เพื่ออ่านหมายเหตุ) แล้วส่งไฟล์ใหม่ — "
        "fix the coloured cells (hover for the note), then send the file again"
    )
    if capped:
        ws["A3"] = (
            f"ปัญหามีมาก จึงใส่หมายเหตุเฉพาะ {MAX_COMMENTS:,} เซลล์แรก เซลล์อื่นระบายสีไว้ — "
            f"many problems: only the first {MAX_COMMENTS:,} cells carry a note; all are coloured"
        )
    head = ["ลำดับ", "ระดับ", "แผ่นงาน", "เซลล์", "แถว", "คอลัมน์", "รหัส", "สิ่งที่ต้องแก้ไข", "English"]
    ws.append([])
    ws.append(head)
    top = ws.max_row
    for cell in ws[top]:
        cell.font = Font(bold=True)
    for n, (p, place) in enumerate(zip(problems, places, strict=True), start=1):
        _append_text(
            ws,
            [
                n,
                SEVERITY_TH.get(p["severity"], p["severity"]),
                p.get("sheet") or "",
                place or "",
                p.get("row"),
                p.get("column") or "",
                p.get("code") or "",
                p.get("message") or "",
                p.get("message_en") or "",
            ],
        )
        r = ws.max_row
        ws.cell(r, 2).fill = FILLS.get(p["severity"], FILLS["notice"])
        if place and p.get("sheet"):
            link = ws.cell(r, 4)
            link.hyperlink = f"#'{p['sheet'].replace(chr(39), chr(39) * 2)}'!{place}"
            link.font = Font(color="0563C1", underline="single")
    if not problems:
        ws.append(["", "", "", "", "", "", "", "ไม่พบปัญหา", "no problems found"])
    for col, width in zip("ABCDEFGHI", (7, 10, 18, 8, 7, 18, 18, 70, 60), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=top + 1, min_col=8, max_col=9):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(top + 1, 1)
    ws.auto_filter.ref = f"A{top}:I{ws.max_row}"
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0
