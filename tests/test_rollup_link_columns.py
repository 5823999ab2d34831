"""Each agency's latest kept link check wherever the roll-up is shown besides the page: the two
short columns of ``rollup``'s text output ("—" for never checked), a column of the agencies
table in the Excel and PDF hand-outs, and the page's "links with problems" list in the PDF and
the deck, the day of the check in Buddhist Era."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from ita_model import rollup_figures as rf
from ita_model.fiscal import today_in_thailand
from ita_model.handouts.chromium import chromium_path
from ita_model.handouts.rollup_report import RollupHandout, export
from ita_model.i18n import t
from ita_model.rollup import Rollup, rollup
from ita_model.store import open_store
from ita_model.thai import format_date
from tests.conftest import run_cli
from tests.rollup_factory import fill_store
from tests.test_rollup_links import YEAR, keep_run

TODAY = format_date(today_in_thailand())  # the day the runs were kept, Buddhist Era
NEVER = t("links_scope.never")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """R001 checked twice (its latest run: 5 links, 3 with problems), R002 once (2, 1 of them),
    R003 never."""
    path = tmp_path_factory.mktemp("links") / "store"
    s = open_store(path)
    fill_store(s, 3)
    keep_run(s, "R001", 0, 4)
    keep_run(s, "R001", 2, 3)
    keep_run(s, "R002", 1, 1)
    s.close()
    return path


@pytest.fixture(scope="module")
def rolled(folder: Path) -> Rollup:
    s = open_store(folder)
    try:
        return rollup(s, year=YEAR, progress=False)
    finally:
        s.close()


def handout(r: Rollup) -> RollupHandout:
    return RollupHandout(
        rollup=r, agencies=rf.worst_first(r.agencies), scope="ทุกหน่วยงาน", as_of=date(2022, 3, 31)
    )


def test_the_text_output_has_two_short_link_columns(folder: Path) -> None:
    got = run_cli("rollup", "--store", folder, env={"ITA_LOAD_SAMPLE": "false"})
    assert got.returncode == 0, got.stderr
    lines = got.stdout.splitlines()
    header = next(line for line in lines if line.startswith(t("rollup.col_agency")))
    assert header.endswith("ลิงก์ / links  มีปัญหา / with problems")
    rows = {line.split()[0]: line.split()[-2:] for line in lines if line.startswith("R00")}
    assert rows == {"R001": ["5", "3"], "R002": ["2", "1"], "R003": ["—", "—"]}


def test_the_workbook_lists_each_agencys_links(rolled: Rollup) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export(handout(rolled), "xlsx")))
    sheet = book[t("rollup.sheet_agencies")]
    head = [c.value for c in sheet[1]]
    keys = ("col_links_checked", "col_links_with_problems", "col_links_checked_at")
    assert head[-3:] == [t(f"rollup.{k}") for k in keys]
    rows = {r[0]: list(r[-3:]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {"R001": [5, 3, TODAY], "R002": [2, 1, TODAY], "R003": [None, None, NEVER]}
    assert "2569" in TODAY or "2570" in TODAY  # Buddhist Era


def test_the_deck_has_the_links_with_problems_list(rolled: Rollup) -> None:
    deck = Presentation(io.BytesIO(export(handout(rolled), "pptx")))
    (slide,) = [
        s for s in deck.slides if s.shapes.title.text_frame.text == t("links_scope.heading")
    ]
    (table,) = [shape.table for shape in slide.shapes if shape.has_table]
    rows = [[c.text for c in row.cells] for row in list(table.rows)[1:]]
    assert [r[0] for r in rows] == ["อบต.ทดสอบ 1", "อบต.ทดสอบ 2", "อบต.ทดสอบ 3"]
    assert [r[2:] for r in rows] == [["3 / 5", TODAY], ["1 / 2", TODAY], ["—", NEVER]]


@pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is not installed")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_pdf_has_the_list_and_a_links_column(rolled: Rollup, tmp_path: Path) -> None:
    (tmp_path / "r.pdf").write_bytes(export(handout(rolled), "pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert t("links_scope.heading") in text and t("links_scope.caption", never=1) in text
    # one line a row; pdftotext drops the thin spaces of "3 / 5"
    lines = [" ".join(line.split()).replace(" / ", "/") for line in text.splitlines()]
    # the short list: problems of links checked, the day of the check, or "not checked yet"
    assert any("อบต.ทดสอบ 1" in x and "3/5" in x and TODAY in x for x in lines), text
    assert any("อบต.ทดสอบ 3" in x and NEVER in x for x in lines), text
    # the agencies table: the same counts in a column of its own, "—" for never checked
    assert t("links_scope.col_with_problems").split()[0] in text
    assert sum("อบต.ทดสอบ 1" in x and "3/5" in x for x in lines) == 2
    assert sum("อบต.ทดสอบ 2" in x and "1/2" in x for x in lines) == 2
