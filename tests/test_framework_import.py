"""A framework from a workbook: round trips, what a clerk types, problems at their row/column."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from ita_model.framework import load_framework, load_framework_file
from ita_model.framework_import import (
    SHEET_NAMES,
    detect_requirement,
    framework_workbook_bytes,
    framework_yaml,
    import_framework,
    items_equal,
)
from tests.conftest import flat, run_cli

ROOT = Path(__file__).resolve().parent.parent


def edited(year: int, edit: Callable[[openpyxl.Workbook], None]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(framework_workbook_bytes(load_framework(year))))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("year", [2565, 2566])
def test_export_then_import_gives_the_yaml_items_back(year: int) -> None:
    fw = load_framework(year)
    result = import_framework(framework_workbook_bytes(fw), year, name=f"{year}.xlsx")
    assert result.report.ok and not result.report.issues.errors
    assert result.framework is not None
    assert items_equal(result.framework.items(), fw.items())
    assert [s.valid_rows for s in result.report.sheets] == [43, 7, 10, 7]
    assert result.framework.ratings == fw.ratings and result.framework.graded


def test_the_2565_round_trip_is_complete(tmp_path: Path) -> None:
    fw = load_framework(2565)
    got = import_framework(framework_workbook_bytes(fw), 2565, name="x.xlsx").framework
    assert got is not None
    assert got.items() == fw.items()  # provisional is False on both sides in 2565
    assert got.model_dump(exclude={"source"}) == fw.model_dump(exclude={"source"})
    path = tmp_path / "2565.yaml"
    path.write_text(framework_yaml(got), encoding="utf-8")
    assert load_framework_file(path) == got


@pytest.mark.parametrize("year", [2565, 2566])
def test_requirements_are_read_from_the_components(year: int) -> None:
    for item in load_framework(year).items():
        assert detect_requirement(item.components, year) == item.requirement, item.code


def test_what_a_clerk_types_is_read(tmp_path: Path) -> None:
    """Thai digits, a name after the sub-indicator code, and components on continuation rows."""

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[SHEET_NAMES["items"]]
        ws["A2"], ws["D2"] = "๐๑", "๙.๑ ข้อมูลพื้นฐาน"
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "o05")
        first, *rest = ws.cell(row, 7).value.split("\n")
        ws.cell(row, 7).value = f"• {first}"
        ws.insert_rows(row + 1, len(rest))
        for i, text in enumerate(rest, start=1):
            ws.cell(row + i, 7).value = f"- {text}"

    result = import_framework(edited(2565, edit), 2565, name="clerk.xlsx")
    assert not result.report.issues.errors, flat(result.report)
    assert result.framework is not None
    assert result.framework.items() == load_framework(2565).items()


# --------------------------------------------------------------------------- problems


def test_a_bad_workbook_is_reported_by_row_and_column(book) -> None:
    path = book(
        "nacc-2567.xlsx",
        {
            "รายการ": [
                ["กรอบการประเมิน ITA ปี 2567 (ทดสอบ)"],
                ["รหัสข้อ", "ชื่อข้อ", "ตัวชี้วัดย่อย", "องค์ประกอบด้านข้อมูล", "คอลัมน์อื่น"],
                ["o01", "โครงสร้าง", "9.1 ข้อมูลพื้นฐาน", "• แผนผัง\n• ตำแหน่ง"],
                ["x1", "อะไร", "9.1", "c"],
                ["o02", None, "9.1", "c"],
                ["o03", "ก", "9", "c"],
                ["o04", "ข", "11.1", "c"],
                ["o06", "ค", "9.1", None],
                ["o07", "ง", "10.1", "c"],
                ["o08", "จ", "9.2", "c"],
                ["o07", "ง ใหม่", "10.1", "c"],
            ],
            "ตัวชี้วัดย่อย": [
                ["ตัวชี้วัดย่อย", "ชื่อตัวชี้วัดย่อย", "น้ำหนัก"],
                ["9.1", "ข้อมูลพื้นฐาน", "abc"],
                ["9.2", "การบริหารงาน", 0],
            ],
        },
    )
    result = import_framework(path, 2567)
    assert result.framework is None and not result.report.ok
    assert flat(result.report, "sheet", "row", "column", "code") == [
        ("รายการ", None, "คอลัมน์อื่น", "unknown_column"),
        ("รายการ", None, None, "missing_item"),
        ("รายการ", 4, "รหัสข้อ", "bad_item_code"),
        ("รายการ", 5, "ชื่อข้อ", "missing_value"),
        ("รายการ", 6, "ตัวชี้วัดย่อย", "bad_subindicator"),
        ("รายการ", 7, "ตัวชี้วัดย่อย", "unknown_indicator"),
        ("รายการ", 8, "องค์ประกอบด้านข้อมูล", "missing_value"),
        ("รายการ", 10, "ตัวชี้วัดย่อย", "subindicator_order"),
        ("รายการ", 11, "รหัสข้อ", "duplicate_item"),
        ("ตัวชี้วัดย่อย", 2, "น้ำหนัก", "bad_number"),
        ("ตัวชี้วัดย่อย", 3, "น้ำหนัก", "bad_number"),
    ]
    missing = next(i for i in result.report.issues if i.code == "missing_item")
    assert missing.message.startswith("ไม่มีข้อ o05") and "o01 to o08" in missing.message_en
    order = next(i for i in result.report.issues if i.code == "subindicator_order")
    assert "9.2" in order.message and "10.1" in order.message_en
    assert [(s.name, s.kind, s.rows, s.valid_rows) for s in result.report.sheets] == [
        ("รายการ", "framework_items", 9, 2),
        ("ตัวชี้วัดย่อย", "framework_subindicators", 2, 0),
    ]


def test_weights_that_do_not_add_up_are_refused() -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[SHEET_NAMES["indicators"]]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == 9)
        ws.cell(row, 4).value = 30

    result = import_framework(edited(2565, edit), 2565, name="weights.xlsx")
    assert result.framework is None
    assert flat(result.report, "row", "code") == [(None, "framework_invalid")]
    assert "OIT" in next(iter(result.report.issues)).message


def test_a_workbook_without_an_items_sheet(book) -> None:
    path = book("empty.xlsx", {"Sheet": [["สวัสดี"], ["ไม่มีตาราง"]]})
    result = import_framework(path, 2567)
    assert flat(result.report, "sheet", "code") == [
        ("Sheet", "sheet_not_recognised"),
        (None, "no_recognised_sheet"),
    ]


def test_an_unreadable_file_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"%PDF-1.7 not a workbook")
    result = import_framework(path, 2567)
    assert result.report.unreadable and result.framework is None
    assert flat(result.report, "code") == [("not_a_spreadsheet",)]


# --------------------------------------------------------------------------- command line


def test_cli_export_then_import(tmp_path: Path) -> None:
    xlsx, out = tmp_path / "fw.xlsx", tmp_path / "2565.yaml"
    assert run_cli("framework-export", "2565", "--out", str(xlsx)).returncode == 0
    proc = run_cli("framework-import", str(xlsx), "--year", "2565", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "✓" in proc.stdout
    got = load_framework_file(out)
    assert got.model_dump(exclude={"source"}) == load_framework(2565).model_dump(exclude={"source"})
    again = run_cli("framework-import", str(xlsx), "--year", "2565", "--out", str(out))
    assert again.returncode == 1 and "--force" in again.stderr
    forced = run_cli("framework-import", str(xlsx), "--year", "2565", "--out", str(out), "--force")
    assert forced.returncode == 0


def test_cli_import_of_a_bad_workbook(book, tmp_path: Path) -> None:
    path = book(
        "bad.xlsx",
        {"items": [["code", "name", "subindicator", "components"], ["o01", "x", "9.x", "c"]]},
    )
    out = tmp_path / "2567.yaml"
    proc = run_cli("framework-import", str(path), "--year", "2567", "--out", str(out))
    assert proc.returncode == 1 and not out.exists()
    assert "แถว/row 2" in proc.stdout and "bad_subindicator" in proc.stdout
    as_json = run_cli("framework-import", str(path), "--year", "2567", "--out", str(out), "--json")
    issues = json.loads(as_json.stdout)["files"][0]["issues"]
    assert [(i["row"], i["column"], i["code"]) for i in issues] == [
        (2, "subindicator", "bad_subindicator")
    ]
    pdf = tmp_path / "list.xlsx"
    pdf.write_bytes(b"%PDF-1.7")
    assert run_cli("framework-import", str(pdf), "--year", "2567").returncode == 2
