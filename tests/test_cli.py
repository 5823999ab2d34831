"""``python -m ita_model``: exit codes, the JSON shape of the contract, and no traceback ever."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE, run_cli

URL = "https://www.pao-phayao.go.th/ita/o39"
run = partial(run_cli, timeout=120)


@pytest.fixture
def good(book) -> Path:
    return book(
        "ฝ่ายนิติการ.xlsx",
        {"OIT": [["ข้อ", "สถานะ", "ลิงก์", "วันที่"], ["๓๙", "เสร็จสิ้น", URL, "๒๖ ม.ค. ๖๕"]]},
    )


@pytest.fixture
def bad(book) -> Path:
    return book(
        "ฝ่ายนิติการ-แก้.xlsx",
        {"OIT": [["ข้อ", "สถานะ", "ลิงก์"], ["o39", "done", URL], ["o44", "เสร็จ", URL]]},
    )


def test_exit_0_and_json_records(good):
    proc = run("validate", good, "--json", "--records")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    (f,) = out["files"]
    assert f["ok"] is True and f["issues"] == []
    assert f["sheets"] == [{"name": "OIT", "kind": "oit", "rows": 1, "valid_rows": 1}]
    rec = f["records"]["oit"][0]
    assert {k: rec[k] for k in ("item", "status", "division", "url", "updated", "row")} == {
        "item": "o39",
        "status": "done",
        "division": "legal",
        "url": URL,
        "updated": "2022-01-26",
        "row": 2,
    }
    assert set(f["records"]) == {"oit", "measures", "timeline", "survey", "scores"}


def test_exit_1_names_sheet_row_column_code(bad):
    proc = run("validate", bad, "--json")
    assert proc.returncode == 1
    issues = json.loads(proc.stdout)["files"][0]["issues"]
    assert [(i["sheet"], i["row"], i["column"], i["code"], i["severity"]) for i in issues] == [
        ("OIT", 3, "ข้อ", "unknown_item", "error"),
        ("OIT", 3, "สถานะ", "unknown_status", "error"),
    ]
    assert all(i["message"] and i["message_en"] for i in issues)


def test_exit_2_when_a_file_cannot_be_read(good, tmp_path):
    pdf = tmp_path / "รายงาน.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    proc = run("validate", good, pdf)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "รายงาน.xlsx" in proc.stdout and "not_a_spreadsheet" in proc.stdout


def test_text_table_is_readable(bad):
    proc = run("validate", bad)
    assert proc.returncode == 1
    assert "แถว/row 3" in proc.stdout and "คอลัมน์/column 'สถานะ'" in proc.stdout
    assert "ไม่รู้จักสถานะ 'เสร็จ'" in proc.stdout and "unknown status 'เสร็จ'" in proc.stdout


def test_sample_data_validates_clean():
    proc = run("validate", *sorted(SAMPLE.iterdir()))
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_framework_outline_and_json():
    proc = run("framework", "2565")
    assert proc.returncode == 0
    assert "o01" in proc.stdout and "โครงสร้าง" in proc.stdout
    data = json.loads(run("framework", "--json").stdout)
    assert len(data["indicators"]) == 10
    missing = run("framework", "2499")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_summary_of_the_sample_json():
    proc = run("summary", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["total"] == 43 and 0 < data["done"] < 43
    assert {s["subindicator"] for s in data["subindicators"]} == {
        "9.1",
        "9.2",
        "9.3",
        "9.4",
        "9.5",
        "10.1",
        "10.2",
    }
    assert sum(s["total"] for s in data["subindicators"]) == 43


def test_template_then_validate(tmp_path):
    out = tmp_path / "legal.xlsx"
    proc = run("template", "--division", "ฝ่ายนิติการ", "--out", out)
    assert proc.returncode == 0, proc.stderr
    check = run("validate", out, "--json")
    assert check.returncode == 0
    unknown = run("template", "--division", "กองเกษตร", "--out", tmp_path / "x.xlsx")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


HOSTILE = ROOT / "tests" / "data" / "hostile"


@pytest.mark.parametrize(
    "name",
    [
        "pdf_renamed.xlsx",
        "truncated.xlsx",
        "empty.xlsx",
        "lying_size.xlsx",
        "billion_laughs.xlsx",
        "encrypted.xlsx",
        "sparse_bomb.xlsx",
    ],
)
def test_hostile_file_exit_2_one_message_no_traceback(name):
    proc = run("validate", HOSTILE / name, "--json")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    (f,) = json.loads(proc.stdout)["files"]
    assert f["ok"] is False and f["sheets"] == []
    (issue,) = f["issues"]
    assert issue["severity"] == "error" and issue["message"] and issue["message_en"]


def test_files_and_a_store_together_are_refused_in_thai_and_english(tmp_path):
    proc = run_cli("summary", "--store", str(tmp_path / "store"), str(tmp_path / "a.xlsx"))
    assert proc.returncode != 0
    assert "ระบุไฟล์หรือ --store อย่างใดอย่างหนึ่ง" in proc.stderr
    assert "give FILEs or --store, not both" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_validate_loads_neither_the_store_nor_pandas(good, tmp_path):
    """``validate`` reads a file and prints: the store's database library and pandas stay out
    of the process (listing the sample's commands once loaded both: 0.3 s of every run)."""
    probe = (
        "import sys; from ita_model.cli import main; main(['validate', sys.argv[1]]); "
        "print('LOADED', 'sqlalchemy' in sys.modules, 'pandas' in sys.modules)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, str(good)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "ITA_STORE": str(tmp_path / "store")},
    )
    assert proc.stdout.splitlines()[-1] == "LOADED False False", proc.stderr
