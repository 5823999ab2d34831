"""Messy and hostile files through ``python -m ita_model validate``: blank rows, header-only
sheets, impossible periods and numbers, a CSV built to stall the delimiter guess, cells of a
hundred thousand characters. Each was a traceback or a freeze (issue 10); each is now a coded
line of the report, or nothing at all."""

from __future__ import annotations

import json
import time
from functools import partial
from pathlib import Path

import pytest

from ita_model import thai
from ita_model.framework import parse_item_code
from ita_model.reader.csv import _delimiter
from ita_model.sample import is_sample
from ita_model.validate import validate_file
from tests.conftest import run_cli

URL = "https://www.pao-phayao.go.th/ita/o39"
run = partial(run_cli, timeout=120)


def validate(*paths: Path) -> tuple[int, list[dict]]:
    """Exit code and the JSON files of ``validate --json --records``; never a traceback."""
    proc = run("validate", *paths, "--json", "--records")
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)["files"]


def issues(file: dict) -> list[tuple]:
    return [(i["row"], i["column"], i["code"]) for i in file["issues"]]


# --------------------------------------------------------------------------- 1. blank rows


def test_blank_rows_with_a_division_column_are_nothing(book, tmp_path):
    """A spacer, a note beside the table, a row of #REF! cells: no record, no message."""
    path = book(
        "oit.xlsx",
        {
            "OIT": [
                ["ข้อ", "สถานะ", "ส่วนราชการ", "ลิงก์"],
                ["o39", "เสร็จสิ้น", "ฝ่ายนิติการ", URL],
                [None, None, None, None, "หมายเหตุ: ข้อมูล ณ วันที่ 1 มี.ค. 2565"],
                [],
                ["#REF!", "#N/A", " \u200b ", None],
                ["o40", "เสร็จสิ้น", "ฝ่ายนิติการ", URL],
            ]
        },
    )
    code, (f,) = validate(path)
    assert code == 0 and issues(f) == []
    assert [(r["item"], r["row"]) for r in f["records"]["oit"]] == [("o39", 2), ("o40", 6)]
    assert f["sheets"][0]["rows"] == 2


def test_blank_rows_with_the_division_from_the_file_name(book):
    """Was: 'ข้อ None ไม่ได้มอบหมาย…' and 'ข้อ None ซ้ำกับแถว 3' on the blank rows."""
    path = book(
        "ฝ่ายนิติการ.xlsx",
        {
            "OIT": [
                ["ข้อ", "สถานะ", "ลิงก์"],
                ["o39", "เสร็จสิ้น", URL],
                [None, None, None, "footnote"],
                [None, None, None, "another note"],
                ["o40", "เสร็จสิ้น", URL],
            ]
        },
    )
    code, (f,) = validate(path)
    assert code == 0 and issues(f) == []
    assert [r["row"] for r in f["records"]["oit"]] == [2, 5]


def test_a_ragged_csv_with_blank_lines(tmp_path):
    path = tmp_path / "ฝ่ายนิติการ.csv"
    path.write_text(f"ข้อ,สถานะ,ลิงก์\no39,done,{URL}\n,\n\n,,,,\no40,done,{URL},extra\n")
    code, (f,) = validate(path)
    assert code == 0 and issues(f) == []
    assert [r["row"] for r in f["records"]["oit"]] == [2, 6]


def test_a_table_that_starts_again_below_its_header_repeated(book):
    path = book(
        "ฝ่ายนิติการ.xlsx",
        {
            "OIT": [
                ["ข้อ", "สถานะ", "ลิงก์"],
                ["o39", "เสร็จสิ้น", URL],
                [],
                ["ข้อ", "สถานะ", "ลิงก์"],
                ["o40", "เสร็จสิ้น", URL],
            ]
        },
    )
    code, (f,) = validate(path)
    assert code == 0 and issues(f) == []
    assert [r["row"] for r in f["records"]["oit"]] == [2, 5]


# --------------------------------------------------------------------------- 2. header only


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_sheet_with_only_its_header_is_an_empty_sheet(book, tmp_path, suffix):
    head = ["ข้อ", "สถานะ", "ส่วนราชการ"]
    if suffix == ".csv":
        path = tmp_path / "oit.csv"
        path.write_text(",".join(head) + "\n")
    else:
        path = book("oit.xlsx", {"OIT": [head]})
    code, (f,) = validate(path)
    assert code == 0 and f["ok"] is True
    assert [(i["severity"], i["code"]) for i in f["issues"]] == [("notice", "empty_sheet")]
    assert f["sheets"][0]["rows"] == 0 and f["records"]["oit"] == []


@pytest.mark.parametrize(
    "head",
    [
        ["มาตรการ", "วิธีการดำเนินการ", "ระยะเวลา", "สถานะ"],
        ["กิจกรรม", "เริ่ม", "สิ้นสุด", "สถานะ"],
        ["แบบวัด", "จำนวนผู้ตอบ", "เป้าหมาย", "วันที่"],
        ["ปี", "ตัวชี้วัด", "คะแนน"],
    ],
    ids=["measures", "timeline", "survey", "scores"],
)
def test_every_kind_with_only_its_header(book, head):
    report = validate_file(book("ฝ่ายนิติการ.xlsx", {"S": [head, [None] * len(head)]}))
    assert report.ok and [i.code for i in report.issues] == ["empty_sheet"]


# --------------------------------------------------------------------------- 3. periods, numbers


def test_impossible_periods_years_and_numbers_are_coded(book):
    path = book(
        "ฝ่ายนิติการ.xlsx",
        {
            "มาตรการ": [
                ["มาตรการ", "วิธีการดำเนินการ", "ระยะเวลา"],
                ["m", "a", "ปีงบประมาณ 1000"],
                ["m", "a", "FY 1800"],
                ["m", "a", "ธ.ค. - ม.ค. 0001"],
                ["m", "a", "ม.ค.-" * 20_000],
            ],
            "กำหนดการ": [
                ["กิจกรรม", "เริ่ม"],
                ["a", "ปีงบประมาณ 1000"],
                ["b", "ธ.ค. - ม.ค. 0001"],
                ["c", "1" * 101],
            ],
            "แบบวัด": [["แบบวัด", "จำนวนผู้ตอบ"], ["IIT", "9" * 400], ["EIT", "1e999"]],
            "คะแนน": [
                ["ปี", "ตัวชี้วัด", "คะแนน"],
                ["²⁵⁶⁵", "1", "90"],
                ["2565", "1", "nan"],
            ],
        },
    )
    code, (f,) = validate(path)
    assert code == 1
    assert [(i["sheet"], *t) for i, t in zip(f["issues"], issues(f), strict=True)] == [
        ("มาตรการ", 2, "ระยะเวลา", "bad_period"),
        ("มาตรการ", 3, "ระยะเวลา", "bad_period"),
        ("มาตรการ", 4, "ระยะเวลา", "bad_period"),
        ("มาตรการ", 5, "ระยะเวลา", "bad_period"),
        ("กำหนดการ", 2, "เริ่ม", "bad_date"),
        ("กำหนดการ", 3, "เริ่ม", "bad_date"),
        ("กำหนดการ", 4, "เริ่ม", "bad_date"),
        ("แบบวัด", 2, "จำนวนผู้ตอบ", "bad_number"),
        ("แบบวัด", 3, "จำนวนผู้ตอบ", "bad_number"),
        ("คะแนน", 2, "ปี", "bad_year"),
        ("คะแนน", 3, "คะแนน", "bad_number"),
    ]
    long_one = f["issues"][3]["message"]
    assert len(long_one) < 200 and "…" in long_one  # the 100,000-character cell, quoted short


@pytest.mark.parametrize("parse", [thai.parse_period, thai.parse_date])
def test_period_and_date_cells_are_capped_at_100_characters(parse):
    """Quadratic before: 'ม.ค.-' repeated took 3.9 s at 10,000 characters."""
    text = "ม.ค.-" * 20 + " 2565"
    assert len(text) > thai.MAX_CELL_CHARS
    with pytest.raises(ValueError):
        parse(text)
    padded = "  ม.ค. 2565  ".center(thai.MAX_CELL_CHARS + 50)  # spaces around do not count
    assert thai.parse_period(padded) == thai.parse_period("ม.ค. 2565")


def test_item_codes_read_in_linear_time():
    """'o' and 20,000 spaces took 12 s: the pattern backtracked. Ratios, never absolute times."""

    def took(n: int) -> float:
        text = "o" + " " * n + "x"
        start = time.process_time()
        for _ in range(20):
            assert parse_item_code(text) is None
        return time.process_time() - start

    took(100)
    small, big = min(took(20_000) for _ in range(3)), min(took(200_000) for _ in range(3))
    assert big < 40 * max(small, 1e-3)  # linear is ~10x; quadratic was ~100x


# --------------------------------------------------------------------------- 7, 8. freezes


def test_delimiter_guess_is_bounded_and_right():
    hostile = ",' " * 21_000
    start = time.process_time()
    assert _delimiter(hostile) == ","
    guess = time.process_time() - start
    start = time.process_time()
    assert _delimiter(hostile[:6_300]) == ","
    assert guess < 20 * max(time.process_time() - start, 1e-3)  # csv.Sniffer: 49 s
    assert _delimiter("ข้อ;สถานะ\no1;เสร็จ, แล้ว\n") == ";"
    assert _delimiter('"a;b",c\n"1;2",3\n') == ","
    assert _delimiter("a\tb\n1\t2\n") == "\t"
    assert _delimiter("one column\n") == ","


def test_hostile_csv_is_refused_at_once(tmp_path):
    path = tmp_path / "hostile.csv"
    path.write_text(",' " * 21_000)  # 63 KB: 21,001 columns, wider than Excel allows
    code, (f,) = validate(path)
    assert code == 2 and [i["code"] for i in f["issues"]] == ["too_many_columns"]


def test_a_fault_of_ours_is_a_report_not_a_traceback(book, monkeypatch):
    """Whatever the checker trips on, the file gets one coded issue and exit 2."""
    from ita_model import validate as module

    def broken(self) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(module._Checker, "run", broken)
    report = validate_file(book("ฝ่ายนิติการ.xlsx", {"OIT": [["ข้อ", "สถานะ"], ["o39", "มี"]]}))
    assert report.unreadable and not report.ok and report.sheets == []
    (issue,) = report.issues
    assert issue.code == "check_failed" and "RuntimeError: boom" in issue.message_en


# --------------------------------------------------------------------------- 2. the dashboard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(rows: list[list]) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _data_in(monkeypatch, *uploads: tuple[str, bytes]):
    from ita_model.store import open_store
    from tests.conftest import ROOT, app_test

    at = app_test(ROOT / "dashboard.py").run()
    at.switch_page("app_pages/data_in.py").run()
    at.file_uploader(key="uploads").set_value([(n, d, XLSX) for n, d in uploads])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at, {s.filename: s for s in open_store().submissions() if not is_sample(s)}


@pytest.mark.usefixtures("data_dir")
def test_a_header_only_file_uploaded_with_a_good_one_loses_neither(monkeypatch):
    good = _xlsx([["ข้อ", "สถานะ", "ลิงก์"], ["o39", "เสร็จสิ้น", URL]])
    empty = _xlsx([["ข้อ", "สถานะ", "ส่วนราชการ"]])
    at, stored = _data_in(monkeypatch, ("empty.xlsx", empty), ("ฝ่ายนิติการ.xlsx", good))
    assert set(stored) == {"empty.xlsx", "ฝ่ายนิติการ.xlsx"}
    assert stored["ฝ่ายนิติการ.xlsx"].errors == 0 and stored["empty.xlsx"].errors == 0
    assert not at.error  # an empty sheet is a notice, not an error of the file


@pytest.mark.usefixtures("data_dir")
def test_a_fault_with_one_file_is_a_message_naming_it(monkeypatch):
    """Whatever fails for one file, the next one is still checked and stored."""
    import ita_model.changes
    from ita_model.i18n import t

    real = ita_model.changes.what_would_change

    def fails_for_one(dataset, report, **kw):
        if report.path == "broken_1.xlsx":
            raise RuntimeError("a fault of ours")
        return real(dataset, report, **kw)

    monkeypatch.setattr(ita_model.changes, "what_would_change", fails_for_one)
    good = _xlsx([["ข้อ", "สถานะ", "ลิงก์"], ["o39", "เสร็จสิ้น", URL]])
    also = _xlsx([["ข้อ", "สถานะ", "ลิงก์"], ["o40", "เสร็จสิ้น", URL]])
    at, stored = _data_in(monkeypatch, ("broken_1.xlsx", good), ("ฝ่ายนิติการ.xlsx", also))
    assert set(stored) == {"broken_1.xlsx", "ฝ่ายนิติการ.xlsx"}
    (error,) = [e.value for e in at.error]
    assert t("data_in.file_failed", "th", name=r"broken\_1\.xlsx", detail="RuntimeError") in error
    assert "Processing broken\\_1\\.xlsx failed" in error  # the English beside the Thai
    assert len([b for b in at.button if b.label == t("data_in.accept", "th")]) == 1
