"""An agency's rows sent as a whole count (SQLite and PostgreSQL, the command line and the pages).

A multi-agency OIT sheet gives each agency rows with no division: the agency speaking as a whole.
An agency of the registry with no set-up of its own has no divisions and no owners, so every
item counts from whoever reports it; an agency with divisions set up reads a whole-agency row as
each owner of its item having sent it (``readiness.py``, ``rollup_sql.py``). Its own overview and
the roll-up agree at every step, now and as of any day.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from ita_model.agency_column import AgencyMatcher
from ita_model.auth import Actor, Role
from ita_model.current import current_data
from ita_model.fiscal import THAILAND, today_in_thailand
from ita_model.framework import load_framework
from ita_model.i18n import both, t
from ita_model.in_force import resolve
from ita_model.multi_agency import split
from ita_model.organisation import WHOLE_AGENCY, Organisation
from ita_model.readiness import Readiness, compute_readiness
from ita_model.rollup import rollup
from ita_model.sample import sample_organisation
from ita_model.settings import get_settings
from ita_model.store import Store, open_store
from ita_model.validate import validate_file
from tests import test_store
from tests.conftest import ROOT, app_test, run_cli
from tests.test_rollup import own, row_of, same
from tests.test_rollup import set_up as set_up_with

target = test_store.target  # the fixture: a fresh SQLite or PostgreSQL store
YEAR = 2565
LOCAL = "องค์กรปกครองส่วนท้องถิ่น"
REGISTRY = [
    ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ประเภท", "จังหวัด", "สังกัด"],
    ["5601", "อบจ.พะเยา", LOCAL, "พะเยา", "สถ."],
    ["5602", "เทศบาลเมืองพะเยา", LOCAL, "พะเยา", "สถ."],
]
HEADER = ["หน่วยงาน", "ข้อ", "สถานะ", "ลิงก์"]
ROOT_USER, ADMIN = "root", "adm5601"  # a system admin; an administrator of agency 5601
DONE, WORKING = "เสร็จสิ้น", "อยู่ระหว่างดำเนินการ"
LEAD = [  # the lead's reproduction
    ["5601", "o01", DONE, "https://pyo.go.th/o01"],
    ["5601", "o02", DONE, "https://pyo.go.th/o02"],
    ["5602", "o03", DONE, "https://pym.go.th/o03"],
]


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=THAILAND)


def send_sheet(store: Store, rows: list[list[str]], day: date, user: str = ROOT_USER) -> None:
    """A multi-agency sheet checked against the registry and kept per agency, on a day."""
    data = csv_bytes([HEADER, *rows])
    name = f"province_{day.isoformat()}.csv"
    report = validate_file(
        data, name, year=YEAR, agencies=AgencyMatcher(lambda: store.agency_registry())
    )
    assert report.ok, report.to_json()["issues"]
    store.submit_agencies(data, name, split(report), user=user, year=YEAR, at=at(day))


def send_division(store: Store, org: Organisation, division: str, rows: list[list[str]], day: date):
    """A division's own file (item, status, link) to its agency's bound store, on a day."""
    data = csv_bytes([["ข้อ", "สถานะ", "ลิงก์"], *rows])
    name = f"{division}_{day.isoformat()}.csv"
    report = validate_file(data, name, year=YEAR, division=division, organisation=org)
    assert report.ok, report.to_json()["issues"]
    store.submit(
        data, name, user=ADMIN, year=YEAR, division=division, report=report, accept=True,
        at=at(day),
    )  # fmt: skip


def in_use(store: Store, code: str) -> Organisation:
    found = resolve(store.for_agency(code, user=ROOT_USER), get_settings()).in_use
    assert found is not None
    return found


def readiness(store: Store, code: str, as_of: date | None = None) -> Readiness:
    bound = store.for_agency(code, user=ROOT_USER)
    counting = current_data(bound, YEAR, as_of=as_of)
    return compute_readiness(counting.dataset, load_framework(YEAR), in_use(store, code))


def statuses(store: Store, code: str, as_of: date | None = None) -> dict[str, str]:
    """The items anyone has moved, with their effective status."""
    items = readiness(store, code, as_of).items
    moved = items[items["status"] != "not_started"]
    return dict(zip(moved["item"], moved["status"], strict=True))


def agree(store: Store, codes: list[str], as_of: date | None = None) -> dict[str, Any]:
    """The roll-up's figures equal each agency's own overview's (score, done/total, rating)."""
    r = rollup(store, year=YEAR, as_of=as_of, progress=False)
    found = {}
    for code in codes:
        mine = own(store.for_agency(code, user=ROOT_USER), as_of, in_use(store, code))
        same(row_of(r, code), mine)
        found[code] = mine["oit_done"]
    return found


@pytest.fixture
def registered(target: str, tmp_path: Path) -> str:
    path = tmp_path / "agencies.csv"
    path.write_bytes(csv_bytes(REGISTRY))
    done = run_cli("agencies", "import", "--store", target, path)
    assert done.returncode == 0, done.stderr
    return target


# --------------------------------------------------------------------------- as a whole


def test_the_leads_reproduction_on_the_command_line(registered: str, tmp_path: Path) -> None:
    sheet = tmp_path / "st.csv"
    sheet.write_bytes(csv_bytes([HEADER, *LEAD]))
    done = run_cli("submit", "--store", registered, sheet, "--json")
    assert done.returncode == 0, done.stderr
    done = run_cli("rollup", "--store", registered, "--year", str(YEAR), "--json")
    assert done.returncode == 0, done.stderr
    rows = {a["agency"]: a for a in json.loads(done.stdout)["agencies"]}
    assert (rows["5601"]["oit_done"], rows["5602"]["oit_done"]) == (2, 1)
    assert rows["5601"]["oit_total"] == 43
    store = accounts(open_store(registered))
    assert agree(store, ["5601", "5602"]) == {"5601": 2, "5602": 1}
    org = in_use(store, "5601")
    assert org.name_th == "อบจ.พะเยา" and not org.divisions  # its own name, not the demo's
    assert statuses(store, "5601") == {"o01": "done", "o02": "done"}
    items = readiness(store, "5601").items.set_index("item")
    assert items.at["o01", "owners"] == [WHOLE_AGENCY]
    assert items.at["o43", "owner_status"] == {WHOLE_AGENCY: "not_started"}  # the agency's to do


def test_as_of_a_day_between_two_sheets(target: str) -> None:
    store = accounts(open_store(target))
    send_sheet(store, LEAD, date(2022, 1, 10))
    later = [
        ["5601", "o01", DONE, "https://pyo.go.th/o01"],
        ["5601", "o02", DONE, "https://pyo.go.th/o02"],
        ["5601", "o04", DONE, "https://pyo.go.th/o04"],
        ["5602", "o03", WORKING, ""],
    ]
    send_sheet(store, later, date(2022, 3, 10))
    assert agree(store, ["5601", "5602"], date(2022, 1, 9)) == {"5601": 0, "5602": 0}
    assert agree(store, ["5601", "5602"], date(2022, 2, 1)) == {"5601": 2, "5602": 1}
    assert agree(store, ["5601", "5602"]) == {"5601": 3, "5602": 0}
    assert statuses(store, "5602") == {"o03": "in_progress"}
    assert statuses(store, "5602", date(2022, 2, 1)) == {"o03": "done"}


def accounts(store: Store) -> Store:
    """The system admin (the first account), the two agencies in the registry, and agency
    5601's own administrator."""
    store.accounts.add(ROOT_USER, "admin", None, user=ROOT_USER, scope="all")
    store.register_agencies([registry_record(row) for row in REGISTRY[1:]], user=ROOT_USER)
    store.accounts.add(ADMIN, "admin", None, user=ROOT_USER, agency="5601")
    return store


def registry_record(row: list[str]) -> Any:
    from ita_model.agencies import AgencyRecord

    return AgencyRecord(code=row[0], name=row[1], type="local_government", province=row[3])


# --------------------------------------------------------------------------- with divisions

TWO, ONE, ITS_OWN, NOBODYS = "o03", "o25", "o04", "o43"  # personnel+strategy; personnel; …
DIVISION = "strategy"  # owns o03 with personnel, and o04 alone


def set_up(store: Store, code: str) -> Organisation:
    """The agency set up with the demo's divisions and owners, except o43: nobody's."""
    demo, fw = sample_organisation(), load_framework(YEAR)
    owners = {
        i.code: [d.id for d in demo.owners(i.code, YEAR)] for i in fw.items() if i.code != NOBODYS
    }
    org = set_up_with(store.for_agency(code, user=ADMIN), ADMIN, owners)
    assert [d.id for d in org.owners(TWO, YEAR)] == ["personnel", "strategy"]
    assert [d.id for d in org.owners(ONE, YEAR)] == ["personnel"]
    assert [d.id for d in org.owners(ITS_OWN, YEAR)] == [DIVISION]
    assert not org.owners(NOBODYS, YEAR)
    return org


def test_an_agency_with_divisions_reads_a_sheet_as_its_owners(target: str) -> None:
    store = accounts(open_store(target))
    org = set_up(store, "5601")
    assert in_use(store, "5601") == org
    bound = store.for_agency("5601", user=ADMIN)
    link = "https://pyo.go.th/x"
    # 1. the province's sheet: each row counts for its item's owners; o43 from the whole agency
    rows = [["5601", item, DONE, link] for item in (TWO, ONE, ITS_OWN, NOBODYS)]
    send_sheet(store, [*rows, ["5602", "o01", DONE, link]], date(2022, 1, 10))
    first = {TWO: "done", ONE: "done", ITS_OWN: "done", NOBODYS: "done"}
    assert statuses(store, "5601") == first
    items = readiness(store, "5601").items.set_index("item")
    assert items.at[TWO, "owner_status"] == {"personnel": "done", "strategy": "done"}
    assert items.at[NOBODYS, "owners"] == [WHOLE_AGENCY]
    assert agree(store, ["5601", "5602"]) == {"5601": 4, "5602": 1}
    # 2. the strategy division's own newer file replaces the sheet for it alone: o04 it no
    # longer lists is not started; o03 waits on it; o43 has two reporters, one not done
    send_division(bound, org, DIVISION, [[TWO, WORKING, ""], [NOBODYS, WORKING, ""]],
                  date(2022, 2, 10))  # fmt: skip
    second = {TWO: "in_progress", ONE: "done", NOBODYS: "in_progress"}
    assert statuses(store, "5601") == second
    items = readiness(store, "5601").items.set_index("item")
    assert items.at[TWO, "owner_status"] == {"personnel": "done", "strategy": "in_progress"}
    assert items.at[NOBODYS, "owner_status"] == {WHOLE_AGENCY: "done", DIVISION: "in_progress"}
    assert agree(store, ["5601", "5602"]) == {"5601": 1, "5602": 1}
    # 3. both reporters of o43 say done: done
    send_division(bound, org, DIVISION, [[TWO, DONE, link], [ITS_OWN, DONE, link],
                                         [NOBODYS, DONE, link]], date(2022, 3, 10))  # fmt: skip
    assert statuses(store, "5601") == first
    assert agree(store, ["5601", "5602"]) == {"5601": 4, "5602": 1}
    # 4. a newer sheet speaks for personnel (it lists o25): its o03 is no longer reported
    send_sheet(store, [["5601", ONE, DONE, link], ["5601", NOBODYS, WORKING, ""]],
               date(2022, 4, 10))  # fmt: skip
    assert statuses(store, "5601") == {
        TWO: "in_progress", ONE: "done", ITS_OWN: "done", NOBODYS: "in_progress"
    }  # fmt: skip
    assert agree(store, ["5601", "5602"]) == {"5601": 2, "5602": 1}  # 5602: named by no row
    # every step again, as of a day after it
    for day, expected in [
        (date(2022, 1, 20), first),
        (date(2022, 2, 20), second),
        (date(2022, 3, 20), first),
    ]:
        assert statuses(store, "5601", day) == expected
        assert agree(store, ["5601", "5602"], day)["5601"] == sum(
            s == "done" for s in expected.values()
        )


def test_a_divisions_newer_file_of_others_items_only_still_speaks_for_it(target: str) -> None:
    """The newest file of a division counts for it even when all its rows are another
    division's items (kept with a warning): its older file no longer counts, in the roll-up too."""
    store = accounts(open_store(target))
    org = set_up(store, "5601")
    bound = store.for_agency("5601", user=ADMIN)
    link = "https://pyo.go.th/x"
    send_division(bound, org, DIVISION, [[ITS_OWN, DONE, link]], date(2022, 1, 10))
    assert statuses(store, "5601") == {ITS_OWN: "done"}
    assert agree(store, ["5601"])["5601"] == 1
    send_division(bound, org, DIVISION, [[ONE, DONE, link]], date(2022, 2, 10))
    assert statuses(store, "5601") == {}  # o25 is personnel's alone; o04 no longer reported
    assert agree(store, ["5601"])["5601"] == 0
    assert agree(store, ["5601"], date(2022, 1, 20))["5601"] == 1


def test_an_item_nobody_owns_is_done_only_when_every_reporter_says_so(target: str) -> None:
    store = accounts(open_store(target))
    org = set_up(store, "5601")
    bound = store.for_agency("5601", user=ADMIN)
    link = "https://pyo.go.th/x"
    send_division(bound, org, "legal", [[NOBODYS, DONE, link]], date(2022, 1, 10))
    assert statuses(store, "5601")[NOBODYS] == "done"  # one reporter so far: the division
    send_sheet(store, [["5601", NOBODYS, WORKING, ""]], date(2022, 2, 10))
    assert statuses(store, "5601")[NOBODYS] == "in_progress"
    send_sheet(store, [["5601", NOBODYS, DONE, link]], date(2022, 3, 10))
    assert statuses(store, "5601")[NOBODYS] == "done"
    send_division(bound, org, "legal", [[NOBODYS, "ยังไม่ดำเนินการ", ""]], date(2022, 4, 10))
    assert statuses(store, "5601")[NOBODYS] == "in_progress"
    assert agree(store, ["5601"])["5601"] == 0
    assert agree(store, ["5601"], date(2022, 3, 20))["5601"] == 1


def test_a_file_for_an_agency_with_no_divisions_is_its_own() -> None:
    """The checker of an agency with no divisions: rows naming no division are the agency's
    (no ``no_division`` error), and a division column is not used (a notice)."""
    from ita_model.organisation import whole_agency

    org = whole_agency("อบจ.พะเยา")
    data = csv_bytes(
        [["ข้อ", "สถานะ", "ลิงก์", "ส่วนราชการ"], ["o01", DONE, "https://x.go.th/a", "กองคลัง"]]
    )
    report = validate_file(data, "own.csv", year=YEAR, organisation=org)
    assert report.ok
    assert [i["code"] for i in report.to_json()["issues"]] == ["whole_agency_division_ignored"]
    frame = report.frame("oit")
    assert frame["division"].isna().all() and list(frame["item"]) == ["o01"]


def test_the_template_of_an_agency_with_no_divisions_is_its_own() -> None:
    """Every item once, no division column: filled in and sent, its rows are the agency's."""
    import io

    import openpyxl

    from ita_model.organisation import whole_agency
    from ita_model.template import build_template, workbook_bytes

    org = whole_agency("อบจ.พะเยา")
    book = build_template("all", year=YEAR, organisation=org)
    data = workbook_bytes(book, at(date(2022, 3, 27)))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["OIT"]
    header = [c.value for c in sheet[5]]
    assert "ข้อ" in header and "ส่วนราชการ" not in header
    # its guide and the file's subject name the agency as a whole, never "every division"
    opened = openpyxl.load_workbook(io.BytesIO(data))
    guide = [str(c.value) for row in opened["คำแนะนำ"].iter_rows() for c in row if c.value]
    assert "อบจ.พะเยา — ทั้งหน่วยงาน" in guide and not any("ส่วนราชการ" in g for g in guide)
    assert opened.properties.subject == "ทั้งหน่วยงาน"
    report = validate_file(data, "own.xlsx", year=YEAR, organisation=org)
    frame = report.frame("oit")
    assert len(frame) == 43 and frame["division"].isna().all()
    assert "whole_agency_division_ignored" not in {i["code"] for i in report.to_json()["issues"]}


# --------------------------------------------------------------------------- the pages


@pytest.fixture
def province(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store whose agencies were fed only by a multi-agency sheet; a พะเยา supervisor."""
    root = tmp_path / "store"
    monkeypatch.setenv("ITA_STORE_DIR", str(root))
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    s = open_store(root)
    s.accounts.add("root", "admin", "pw-12345678", user="setup", rounds=4)
    s.register_agencies([registry_record(row) for row in REGISTRY[1:]], user="root")
    s.accounts.add(
        "sup", "supervisor", "pw-12345678", user="root", scope="province:พะเยา", rounds=4
    )
    send_sheet(s, [*LEAD, ["5601", "o04", WORKING, ""]], today_in_thailand(), user="root")
    s.close()
    return root


def html_text(page: AppTest) -> str:
    return " ".join(str(e.value) for e in page.get("html"))


def test_a_supervisor_drills_into_an_agency_fed_by_a_sheet(province: Path) -> None:
    page = app_test(ROOT / "dashboard.py", actor=Actor("sup", Role.SUPERVISOR, "local"))
    page.session_state["agency"] = "5601"
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    page.switch_page("app_pages/overview.py").run()
    assert not page.exception, [e.value for e in page.exception]
    assert page.caption[0].value.startswith("อบจ.พะเยา · ")
    shown = html_text(page)
    assert "2 / 43" in shown  # o01 and o02 done
    assert t("whole_agency.name", "th") in shown  # o04 waits on the agency as a whole
    assert both("whole_agency.no_divisions") in [i.value for i in page.info]
    page.switch_page("app_pages/oit.py").run()
    assert not page.exception, [e.value for e in page.exception]
    assert f"{t('whole_agency.name', 'th')}:" in html_text(page)
    page.switch_page("app_pages/divisions.py").run()
    assert not page.exception, [e.value for e in page.exception]
    message = both("whole_agency.no_divisions")
    assert "ส่วนราชการ" in message and "no divisions" in message
    assert message in [i.value for i in page.info]
