"""Agencies in bulk through the store, on SQLite and PostgreSQL: ``agencies import`` and a
multi-agency OIT sheet sent with ``submit`` (the command line, as the legal unit runs it)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from ita_model.agencies import AgencyRecord
from ita_model.current import current_data
from ita_model.store import Store, open_store
from ita_model.store.schema import oit_rows_t
from tests import test_store
from tests.conftest import run_cli

target = test_store.target  # the fixture: a fresh SQLite or PostgreSQL store
YEAR = 2565
HEADER = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ประเภท", "จังหวัด", "สังกัด"]
LOCAL = "องค์กรปกครองส่วนท้องถิ่น"
AGENCIES = [
    ["5601", "องค์การบริหารส่วนจังหวัดพะเยา", LOCAL, "พะเยา", "สถ."],
    ["5602", "เทศบาลเมืองพะเยา", LOCAL, "พะเยา", "สถ."],
    ["5603", "เทศบาลตำบลแม่กา", LOCAL, "พะเยา", "สถ."],
]


def csv_file(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def registered(target: str, tmp_path: Path) -> str:
    """A store holding the three agencies, imported by the single local user (no accounts)."""
    done = run_cli(
        "agencies", "import", "--store", target, csv_file(tmp_path / "a.csv", [HEADER, *AGENCIES])
    )
    assert done.returncode == 0, done.stderr
    assert "เพิ่ม 3" in done.stdout and "3 added" in done.stdout
    return target


def store_of(target: str, agency: str, user: str = "local") -> Store:
    return open_store(target).for_agency(agency, user=user)


def oit_of(target: str, agency: str, user: str = "local") -> list[tuple]:
    frame = current_data(store_of(target, agency, user), YEAR).dataset.oit_current()
    return sorted(zip(frame["item"], frame["status"], frame["division"].isna(), strict=True))


def test_bad_rows_in_agencies_import_change_nothing(registered: str, tmp_path: Path) -> None:
    store = open_store(registered)
    before, revision = store.agency_registry(), store.revision()
    bad = csv_file(
        tmp_path / "bad.csv",
        [
            HEADER,
            ["5604", "เทศบาลตำบลใหม่", LOCAL, "พะเยา", ""],  # good, but the file is not
            ["5601", "ชื่อใหม่ของ อบจ.", LOCAL, "พะเยา", ""],
            ["5601", "ซ้ำ", LOCAL, "", ""],
            ["", "ไม่มีรหัส", "", "", ""],
            ["5605", "ประเภทผิด", "อบต", "", ""],
        ],
    )
    done = run_cli("agencies", "import", "--store", registered, bad, "--json")
    assert done.returncode == 1
    out = json.loads(done.stdout)
    assert out["imported"] is None
    located = [(i["row"], i["column"], i["code"]) for i in out["files"][0]["issues"]]
    assert located == [
        (4, "รหัสหน่วยงาน", "duplicate_agency"),
        (5, "รหัสหน่วยงาน", "missing_value"),
        (6, "ประเภท", "unknown_agency_type"),
    ]
    assert "ไม่ได้นำเข้าหน่วยงานใดเลย" in done.stderr and "no agency was imported" in done.stderr
    again = open_store(registered)
    assert again.agency_registry() == before and again.revision() == revision


def test_import_again_adds_updates_or_leaves(registered: str, tmp_path: Path) -> None:
    rows = [AGENCIES[0], [*AGENCIES[1][:3], "พะเยา", "กรมส่งเสริมการปกครองท้องถิ่น"], AGENCIES[2]]
    rows.append(["5604", "เทศบาลตำบลใหม่", "", "พะเยา", ""])
    done = run_cli(
        "agencies",
        "import",
        "--store",
        registered,
        csv_file(tmp_path / "b.csv", [HEADER, *rows]),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["imported"] == {"added": 1, "updated": 1, "unchanged": 2}
    listed = run_cli("agencies", "list", "--store", registered, "--json")
    codes = [a["code"] for a in json.loads(listed.stdout)["agencies"]]
    assert {"5601", "5602", "5603", "5604"} <= set(codes)
    assert open_store(registered).agency_record("5602").parent == "กรมส่งเสริมการปกครองท้องถิ่น"


def status_sheet(path: Path, rows: list[list[str]]) -> Path:
    return csv_file(
        path,
        [
            ["สถานะ OIT ของหน่วยงานในจังหวัดพะเยา"],
            ["หน่วยงาน", "ข้อ", "สถานะ", "ลิงก์", "วันที่ปรับปรุง"],
            *rows,
        ],
    )


GOOD = [
    ["5601", "o01", "เสร็จสิ้น", "https://pyo.go.th/o01", "๒๖ ม.ค. ๒๕๖๕"],
    ["5601", "o02", "ยังไม่ดำเนินการ", ""],
    ["เทศบาลเมืองพะเยา", "o01", "อยู่ระหว่างดำเนินการ", ""],
    ["5602", "o03", "เสร็จสิ้น", "https://pym.go.th/o03"],
]


def test_a_multi_agency_sheet_gives_each_agency_its_own_rows(
    registered: str, tmp_path: Path
) -> None:
    path = status_sheet(tmp_path / "province.csv", GOOD)
    done = run_cli("submit", "--store", registered, path, "--json")
    assert done.returncode == 0, done.stderr
    subs = json.loads(done.stdout)["submissions"]
    assert sorted((s["agency"], s["state"], s["new"]) for s in subs) == [
        ("5601", "accepted", True),
        ("5602", "accepted", True),
    ]
    assert oit_of(registered, "5601") == [("o01", "done", True), ("o02", "not_started", True)]
    assert oit_of(registered, "5602") == [("o01", "in_progress", True), ("o03", "done", True)]
    assert oit_of(registered, "5603") == []  # named by no row: nothing for it
    store = store_of(registered, "5601")
    frame = current_data(store, YEAR).dataset.oit_current()
    assert frame.loc[frame["item"] == "o01", "updated"].tolist() == [dt.date(2022, 1, 26)]
    with store.engine.connect() as conn:  # the typed rows for roll-ups in SQL, by agency
        typed = conn.execute(
            select(oit_rows_t.c.agency, oit_rows_t.c.item, oit_rows_t.c.updated).order_by(
                oit_rows_t.c.agency, oit_rows_t.c.n
            )
        ).all()
    assert [tuple(r) for r in typed] == [
        ("5601", "o01", dt.date(2022, 1, 26)),
        ("5601", "o02", None),
        ("5602", "o01", None),
        ("5602", "o03", None),
    ]
    store = open_store(registered)
    revision = store.revision()
    again = run_cli("submit", "--store", registered, path, "--json")
    assert again.returncode == 0, again.stderr
    assert {s["new"] for s in json.loads(again.stdout)["submissions"]} == {False}
    assert open_store(registered).revision() == revision  # the same file again changes nothing
    assert oit_of(registered, "5601") == [("o01", "done", True), ("o02", "not_started", True)]


def test_an_unknown_agency_stores_nothing_counted_for_anyone(
    registered: str, tmp_path: Path
) -> None:
    rows = [*GOOD, ["เทศบาลเมืองพะยา", "o04", "เสร็จสิ้น", "https://x.go.th/o04"]]
    done = run_cli("submit", "--store", registered, status_sheet(tmp_path / "bad.csv", rows))
    assert done.returncode == 1
    assert "แถว/row 7" in done.stdout and "unknown_agency" in done.stdout
    assert "เทศบาลเมืองพะเยา" in done.stdout  # the nearest registered name
    assert (
        "ไม่นำข้อมูลของหน่วยงานใดไปใช้" in done.stdout and "nothing counts for any agency" in done.stdout
    )
    for agency in ("5601", "5602", "5603"):
        assert oit_of(registered, agency) == []
    kept = open_store(registered).submissions()
    assert [(s.state, s.kinds) for s in kept] == [("rejected", ["agencies"])]  # kept, not lost


def test_a_good_sheet_then_a_corrected_one_replaces_each_agencys_figures(
    registered: str, tmp_path: Path
) -> None:
    run_cli("submit", "--store", registered, status_sheet(tmp_path / "v1.csv", GOOD))
    newer = [
        ["5601", "o02", "เสร็จสิ้น", "https://pyo.go.th/o02"],
        ["5603", "o01", "เสร็จสิ้น", "https://mk.go.th/o01"],
    ]
    done = run_cli("submit", "--store", registered, status_sheet(tmp_path / "v2.csv", newer))
    assert done.returncode == 0, done.stderr
    assert oit_of(registered, "5601") == [("o02", "done", True)]  # its newer file counts
    assert oit_of(registered, "5602") == [("o01", "in_progress", True), ("o03", "done", True)]
    assert oit_of(registered, "5603") == [("o01", "done", True)]


def test_the_registry_as_a_store_method(target: str) -> None:
    store = open_store(target)
    counts = store.register_agencies([AgencyRecord(code="A1", name="หน่วยงานหนึ่ง")], user="local")
    assert counts == {"added": 1, "updated": 0, "unchanged": 0}
    assert "A1" in [r.code for r in store.agency_registry()]


def test_who_may_submit_for_which_agencies(registered: str, tmp_path: Path) -> None:
    """A system admin, or an editor of every agency the file names; nobody else, and a refusal
    stores nothing at all."""
    accounts = open_store(registered).accounts
    accounts.add("boss", "admin", None, user="boss", scope="all")
    accounts.add("ed5601", "editor", None, user="boss", agency="5601")
    accounts.add("sup", "supervisor", None, user="boss", scope="province:พะเยา")
    both = status_sheet(tmp_path / "both.csv", GOOD)
    store = open_store(registered)
    revision = store.revision()
    for user in ("ed5601", "sup"):
        done = run_cli("submit", "--store", registered, "--user", user, both)
        assert done.returncode == 2
        assert "agency_write_not_allowed" not in done.stderr  # worded, not a code
        assert "5602" in done.stderr and "ไม่ได้" in done.stderr, done.stderr
    assert open_store(registered).revision() == revision  # nothing kept, not even the file
    own = status_sheet(tmp_path / "own.csv", GOOD[:2])
    done = run_cli("submit", "--store", registered, "--user", "ed5601", own, "--json")
    assert done.returncode == 0, done.stderr
    assert [s["agency"] for s in json.loads(done.stdout)["submissions"]] == ["5601"]
    done = run_cli("submit", "--store", registered, "--user", "boss", both, "--json")
    assert done.returncode == 0, done.stderr
    assert oit_of(registered, "5602", "boss") == [
        ("o01", "in_progress", True),
        ("o03", "done", True),
    ]


def test_the_store_stays_consistent_and_a_recheck_changes_nothing(
    registered: str, tmp_path: Path
) -> None:
    from ita_model.store import recheck

    run_cli("submit", "--store", registered, status_sheet(tmp_path / "v1.csv", GOOD))
    bad = [*GOOD, ["5699", "o04", "เสร็จสิ้น", "https://x.go.th/o04"]]
    run_cli("submit", "--store", registered, status_sheet(tmp_path / "bad.csv", bad))
    for agency in ("default", "5601", "5602"):
        store = store_of(registered, agency)
        assert store.verify() == []
        checks = recheck.plan(store)
        assert checks and not any(c.changed for c in checks), [c.to_json() for c in checks]


def test_a_multi_agency_file_handed_to_store_submit_counts_for_nobody(
    registered: str, tmp_path: Path
) -> None:
    """The Data-in page hands files to ``Store.submit``: a sheet of many agencies is kept there
    whole, with no rows, so that accepting it never gives one agency every agency's rows."""
    path = status_sheet(tmp_path / "province.csv", GOOD)
    store = open_store(registered)
    sub, new = store.submit(path.read_bytes(), path.name, user="local", year=YEAR, division=None)
    assert new and sub.kinds == ["agencies"]
    store.accept(sub.id, user="local")
    assert current_data(store, YEAR).dataset.oit_current().empty
    assert oit_of(registered, "5601") == [] and oit_of(registered, "5602") == []
