"""Check a workbook against the contract (shared/spec/workbooks.md) and the year's framework.

Column-wise: each distinct cell value of a column is read once, and the verdict is spread back
over the rows with numpy. Errors drop their row; warnings keep it. Every problem is collected.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ita_model import thai
from ita_model.errors import UnreadableFile
from ita_model.framework import Framework, item_code, load_framework, parse_item_code
from ita_model.issues import IssueList
from ita_model.organisation import Organisation, load_organisation
from ita_model.reader import RawSheet, RawWorkbook, read_workbook
from ita_model.reader.arrow import to_bools, to_codes
from ita_model.records import (
    RECORD_MODELS,
    Status,
    allowed_status_words,
    parse_status,
    suggest_status,
)
from ita_model.schema import Header, SheetKind, detect_header, normalise_header, sheet_kinds
from ita_model.settings import Settings, get_settings
from ita_model.suggest import hint

if TYPE_CHECKING:
    import pandas as pd

KINDS = ("oit", "measures", "timeline", "survey", "scores")
VALIDATOR_VERSION = "2026.12.1"  # bump when the rows a file gives change; then `recheck --apply`
_URL = re.compile(r"https?://[^\s,]+", re.IGNORECASE)
_ONE_URL = r"^(?i:https?://[^\s,]+)$"
_META_DIVISION = re.compile(r"^\s*(ส่วนราชการ|หน่วยงาน|กอง/ฝ่าย|division)\s*[:：]\s*(.+)$", re.I)
_MAX_DIGITS = 12  # a count of respondents or a target: a longer number is a typo, not a count
_COUNT = re.compile(rf"\+?0*(\d{{1,{_MAX_DIGITS}}})(?:\.0*)?")
# A cell that shows nothing is blank: white space (no-break too), zero-width and direction marks
# (from Word and the web), or an Excel error value written out as text (a CSV export of #REF!).
_BLANK = (
    r"^[\s\p{Z}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2064}\x{2066}-\x{2069}\x{FEFF}]*"
    r"(?:#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!|FIELD!))?"
    r"[\s\p{Z}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2064}\x{2066}-\x{2069}\x{FEFF}]*$"
)
_log = logging.getLogger(__name__)


_PER_VALUE = ("suggestion", "hint_th", "hint_en")  # parameters that differ cell by cell


def _own_sheets() -> set[str]:
    """Sheets our own files carry beside the data: the template's guide, the problems sheet of
    an annotated workbook sent back. Known, so never "not recognised"."""
    from ita_model.annotate import PROBLEMS_SHEET
    from ita_model.template import GUIDE_SHEET

    return {GUIDE_SHEET, PROBLEMS_SHEET}


class _Bad(Exception):
    """A cell value that does not read: its code and template parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params


Columns = dict[str, np.ndarray]


@dataclass
class SheetReport:
    name: str
    kind: str | None
    rows: int = 0  # data rows below the header (blank rows not counted)
    valid_rows: int = 0
    columns: Columns | None = None  # the typed values of every valid row, one array per field

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
) -> FileReport:
    """Read and check one file. Never raises for bad input: an unreadable file is a report too.

    ``division`` is the uploader's division, the last resort when the file does not say.
    """
    settings = settings or get_settings()
    year = year or settings.year
    report, book = open_report(source, name, year, settings)
    if book is None:
        return report
    framework, org = load_framework(year), organisation or load_organisation()
    try:
        _Checker(book, report, framework, org, division).run()
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


@dataclass
class _Column:
    """One column's cells as codes into its (stripped) values; -1 is a blank cell. The values
    are distinct, except in a column whose values nearly all differ: one slot per row there."""

    codes: np.ndarray  # int per row
    dictionary: pa.Array  # the distinct values, as Arrow strings

    @cached_property
    def uniques(self) -> list[str]:
        return self.dictionary.to_pylist()

    @property
    def blank(self) -> np.ndarray:
        return self.codes < 0

    @cached_property
    def raw(self) -> np.ndarray:
        """The text per row (None when blank): built only where every row's text is needed."""
        return self.lookup()[self.codes]

    def take(self, rows: np.ndarray) -> _Column:
        """The column at these rows only (the distinct values stay as they are)."""
        return _Column(self.codes[rows], self.dictionary)

    def lookup(self) -> np.ndarray:
        """Distinct values, plus a last None slot that code -1 picks."""
        out = np.empty(len(self.uniques) + 1, dtype=object)
        out[:-1] = self.uniques
        return out


class _Checker:
    def __init__(
        self,
        book: RawWorkbook,
        report: FileReport,
        framework: Framework,
        org: Organisation,
        uploader_division: str | None,
    ) -> None:
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
        rep.columns = {
            name: _array(values) if every else _array(values)[keep]
            for name, values in frame.items()
        }
        if not len(data):
            self.issues.add("empty_sheet", sheet=sheet.name)

    # ---- helpers for the kinds

    def _parse(
        self, ctx: _SheetContext, name: str, fn: Callable[[str], Any], **options: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """Apply ``fn`` once per distinct value of a column; report the cells it refuses.

        Returns (values per row, bad mask); ``options`` as for ``_parse_codes``.
        """
        lookup, codes, bad = self._parse_codes(ctx, name, fn, **options)
        return lookup[codes], bad

    def _parse_codes(
        self,
        ctx: _SheetContext,
        name: str,
        fn: Callable[[str], Any],
        *,
        required: bool = False,
        blank_value: Any = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(value per distinct cell, code per row, bad mask). A blank cell of a ``required``
        column is an error; blank cells take ``blank_value``."""
        n = len(ctx.rows)
        col = ctx.cols.get(name)
        if col is None:
            lookup = np.empty(1, dtype=object)
            lookup[0] = blank_value
            return lookup, np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=bool)
        values = np.empty(len(col.uniques) + 1, dtype=object)
        values[-1] = blank_value
        codes: dict[str, list[int]] = {}
        params: dict[str, dict[str, Any]] = {}
        hints: dict[str, dict[str, np.ndarray]] = {}  # per code: a "did you mean" per value
        for k, text in enumerate(col.uniques):
            try:
                values[k] = fn(text)
            except _Bad as bad:
                values[k] = blank_value
                codes.setdefault(bad.code, []).append(k)
                own = {p: bad.params.pop(p) for p in _PER_VALUE if p in bad.params}
                params[bad.code] = bad.params
                for p, v in own.items():
                    arr = hints.setdefault(bad.code, {}).get(p)
                    if arr is None:
                        arr = hints[bad.code][p] = np.full(len(col.uniques) + 1, "", dtype=object)
                    arr[k] = v
        bad = np.zeros(n, dtype=bool)
        label = ctx.header.labels[name]
        for code, ks in codes.items():
            mask = np.isin(col.codes, ks)
            bad |= mask
            self._report(ctx, code, label, mask, col, per_value=hints.get(code), **params[code])
        if required:
            mask = col.blank
            self._report(ctx, "missing_value", label, mask, None)
            bad |= mask
        return values, col.codes, bad

    def _report(
        self,
        ctx: _SheetContext,
        code: str,
        column: str | None,
        mask: np.ndarray,
        raw: _Column | np.ndarray | None,
        per_value: dict[str, np.ndarray] | None = None,
        **params: Any,
    ) -> None:
        idx = np.flatnonzero(mask)
        if len(idx) == 0:
            return
        if isinstance(raw, _Column):
            values = raw.lookup()[raw.codes[idx]]
        else:
            values = raw[idx] if raw is not None else None
        params.pop("value", None)
        row_params = None
        if per_value and isinstance(raw, _Column):  # one "did you mean" per cell's value
            row_params = {n: arr[raw.codes[idx]] for n, arr in per_value.items()}
        self.issues.add(
            code,
            sheet=ctx.sheet.name,
            column=column,
            rows=ctx.rows[idx],
            values=values,
            row_params=row_params,
            **params,
        )

    def _status(self, ctx: _SheetContext, *, blank_warns: bool = True) -> tuple[np.ndarray, Any]:
        def read(text: str) -> str:
            s = parse_status(text)
            if s is None:
                raise _Bad(
                    "unknown_status", allowed=allowed_status_words(), **hint(suggest_status(text))
                )
            return s.value

        values, bad = self._parse(ctx, "status", read, blank_value=None)
        col = ctx.cols.get("status")
        if col is not None and blank_warns:
            blank = col.blank
            self._report(ctx, "blank_status", ctx.header.labels["status"], blank, None)
            values = np.where(blank, Status.NOT_STARTED.value, values)
        return values, bad

    def _dates(self, ctx: _SheetContext, name: str, *, required: bool = False) -> tuple[Any, Any]:
        return self._parse(ctx, name, _read_date, required=required)

    # ---- the five kinds

    def _oit(self, ctx: _SheetContext) -> tuple[Columns, np.ndarray]:
        last = self.fw.last_item_number

        def read_item(text: str) -> str:
            number = parse_item_code(text)
            if number is None:
                raise _Bad("bad_item_code")
            code = item_code(number)
            if not self.fw.has_item(code):
                raise _Bad("unknown_item", year=self.fw.year, last=last)
            return code

        item_of, item_codes, bad_item = self._parse_codes(ctx, "item", read_item, required=True)
        items = item_of[item_codes]
        status, bad_status = self._status(ctx)

        def read_division(text: str) -> str:
            div = self.org.match_division(text)
            if div is None:
                near = self.org.nearest_division(text)
                raise _Bad("unknown_division", **hint(near.name_th if near else None))
            return self.org.reporting_division(div.id).id

        fallback = self.report.division  # for blank cells, or when there is no such column
        div_of, div_codes, bad_div = self._parse_codes(
            ctx, "division", read_division, blank_value=fallback
        )
        divisions = div_of[div_codes]
        if fallback is None:
            no_div = np.array([d is None for d in div_of], dtype=bool)[div_codes] & ~bad_div
            self._report(ctx, "no_division", None, no_div, None)
            bad_div = bad_div | no_div
        urls, all_urls, has_url = self._urls(ctx)
        updated, bad_date = self._dates(ctx, "updated")
        keep = ~(bad_item | bad_status | bad_div | bad_date)
        frame = dict(
            {
                "row": ctx.rows,
                "item": items,
                "status": status,
                "division": divisions,
                "url": urls,
                "urls": all_urls,
                "updated": updated,
                "owner": _text(ctx, "owner"),
                "note": _text(ctx, "note"),
            }
        )
        label_item = ctx.header.labels["item"]
        done_no_url = keep & (status == Status.DONE.value) & ~has_url
        self._report(ctx, "done_without_url", ctx.header.labels.get("url"), done_no_url, items)
        pairs = _Pairs(_pair_codes(div_of, div_codes, item_of, item_codes), keep)
        self._duplicates(ctx, pairs, items, label_item)
        self._unassigned(ctx, pairs, items, divisions, label_item)
        return frame, keep

    def _duplicates(self, ctx: _SheetContext, pairs: _Pairs, items: np.ndarray, label: str) -> None:
        """The same item twice for one division: warn on the later rows (the last one counts)."""
        if len(pairs.starts) == len(pairs.order):
            return
        later = np.ones(len(pairs.order), dtype=bool)
        later[pairs.starts] = False
        idx = np.sort(pairs.order[later])  # in the sheet's order, as the rows are reported
        first_row = np.zeros(int(pairs.codes.max()) + 1, dtype=np.int64)
        first_row[pairs.codes[pairs.order[pairs.starts]]] = ctx.rows[pairs.order[pairs.starts]]
        self.issues.add(
            "duplicate_item",
            sheet=ctx.sheet.name,
            column=label,
            rows=ctx.rows[idx],
            values=items[idx],
            row_params={"first_row": first_row[pairs.codes[idx]]},
        )

    def _unassigned(
        self,
        ctx: _SheetContext,
        pairs: _Pairs,
        items: np.ndarray,
        divisions: np.ndarray,
        label: str,
    ) -> None:
        """An item the division does not own: kept, with a warning naming its owners."""
        order, starts = pairs.order, pairs.starts
        if not len(order):
            return
        ends = [*starts[1:].tolist(), len(order)]
        mine: dict[str, tuple[set[str], str]] = {}  # per division: its items, its name
        owners_of: dict[str, str] = {}  # per item, not per (division, item) pair
        for start, end in zip(starts.tolist(), ends, strict=True):
            at = order[start]
            div, item = divisions[at], items[at]
            if div not in mine:
                own = set(self.org.items_of(div, self.fw.year))
                mine[div] = own, self.org.division(div).name_th
            if item not in owners_of:
                owned_by = self.org.owners(item, self.fw.year)
                owners_of[item] = ", ".join(d.name_th for d in owned_by)
            if item in mine[div][0] or not owners_of[item]:
                continue  # an item nobody owns yet counts from whoever reports it: no warning
            rows = order[start:end]
            self.issues.add(
                "item_not_assigned",
                sheet=ctx.sheet.name,
                column=label,
                rows=ctx.rows[rows],
                values=items[rows],
                division=mine[div][1],
                owners=owners_of[item],
            )

    def _urls(self, ctx: _SheetContext) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """First URL per row, all of them, and whether there is one; a hyperlink counts when
        the text is not a URL."""
        n = len(ctx.rows)
        col = ctx.cols.get("url")
        if col is None:
            return np.full(n, None, dtype=object), _empty_lists(n), np.zeros(n, dtype=bool)
        pos = ctx.header.columns["url"]
        abs_col = ctx.sheet.first_col + pos
        links = {r: target for (r, c), target in ctx.sheet.hyperlinks.items() if c == abs_col}
        # most cells hold exactly one URL: those are taken as they are, without Python
        lookup = col.lookup()
        single = np.zeros(len(lookup), dtype=bool)
        if len(col.dictionary):
            single[:-1] = to_bools(pc.match_substring_regex(col.dictionary, _ONE_URL))
        first_of = np.where(single, lookup, None)
        every_of = np.empty(len(lookup), dtype=object)
        every_of[-1] = []
        has_url = single.copy()
        for k in np.flatnonzero(~single[:-1]):
            found = _URL.findall(col.uniques[k])
            first_of[k] = found[0] if found else None
            every_of[k] = found
            has_url[k] = bool(found)
        inverse = col.codes
        first = first_of[inverse]
        every = every_of[inverse]  # None where the cell holds exactly one URL: see OitRecord
        found = has_url[inverse]  # a blank cell (-1) picks the last slot: False
        no_url = ~found & ~col.blank
        if links:
            row_index = {int(r): i for i, r in enumerate(ctx.rows.tolist())}
            for r, target in links.items():
                i = row_index.get(r)
                if i is not None and first[i] is None and _URL.match(target or ""):
                    first[i] = target
                    every[i] = [target]
                    no_url[i], found[i] = False, True
        self._report(ctx, "bad_url", ctx.header.labels["url"], no_url, col)
        return first, every, found

    def _measures(self, ctx: _SheetContext) -> tuple[Columns, np.ndarray]:
        n = len(ctx.rows)
        measure_col = ctx.cols["measure"]
        # a blank measure continues the measure above it (merged cells)
        measure = measure_col.raw.copy()
        for i in range(1, n):
            if measure[i] is None:
                measure[i] = measure[i - 1]
        orphan = np.array([m is None for m in measure], dtype=bool)
        self._report(ctx, "missing_value", ctx.header.labels["measure"], orphan, None)
        action, bad_action = self._parse(ctx, "action", str, required=True)
        periods: list[Any] = []
        col = ctx.cols.get("period")
        period_text = col.raw if col is not None else np.full(n, None, dtype=object)

        def read_period(text: str) -> Any:
            try:
                return thai.parse_period(text)
            except thai.PeriodError as exc:
                raise _Bad("bad_period") from exc

        periods, _bad_period_rows = self._parse(ctx, "period", read_period)
        status, bad_status = self._status(ctx)
        keep = ~(orphan | bad_action | bad_status)
        frame = dict(
            {
                "row": ctx.rows,
                "measure": measure,
                "action": action,
                "responsible": _text(ctx, "responsible"),
                "period": [_period_dict(p) for p in periods],
                "period_text": period_text,
                "result": _text(ctx, "result"),
                "suggestion": _text(ctx, "suggestion"),
                "status": status,
            }
        )
        return frame, keep

    def _timeline(self, ctx: _SheetContext) -> tuple[Columns, np.ndarray]:
        def read_start(text: str) -> tuple[Any, Any]:
            try:
                d = thai.parse_date(text)
                return d, None
            except thai.DateError as exc:
                if exc.kind == "nonexistent":
                    raise _Bad("nonexistent_date") from exc
            try:
                p = thai.parse_period(text)
            except thai.PeriodError as exc:
                raise _Bad("bad_date") from exc
            return p.start, p.end

        def read_end(text: str) -> Any:
            first, last = read_start(text)
            return last or first

        activity, bad_activity = self._parse(ctx, "activity", str, required=True)
        span, bad_start = self._parse(ctx, "start", read_start, required=True)
        start = np.array([s[0] if s else None for s in span], dtype=object)
        implied_end = np.array([s[1] if s else None for s in span], dtype=object)
        end, bad_end = self._parse(ctx, "end", read_end)
        end = np.where(np.array([e is None for e in end], dtype=bool), implied_end, end)
        order = np.array(
            [s is not None and e is not None and e < s for s, e in zip(start, end, strict=True)],
            dtype=bool,
        )
        for i in np.flatnonzero(order & ~bad_start & ~bad_end):
            self._report(
                ctx,
                "end_before_start",
                ctx.header.labels.get("end", ctx.header.labels["start"]),
                _one(len(ctx.rows), i),
                None,
                start=thai.format_date(start[i]),
                end=thai.format_date(end[i]),
            )
        status, bad_status = self._status(ctx, blank_warns=False)
        keep = ~(bad_activity | bad_start | bad_end | order | bad_status)
        frame = dict(
            {
                "row": ctx.rows,
                "activity": activity,
                "start": start,
                "end": end,
                "phase": [_phase(p) for p in _text(ctx, "phase")],
                "status": status,
                "note": _text(ctx, "note"),
            }
        )
        return frame, keep

    def _survey(self, ctx: _SheetContext) -> tuple[Columns, np.ndarray]:
        def read_tool(text: str) -> str:
            tool = _tool(text)
            if tool is None:
                raise _Bad("unknown_tool")
            return tool

        tool, bad_tool = self._parse(ctx, "tool", read_tool, required=True)
        respondents, bad_resp = self._parse(ctx, "respondents", _read_int, required=True)
        target, bad_target = self._parse(ctx, "target", _read_int)
        when, bad_date = self._dates(ctx, "date")
        keep = ~(bad_tool | bad_resp | bad_target | bad_date)
        frame = dict(
            {
                "row": ctx.rows,
                "tool": tool,
                "respondents": respondents,
                "date": when,
                "target": target,
            }
        )
        return frame, keep

    def _scores(self, ctx: _SheetContext) -> tuple[Columns, np.ndarray]:
        def read_year(text: str) -> int:
            t = thai.to_arabic_digits(text).replace("พ.ศ.", "").strip()
            t = re.sub(r"^(ปีงบประมาณ|ปี)\s*", "", t)
            if t.endswith(".0"):
                t = t[:-2]
            if not (t.isdecimal() and len(t) <= 4):  # not isdigit(): int() refuses '²⁵⁶⁵'
                raise _Bad("bad_year")
            y = int(t)
            if y < 100:
                y += 2500
            elif y < 2400:
                y += 543
            if not 2500 <= y <= 2700:
                raise _Bad("bad_year")
            return y

        year, bad_year = self._parse(ctx, "year", read_year, required=True)
        indicator, bad_ind = self._parse(
            ctx, "indicator", lambda t: self._indicator(t), required=True
        )

        def read_score(text: str) -> float:
            t = thai.to_arabic_digits(text).replace(",", "").rstrip("%").strip()
            try:
                v = float(t)
            except ValueError as exc:
                raise _Bad("bad_number") from exc
            if not math.isfinite(v):  # 'nan', 'inf', '1e999'
                raise _Bad("bad_number")
            if not 0 <= v <= 100:
                raise _Bad("score_out_of_range")
            return v

        score, bad_score = self._parse(ctx, "score", read_score, required=True)
        keep = ~(bad_year | bad_ind | bad_score)
        frame = dict(
            {
                "row": ctx.rows,
                "year": year,
                "indicator": indicator,
                "score": score,
                "tool": _text(ctx, "tool"),
            }
        )
        return frame, keep

    def _indicator(self, text: str) -> str:
        t = re.sub(r"\s+", "", thai.to_arabic_digits(text)).casefold()
        t = re.sub(r"^(ตัวชี้วัดที่|ตัวชี้วัด|indicator)", "", t)
        if t in {"รวม", "คะแนนรวม", "total", "ita"}:
            return "total"
        if t.upper() in {"IIT", "EIT", "OIT"}:
            return t.upper()
        m = re.match(r"^(\d{1,2})(\.0)?(\D.*)?$", t)
        if m and 1 <= int(m.group(1)) <= len(self.fw.indicators):
            return str(int(m.group(1)))
        for ind in self.fw.indicators:
            if t in {re.sub(r"\s+", "", ind.name_th), ind.name_en.replace(" ", "").casefold()}:
                return str(ind.number)
        raise _Bad("unknown_indicator")


class _Pairs:
    """The kept rows grouped by (division, item): ``order`` the kept rows sorted by pair, in
    the sheet's order within a pair; each pair's run starts at ``starts``. One sort for the
    duplicates and the unassigned items; a radix sort when the pairs are few (as they are)."""

    def __init__(self, codes: np.ndarray, keep: np.ndarray) -> None:
        self.codes = codes
        kept = np.flatnonzero(keep)
        small = len(codes) and codes.max() < np.iinfo(np.int16).max
        keys = codes[kept].astype(np.int16 if small else np.int64)
        self.order = kept[np.argsort(keys, kind="stable")]
        runs = codes[self.order]
        self.starts = np.flatnonzero(np.r_[True, runs[1:] != runs[:-1]]) if len(runs) else runs


@dataclass
class _SheetContext:
    sheet: RawSheet
    header: Header
    cols: dict[str, _Column]
    rows: np.ndarray  # Excel row number per data row (blank rows and repeated headers left out)


# --------------------------------------------------------------------------- small readers


def sheet_height(sheet: RawSheet) -> int:
    return len(sheet.columns[0]) if sheet.columns else 0


def _top_rows(sheet: RawSheet) -> list[list[str | None]]:
    """The first rows as lists of cells, for header detection and metadata lines."""
    h = min(sheet_height(sheet), 15)
    cols = [c.slice(0, h).to_pylist() for c in sheet.columns]
    return [[col[r] for col in cols] for r in range(h)]


def _read_column(arr: pa.Array | pa.ChunkedArray, start: int, n: int) -> _Column:
    """The column's rows as codes into its distinct stripped values, blanks as -1.

    The distinct raw values are found first, so trimming and the blank test run once per
    value, not once per cell. No Python value is handed to pyarrow: the first one makes it
    import pandas (0.2-0.4 s the command line has no use for).
    """
    part = arr.slice(start, n)
    if isinstance(part, pa.ChunkedArray):
        part = part.combine_chunks()
    part = part.cast(pa.string())
    if n >= _MANY_ROWS and _mostly_distinct(part):
        return _one_per_row(part)
    raw = pc.dictionary_encode(part)
    codes = to_codes(raw.indices)
    stripped = pc.utf8_trim_whitespace(raw.dictionary)
    blank = pc.match_substring_regex(stripped, _BLANK)
    trimmed = (
        pc.sum(pc.utf8_length(stripped)).as_py() != pc.sum(pc.utf8_length(raw.dictionary)).as_py()
    )
    if not trimmed and not pc.any(blank).as_py():
        return _Column(codes, stripped)  # the values are distinct already: no second pass
    stripped = pc.if_else(blank, pa.nulls(len(stripped), pa.string()), stripped)
    distinct = pc.dictionary_encode(stripped)  # " a" and "a" are one value
    remap = np.append(to_codes(distinct.indices), -1)  # a blank cell (-1) picks the last slot
    return _Column(remap[codes], distinct.dictionary)


_MANY_ROWS = 8192  # below this, numbering the distinct values costs nothing worth saving
_SAMPLE_ROWS = 1024


def _mostly_distinct(part: pa.Array) -> bool:
    """Whether nearly every one of the column's first rows differs (a link per row)."""
    head = part.slice(0, _SAMPLE_ROWS)
    return bool(pc.count_distinct(head).as_py() > 0.9 * len(head))


def _one_per_row(part: pa.Array) -> _Column:
    """A column whose values nearly all differ, each row its own slot (blanks -1): numbering
    356,900 links that are all different only to find each once cost a tenth of a second."""
    n = len(part)
    stripped = pc.utf8_trim_whitespace(part)
    blank = pc.or_kleene(pc.match_substring_regex(stripped, _BLANK), pc.is_null(stripped))
    codes = np.arange(n, dtype=np.int64)
    codes[to_bools(blank)] = -1
    # a blank row's slot, never picked, holds "" rather than None: each slot is text
    empty = pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(np.zeros(n + 1, dtype=np.int32)), pa.py_buffer(b"")]
    )
    return _Column(codes, pc.coalesce(stripped, empty))


def _data_rows(cols: dict[str, _Column], spec: SheetKind) -> np.ndarray:
    """Positions of the rows that hold data: not blank in every recognised column (a spacer, a
    note beside the table, a row of #REF!), and not the header row again (a second table, a
    header repeated on every printed page): a row whose every filled cell is its column's
    header word, two at least."""
    n = len(next(iter(cols.values())).codes) if cols else 0
    filled = np.zeros(n, dtype=np.int64)
    for col in cols.values():
        filled += ~col.blank
    data = filled > 0
    # candidates first, from one required column's distinct values (a few, on any real sheet)
    first = cols[spec.required[0]]
    words = {normalise_header(a) for a in spec.columns[spec.required[0]]}
    text = pc.utf8_lower(pc.replace_substring_regex(first.dictionary, r"\s+", ""))
    lookup = np.zeros(len(first.dictionary) + 1, dtype=bool)
    lookup[:-1] = [t in words for t in pc.utf8_rtrim(text, characters=":*：").to_pylist()]
    candidates = np.flatnonzero(lookup[first.codes] & data)
    if not len(candidates):
        return np.flatnonzero(data)
    header_words = np.zeros(len(candidates), dtype=np.int64)
    for name, col in cols.items():
        aliases = {normalise_header(a) for a in spec.columns[name]}
        codes = col.codes[candidates]
        hits = [
            k for k in set(codes.tolist()) if k >= 0 and normalise_header(col.uniques[k]) in aliases
        ]
        header_words += np.isin(codes, hits)
    again = candidates[(header_words >= 2) & (header_words == filled[candidates])]
    data[again] = False
    return np.flatnonzero(data)


def _read_date(text: str) -> Any:
    try:
        return thai.parse_date(text)
    except thai.DateError as exc:
        raise _Bad("nonexistent_date" if exc.kind == "nonexistent" else "bad_date") from exc


def _read_int(text: str) -> int:
    """A count: digits only (a whole number cell read as '12.0' too), at most 12 of them."""
    m = _COUNT.fullmatch(thai.to_arabic_digits(text).replace(",", "").strip())
    if m is None:
        raise _Bad("bad_number")
    return int(m[1])


def _text(ctx: _SheetContext, name: str) -> np.ndarray:
    col = ctx.cols.get(name)
    return col.raw if col is not None else np.full(len(ctx.rows), None, dtype=object)


def _tool(text: str) -> str | None:
    t = text.upper()
    for tool in ("IIT", "EIT"):
        if tool in t:
            return tool
    if "ภายใน" in text:
        return "IIT"
    if "ภายนอก" in text:
        return "EIT"
    return None


def _phase(text: str | None) -> str:
    if not text:
        return "general"
    t = text.upper()
    for tool in ("IIT", "EIT", "OIT"):
        if tool in t:
            return tool
    return "general"


def _period_dict(p: Any) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"start": p.start, "end": p.end}


def _array(values: np.ndarray | list[Any]) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _pair_codes(
    div_of: np.ndarray, div_codes: np.ndarray, item_of: np.ndarray, item_codes: np.ndarray
) -> np.ndarray:
    """One integer per (division, item) pair, for fast grouping.

    Distinct cells may read as the same value ('o1', '๐๑'): values, not cells, are numbered.
    """
    div_ids = _intern(div_of)
    item_ids = _intern(item_of)
    return div_ids[div_codes] * (int(item_ids.max()) + 1) + item_ids[item_codes]


def _intern(lookup: np.ndarray) -> np.ndarray:
    """A small integer per distinct value of a (short) lookup table."""
    seen: dict[Any, int] = {}
    return np.array([seen.setdefault(v, len(seen)) for v in lookup.tolist()], dtype=np.int64)


def _empty_lists(n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = []
    return out


def _one(n: int, i: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[i] = True
    return mask
