"""The agency set-up kept in the store: parts, audit events, roles, and the agency in force."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_model.agency import Agency, CalendarEntry, division_id, parse_division_lines
from ita_model.agency_store import AgencyStore
from ita_model.auth import Actor, Role
from ita_model.errors import NotAllowed
from ita_model.framework import available_years, load_framework
from ita_model.framework_import import import_framework
from ita_model.in_force import deactivate, in_force
from ita_model.organisation import Division, load_organisation
from ita_model.readiness import Dataset, compute_readiness
from ita_model.settings import Settings
from ita_model.store import open_store
from ita_model.validate import validate_file
from tests.vocational import vocational_workbook

ADMIN = Actor("admin", Role.ADMIN)
DIVISIONS = [
    Division(id="office", name_th="สำนักงานผู้อำนวยการ", name_en="Office", serves_public=True),
    Division(id="finance", name_th="งานการเงิน", name_en="Finance"),
    Division(id="academic", name_th="งานวิชาการ", name_en="Academic", serves_public=True),
    Division(id="personnel", name_th="งานบุคลากร", name_en="Personnel", aliases=["บุคลากร"]),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def agency_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AgencyStore]:
    """The set-up in a fresh store: a folder, or a new database on the session's PostgreSQL."""
    if request.param == "sqlite":
        target: str | Path = tmp_path / "store"
    else:
        target = request.getfixturevalue("pg_server").new_database()
    store = open_store(target)
    yield AgencyStore(store)
    deactivate()  # back to the demo for the tests that follow in this process
    store.close()


def set_up(agencies: AgencyStore) -> None:
    agencies.save_agency(
        Agency(
            name_th="วิทยาลัยทดสอบ",
            name_en="Test College",
            short_th="วท.ทดสอบ",
            agency_type="vocational_college",
            province="พะเยา",
        ),
        user=ADMIN,
    )
    agencies.save_divisions(DIVISIONS, user=ADMIN)
    agencies.save_year(2570, user=ADMIN)
    fw = import_framework(vocational_workbook(), 2570, agency_type="vocational_college").framework
    agencies.save_framework(2570, "imported", fw, user=ADMIN)


def test_nothing_set_up_is_the_demo(agency_store: AgencyStore) -> None:
    force, settings = in_force(agency_store.store, Settings())
    assert not force.agency_ready and settings.year == Settings().year
    assert force.framework().year == settings.year


def test_an_agency_in_force(agency_store: AgencyStore) -> None:
    set_up(agency_store)
    force, settings = in_force(agency_store.store, Settings())
    assert force.agency_ready and settings.year == 2570
    fw = force.framework()
    assert len(fw.items()) == 23 and fw.agency_type == "vocational_college"
    # everything that asks for the year's framework or the organisation gets the agency's
    assert load_framework(2570) is fw and 2570 in available_years()
    org = load_organisation()
    assert [d.id for d in org.divisions] == [d.id for d in DIVISIONS]
    assert org.match_division("บุคลากร").id == "personnel"
    # nothing was written into the package
    assert not (Path(__file__).parent.parent / "ita_model" / "frameworks" / "2570.yaml").exists()


def test_every_change_is_audited_and_admin_only(agency_store: AgencyStore) -> None:
    set_up(agency_store)
    agency_store.save_assignments(2570, {"o01": ["office"], "o02": ["all"]}, user=ADMIN)
    agency_store.save_assignments(2570, {"o01": ["office"], "o02": ["all"]}, user=ADMIN)  # same
    entries = [CalendarEntry(activity="ประชุมคณะทำงาน ITA", start=date(2026, 12, 15))]
    agency_store.save_calendar(2570, entries, user=ADMIN)
    events = [e for e in agency_store.store.events() if e.action == "agency_changed"]
    parts = [e.detail["part"] for e in events]
    assert parts == [
        "agency",
        "divisions",
        "year",
        "framework:2570",
        "assignments:2570",
        "calendar:2570",
    ]
    assert events[3].detail["after"] == {"how": "imported", "items": 23}
    assert events[4].year == 2570 and events[4].detail["before"] is None
    setup = agency_store.setup()
    assert setup.assignments[2570] == {"o01": ["office"], "o02": ["all"]}
    assert setup.calendar[2570][0].activity == "ประชุมคณะทำงาน ITA"
    # the store reads the role from its accounts (with none, everyone is the single local user)
    agency_store.store.accounts.add("admin", "admin", None, user=ADMIN)
    agency_store.store.accounts.add("v", "editor", None, user=ADMIN)
    with pytest.raises(NotAllowed):
        agency_store.save_year(2571, user=Actor("v", Role.ADMIN))  # a page's claim is not read


def test_unowned_items_count_from_whoever_reports(agency_store: AgencyStore, book) -> None:
    set_up(agency_store)
    agency_store.save_assignments(2570, {"o01": ["office"]}, user=ADMIN)
    force, settings = in_force(agency_store.store, Settings())
    path = book(
        "งานการเงิน.xlsx",
        {
            "OIT": [
                ["ข้อ", "สถานะ", "ลิงก์"],
                ["O1", "เสร็จแล้ว", "https://x.test/1"],
                ["O10", "เสร็จแล้ว", "https://x.test/10"],
            ]
        },
    )
    report = validate_file(path, year=2570, settings=settings)
    assert report.division == "finance" and not report.issues.errors
    # o01 is office's: finance is told so; o10 is nobody's yet: no warning
    assert [(i.row, i.code) for i in report.issues] == [(2, "item_not_assigned")]
    r = compute_readiness(Dataset(2570, [report]), force.framework(), load_organisation())
    items = r.items.set_index("item")
    assert items.loc["o10", "status"] == "done" and items.loc["o10", "owners"] == ["finance"]
    # o01 has an owner (office), who has not reported: finance's word does not count for it
    assert items.loc["o01", "status"] == "not_started"


def test_division_ids_and_pasted_lines() -> None:
    assert division_id("Finance Division", "กองคลัง", set()) == "finance_division"
    assert division_id("", "กองคลัง", {"div"}) == "div_2"
    assert division_id("All", "ทั้งหมด", set()) == "all_2"
    rows = parse_division_lines("1. กองคลัง | Finance | คลัง; การคลัง\n\n- งานบุคลากร\nกองคลัง")
    assert [r["name_th"] for r in rows] == ["กองคลัง", "งานบุคลากร"]
    assert rows[0]["aliases"] == ["คลัง", "การคลัง"] and rows[1]["name_en"] == ""


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_pasted_text_gives_clean_division_rows(text: str) -> None:
    rows = parse_division_lines(text)
    names = [r["name_th"] for r in rows]
    assert all(n and n == n.strip() and "\n" not in n for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    taken: set[str] = set()
    for r in rows:
        taken.add(division_id(str(r["name_en"]), str(r["name_th"]), taken))
    assert len(taken) == len(rows)


def test_the_command_line_reads_the_agency_in_force(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    store = open_store(tmp_path / "store")
    set_up(AgencyStore(store))
    AgencyStore(store).save_assignments(2570, {"o01": ["finance"]}, user=ADMIN)
    store.close()
    deactivate()
    env = {"ITA_STORE_DIR": str(tmp_path / "store"), "ITA_LOAD_SAMPLE": "false"}
    framework = run_cli("framework", "--json", env=env)
    assert framework.returncode == 0, framework.stderr
    assert json.loads(framework.stdout)["year"] == 2570
    out = tmp_path / "finance.xlsx"
    made = run_cli("template", "--division", "งานการเงิน", "--out", out, env=env)
    assert made.returncode == 0, made.stderr
    checked = run_cli("validate", out, "--json", env=env)
    assert checked.returncode == 0, checked.stdout
    assert json.loads(checked.stdout)["files"][0]["sheets"][0]["rows"] == 23


def test_divisions_from_an_uploaded_sheet() -> None:
    from ita_model.agency import division_text_from_sheet

    columns = [
        ["ส่วนราชการ", "กองคลัง", None, "กองช่าง", "สำนักปลัด"],
        ["ชื่ออังกฤษ", "Finance", None, "Engineering", None],
        ["ชื่อเรียกอื่น", "คลัง; การคลัง", None, None, None],
    ]
    rows = parse_division_lines(division_text_from_sheet(columns))
    assert [(r["name_th"], r["name_en"]) for r in rows] == [
        ("กองคลัง", "Finance"),
        ("กองช่าง", "Engineering"),
        ("สำนักปลัด", ""),
    ]
    assert rows[0]["aliases"] == ["คลัง", "การคลัง"]
