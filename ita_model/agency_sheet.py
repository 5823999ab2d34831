"""A sheet of agencies (``รหัสหน่วยงาน | ชื่อหน่วยงาน | ประเภท | จังหวัด | สังกัด``) read into
``AgencyRecord`` rows for the registry, checked like any workbook of the contract.

The file goes through the reader with all its guards (``validate.open_report``); the header may
sit below title rows, the columns may come in any order (``agency_sheet.yaml``), blank rows are
nothing and a repeated header row is skipped (the same column machinery as ``validate``), Thai
digits are digits. Every problem is an issue located by sheet, Excel row and column, Thai with
English beside: a missing or malformed code, the same code twice (the later row names the
first), a missing name, a type word ``agency_types.yaml`` does not know (with the nearest one),
a cell longer than the registry keeps. ``records`` is only given for a file without errors: a
registry is imported whole or not at all.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ita_model.agencies import CODE_PATTERN, AgencyRecord, agency_type_of, type_key, type_words
from ita_model.agency import agency_types
from ita_model.reader import RawSheet
from ita_model.schema import SheetKind, detect_header, load_kinds
from ita_model.settings import Settings
from ita_model.sheet_columns import _data_rows, _read_column, _top_rows, sheet_height
from ita_model.suggest import hint, nearest
from ita_model.thai import to_arabic_digits
from ita_model.validate import FileReport, SheetReport, open_report

_SHEETS_FILE = Path(__file__).with_name("agency_sheet.yaml")
_CODE = re.compile(CODE_PATTERN)
_WHOLE = re.compile(r"^(\d+)\.0+$")  # a code typed into a number cell comes back as '1001.0'
# the longest each column may be: the registry's own limits (AgencyRecord, the agencies table)
LIMITS = {"code": 32, "name": 300, "type": 100, "province": 100, "parent": 300}


@functools.cache
def sheet_spec() -> dict[str, SheetKind]:
    return load_kinds(_SHEETS_FILE)


@dataclass
class AgencySheet:
    """What a file of agencies gave: its report, and the records when it has no error."""

    report: FileReport
    rows: list[tuple[int, AgencyRecord]] = field(default_factory=list)  # (Excel row, record)

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def records(self) -> list[AgencyRecord]:
        return [r for _, r in self.rows] if self.ok else []


def read_agencies(
    source: Path | str | bytes,
    name: str | None = None,
    *,
    settings: Settings | None = None,
) -> AgencySheet:
    """Read and check a sheet of agencies. Never raises for bad input: a report says it all."""
    report, book = open_report(source, name, 0, settings)
    out = AgencySheet(report)
    if book is None:
        return out
    seen: dict[str, int] = {}  # casefolded code -> the Excel row that first gave it
    for sheet in book.sheets:
        _sheet(sheet, out, seen)
    if not any(s.kind for s in report.sheets):
        report.issues.add("no_recognised_sheet")
    return out


def _sheet(sheet: RawSheet, out: AgencySheet, seen: dict[str, int]) -> None:
    issues = out.report.issues
    header = detect_header(_top_rows(sheet), sheet_spec())
    if header is None:
        issues.add("sheet_not_recognised", sheet=sheet.name)
        out.report.sheets.append(SheetReport(sheet.name, None))
        return
    spec = sheet_spec()["agencies"]
    rep = SheetReport(sheet.name, "agencies")
    out.report.sheets.append(rep)
    for _pos, text in header.unknown:
        issues.add("unknown_column", sheet=sheet.name, column=text, value=text)
    for col in header.duplicates:
        issues.add("duplicate_column", sheet=sheet.name, column=header.labels[col])
    missing = [c for c in spec.required if c not in header.columns]
    for col in missing:
        issues.add(
            "missing_column", sheet=sheet.name, column=spec.columns[col][0], kind=spec.label_th
        )
    if missing:
        return
    start = header.index + 1
    n = sheet_height(sheet) - start
    cols = {c: _read_column(sheet.columns[pos], start, n) for c, pos in header.columns.items()}
    data = _data_rows(cols, spec)
    excel_rows = (np.arange(n, dtype=np.int64) + sheet.first_row + start)[data]
    texts = {c: col.raw[data].tolist() for c, col in cols.items()}
    rep.rows = len(data)
    if not len(data):
        issues.add("empty_sheet", sheet=sheet.name)
    for i, row in enumerate(excel_rows.tolist()):
        cells = {c: texts[c][i] for c in texts}
        record = _row(sheet.name, row, cells, header.labels, out, seen)
        if record is not None:
            out.rows.append((row, record))
            rep.valid_rows += 1


def _row(
    sheet: str,
    row: int,
    cells: dict[str, str | None],
    labels: dict[str, str],
    out: AgencySheet,
    seen: dict[str, int],
) -> AgencyRecord | None:
    """One data row: its record, or None with every problem of the row reported."""
    issues = out.report.issues
    bad = False
    cells = {c: (v.strip() or None) if v is not None else None for c, v in cells.items()}

    def problem(code: str, column: str, value: str | None = None, **params: object) -> None:
        nonlocal bad
        bad = True
        values = None if value is None else np.array([value], dtype=object)
        issues.add(
            code, sheet=sheet, column=labels[column], rows=np.array([row]), values=values, **params
        )

    too_long = set()
    for column, limit in LIMITS.items():
        text = cells.get(column)
        if text is not None and len(text) > limit:
            problem("cell_too_long", column, text, length=len(text), limit=limit)
            too_long.add(column)
    code = None
    if cells["code"] is None:
        problem("missing_value", "code")
    elif "code" not in too_long:
        code = read_code(cells["code"])
        if code is None:
            problem("bad_agency_code", "code", cells["code"])
        else:
            first = seen.setdefault(code.casefold(), row)
            if first != row:
                problem("duplicate_agency", "code", code, first_row=first)
    if cells["name"] is None:
        problem("missing_value", "name")
    kind = None
    if cells.get("type") is not None and "type" not in too_long:
        kind = agency_type_of(cells["type"])
        if kind is None:
            near = suggest_type(cells["type"] or "")
            problem("unknown_agency_type", "type", cells["type"], **allowed_types(), **hint(near))
    if bad or code is None or cells["name"] is None:
        return None
    return AgencyRecord(
        code=code,
        name=cells["name"],
        type=kind,
        province=cells.get("province"),
        parent=cells.get("parent"),
    )


def read_code(text: str) -> str | None:
    """An agency code as the registry keeps it (Thai digits as digits, '1001.0' as '1001'), or
    None when it is not a code."""
    t = to_arabic_digits(text).strip()
    whole = _WHOLE.match(t)
    if whole:
        t = whole.group(1)
    return t if _CODE.fullmatch(t) else None


@functools.cache
def allowed_types() -> dict[str, str]:
    """The type words a message offers: the Thai names (with their abbreviations), and in
    English the English ones."""
    kinds = agency_types().values()
    return {
        "allowed": ", ".join(
            t.name_th + (f" ({', '.join(t.abbreviations)})" if t.abbreviations else "")
            for t in kinds
        ),
        "allowed_en": ", ".join(f"{t.name_en} ({t.code})" for t in kinds),
    }


def suggest_type(word: str) -> str | None:
    """The Thai name of the type whose word (name or abbreviation) is nearest ``word``."""
    kinds = agency_types()
    choices = {key: kinds[code].name_th for key, code in type_words().items()}
    return nearest(type_key(word), choices)
