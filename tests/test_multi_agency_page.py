"""A multi-agency OIT sheet dropped on the Data-in page of a store of several agencies (AppTest on
the whole app, a signed-in user), on SQLite and PostgreSQL: checked against the registry, its
problems per row and column; sent per agency by one button when the viewer may; refused whole,
kept, when it has errors; refused with nothing kept when the viewer may not send for one of its
agencies."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ita_model.agencies import AgencyRecord
from ita_model.auth import Actor, Role
from ita_model.i18n import both, t
from ita_model.store import open_store
from tests import test_store
from tests.conftest import ROOT, app_test
from tests.test_multi_agency import AGENCIES, GOOD, csv_file, oit_of

target = test_store.target  # the fixture: a fresh SQLite or PostgreSQL store
APP = ROOT / "dashboard.py"
DATA_IN = "app_pages/data_in.py"
PW = "รหัสผ่านยาวพอ"
CSV = "text/csv"
SHEET = [["สถานะ OIT ของหน่วยงานในจังหวัดพะเยา"], ["หน่วยงาน", "ข้อ", "สถานะ", "ลิงก์", "วันที่ปรับปรุง"]]


@pytest.fixture
def province(target: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Three registered agencies; a system admin (root) and an editor of 5601."""
    if "://" in target:
        monkeypatch.setenv("ITA_STORE", target)
    else:
        monkeypatch.setenv("ITA_STORE_DIR", target)
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    s = open_store(target)
    s.accounts.add("root", "admin", PW, user="setup", rounds=4)
    s.register_agencies([AgencyRecord(code=a[0], name=a[1]) for a in AGENCIES], user="root")
    s.accounts.add("ed5601", "editor", PW, user="root", agency="5601", rounds=4)
    s.close()
    return target


def dropped(tmp_path: Path, rows: list[list[str]], who: Actor) -> AppTest:
    data = csv_file(tmp_path / "province.csv", [*SHEET, *rows]).read_bytes()
    at = app_test(APP, actor=who).run()
    at.switch_page(DATA_IN).run()
    at.file_uploader(key="uploads").set_value(("province.csv", data, CSV))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def send_button(at: AppTest) -> list:
    return [b for b in at.button if b.key and b.key.startswith("send_multi_")]


def issues(at: AppTest) -> list[tuple[str, str, str]]:
    [report] = [d.value for d in at.dataframe if {"code", "row", "column"} <= set(d.value.columns)]
    return [(r.row, r.column, r.code) for r in report.itertuples()]


def test_a_system_admin_sends_a_sheet_split_per_agency(province: str, tmp_path: Path) -> None:
    at = dropped(tmp_path, GOOD, Actor("root", Role.ADMIN))
    said = " ".join(c.value for c in at.caption)
    assert t("multi_in.counted", "th", agencies=2, rows=4) in said
    assert oit_of(province, "5601", "root") == []  # nothing counts before the button
    [send] = send_button(at)
    send.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not send_button(at)  # sent: the button gives way to the summary
    summary = both(
        "agencies.file_accepted", path="province.csv", agencies=2, new=2, again=0, rows=4
    )
    assert summary in [s.value for s in at.success]
    [table] = [d.value for d in at.dataframe if "agency" in d.value.columns]
    assert table[["agency", "name", "rows"]].values.tolist() == [
        ["5601", "องค์การบริหารส่วนจังหวัดพะเยา", 2],
        ["5602", "เทศบาลเมืองพะเยา", 2],
    ]
    assert set(table["sent"]) == {t("multi_in.new", "th")}
    assert oit_of(province, "5601", "root") == [("o01", "done", True), ("o02", "not_started", True)]
    assert oit_of(province, "5602", "root") == [("o01", "in_progress", True), ("o03", "done", True)]
    # the same file again, in a new session: already stored, nothing to send, nothing changes
    revision = open_store(province).revision()
    again = dropped(tmp_path, GOOD, Actor("root", Role.ADMIN))
    assert not send_button(again)
    said = both("agencies.file_accepted", path="province.csv", agencies=2, new=0, again=2, rows=4)
    assert said in [s.value for s in again.success]
    assert open_store(province).revision() == revision


def test_a_sheet_with_errors_is_kept_whole_and_counts_for_nobody(
    province: str, tmp_path: Path
) -> None:
    rows = [*GOOD, ["เทศบาลเมืองพะยา", "o04", "เสร็จสิ้น", "https://x.go.th/o04"]]
    at = dropped(tmp_path, rows, Actor("root", Role.ADMIN))
    assert not send_button(at)
    refused = both("agencies.file_refused", path="province.csv", errors=1)
    assert refused in [e.value for e in at.error]
    assert (7, "หน่วยงาน", "unknown_agency") in [(int(r), c, k) for r, c, k in issues(at)]
    kept = open_store(province).submissions()
    assert [(s.state, s.kinds, s.filename) for s in kept] == [
        ("rejected", ["agencies"], "province.csv")
    ]
    for agency in ("5601", "5602", "5603"):
        assert oit_of(province, agency, "root") == []


def test_an_editor_of_one_agency_cannot_send_for_another(province: str, tmp_path: Path) -> None:
    before = open_store(province).revision()
    at = dropped(tmp_path, GOOD, Actor("ed5601", Role.EDITOR, agency="5601"))
    assert not send_button(at)
    [refusal] = [e.value for e in at.error if t("multi_in.not_allowed", "th") in e.value]
    assert "5602" in refusal and "may not" in refusal  # which agency, Thai and English
    assert "agency_write_not_allowed" not in refusal and "Traceback" not in refusal
    assert open_store(province).revision() == before  # nothing kept for anyone
    assert open_store(province).for_agency("5601", user="root").submissions() == []
    # its own agency's rows alone: sent
    own = dropped(tmp_path, GOOD[:2], Actor("ed5601", Role.EDITOR, agency="5601"))
    [send] = send_button(own)
    send.click().run()
    assert not own.exception, [e.value for e in own.exception]
    assert oit_of(province, "5601", "root") == [("o01", "done", True), ("o02", "not_started", True)]
