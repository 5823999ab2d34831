"""A year's framework from a workbook: the legal unit loads the NACC's list without a developer.

The workbook has an ``items`` sheet (code, name, sub-indicator, components; optionally the English
name, group and notes) and, optionally, ``subindicators`` (code, weight, names), ``indicators``
(number, weight, names) and ``ratings`` (``ratings_sheet.py``) sheets; the header words are in
``framework_sheets.yaml``. What the workbook does not say (tools, the scoring note, indicator
names) comes from a base year's framework; the ratings, when it has no ratings sheet, from the
rules in force in its year (``ratings.yaml``). Each item's time requirement is read from its
components, as the 2565 file's were by hand.

It is checked like any other input: every problem has a stable code, a Thai and an English
message, and its sheet, Excel row and column; the report is a ``FileReport``. A framework is only
produced from a file without errors. ``framework_workbook`` writes the same layout back, so a
year's file can be exported, edited in Excel and imported again.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from ita_model.cells import put_text
from ita_model.errors import Issue, make_issue
from ita_model.framework import (
    Framework,
    Item,
    Requirement,
    available_years,
    item_code,
    load_framework,
    parse_item_code,
)
from ita_model.ratings import Rating, rules_for_year
from ita_model.ratings_sheet import kind_of, ratings_rows, read_ratings
from ita_model.reader import RawSheet
from ita_model.schema import SheetKind, detect_header, load_kinds
from ita_model.settings import Settings
from ita_model.template import workbook_bytes
from ita_model.thai import to_arabic_digits
from ita_model.validate import FileReport, SheetReport, open_report

_SHEETS_FILE = Path(__file__).with_name("framework_sheets.yaml")
_SUB_CODE = re.compile(r"^(?:ตัวชี้วัดย่อย(?:ที่)?)?\s*(\d{1,2})\s*\.\s*(\d{1,2})(?:\s+(.*))?$", re.S)
_INDICATOR = re.compile(r"^(?:ตัวชี้วัด(?:ที่)?)?\s*(\d{1,2})(?:\.0+)?(?:\s+.*)?$", re.S)
_BULLET = re.compile(r"^\s*(?:[•\-–○●▪*·]|๐(?=\s))\s*")
_BE_YEAR = re.compile(r"พ\.ศ\.\s*(\d{4})")
SHEET_NAMES = {
    "items": "รายการข้อ",
    "subindicators": "ตัวชี้วัดย่อย",
    "indicators": "ตัวชี้วัด",
    "ratings": "ระดับผลการประเมิน",
}


@functools.cache
def sheet_specs() -> dict[str, SheetKind]:
    return load_kinds(_SHEETS_FILE)


# --------------------------------------------------------------------------- reading


@dataclass
class _Table:
    """One recognised sheet: its kind, and its rows below the header as {column: text}."""

    sheet: RawSheet
    kind: str
    labels: dict[str, str]  # column -> the header as written
    rows: list[tuple[int, dict[str, str | None]]]  # (Excel row, cells)


def _cells(sheet: RawSheet) -> list[list[str | None]]:
    cols = [c.to_pylist() for c in sheet.columns]
    height = len(cols[0]) if cols else 0
    return [[_clean(col[r]) for col in cols] for r in range(height)]


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n").strip()
    return text or None


@dataclass
class ImportResult:
    report: FileReport
    framework: Framework | None = None
    base_year: int | None = None


class _Importer:
    def __init__(self, report: FileReport, year: int, base: Framework) -> None:
        self.report = report
        self.year = year
        self.base = base
        self.problems: list[Issue] = []

    def add(
        self, code: str, *, sheet: str | None = None, row: int | None = None, **kw: Any
    ) -> None:
        self.problems.append(make_issue(code, sheet=sheet, row=row, **kw))

    @property
    def errors(self) -> int:
        return sum(i.severity == "error" for i in self.problems)

    # --- sheets

    def tables(self, sheets: list[RawSheet]) -> dict[str, _Table]:
        found: dict[str, _Table] = {}
        for sheet in sheets:
            rows = _cells(sheet)
            head = detect_header(rows, sheet_specs())
            if head is None:
                self.add("sheet_not_recognised", sheet=sheet.name)
                self.report.sheets.append(SheetReport(sheet.name, None))
                continue
            index, kind, columns = head.index, head.kind, head.columns
            unknown = [text for _, text in head.unknown]
            spec = sheet_specs()[kind]
            for text in unknown:
                self.add("unknown_column", sheet=sheet.name, column=text, value=text)
            missing = [c for c in spec.required if c not in columns]
            for col in missing:
                self.add(
                    "missing_column",
                    sheet=sheet.name,
                    column=spec.columns[col][0],
                    kind=spec.label_th,
                )
            if kind in found or missing:
                self.report.sheets.append(SheetReport(sheet.name, f"framework_{kind}"))
                continue
            labels = {col: str(rows[index][pos]) for col, pos in columns.items()}
            body = []
            for r, row in enumerate(rows[index + 1 :], start=sheet.first_row + index + 1):
                cells = {col: row[pos] if pos < len(row) else None for col, pos in columns.items()}
                if any(cells.values()):
                    body.append((r, cells))
            found[kind] = _Table(sheet, kind, labels, body)
        return found

    def _sheet_report(self, table: _Table, valid: int) -> None:
        self.report.sheets.append(
            SheetReport(table.sheet.name, f"framework_{table.kind}", len(table.rows), valid)
        )

    # --- indicators and sub-indicators

    def indicators(self, table: _Table | None) -> dict[int, dict[str, Any]]:
        out = {
            i.number: i.model_dump(exclude={"subindicators"}) | {"subindicators": []}
            for i in self.base.indicators
        }
        if table is None:
            return out
        valid = 0
        for row, cells in table.rows:
            where = {"sheet": table.sheet.name, "row": row}
            raw = cells["indicator"]
            m = _INDICATOR.match(to_arabic_digits(raw or ""))
            if not raw:
                self.add("missing_value", column=table.labels["indicator"], **where)
                continue
            if m is None or int(m.group(1)) not in out:
                self.add("unknown_indicator", column=table.labels["indicator"], value=raw, **where)
                continue
            weight = self._weight(cells["weight"], table.labels["weight"], where)
            if weight is None:
                continue
            ind = out[int(m.group(1))]
            ind["weight"] = weight
            for key, col in (("name_th", "name"), ("name_en", "name_en")):
                if cells.get(col):
                    ind[key] = cells[col]
            valid += 1
        self._sheet_report(table, valid)
        return out

    def _weight(self, raw: str | None, label: str, where: dict[str, Any]) -> float | None:
        if not raw:
            self.add("missing_value", column=label, **where)
            return None
        try:
            value = float(to_arabic_digits(raw).replace(",", ""))
        except ValueError:
            value = -1.0
        if not value > 0:
            self.add("bad_number", column=label, value=raw, **where)
            return None
        return value

    def subindicators(self, table: _Table | None, indicators: set[int]) -> dict[str, dict]:
        """Names and weights given on the sub-indicators sheet, by code."""
        out: dict[str, dict] = {}
        if table is None:
            return out
        valid = 0
        for row, cells in table.rows:
            where = {"sheet": table.sheet.name, "row": row}
            code = self._sub_code(
                cells["subindicator"], table.labels["subindicator"], where, indicators
            )
            if code is None:
                continue
            weight = self._weight(cells["weight"], table.labels["weight"], where)
            if weight is None:
                continue
            out[code[0]] = {"weight": weight, "name_th": cells.get("name") or code[1]}
            if cells.get("name_en"):
                out[code[0]]["name_en"] = cells["name_en"]
            valid += 1
        self._sheet_report(table, valid)
        return out

    def _sub_code(
        self, raw: str | None, label: str, where: dict[str, Any], indicators: set[int]
    ) -> tuple[str, str | None] | None:
        """(code, the name written after it) of a sub-indicator cell, or None (reported)."""
        if not raw:
            self.add("missing_value", column=label, **where)
            return None
        m = _SUB_CODE.match(to_arabic_digits(raw))
        if m is None:
            self.add("bad_subindicator", column=label, value=raw, **where)
            return None
        if int(m.group(1)) not in indicators:
            self.add("unknown_indicator", column=label, value=raw, **where)
            return None
        name = m.group(3).strip() if m.group(3) else None
        return f"{int(m.group(1))}.{int(m.group(2))}", name

    # --- items

    def items(self, table: _Table, indicators: set[int]) -> list[dict[str, Any]]:
        """One dict per good item row, in code order; continuation rows already folded in."""
        by_code: dict[str, dict[str, Any]] = {}
        last: dict[str, Any] | None = None
        labels = table.labels
        for row, cells in table.rows:
            where = {"sheet": table.sheet.name, "row": row}
            raw = cells["item"]
            if not raw:
                # a blank code continues the item above (merged cells, one component per row)
                if last is not None and not cells.get("name"):
                    last["components"] += _lines(cells.get("components"))
                    last["notes"] += _lines(cells.get("notes"))
                    continue
                self.add("missing_value", column=labels["item"], **where)
                last = None
                continue
            number = parse_item_code(raw)
            if number is None:
                self.add("bad_item_code", column=labels["item"], value=raw, **where)
                last = None
                continue
            code = item_code(number)
            bad = False
            if not cells.get("name"):
                self.add("missing_value", column=labels["name"], **where)
                bad = True
            sub = self._sub_code(cells["subindicator"], labels["subindicator"], where, indicators)
            bad = bad or sub is None
            if code in by_code:
                self.add(
                    "duplicate_item",
                    column=labels["item"],
                    value=code,
                    first_row=by_code[code]["row"],
                    **where,
                )
            entry = {
                "row": row,
                "code": code,
                "name_th": _text(cells.get("name")),
                "name_en": _text(cells.get("name_en") or cells.get("name")),
                "sub": sub[0] if sub else None,
                "sub_name": sub[1] if sub else None,
                "group": cells.get("group"),
                "group_en": cells.get("group_en"),
                "components": _lines(cells.get("components")),
                "notes": _lines(cells.get("notes")),
                "group_notes": _lines(cells.get("group_notes")),
                "bad": bad,
            }
            by_code[code] = entry
            last = entry
        good = []
        for entry in sorted(by_code.values(), key=lambda e: e["code"]):
            if not entry["components"] and not entry["bad"]:
                self.add(
                    "missing_value",
                    sheet=table.sheet.name,
                    row=entry["row"],
                    column=labels["components"],
                )
                entry["bad"] = True
            if not entry["bad"]:
                good.append(entry)
        self._gaps(by_code, table)
        self._order(good, table)
        good = [entry for entry in good if not entry["bad"]]
        self._sheet_report(table, len(good))
        return good

    def _gaps(self, by_code: dict[str, dict], table: _Table) -> None:
        numbers = [int(c[1:]) for c in by_code]
        last = max(numbers, default=0)
        for n in range(1, last + 1):
            if item_code(n) not in by_code:
                self.add("missing_item", sheet=table.sheet.name, value=item_code(n), last=last)

    def _order(self, good: list[dict], table: _Table) -> None:
        """The items of a sub-indicator must sit together, sub-indicators in order."""
        seen: list[str] = []
        for entry in good:
            sub = entry["sub"]
            if seen and sub != seen[-1] and (sub in seen or _sub_key(sub) < _sub_key(seen[-1])):
                self.add(
                    "subindicator_order",
                    sheet=table.sheet.name,
                    row=entry["row"],
                    column=table.labels["subindicator"],
                    value=entry["code"],
                    sub=sub,
                    previous=seen[-1],
                )
                entry["bad"] = True
                continue
            if not seen or sub != seen[-1]:
                seen.append(sub)

    # --- ratings

    def ratings(self, table: _Table | None) -> list[Rating] | None:
        """The ratings sheet's levels; None when there is no sheet or it has errors."""
        if table is None:
            return None
        found = read_ratings(table.rows, table.labels, table.sheet.name, self.add)
        self._sheet_report(table, len(found or []))
        return found

    # --- the framework

    def build(
        self,
        indicators: dict[int, dict[str, Any]],
        subs_given: dict[str, dict],
        items: list[dict[str, Any]],
        *,
        source: str,
        provisional: bool,
        ratings: list[Rating] | None = None,
        agency_type: str | None = None,
    ) -> Framework | None:
        base_subs = {s.code: s for i in self.base.indicators for s in i.subindicators}
        for entry in items:
            if entry["bad"]:
                continue
            ind = indicators[int(entry["sub"].split(".")[0])]
            subs = ind["subindicators"]
            if not subs or subs[-1]["code"] != entry["sub"]:
                code = entry["sub"]
                given = subs_given.get(code, {})
                known = base_subs.get(code)
                name_th = (
                    given.get("name_th")
                    or entry["sub_name"]
                    or (known.name_th if known else f"ตัวชี้วัดย่อย {code}")
                )
                name_en = given.get("name_en") or (
                    known.name_en if known and known.name_th == name_th else name_th
                )
                subs.append(
                    {
                        "code": code,
                        "name_th": name_th,
                        "name_en": name_en,
                        "weight": given.get("weight", known.weight if known else 1.0),
                        "groups": [],
                    }
                )
            sub = subs[-1]
            group_th = entry["group"] or sub["name_th"]
            if not sub["groups"] or sub["groups"][-1]["name_th"] != group_th:
                group_en = entry["group_en"] or (sub["name_en"] if not entry["group"] else group_th)
                sub["groups"].append(
                    {"name_th": group_th, "name_en": group_en, "items": [], "notes": []}
                )
            notes = sub["groups"][-1]["notes"]
            notes.extend(n for n in entry["group_notes"] if n not in notes)
            item = {
                "code": entry["code"],
                "name_th": entry["name_th"],
                "name_en": entry["name_en"],
                "components": entry["components"],
                "requirement": detect_requirement(entry["components"], self.year),
                "notes": entry["notes"],
            }
            sub["groups"][-1]["items"].append(item)
        if self.errors:
            return None
        rules = rules_for_year(self.year)
        same = self.base.year == self.year
        data = {
            "year": self.year,
            "agency_type": agency_type or self.base.agency_type,
            "provisional": provisional,
            "source": source,
            "oit_window": self.base.oit_window if self.base.year == self.year else None,
            # the base year's note names its own year when it is provisional (2566): a framework
            # of another year gets the note of its year's rules
            "scoring_note_th": self.base.scoring_note_th if same else rules.scoring_note_th,
            "scoring_note_en": self.base.scoring_note_en if same else rules.scoring_note_en,
            "rating_kind": kind_of(ratings) if ratings else rules.kind,
            "ratings_provisional": provisional if ratings else rules.provisional,
            "ratings": [r.model_dump() for r in ratings or rules.ratings],
            "tools": [t.model_dump() for t in self.base.tools],
            "indicators": [indicators[n] for n in sorted(indicators)],
        }
        try:
            return Framework.model_validate(data)
        except ValidationError as exc:
            detail = "; ".join(_short_error(e) for e in exc.errors()[:3])
            self.add("framework_invalid", detail=detail)
            return None


def _short_error(error: Any) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()))
    msg = str(error.get("msg", "")).removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def _sub_key(code: str) -> tuple[int, int]:
    a, b = code.split(".")
    return int(a), int(b)


def _text(text: str | None) -> str | None:
    return " ".join(to_arabic_digits(text).split()) if text else None


def _lines(text: str | None) -> list[str]:
    """A cell of bullet points as one component per line, bullets dropped, digits Arabic."""
    if not text:
        return []
    out = []
    for line in text.split("\n"):
        line = to_arabic_digits(_BULLET.sub("", line)).strip()
        if line:
            out.append(line)
    return out


def detect_requirement(components: list[str], year: int) -> Requirement | None:
    """The item's time requirement, read from the last component naming this or last year.

    "6 เดือนแรก" → first_half; "บังคับ(ใช้)" → in_force; a report ("รายงานผล") or last year →
    report_of_year; otherwise → within_year. It gives every requirement of 2565 and 2566 back.
    """
    found = None
    for text in components:
        t = to_arabic_digits(text)
        years = [int(y) for y in _BE_YEAR.findall(t) if year - 1 <= int(y) <= year]
        if not years:
            continue
        y = years[-1]
        if "6 เดือนแรก" in t:
            kind = "first_half"
        elif "บังคับ" in t:
            kind = "in_force"
        elif "รายงานผล" in t or y < year:
            kind = "report_of_year"
        else:
            kind = "within_year"
        found = Requirement(kind=kind, year=y, text_th=text)
    return found


def default_base_year(year: int) -> int:
    """The framework the rest comes from: the latest year up to ``year``, else the earliest."""
    years = available_years()
    earlier = [y for y in years if y <= year]
    return max(earlier) if earlier else min(years)


def import_framework(
    source: Path | str | bytes,
    year: int,
    *,
    name: str | None = None,
    base: Framework | None = None,
    provisional: bool = False,
    settings: Settings | None = None,
    agency_type: str | None = None,
) -> ImportResult:
    """Read a framework workbook. Never raises for bad input: the report says what is wrong."""
    base = base or load_framework(default_base_year(year))
    report, book = open_report(source, name, year, settings)
    if book is None:
        return ImportResult(report, None, base.year)
    imp = _Importer(report, year, base)
    tables = imp.tables(book.sheets)
    framework = None
    if "items" not in tables:
        imp.add("no_recognised_sheet")
    else:
        indicators = imp.indicators(tables.get("indicators"))
        subs = imp.subindicators(tables.get("subindicators"), set(indicators))
        items = imp.items(tables["items"], set(indicators))
        ratings = imp.ratings(tables.get("ratings"))
        framework = imp.build(
            indicators,
            subs,
            items,
            source=f"{book.name} (นำเข้าจากสมุดงาน / imported from a workbook)",
            provisional=provisional,
            ratings=ratings,
            agency_type=agency_type,
        )
    order = {s.name: i for i, s in enumerate(book.sheets)}
    report.sheets.sort(key=lambda s: order.get(s.name, len(order)))
    for issue in imp.problems:
        report.issues.add_issue(issue)
    return ImportResult(report, framework, base.year)


# --------------------------------------------------------------------------- writing


def framework_yaml(fw: Framework) -> str:
    """The framework as a data file for ``ita_model/frameworks/<year>.yaml``."""
    data = fw.model_dump(mode="json", exclude_defaults=True)
    data.setdefault("provisional", fw.provisional)
    head = (
        f"# The ITA framework of fiscal year {fw.year}, written by "
        "`python -m ita_model framework-import`.\n"
        "# Tools and the scoring note come from the base year's file, the ratings from the\n"
        "# workbook's ratings sheet or the rules of the year (ratings.yaml);\n"
        "# each item's requirement was read from its components. Check it before relying on it.\n"
    )
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


_HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")
_WRAP = Alignment(vertical="top", wrap_text=True)


def framework_workbook(fw: Framework) -> Workbook:
    """The framework in the layout ``import_framework`` reads (first header word of each column)."""
    specs = sheet_specs()

    def head(kind: str, cols: list[str]) -> list[str]:
        return [specs[kind].columns[c][0] for c in cols]

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAMES["items"]
    item_cols = ["item", "name", "name_en", "subindicator", "group", "group_en", "components"]
    item_cols += ["notes", "group_notes"]
    rows: list[list[Any]] = [head("items", item_cols)]
    for ind in fw.oit_indicators():
        for sub in ind.subindicators:
            for group in sub.groups:
                for n, item in enumerate(group.items):
                    rows.append(
                        [
                            item.code,
                            item.name_th,
                            item.name_en,
                            sub.code,
                            group.name_th,
                            group.name_en,
                            "\n".join(item.components),
                            "\n".join(item.notes) or None,
                            ("\n".join(group.notes) or None) if n == 0 else None,
                        ]
                    )
    _fill(ws, rows, [7, 40, 36, 12, 30, 30, 80, 40, 40])
    ws = wb.create_sheet(SHEET_NAMES["subindicators"])
    sub_rows: list[list[Any]] = [
        head("subindicators", ["subindicator", "name", "name_en", "weight"])
    ]
    for ind in fw.oit_indicators():
        for sub in ind.subindicators:
            sub_rows.append([sub.code, sub.name_th, sub.name_en, sub.weight])
    _fill(ws, sub_rows, [14, 40, 40, 10])
    ws = wb.create_sheet(SHEET_NAMES["indicators"])
    ind_rows: list[list[Any]] = [head("indicators", ["indicator", "name", "name_en", "weight"])]
    for ind in fw.indicators:
        ind_rows.append([ind.number, ind.name_th, ind.name_en, ind.weight])
    _fill(ws, ind_rows, [10, 40, 40, 10])
    ws = wb.create_sheet(SHEET_NAMES["ratings"])
    rating_cols = ["level", "name_en", "min_total", "min_iit", "min_eit", "min_oit", "passes"]
    widths = [22, 24, 16, 12, 12, 12, 8]
    _fill(ws, [head("ratings", rating_cols), *ratings_rows(fw.ratings)], widths)
    return wb


def _fill(ws: Any, rows: list[list[Any]], widths: list[float]) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            put_text(cell, value)  # names from a file stay text, never formulas
            cell.alignment = _WRAP
            if r == 1:
                cell.font = Font(bold=True)
                cell.fill = _HEAD_FILL
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"


def framework_workbook_bytes(fw: Framework) -> bytes:
    return workbook_bytes(framework_workbook(fw), datetime(2000, 1, 1))


def items_equal(a: list[Item], b: list[Item]) -> bool:
    """Item lists equal in everything the workbook carries (``provisional`` is not in it)."""
    strip = {"provisional"}
    return [i.model_dump(exclude=strip) for i in a] == [i.model_dump(exclude=strip) for i in b]
