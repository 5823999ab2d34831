"""An agency that reports as a whole (no divisions, one reporter: ทั้งหน่วยงาน) is not told about
divisions where it waits on itself: the overview's missing items say "รอจาก / Waiting on" and are
not sorted "by how many divisions are still due", and the hand-outs' missing items and owners
name no division. An agency with divisions (the bundled demo) keeps exactly today's words."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ita_model.auth import Actor, Role
from ita_model.handouts import Handout, build_handout, export, load_handout
from ita_model.handouts.images import chromium_path
from ita_model.i18n import t
from ita_model.organisation import whole_agency
from ita_model.readiness import load_dataset
from tests import test_whole_agency
from tests.conftest import ROOT, SAMPLE, app_test, html_tables
from tests.test_whole_agency import DONE, WORKING, csv_bytes

province = test_whole_agency.province  # the fixture: agencies fed by a multi-agency sheet
COLUMNS = ("col.item", "col.name", "col.sub", "col.status")
AS_OF = date(2022, 3, 27)


def missing_caption(page: object) -> str:
    """The caption over the missing items (it starts with their count)."""
    [table] = html_tables(page)
    found = [c.value for c in page.caption if c.value.startswith(f"{len(table)} ")]
    assert len(found) == 1, [c.value for c in page.caption]
    return found[0]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_whole_agencys_missing_items_wait_on_it_not_on_divisions(
    province: Path, lang: str
) -> None:
    page = app_test(ROOT / "dashboard.py", lang=lang, actor=Actor("sup", Role.SUPERVISOR, "local"))
    page.session_state["agency"] = "5601"
    page.run()
    page.switch_page("app_pages/overview.py").run()
    assert not page.exception, [e.value for e in page.exception]
    [table] = html_tables(page)
    assert list(table.columns) == [t(k, lang) for k in COLUMNS] + [
        t("whole_agency.waiting_on", lang)
    ]
    assert len(table) == 41  # o01, o02 done; o04 in progress, the rest not started
    assert set(table[t("whole_agency.waiting_on", lang)]) >= {t("whole_agency.name", lang)}
    caption = missing_caption(page)
    assert caption.startswith(t("whole_agency.missing_caption", lang, n=41))
    captions = [c.value for c in page.caption]
    assert t("overview.all_started", lang) not in captions  # it has no division to have started
    division = "ส่วนราชการ" if lang == "th" else "division"
    assert division not in caption and division not in " ".join(table.columns)


def test_the_demos_missing_items_keep_their_words(data_dir: Path) -> None:
    page = app_test(ROOT / "dashboard.py", lang="th").run()
    assert not page.exception, [e.value for e in page.exception]
    [table] = html_tables(page)
    assert list(table.columns) == [t(k) for k in COLUMNS] + ["รอจากส่วนราชการ"]
    assert missing_caption(page).startswith(
        f"{len(table)} ข้อที่ยังไม่ดำเนินการแล้ว เรียงจากเร่งด่วนที่สุด: ยังไม่เริ่มก่อน แล้วตามจำนวนส่วนราชการที่ยังค้าง"
    )


# --------------------------------------------------------------------------- the hand-outs


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Handout:
    """The hand-out of an agency with no divisions, from its own file (no division column)."""
    path = tmp_path_factory.mktemp("whole") / "own.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["ข้อ", "สถานะ", "ลิงก์"],
                ["o01", DONE, "https://pyo.go.th/o01"],
                ["o02", WORKING, ""],
            ]
        )
    )
    org = whole_agency("อบจ.พะเยา")
    dataset = load_dataset([path], year=2565, organisation=org)
    return build_handout(dataset, organisation=org, as_of=AS_OF)


def sheet_header(data: bytes, sheet: str) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [c.value for c in book[t(f"handout.sheet.{sheet}")][1]]


def test_the_excel_hand_out_of_a_whole_agency_names_no_division(whole: Handout) -> None:
    data = export(whole, "xlsx")
    items = sheet_header(data, "items")
    assert t("whole_agency.owners") in items and t("handout.col.owners") not in items
    assert t("handout.col.waiting_on") in items
    assert t("handout.col.waiting_on") in sheet_header(data, "missing")
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = list(book[t("handout.sheet.items")].iter_rows(min_row=2, values_only=True))
    owners = items.index(t("whole_agency.owners"))
    assert {r[owners] for r in rows} == {t("whole_agency.name")}  # every item the agency's own


def test_the_excel_hand_out_of_the_demo_keeps_its_words() -> None:
    data = export(load_handout([SAMPLE], as_of=AS_OF), "xlsx")
    items = sheet_header(data, "items")
    assert "ส่วนราชการที่รับผิดชอบ" in items and t("whole_agency.owners") not in items


def pdf_text(handout: Handout, folder: Path) -> str:
    path = folder / "report.pdf"
    path.write_bytes(export(handout, "pdf"))
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


@pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is missing")
def test_the_pdf_hand_outs_missing_items(whole: Handout, tmp_path: Path) -> None:
    text = pdf_text(whole, tmp_path)
    assert t("whole_agency.handout_missing") in text
    assert t("handout.missing") not in text and "ส่วนราชการที่ต้องดำเนินการ" not in text
    demo = pdf_text(load_handout([SAMPLE], as_of=AS_OF), tmp_path)
    assert "ข้อที่ยังขาดและส่วนราชการที่ต้องดำเนินการ" in demo
