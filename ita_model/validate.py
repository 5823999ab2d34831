"""Check a workbook against the contract (shared/spec/workbooks.md) and the year's framework.

Column-wise: each distinct cell value of a column is read once, and the verdict is spread back
over the rows with numpy. Errors drop their row; warnings keep it. Every problem is collected.
Here: the reports, the file and each sheet's kind and header; the checks of each kind are in
``sheet_checks``, the reading of a sheet's columns in ``sheet_columns``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ita_model.agency_column import AgencyMatcher
from ita_model.errors import UnreadableFile
from ita_model.framework import Framework, load_framework
from ita_model.issues import IssueList
from ita_model.organisation import Organisation, load_organisation
from ita_model.reader import RawSheet, RawWorkbook, read_workbook
from ita_model.records import RECORD_MODELS
from ita_model.schema import Header, detect_header, sheet_kinds
from ita_model.settings import Settings, get_settings
from ita_model.sheet_checks import _KindChecks
from ita_model.sheet_columns import (
    Columns,
    _array,
    _data_rows,
    _read_column,
    _SheetContext,
    _top_rows,
    sheet_height,
)

if TYPE_CHECKING:
    import pandas as pd

KINDS = ("oit", "measures", "timeline", "survey", "scores")
VALIDATOR_VERSION = "2026.12.1"  # bump when the rows a file gives change; then `recheck --apply`
_META_DIVISION = re.compile(r"^\s*(ส่วนราชการ|หน่วยงาน|กอง/ฝ่าย|division)\s*[:：]\s*(.+)$", re.I)
_log = logging.getLogger(__name__)


def _own_sheets() -> set[str]:
    """Sheets our own files carry beside the data: the template's guide, the problems sheet of
    an annotated workbook sent back. Known, so never "not recognised"."""
    from ita_model.annotate import PROBLEMS_SHEET
    from ita_model.template import GUIDE_SHEET

    return {GUIDE_SHEET, PROBLEMS_SHEET}


@dataclass
class SheetReport:
    name: str
    kind: str | None
    rows: int = 0  # data rows below the header (blank rows not counted)
    valid_rows: int = 0
    build: Callable[[], Columns] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def columns(self) -> Columns | None:
        """The typed values of every valid row, one array per field, worked out when first
        asked for: the command line's report never asks (the links of a national sheet as
        356,900 Python strings: 50 ms)."""
        build, self.build = self.build, None
        return None if build is None else build()

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (the pages' cache) with the columns, not the function that works them out."""
        state = dict(self.__dict__)
        state["columns"], state["build"] = self.columns, None
        return state

    @cached_property
    def frame(self) -> pd.DataFrame | None:
        """The valid rows as a table, built only when someone asks (the CLI never does)."""
        import pandas as pd

        return None if self.columns is None else pd.DataFrame(self.columns)


@dataclass
class FileReport:
    path: str
    year: int
    unreadable: bool = False
    division: str | None = None  # the division id the file speaks for, when it is one
    sheets: list[SheetReport] = field(default_factory=list)
    issues: IssueList = field(default_factory=IssueList)

    @property
    def ok(self) -> bool:
        return not self.unreadable and self.issues.errors == 0

    def frame(self, kind: str) -> pd.DataFrame:
        """All valid rows of one kind across the file's sheets."""
        import pandas as pd

        frames = [s.frame for s in self.sheets if s.kind == kind and s.frame is not None]
        if not frames:
            return pd.DataFrame(columns=_frame_columns(kind))
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)

    def records(self, kind: str) -> list[Any]:
        """The valid rows of one kind as pydantic records."""
        model = RECORD_MODELS[kind]
        out = []
        for row in self.frame(kind).to_dict("records"):
            clean = {k: (None if _is_missing(v) else v) for k, v in row.items()}
            out.append(model.model_validate(clean))
        return out

    def to_json(self, *, records: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "ok": self.ok,
            "sheets": [
                {"name": s.name, "kind": s.kind, "rows": s.rows, "valid_rows": s.valid_rows}
                for s in self.sheets
            ],
            "issues": [
                i.model_dump(mode="json", exclude={"value", "message_en"})
                | {"message_en": i.message_en}
                for i in self.issues
            ],
        }
        if records:
            data["records"] = {
                kind: [r.model_dump(mode="json") for r in self.records(kind)] for kind in KINDS
            }
        return data


def _is_missing(v: Any) -> bool:
    import pandas as pd

    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _frame_columns(kind: str) -> list[str]:
    return [*RECORD_MODELS[kind].model_fields]


# --------------------------------------------------------------------------- entry points


def validate_file(
    source: Path | str | bytes,
    name: str | None = None,
    *,
    year: int | None = None,
    division: str | None = None,
    organisation: Organisation | None = None,
    settings: Settings | None = None,
    agencies: AgencyMatcher | None = None,
) -> FileReport:
    """Read and check one file. Never raises for bad input: an unreadable file is a report too.

    ``division`` is the uploader's division, the last resort when the file does not say.
    ``agencies``: the registry an agency column is checked against (``agency_column.py``).
    """
    settings = settings or get_settings()
    year = year or settings.year
    report, book = open_report(source, name, year, settings)
    if book is None:
        return report
    framework, org = load_framework(year), organisation or load_organisation()
    try:
        _Checker(book, report, framework, org, division, agencies).run()
    except Exception as exc:  # a fault of ours: the file gets a report, the user no traceback
        _log.exception("checking %s failed", report.path)
        return _failed(report, exc)
    return report


def _failed(report: FileReport, exc: Exception) -> FileReport:
    """The report of a file the checker failed on: none of its rows count (exit 2, as a file
    that could not be read), and the one issue says so. The property tests make this rare."""
    failed = FileReport(path=report.path, year=report.year, unreadable=True)
    detail = f"{type(exc).__name__}: {exc}"
    failed.issues.add("check_failed", detail=detail if len(detail) <= 160 else detail[:159] + "…")
    return failed


def open_report(
    source: Path | str | bytes,
    name: str | None,
    year: int,
    settings: Settings | None,
) -> tuple[FileReport, RawWorkbook | None]:
    """A new report for a file, and the file read; no workbook when it cannot be read, the
    reason then being the report's one issue."""
    display = name or (Path(source).name if not isinstance(source, bytes) else "upload")
    report = FileReport(path=name or str(source), year=year)
    try:
        book = read_workbook(
            Path(source) if isinstance(source, str) else source, display, settings=settings
        )
    except UnreadableFile as exc:
        report.unreadable = True
        report.issues.add_issue(exc.issue)
        return report, None
    return report, book


# --------------------------------------------------------------------------- the checker


class _Checker(_KindChecks):
    def __init__(
        self,
        book: RawWorkbook,
        report: FileReport,
        framework: Framework,
        org: Organisation,
        uploader_division: str | None,
        agencies: AgencyMatcher | None = None,
    ) -> None:
        self.agencies = agencies
        self.book = book
        self.report = report
        self.fw = framework
        self.org = org
        self.uploader_division = uploader_division
        self.issues = report.issues

    # ---- file level

    def run(self) -> None:
        headers: list[tuple[RawSheet, Header | None]] = []
        for sheet in self.book.sheets:
            top = _top_rows(sheet)
            header = detect_header(top)
            headers.append((sheet, header))
        self.report.division = self._file_division(headers)
        for sheet, header in headers:
            if header is None:
                if sheet.name not in _own_sheets():  # our template's guide: no note
                    self.issues.add("sheet_not_recognised", sheet=sheet.name)
                self.report.sheets.append(SheetReport(sheet.name, None))
                continue
            self._sheet(sheet, header)
        if not any(s.kind for s in self.report.sheets):
            self.issues.add("no_recognised_sheet")

    def _file_division(self, headers: list[tuple[RawSheet, Header | None]]) -> str | None:
        """A metadata line 'ส่วนราชการ: …' above a header, else the file name, else the uploader."""
        for sheet, header in headers:
            limit = header.index if header else min(sheet_height(sheet), 15)
            for row in _top_rows(sheet)[:limit]:
                for cell in row:
                    m = _META_DIVISION.match(str(cell)) if cell else None
                    if m:
                        div = self.org.match_division(m.group(2))
                        if div:
                            return self.org.reporting_division(div.id).id
        div = self.org.match_division_in_text(Path(self.book.name).stem)
        if div is None and self.uploader_division:
            div = self.org.match_division(self.uploader_division)
        return self.org.reporting_division(div.id).id if div else None

    # ---- sheet level

    def _sheet(self, sheet: RawSheet, header: Header) -> None:
        kind = header.kind
        spec = sheet_kinds()[kind]
        rep = SheetReport(sheet.name, kind)
        self.report.sheets.append(rep)
        for _pos, text in header.unknown:
            self.issues.add("unknown_column", sheet=sheet.name, column=text, value=text)
        for col in header.duplicates:
            self.issues.add("duplicate_column", sheet=sheet.name, column=header.labels[col])
        missing = [c for c in spec.required if c not in header.columns]
        for col in missing:
            self.issues.add(
                "missing_column",
                sheet=sheet.name,
                column=spec.columns[col][0],
                kind=spec.label_th,
            )
        if missing:
            return
        start = header.index + 1
        n = sheet_height(sheet) - start
        cols = {
            name: _read_column(sheet.columns[pos], start, n) for name, pos in header.columns.items()
        }
        excel_rows = np.arange(n, dtype=np.int64) + sheet.first_row + start
        data = _data_rows(cols, spec)
        if len(data) < n:  # most sheets have no blank row: nothing to copy
            cols = {name: c.take(data) for name, c in cols.items()}
        ctx = _SheetContext(sheet, header, cols, excel_rows[data])
        frame, keep = getattr(self, f"_{kind}")(ctx)
        rep.rows = len(data)
        rep.valid_rows = int(keep.sum())
        every = bool(keep.all())  # most sheets: no row to drop, nothing to copy

        def build() -> Columns:  # a field may be a function, for what only the columns need
            out = {}
            for name, values in frame.items():
                values = _array(values() if callable(values) else values)
                out[name] = values if every else values[keep]
            return out

        rep.build = build
        if not len(data):
            self.issues.add("empty_sheet", sheet=sheet.name)
