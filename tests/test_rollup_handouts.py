"""The roll-up's hand-outs for a scope (issue 14): a PDF in Thai with every agency, a PowerPoint
deck whose tables hold every agency below the pass mark, and the roll-up workbook."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import openpyxl
import pytest
from pptx import Presentation

from ita_model import rollup_figures as rf
from ita_model.handouts.chromium import chromium_path
from ita_model.handouts.rollup_report import RollupHandout, export, file_name, report_html
from ita_model.i18n import t
from tests.rollup_factory import Synthetic


@pytest.fixture(scope="module")
def handout() -> RollupHandout:
    r = Synthetic(120).rollup_of()
    return RollupHandout(
        rollup=r,
        agencies=rf.worst_first(r.agencies),
        scope="จังหวัด พะเยา",
        filters="ประเภทหน่วยงาน: โรงพยาบาล",
        as_of=date(2023, 3, 31),
    )


def test_the_report_lists_every_agency_and_says_its_scope(handout: RollupHandout) -> None:
    page = report_html(handout)
    for code in handout.agencies["agency"]:
        assert f'data-agency="{code}"' in page
    assert "ข้อมูล ณ วันที่ 31 มี.ค. 2566" in page  # Buddhist Era
    assert "จังหวัด พะเยา" in page and "โรงพยาบาล" in page
    assert file_name(handout, "pdf") == "ita-rollup-2566-25660331.pdf"


@pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is not installed")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_pdf_is_thai_text(handout: RollupHandout, tmp_path) -> None:
    data = export(handout, "pdf")
    assert data.startswith(b"%PDF")
    (tmp_path / "r.pdf").write_bytes(data)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert t("rollup_page.handout_title") in text
    assert "หน่วยงานทดสอบที่ 1 " in text


def test_the_deck_holds_every_agency_below_the_mark(handout: RollupHandout) -> None:
    deck = Presentation(io.BytesIO(export(handout, "pptx")))
    names = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                rows = list(shape.table.rows)[1:]
                names += [r.cells[0].text for r in rows]
    behind = rf.below_pass(handout.agencies, handout.mark)
    assert set(behind["name"]) <= set(names)
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    assert titles[0] == t("rollup_page.handout_title")


def test_the_workbook_is_the_rollups(handout: RollupHandout) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export(handout, "xlsx")))
    first = book.worksheets[0]
    assert first.max_row >= len(handout.agencies)
