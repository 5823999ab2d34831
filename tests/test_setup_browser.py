"""A new agency set up from nothing, in a real browser: a fresh store and no sample; an admin
enters the agency and 4 divisions, imports a 2570 framework workbook of 23 items with the levels
of 2567 on, assigns owners, downloads every division's workbook, and a division's filled one is
uploaded and accepted: the overview shows it. Screenshots (1280×720, Thai) in artifacts/."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ita_model.fiscal import current_fiscal_year
from ita_model.template import header_row
from tests.conftest import CHROMIUM, served
from tests.test_browser import settle
from tests.test_browser import shoot as browser_shoot
from tests.vocational import vocational_workbook

YEAR = current_fiscal_year()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard on an empty store, no sample data at all."""
    tmp = tmp_path_factory.mktemp("fresh")
    data = tmp / "data"
    (data / "inbox").mkdir(parents=True)
    env = {
        **os.environ,
        "ITA_STORE_DIR": str(tmp / "store"),
        "ITA_DATA_DIR": str(data),
        "ITA_LOAD_SAMPLE": "false",
    }
    env.pop("ITA_YEAR", None)
    with served(env, tmp / "streamlit.log") as url:
        yield url


def no_exception(page: object) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")


def act(page: object, title: str, expect: str | None = None) -> None:
    """After a click: ``expect`` is shown (the rerun got that far), it is over, nothing broke."""
    page.wait_for_timeout(400)
    if expect is not None:
        try:
            page.get_by_text(expect, exact=False).first.wait_for(timeout=60_000)
        except PlaywrightTimeout:
            shoot(page, "setup-failed")  # what the screen showed instead
            raise
    settle(page, title=title)
    no_exception(page)


def shoot(page: object, name: str) -> None:
    """The screen, and the whole page (``-full``), as the other browser tests keep them."""
    browser_shoot(page, name, "1280x720")


def filled(template: bytes) -> bytes:
    """The division's workbook with o01 and o02 done (a link each), the rest left blank."""
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    head, cols = header_row(ws)
    item_col = cols["ข้อ"]
    status_col = next(c for w, c in cols.items() if w.startswith("สถานะ"))
    url_col = next(c for w, c in cols.items() if w.startswith("ลิงก์"))
    for row in range(head + 1, ws.max_row + 1):
        code = str(ws.cell(row, item_col).value or "").strip().casefold()
        if code in ("o01", "o02"):
            ws.cell(row, status_col, "ดำเนินการแล้ว")
            ws.cell(row, url_col, f"https://college.example/{code}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_new_agency_from_nothing(fresh_server: str, browser: object, tmp_path: Path) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 720}, locale="th-TH", accept_downloads=True
    )
    page = context.new_page()
    title = "ตั้งค่าหน่วยงานและปีการประเมิน"
    try:
        page.goto(f"{fresh_server}/setup", wait_until="domcontentloaded")
        act(page, title)
        # 1. the agency
        page.locator(".st-key-ag_th input").fill("วิทยาลัยการอาชีพทดสอบ")
        page.locator(".st-key-ag_en input").fill("Test Industrial and Community College")
        page.locator(".st-key-ag_s input").fill("วก.ทดสอบ")
        page.locator(".st-key-ag_p input").fill("พะเยา")
        page.locator(".st-key-ag_type").click()
        page.get_by_role("option", name="สถานศึกษาอาชีวศึกษา").click()
        page.get_by_role("button", name="บันทึก").first.click()
        act(page, title, "บันทึกแล้ว: 1. หน่วยงาน")
        # 2. four divisions, pasted from a column
        page.locator(".st-key-div_paste textarea").fill(
            "งานการเงิน | Finance\nงานบุคลากร | Personnel\nงานวิชาการ | Academic\n"
            "งานประชาสัมพันธ์ | Public Relations"
        )
        page.locator(".st-key-div_paste_add button").click()
        act(page, title, "มี 4 ส่วนราชการ")
        # 3. the year (today's fiscal year) and its framework, imported
        year_box = page.locator(".st-key-setup_year input")
        assert year_box.input_value() == str(YEAR)
        book = tmp_path / f"ita_{YEAR}_vocational.xlsx"
        book.write_bytes(vocational_workbook())
        page.locator(".st-key-fw_file input[type=file]").set_input_files(str(book))
        page.wait_for_selector("text=อ่านได้ 23 ข้อ", timeout=60_000)
        assert "ผ่านดีเยี่ยม" in page.inner_text("body")
        settle(page, title=title)
        page.locator(".st-key-fw_save button:not([disabled])").click()
        act(page, title, "บันทึกแล้ว: 3. ปีงบประมาณและกรอบการประเมิน")
        # 4. owners: finance owns o01 and o02
        items = page.locator(".st-key-quick_items_finance input")
        for code in ("o01", "o02"):
            items.click()
            items.fill(code)
            page.get_by_role("option", name=f"{code} ข้อทดสอบ").first.click()
            page.wait_for_timeout(300)
        page.keyboard.press("Escape")
        page.locator(".st-key-quick_save button").click()
        act(page, title, "มีผู้รับผิดชอบ 2 จาก 23 ข้อ")
        shoot(page, "setup")
        # 6. every division's workbook in one zip
        with page.expect_download() as got:
            page.locator(".st-key-templates_zip button").click()
        zipped = zipfile.ZipFile(got.value.path())
        names = sorted(zipped.namelist())
        assert len(names) == 4 and f"oit_{YEAR}_finance.xlsx" in names
        template = zipped.read(f"oit_{YEAR}_finance.xlsx")
        page.locator(".st-key-setup_finish button").first.click()
        act(page, title, "หน่วยงานพร้อมแล้ว")
        # a division's filled workbook dropped in and accepted
        upload = tmp_path / f"oit_{YEAR}_finance.xlsx"
        upload.write_bytes(filled(template))
        page.goto(f"{fresh_server}/data-in", wait_until="domcontentloaded")
        settle(page)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
            str(upload)
        )
        page.get_by_role("button", name="รับข้อมูล").click()
        page.wait_for_selector("text=รับข้อมูลแล้ว", timeout=60_000)
        no_exception(page)
        # the overview: the agency's new year, two of its 23 items done
        page.goto(fresh_server, wait_until="domcontentloaded")
        settle(page, min_charts=1)
        no_exception(page)
        main = page.inner_text('[data-testid="stMain"]')
        assert "วก.ทดสอบ" in main and f"ปีงบประมาณ {YEAR}" in main.replace("พ.ศ. ", "")
        assert "2 / 23" in main
        shoot(page, "setup-overview")
        page.goto(f"{fresh_server}/score", wait_until="domcontentloaded")
        settle(page, min_charts=1)
        no_exception(page)
        shoot(page, "setup-score")
    finally:
        context.close()
