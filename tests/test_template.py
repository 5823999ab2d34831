"""The division's OIT template: it validates blank, round-trips filled, and offers the drop-down."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ita_model.errors import Severity
from ita_model.framework import load_framework
from ita_model.organisation import load_organisation
from ita_model.records import Status, status_label
from ita_model.template import (
    GUIDE_SHEET,
    HEADERS,
    OIT_SHEET,
    UnknownDivision,
    header_row,
    template_bytes,
    write_template,
)
from ita_model.validate import FileReport, validate_file

YEAR = 2565
ORG = load_organisation()
DIVISIONS = [d.id for d in ORG.reporting_divisions() if ORG.items_of(d.id, YEAR)]


def _codes(report: FileReport) -> list[str]:
    return sorted(r.item for r in report.records("oit"))


@pytest.mark.parametrize("division", DIVISIONS)
def test_blank_template_validates_with_only_blank_status_warnings(division: str) -> None:
    report = validate_file(template_bytes(division, year=YEAR), f"{division}.xlsx", year=YEAR)
    assert report.issues.errors == 0, [i.message for i in report.issues]
    assert report.division == division
    assert _codes(report) == ORG.items_of(division, YEAR)
    warnings = {i.code for i in report.issues if i.severity == Severity.WARNING}
    assert warnings <= {"blank_status"}
    assert {r.status for r in report.records("oit")} == {Status.NOT_STARTED}


def test_division_is_matched_by_name_alias_or_id(tmp_path: Path) -> None:
    for name in ("finance", "กองคลัง", " กองคลัง อบจ.พะเยา "):
        path = write_template(name, tmp_path / "t.xlsx", year=YEAR)
        ws = openpyxl.load_workbook(path)[OIT_SHEET]
        assert "ส่วนราชการ: กองคลัง" in [c.value for c in ws["A"][:5]]
    with pytest.raises(UnknownDivision):
        template_bytes("กองที่ไม่มีอยู่จริง", year=YEAR)


def test_the_same_template_gives_the_same_bytes() -> None:
    assert template_bytes("legal", year=YEAR) == template_bytes("legal", year=YEAR)


def _fill(data: bytes, choose: Callable[[str], tuple]) -> tuple[bytes, dict[str, tuple]]:
    """Write status, URL, date, owner into each row with openpyxl; return what was written."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[OIT_SHEET]
    top, cols = header_row(ws)
    written: dict[str, tuple] = {}
    for row in range(top + 1, ws.max_row + 1):
        code = ws.cell(row, cols[HEADERS["item"]]).value
        if not code:
            continue
        status, url, updated = choose(code)
        ws.cell(row, cols[HEADERS["status"]], status_label(status))
        ws.cell(row, cols[HEADERS["url"]], url)
        ws.cell(row, cols[HEADERS["updated"]], updated)
        ws.cell(row, cols[HEADERS["owner"]], "นิติกร")
        written[code] = (row, status, url, updated)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), written


def test_filled_template_round_trips_clean() -> None:
    statuses = [Status.DONE, Status.IN_PROGRESS, Status.NOT_STARTED, Status.NOT_APPLICABLE]
    dates = ["26/01/2565", "๒๖ ม.ค. ๒๕๖๕", date(2022, 1, 26), "26 มกราคม 2565"]

    def choose(code: str) -> tuple:
        n = int(code[1:])
        status = statuses[n % 4]
        url = f"https://www.pao-phayao.go.th/ita/{code}" if status is Status.DONE else None
        if n % 7 == 0:  # several URLs, one per line
            url = f"https://www.pao-phayao.go.th/a/{code}\nhttps://www.pao-phayao.go.th/b/{code}"
        return status, url, dates[n % 4]

    data, written = _fill(template_bytes("legal", year=YEAR), choose)
    report = validate_file(data, "legal.xlsx", year=YEAR)
    assert report.issues.errors == 0 and report.issues.warnings == 0, [
        (i.row, i.code, i.message) for i in report.issues
    ]
    records = {r.item: r for r in report.records("oit")}
    assert sorted(records) == ORG.items_of("legal", YEAR)
    for code, (row, status, url, _updated) in written.items():
        rec = records[code]
        assert (rec.row, rec.status, rec.division) == (row, status, "legal")
        assert rec.updated == date(2022, 1, 26)
        assert rec.urls == (url.split("\n") if url else [])
        assert rec.owner == "นิติกร"


def test_status_drop_down_offers_the_thai_words() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes("it", year=YEAR)))
    ws = wb[OIT_SHEET]
    top, cols = header_row(ws)
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list"
    assert dv.formula1 == '"' + ",".join(status_label(s) for s in Status) + '"'
    assert dv.showErrorMessage and dv.error and dv.errorTitle
    assert not dv.showDropDown  # in OOXML "showDropDown" means *hide* the arrow
    status_col = openpyxl.utils.get_column_letter(cols[HEADERS["status"]])
    assert str(dv.sqref).startswith(f"{status_col}{top + 1}:{status_col}")
    assert ws.freeze_panes is not None and ws[ws.freeze_panes].row == top + 1
    assert ws.page_setup.orientation == "landscape"


def test_instructions_sheet_says_the_deadline_and_is_skipped_by_the_reader() -> None:
    data = template_bytes("legal", year=YEAR)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    text = "\n".join(str(c.value) for c in wb[GUIDE_SHEET]["A"] if c.value)
    assert "1 มีนาคม – 30 เมษายน 2565" in text
    assert "ดำเนินการแล้ว" in text and "26/01/2565" in text
    report = validate_file(data, "legal.xlsx", year=YEAR)
    kinds = {s.name: s.kind for s in report.sheets}
    assert kinds == {OIT_SHEET: "oit", GUIDE_SHEET: None}
    # our own guide sheet is known: no "sheet not recognised" note about it
    assert not [i for i in report.issues if i.code == "sheet_not_recognised"]
    assert {i.severity for i in report.issues} <= {Severity.WARNING}


def test_all_template_has_one_row_per_item_and_owner() -> None:
    fw = load_framework(YEAR)
    report = validate_file(template_bytes("all", year=YEAR), "all.xlsx", year=YEAR)
    assert report.issues.errors == 0, [i.message for i in report.issues]
    got = sorted((r.item, r.division) for r in report.records("oit"))
    want = sorted((i.code, d.id) for i in fw.items() for d in ORG.owners(i.code, YEAR))
    assert got == want
    assert {code for code, _ in got} == {i.code for i in fw.items()}
    assert template_bytes("ทุกส่วนราชการ", year=YEAR) == template_bytes("all", year=YEAR)
