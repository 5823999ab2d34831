"""The roll-up: every agency's figures equal its own overview's (OIT done/total, OIT score, total,
rating, pass), now and as of a day, on SQLite and PostgreSQL; a scope keeps only its agencies;
``rollup --json`` has the issue's shape; an empty store or scope says so in Thai."""

from __future__ import annotations

import functools
import json
import math
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ita_model.auth import SAMPLE_SENDER, Actor, Role
from ita_model.current import current_data
from ita_model.errors import CodedError
from ita_model.fiscal import THAILAND, today_in_thailand
from ita_model.framework import load_framework
from ita_model.in_force import resolve
from ita_model.organisation import Organisation
from ita_model.readiness import compute_readiness
from ita_model.rollup import Rollup, progress_days, rollup, rollup_json
from ita_model.sample import sample_files, sample_organisation
from ita_model.scope import Scope
from ita_model.scoring import estimate
from ita_model.settings import get_settings
from ita_model.store import Store, open_store
from ita_model.validate import validate_file
from tests import test_store as shared
from tests.conftest import run_cli
from tests.test_store import workbook
from tests.test_tenancy import AGENCIES, PW

target, store = shared.target, shared.store  # the store fixtures: SQLite and PostgreSQL
YEAR = 2565
FIRST = datetime(2022, 3, 27, 9, 0, tzinfo=THAILAND)  # the sample's report day
LATER = datetime(2022, 5, 2, 10, 0, tzinfo=THAILAND)
AGENCY_KEYS = {
    "agency",
    "name",
    "province",
    "type",
    "oit_done",
    "oit_total",
    "oit",
    "total",
    "rating",
    "pass",
    "links_checked",  # the latest kept link check (null: never checked), tests/test_rollup_links.py
    "links_with_problems",
}


@functools.cache
def checked(path: Path) -> Any:
    return validate_file(
        path.read_bytes(), path.name, year=YEAR, organisation=sample_organisation()
    )


def send(s: Store, paths: list[Path], at: datetime, user: str | Actor = SAMPLE_SENDER) -> None:
    """Sample workbooks submitted and accepted on a day, as the sample loader does."""
    for path in paths:
        report = checked(path)
        s.submit(
            path.read_bytes(), path.name, user=user, year=YEAR, division=report.division,
            report=report, accept=True, at=at,
        )  # fmt: skip


def send_bytes(
    s: Store, data: bytes, name: str, division: str, at: datetime, user: str | Actor = SAMPLE_SENDER
) -> None:
    s.submit(data, name, user=user, year=YEAR, division=division, accept=True, at=at)


def own(s: Store, as_of: date | None = None, org: Organisation | None = None) -> dict[str, Any]:
    """The agency's own figures, as its overview, ``summary --json`` and ``score --json`` make
    them: what counts, readiness with the organisation and framework, the estimate."""
    counting = current_data(s, YEAR, as_of=as_of)
    fw = load_framework(YEAR)
    ready = compute_readiness(counting.dataset, fw, org or sample_organisation())
    est = estimate(ready, counting.dataset.latest("scores"), framework=fw)
    return {
        "oit_done": ready.done,
        "oit_total": ready.total,
        "oit": est.oit,
        "total": est.total,
        "rating": est.rating_name or "",
        "passed": bool(est.passed),
        "json": est.to_json(),
    }


def row_of(r: Rollup, code: str) -> dict[str, Any]:
    rows = r.agencies[r.agencies["agency"] == code].to_dict("records")
    assert len(rows) == 1, (code, r.agencies["agency"].tolist())
    return rows[0]


def same(row: dict[str, Any], mine: dict[str, Any]) -> None:
    """Exactly the same numbers (same arithmetic on the same counts), and the same rating."""
    assert (row["oit_done"], row["oit_total"]) == (mine["oit_done"], mine["oit_total"])
    for key in ("oit", "total"):
        if mine[key] is None:
            assert math.isnan(row[key]), key
        else:
            assert row[key] == mine[key], key
    assert (row["rating"], row["passed"]) == (mine["rating"], mine["passed"])


def oit_files() -> list[Path]:
    return [p for p in sample_files() if p.name.startswith("oit_")]


@pytest.fixture
def sample_store(store: Store) -> Store:
    """The default agency: the whole sample on its report day, then one division's workbook
    with every item done a month later."""
    send(store, sample_files(), FIRST)
    send_bytes(store, workbook("legal", 7), "legal_may.xlsx", "legal", LATER)
    return store


def test_the_default_agency_equals_its_own_overview_now_and_as_of(sample_store: Store) -> None:
    now = rollup(sample_store, year=YEAR)
    same(row_of(now, "default"), own(sample_store))
    before = rollup(sample_store, year=YEAR, as_of=date(2022, 4, 1))
    same(row_of(before, "default"), own(sample_store, date(2022, 4, 1)))
    assert row_of(before, "default")["oit_done"] < row_of(now, "default")["oit_done"]
    nothing_yet = rollup(sample_store, year=YEAR, as_of=date(2022, 3, 26))
    same(row_of(nothing_yet, "default"), own(sample_store, date(2022, 3, 26)))
    assert row_of(nothing_yet, "default")["oit_done"] == 0


def in_use(s: Store) -> Organisation:
    """The organisation in force for the agency a store is bound to (the pages', the checker's)."""
    found = resolve(s, get_settings()).in_use
    assert found is not None
    return found


def set_up(
    s: Store, admin: str | Actor | None = None, owners: dict[str, list[str]] | None = None
) -> Organisation:
    """The agency set up in the store with the sample's divisions but one owner per item (the
    first the bundled file names), or ``owners``: its own owners, not the bundled ones, make its
    figures."""
    from ita_model.agency import Agency
    from ita_model.agency_store import AgencyStore

    demo, fw = sample_organisation(), load_framework(YEAR)
    agency, admin = AgencyStore(s), admin or Actor("admin", Role.ADMIN)
    agency.save_agency(
        Agency(name_th="หน่วยงานทดสอบ", short_th="ทดสอบ", agency_type="local_government"),
        user=admin,
    )
    agency.save_divisions(list(demo.divisions), user=admin)
    agency.save_year(YEAR, user=admin)
    agency.save_framework(YEAR, "shipped", None, user=admin)
    if owners is None:
        owners = {i.code: [demo.owners(i.code, YEAR)[0].id] for i in fw.items()}
    agency.save_assignments(YEAR, owners, user=admin)
    return agency.setup().organisation()


def test_an_agency_set_up_in_the_store_is_rolled_up_with_its_own_owners(
    sample_store: Store,
) -> None:
    bundled = own(sample_store)
    org = set_up(sample_store)
    mine = own(sample_store, org=org)
    assert mine["oit_done"] != bundled["oit_done"]  # the owners make a difference here
    same(row_of(rollup(sample_store, year=YEAR), "default"), mine)
    earlier = date(2022, 4, 1)
    same(
        row_of(rollup(sample_store, year=YEAR, as_of=earlier), "default"),
        own(sample_store, earlier, org),
    )


def test_a_withdrawn_file_stops_counting_in_the_roll_up_too(sample_store: Store) -> None:
    """The latest decision wins, a withdrawal being one: now and replayed as of a later day."""
    may = next(x for x in sample_store.current(YEAR) if x.filename == "legal_may.xlsx")
    sample_store.withdraw(may.id, user=SAMPLE_SENDER)
    after = today_in_thailand() + timedelta(days=400)  # every decision made so far, replayed
    for as_of in (None, after):
        same(
            row_of(rollup(sample_store, year=YEAR, as_of=as_of), "default"),
            own(sample_store, as_of),
        )
    assert row_of(rollup(sample_store, year=YEAR), "default")["oit_done"] < 31


def test_indicators_missing_and_progress_follow_the_agencies(sample_store: Store) -> None:
    r = rollup(sample_store, year=YEAR, as_of=date(2022, 6, 1))
    mine = own(sample_store, date(2022, 6, 1))["json"]["oit"]
    ind = r.indicators.set_index("indicator")["score"]
    assert round(ind[9], 2) == mine["9"] and round(ind[10], 2) == mine["10"]
    done = row_of(r, "default")["oit_done"]
    assert r.missing["agencies_missing"].sum() <= 43 - done
    assert r.missing["share"].between(0, 1).all()
    assert list(r.progress["day"]) == progress_days(YEAR, date(2022, 6, 1))
    by_day = r.progress.set_index("day")["mean_oit_done_share"]
    assert by_day[date(2022, 2, 28)] == 0
    assert by_day[date(2022, 3, 31)] == own(sample_store, date(2022, 3, 31))["oit_done"] / 43
    assert by_day[date(2022, 6, 1)] == done / 43


def test_a_scope_keeps_its_agencies_only(sample_store: Store) -> None:
    assert row_of(rollup(sample_store, year=YEAR, scope=Scope.parse("agencies:default")), "default")
    none = rollup(sample_store, year=YEAR, scope=Scope.parse("province:ไม่มีจังหวัดนี้"))
    assert none.empty and not len(none.missing) and not len(none.progress)
    assert "ไม่มีหน่วยงานใดอยู่ในขอบเขต" in (none.message("th") or "")
    assert rollup_json(none) == {
        "year": YEAR,
        "agencies": [],
        "summary": {"agencies": 0, "passing": 0, "mean_total": None},
    }


def test_an_empty_store_gives_an_empty_rollup_with_a_thai_message(store: Store) -> None:
    r = rollup(store, year=YEAR)
    assert r.empty and r.message("th") and "ยังไม่มีหน่วยงาน" in r.message("th")
    assert rollup_json(r)["summary"] == {"agencies": 0, "passing": 0, "mean_total": None}


def test_the_roll_up_json_has_the_issues_shape(sample_store: Store) -> None:
    out = rollup_json(rollup(sample_store, year=YEAR))
    assert set(out) == {"year", "agencies", "summary"}
    assert set(out["summary"]) == {"agencies", "passing", "mean_total"}
    for agency in out["agencies"]:
        assert set(agency) == AGENCY_KEYS
        assert isinstance(agency["pass"], bool)
    json.dumps(out, allow_nan=False)  # no NaN: null


def test_the_workbook_has_one_sheet_per_table_with_thai_headers(sample_store: Store) -> None:
    from io import BytesIO

    from ita_model.handouts.rollup_workbook import rollup_xlsx

    wb = openpyxl.load_workbook(BytesIO(rollup_xlsx(rollup(sample_store, year=YEAR))))
    assert wb.sheetnames == ["หน่วยงาน", "ตัวชี้วัด", "ข้อที่ยังขาด", "ความคืบหน้า"]
    agencies = wb["หน่วยงาน"]
    assert agencies["A1"].value == "รหัสหน่วยงาน" and agencies["A2"].value == "default"


# --------------------------------------------------------------------------- many agencies


@pytest.fixture
def agencies(store: Store) -> tuple[Store, dict[str, Organisation]]:
    """Agencies A and B (พะเยา), C (เชียงราย), each with its own files: A the whole sample and a
    month later the legal division's workbook again; B the sample without its scores sheet and
    three divisions' files; C the whole sample a month later, set up with its own owners. The
    default agency has nothing. Returns the store and each agency's organisation: A and B have
    no set-up of their own, so they report as a whole (no divisions, no owners: every item
    counts from whoever reports it), C its own."""
    store.accounts.add("root", "admin", PW, user="setup", rounds=4)
    store.register_agencies(AGENCIES, user="root")
    for name, role, agency, scope in [
        ("ed_a", "editor", "A", None),
        ("ed_b", "editor", "B", None),
        ("admin_c", "admin", "C", None),
        ("sup", "supervisor", "default", "province:พะเยา"),
    ]:
        store.accounts.add(name, role, PW, user="root", agency=agency, scope=scope, rounds=4)
    a = store.for_agency("A", user="ed_a")
    send(a, sample_files(), FIRST, "ed_a")
    send_bytes(a, workbook("legal", 7), "legal_may.xlsx", "legal", LATER, "ed_a")
    b = store.for_agency("B", user="ed_b")
    dropped = {"scores.xlsx", "oit_it.xlsx", "oit_health.xlsx", "oit_finance.xlsx"}
    # a second later: a submission's id is its time and bytes, the same in two agencies
    later = FIRST + timedelta(seconds=1)
    send(b, [p for p in sample_files() if p.name not in dropped], later, "ed_b")
    c = store.for_agency("C", user="admin_c")
    send(c, sample_files(), LATER, "admin_c")
    orgs = {code: in_use(store.for_agency(code, user="root")) for code in "AB"}
    assert not orgs["A"].divisions and orgs["A"].name_th == "อบต.แม่กา"
    orgs["C"] = set_up(c, "admin_c")
    return store, orgs


def test_each_agencys_figures_equal_its_own_overview(agencies) -> None:
    store, orgs = agencies
    for as_of in (None, date(2022, 4, 1), date(2022, 3, 26)):
        r = rollup(store, year=YEAR, as_of=as_of)
        assert list(r.agencies["agency"]) == ["A", "B", "C"]  # default: nothing, not listed
        for code in "ABC":
            bound = store.for_agency(code, user="root")
            same(row_of(r, code), own(bound, as_of, orgs[code]))
    now = rollup(store, year=YEAR).agencies.set_index("agency")
    assert math.isnan(now.loc["B", "total"]) and now.loc["B", "rating"] == ""  # no scores sheet
    assert not math.isnan(now.loc["A", "total"]) and now.loc["A", "province"] == "พะเยา"
    before = rollup(store, year=YEAR, as_of=date(2022, 4, 1)).agencies.set_index("agency")
    assert before.loc["C", "oit_done"] == 0 < now.loc["C", "oit_done"]  # C sent in May
    assert before.loc["A", "oit_done"] < now.loc["A", "oit_done"]


def test_scopes_and_supervisors_see_their_agencies_only(agencies) -> None:
    store, _ = agencies

    def codes(r: Rollup) -> list[str]:
        return list(r.agencies["agency"])

    assert codes(rollup(store, year=YEAR, scope=Scope.parse("province:พะเยา"))) == ["A", "B"]
    assert codes(rollup(store, year=YEAR, scope=Scope.parse("agencies:C;province:x"))) == ["C"]
    r = rollup(store, year=YEAR, scope=Scope.parse("province:พะเยา"))
    assert r.missing["agencies_missing"].max() <= 2
    assert set(r.indicators["agency"]) == {"A", "B"}
    supervised = store.for_agency("A", user="sup")  # a พะเยา supervisor, whatever it asks
    assert codes(rollup(supervised, year=YEAR)) == ["A", "B"]
    assert codes(rollup(supervised, year=YEAR, scope=Scope.parse("agencies:C"))) == []
    own_a = store.for_agency("A", user="ed_a")
    assert codes(rollup(own_a, year=YEAR)) == ["A"]
    out = rollup_json(rollup(store, year=YEAR, scope=Scope.parse("province:พะเยา")))
    assert [a["agency"] for a in out["agencies"]] == ["A", "B"]
    assert all(set(a) == AGENCY_KEYS for a in out["agencies"])
    assert out["summary"]["agencies"] == 2


# --------------------------------------------------------------------------- command line


def test_rollup_json_on_the_command_line_equals_score_and_summary(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    s = open_store(folder)
    send(s, sample_files(), FIRST)
    s.close()
    env = {"ITA_LOAD_SAMPLE": "false"}
    got = run_cli("rollup", "--store", folder, "--year", YEAR, "--json", env=env)
    assert got.returncode == 0, got.stderr
    out = json.loads(got.stdout)
    score = json.loads(run_cli("score", "--store", folder, "--json", env=env).stdout)
    summary = json.loads(run_cli("summary", "--store", folder, "--json", env=env).stdout)
    (agency,) = out["agencies"]
    assert set(agency) == AGENCY_KEYS
    assert (agency["oit_done"], agency["oit_total"]) == (summary["done"], summary["total"])
    assert (agency["oit"], agency["total"]) == (score["oit"]["total"], score["total"])
    assert (agency["rating"], agency["pass"]) == (score["rating"], score["pass"])
    assert out["summary"] == {
        "agencies": 1,
        "passing": int(score["pass"]),
        "mean_total": score["total"],
    }
    text = run_cli("rollup", "--store", folder, "--as-of", "26 มี.ค. 2565", env=env)
    assert text.returncode == 0 and "ภาพรวมหลายหน่วยงาน" in text.stdout, text.stderr


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--scope", "province:ไม่มีจังหวัดนี้"], 0, "ไม่มีหน่วยงานใดอยู่ในขอบเขต"),
        (["--scope", "bogus"], 2, "ขอบเขตหน่วยงาน"),
        (["--as-of", "32/13/2565"], 2, "อ่านวันที่"),
        ([], 0, "ยังไม่มีหน่วยงาน"),
    ],
)
def test_the_command_line_says_what_is_wrong_in_thai(
    tmp_path: Path, args: list[str], code: int, words: str
) -> None:
    got = run_cli("rollup", "--store", tmp_path / "empty", *args, env={"ITA_LOAD_SAMPLE": "false"})
    assert got.returncode == code
    assert words in got.stdout + got.stderr
    assert "Traceback" not in got.stderr


def test_fixed_moments_are_thai_days() -> None:
    assert progress_days(YEAR, date(2021, 12, 15)) == [
        date(2021, 10, 31),
        date(2021, 11, 30),
        date(2021, 12, 15),
    ]
    assert datetime.combine(date(2022, 3, 27), time(9), THAILAND) == FIRST


# --------------------------------------------------------------------------- any scope text


@pytest.fixture(scope="module")
def one_agency_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = open_store(tmp_path_factory.mktemp("rollup") / "store")
    send(s, sample_files(), FIRST)
    return s


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=60),
        st.builds(
            lambda kind, values: f"{kind}:{','.join(values)}",
            st.sampled_from(["province", "parent", "agencies", "all", "PROVINCE", "x"]),
            st.lists(st.text(max_size=12), max_size=4),
        ),
    )
)
def test_any_scope_text_gives_a_rollup_or_a_coded_refusal(one_agency_store: Store, words: str):
    """What a supervisor types after --scope: a roll-up of the agencies it covers (here the one
    agency, or none), or ``bad_scope`` — never another error."""
    try:
        scope = Scope.parse(words)
    except CodedError as exc:
        assert exc.code == "bad_scope"
        return
    r = rollup(one_agency_store, year=YEAR, scope=scope, progress=False)
    assert list(r.agencies["agency"]) in ([], ["default"])
    assert r.empty == (r.message("th") is not None)
