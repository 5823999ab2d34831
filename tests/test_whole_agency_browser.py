"""A whole agency's Data-in in a real browser: its administrator drops its own file and reads a
card that names no division, then downloads its own blank workbook (every item once, no
division column, its name on top); a screenshot is kept."""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pytest

from ita_model.i18n import t
from ita_model.store import open_store
from ita_model.template import HEADERS, OIT_SHEET, header_row
from tests import test_whole_agency
from tests.conftest import served
from tests.test_browser import settle, shoot
from tests.test_changes_whole_agency import OWN_FILE
from tests.test_tenancy_browser import PW, sign_in
from tests.test_whole_agency import csv_bytes

province = test_whole_agency.province  # the fixture: agencies fed by a multi-agency sheet


@pytest.fixture
def server(province: Path, tmp_path: Path) -> str:
    s = open_store(province)
    s.accounts.add("adm5601", "admin", PW, user="root", agency="5601", rounds=4)
    s.close()
    env = {**os.environ, "ITA_STORE_DIR": str(province), "ITA_LOAD_SAMPLE": "false",
           "ITA_LINK_CHECK_ON_ACCEPT": "false"}  # fmt: skip
    with served(env, tmp_path / "streamlit.log") as url:
        yield url


def test_a_whole_agency_drops_its_own_file(server: str, browser: object, tmp_path: Path) -> None:
    own = tmp_path / "own.csv"
    own.write_bytes(csv_bytes(OWN_FILE))
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="th-TH")
    page = context.new_page()
    try:
        sign_in(page, server, "adm5601")
        page.get_by_role("link", name=t("nav.data_in", "th")).first.click()
        settle(page, title=t("data_in.title", "th"))
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(own))
        moves = t("data_in.done_moves", "th", before=2, after=1)
        page.get_by_text(moves).first.wait_for(timeout=60_000)
        settle(page, title=t("data_in.title", "th"))
        assert page.locator('[data-testid="stException"]').count() == 0
        main = page.inner_text('[data-testid="stMain"]')
        assert t("whole_agency.drop", "th") in main and t("whole_agency.sender", "th") in main
        assert "ส่วนราชการ" not in main
        shoot(page, "whole-agency-data-in", "1280x720")
        with page.expect_download() as done:
            page.get_by_role("button", name=t("data_in.download_template", "th")).click()
        book = openpyxl.load_workbook(io.BytesIO(Path(done.value.path()).read_bytes()))
    finally:
        context.close()
    ws = book[OIT_SHEET]
    assert ws["A1"].value == "อบจ.พะเยา"  # its own name, not the bundled demo's
    top, cols = header_row(ws)
    assert HEADERS["division"] not in cols
    assert ws.max_row - top == 43  # every item once
