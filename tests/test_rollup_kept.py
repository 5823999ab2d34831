"""Each agency's roll-up figures kept in the store (``agency_figures``): every decision keeps the
decided agencies' figures, the roll-up reads them instead of computing (and still equals each
agency's own overview), and whatever changes figures without a decision (a set-up, a file dated
before a later decision, the shipped rules) makes them computed again; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text, update

import ita_model.rollup as arithmetic
from ita_model import rollup_kept
from ita_model.agency_store import AgencyStore
from ita_model.auth import SAMPLE_SENDER
from ita_model.fiscal import THAILAND
from ita_model.framework import load_framework, use_agency_frameworks
from ita_model.rollup import rollup, rollup_json
from ita_model.store import SCHEMA_VERSION, Store, open_store
from ita_model.store import figures as kept_figures
from ita_model.store.schema import DECISIONS, agency_figures_t, events_t
from tests import test_multi_agency as multi
from tests import test_rollup as base
from tests import test_whole_agency as whole
from tests.conftest import ROOT, run_cli
from tests.test_store import workbook

target, store = base.target, base.store  # the store fixtures: SQLite and PostgreSQL
sample_store, agencies = base.sample_store, base.agencies  # the default agency; A, B and C
registered = multi.registered  # agencies 5601-5603, no accounts
YEAR, same, own, row_of = base.YEAR, base.same, base.own, base.row_of
V3_STORE = ROOT / "tests" / "data" / "store_v3"  # made by the store of commit 53a6fc0 (schema 3)


def kept(s: Store) -> dict[tuple[str, int], dict[str, Any]]:
    """The kept rows, by (agency, decision)."""
    with s._read() as conn:
        assert conn is not None
        rows = conn.execute(select(agency_figures_t)).mappings().all()
    return {(r["agency"], r["seq"]): dict(r) for r in rows}


def newest_decision(s: Store, agency: str) -> int:
    """The agency's newest decision of the year, by time then number."""
    q = (
        select(events_t.c.seq)
        .where(
            events_t.c.agency == agency,
            events_t.c.year == YEAR,
            events_t.c.action.in_(DECISIONS),
        )
        .order_by(events_t.c.at.desc(), events_t.c.seq.desc())
        .limit(1)
    )
    with s._read() as conn:
        assert conn is not None
        return int(conn.execute(q).scalar_one())


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The agencies of each ``_compute`` call from now on (the figures not read from the store)."""
    calls: list[list[str]] = []
    real = arithmetic._compute

    def counted(s: Store, year: int, records: Any, *args: Any, **kw: Any) -> Any:
        calls.append([r.code for r in records])
        return real(s, year, records, *args, **kw)

    monkeypatch.setattr(arithmetic, "_compute", counted)
    return calls


def alter(s: Store, agency: str, seq: int, **values: Any) -> None:
    with s._write() as conn:
        conn.execute(
            update(agency_figures_t)
            .where(agency_figures_t.c.agency == agency, agency_figures_t.c.seq == seq)
            .values(**values)
        )


def test_every_decision_keeps_the_figures_the_roll_up_then_reads(
    sample_store: Store, computed: list[list[str]]
) -> None:
    """Accept, withdraw, roll back: each keeps the agency's figures after it; the roll-up now
    computes nothing, reads them (a row altered here shows), and equals the own overview."""

    def check() -> None:
        seq = newest_decision(sample_store, "default")
        assert ("default", seq) in kept(sample_store)
        computed.clear()  # the decision's own refresh computed them
        same(row_of(rollup(sample_store, year=YEAR, progress=False), "default"), own(sample_store))
        assert computed == []

    check()  # after the fixture's accepted files
    may = next(x for x in sample_store.current(YEAR) if x.filename == "legal_may.xlsx")
    sample_store.withdraw(may.id, user=SAMPLE_SENDER)
    check()
    sample_store.rollback(may.id, user=SAMPLE_SENDER)
    check()
    sub, _ = sample_store.submit(
        workbook("it", 7), "it_may.xlsx", user=SAMPLE_SENDER, year=YEAR, division="it"
    )
    assert ("default", newest_decision(sample_store, "default")) in kept(sample_store)
    sample_store.accept(sub.id, user=SAMPLE_SENDER)
    check()
    alter(sample_store, "default", newest_decision(sample_store, "default"), oit_done=42)
    computed.clear()
    assert row_of(rollup(sample_store, year=YEAR, progress=False), "default")["oit_done"] == 42


def test_a_session_with_its_own_agencys_framework_reads_the_same_kept_figures(
    agencies, computed: list[list[str]]
) -> None:
    """A page session activates its own agency's framework (``in_force.activate``); the agencies
    with no framework of their own are still rolled up on the shipped one, so such a session
    reads the figures the command line kept, and computes none again."""
    s, _ = agencies
    first = rollup(s, year=YEAR, progress=False)
    shipped = load_framework(YEAR)
    own_framework = shipped.model_copy(update={"source": "กรอบที่หน่วยงานนำเข้าเอง"})
    computed.clear()
    use_agency_frameworks({YEAR: own_framework})
    try:
        again = rollup(s, year=YEAR, progress=False)
    finally:
        use_agency_frameworks({})
    assert computed == []
    assert again.agencies.equals(first.agencies)


def test_as_of_a_day_the_figures_are_computed_once_then_read(
    sample_store: Store, computed: list[list[str]]
) -> None:
    days = [date(2022, 3, 26), date(2022, 4, 1), date(2022, 6, 1)]
    first = [row_of(rollup(sample_store, year=YEAR, as_of=d), "default") for d in days]
    assert computed  # the month ends and the days: never decided as of then
    calls = len(computed)
    again = [row_of(rollup(sample_store, year=YEAR, as_of=d), "default") for d in days]
    assert len(computed) == calls and repr(again) == repr(first)  # read, not computed
    for day, row in zip(days, again, strict=True):
        same(row, own(sample_store, day))


def test_a_multi_agency_file_keeps_each_named_agencys_figures(
    registered: str, tmp_path: Path, computed: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    done = run_cli(
        "submit", "--store", registered, multi.status_sheet(tmp_path / "p.csv", multi.GOOD)
    )
    assert done.returncode == 0, done.stderr
    s = open_store(registered)
    assert sorted(a for a, _ in kept(s)) == ["5601", "5602"]  # 5603: named by no row
    r = rollup(s, year=YEAR, progress=False)
    assert computed == [["5603"]]  # nothing decided: computed once, kept
    assert rollup(s, year=YEAR, progress=False).agencies.equals(r.agencies)
    assert len(computed) == 1
    with s._write() as conn:  # everything computed afresh: the same figures
        conn.execute(agency_figures_t.delete())
    fresh = rollup(s, year=YEAR, progress=False)
    assert fresh.agencies.equals(r.agencies) and fresh.missing.equals(r.missing)
    assert fresh.indicators.equals(r.indicators)
    with s._write() as conn:
        conn.execute(agency_figures_t.delete())
    monkeypatch.setattr(rollup_kept, "MANY", 2)  # a national file: the planner told first
    rollup_kept.refresh(s, YEAR, ["5601", "5602"])
    assert sorted(a for a, _ in kept(s)) == ["5601", "5602"]


def test_moving_an_owner_changes_the_roll_up_at_once(agencies) -> None:
    s, _ = agencies
    before = row_of(rollup(s, year=YEAR, progress=False), "C")
    assert any(a == "C" for a, _ in kept(s))
    c = AgencyStore(s.for_agency("C", user="admin_c"))
    c.save_assignments(YEAR, {i: ["legal"] for i in c.setup().assignments[YEAR]}, user="admin_c")
    assert not any(a == "C" for a, _ in kept(s))  # gone with the change, in its transaction
    org = c.setup().organisation()
    after = row_of(rollup(s, year=YEAR, progress=False), "C")
    same(after, own(s.for_agency("C", user="root"), None, org))
    assert after["oit_done"] < before["oit_done"]


def test_a_file_dated_before_a_later_decision_gives_the_right_figures_either_side(
    sample_store: Store,
) -> None:
    """Figures kept as of days after a back-dated decision are made again from it."""
    days = [date(2022, 4, 5), date(2022, 4, 15), date(2022, 5, 10), None]
    for day in days:
        rollup(sample_store, year=YEAR, as_of=day, progress=False)
    back = datetime(2022, 4, 10, 9, 0, tzinfo=THAILAND)  # before the legal division's May file
    sample_store.submit(
        workbook("it", 7), "it_april.xlsx", user=SAMPLE_SENDER, year=YEAR, division="it",
        accept=True, at=back,
    )  # fmt: skip
    for day in days:
        same(
            row_of(rollup(sample_store, year=YEAR, as_of=day, progress=False), "default"),
            own(sample_store, day),
        )
    april = row_of(rollup(sample_store, year=YEAR, as_of=date(2022, 4, 5)), "default")
    may = row_of(rollup(sample_store, year=YEAR, as_of=date(2022, 5, 10)), "default")
    assert may["oit_done"] > april["oit_done"]


def test_a_row_of_another_version_is_not_read(
    sample_store: Store, computed: list[list[str]]
) -> None:
    seq = newest_decision(sample_store, "default")
    alter(sample_store, "default", seq, version="made by older rules", oit_done=42)
    computed.clear()
    same(row_of(rollup(sample_store, year=YEAR, progress=False), "default"), own(sample_store))
    assert computed == [["default"]]
    assert kept(sample_store)[("default", seq)]["oit_done"] != 42  # made again, kept


def test_a_refresh_that_fails_leaves_the_decision_done(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any, **_kw: Any) -> Any:
        raise RuntimeError("the roll-up broke")

    monkeypatch.setattr(arithmetic, "_compute", broken)
    sub, _ = sample_store.submit(
        workbook("it", 7), "it_may.xlsx", user=SAMPLE_SENDER, year=YEAR, division="it"
    )
    with caplog.at_level(logging.ERROR, logger="ita_model.rollup_kept"):
        done = sample_store.accept(sub.id, user=SAMPLE_SENDER)
    assert done.state == "accepted" and sub.id in {x.id for x in sample_store.current(YEAR)}
    assert "not refreshed" in caplog.text
    assert ("default", newest_decision(sample_store, "default")) not in kept(sample_store)
    monkeypatch.undo()
    same(row_of(rollup(sample_store, year=YEAR), "default"), own(sample_store))


def test_figures_computed_while_the_set_up_changed_are_not_kept(agencies) -> None:
    """A roll-up that read the old set-up while an administrator saved a new one: its rows
    would be stale, so they are not written (the next read computes them)."""
    s, _ = agencies
    rollup(s, year=YEAR, progress=False)  # C's figures kept (its set-up dropped the earlier)
    with s._read() as conn:
        since = kept_figures.noted(conn)
    row = dict(kept(s)[("C", newest_decision(s, "C"))], oit_done=42)
    row.pop("year")
    c = AgencyStore(s.for_agency("C", user="admin_c"))
    c.save_assignments(YEAR, {i: ["legal"] for i in c.setup().assignments[YEAR]}, user="admin_c")
    with s._write() as conn:
        assert kept_figures.put(conn, YEAR, [row], since) == 0
    assert row_of(rollup(s, year=YEAR, progress=False), "C")["oit_done"] != 42


def test_a_store_of_version_3_gains_the_table_and_rolls_up_as_before(tmp_path: Path) -> None:
    root = tmp_path / "store"
    shutil.copytree(V3_STORE, root)
    s = open_store(root)
    try:
        # figures equal each agency's own overview, with the organisation in force for it (A and
        # B have no set-up of their own: each reports as a whole), now and as of a day
        for day in (None, date(2022, 4, 1)):
            r = rollup(s, year=YEAR, as_of=day)
            assert len(r.agencies) == 2
            for code in ("A", "B"):
                mine = own(s.for_agency(code, user="root"), day, whole.in_use(s, code))
                same(row_of(r, code), mine)
        assert {a for a, _ in kept(s)} == {"A", "B"}
        with s._read() as conn:
            assert conn is not None
            version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema'")).scalar()
        assert version == SCHEMA_VERSION == "4"
    finally:
        s.close()


def test_a_postgresql_store_of_version_3_gains_the_table(pg_server) -> None:
    """Version 3 is version 4 without ``agency_figures``: such a database is upgraded in place."""
    url = pg_server.new_database()
    s = open_store(url)
    base.send(s, base.oit_files(), base.FIRST)
    expected = rollup_json(rollup(s, year=YEAR))
    with s._write() as conn:
        conn.execute(text("DROP TABLE agency_figures"))
        conn.execute(text("UPDATE meta SET value = '3' WHERE key = 'schema'"))
    s.close()
    s = open_store(url)
    try:
        assert kept(s) == {}
        assert rollup_json(rollup(s, year=YEAR)) == expected
        assert ("default", newest_decision(s, "default")) in kept(s)
    finally:
        s.close()


def test_a_recheck_makes_the_agencys_figures_again(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ita_model.validate as validate_module
    from ita_model.auth import Actor, Role
    from ita_model.store import recheck

    seq = newest_decision(sample_store, "default")
    alter(sample_store, "default", seq, oit_done=42)
    monkeypatch.setattr(validate_module, "VALIDATOR_VERSION", "2099.1")
    checks = recheck.plan(sample_store, year=YEAR)
    assert recheck.apply(sample_store, checks, user=Actor("boss", Role.ADMIN))
    assert kept(sample_store)[("default", seq)]["oit_done"] != 42  # forgotten, then refreshed
    same(row_of(rollup(sample_store, year=YEAR), "default"), own(sample_store))


DAYS = [date(2022, 1, 10) + timedelta(days=25 * n) for n in range(5)]
DECIDED = st.tuples(
    st.sampled_from(["accept", "withdraw", "rollback"]),
    st.sampled_from(["legal", "it"]),
    st.integers(0, len(DAYS) - 1),
)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(decisions=st.lists(DECIDED, min_size=1, max_size=4))
def test_kept_figures_equal_the_own_overview_whatever_the_order_of_decisions(
    tmp_path_factory: pytest.TempPathFactory, decisions: list[tuple[str, str, int]]
) -> None:
    """Files accepted on any day (before or after the ones already there), withdrawn and rolled
    back now: after each decision, the roll-up as of every day and now, read from kept figures
    wherever they are still right, equals the agency's own figures as of that day (now: as of
    every decision made, see ``rollup_kept``)."""
    s = open_store(tmp_path_factory.mktemp("store"))
    try:
        for n, (action, division, day) in enumerate(decisions):
            at = datetime.combine(DAYS[day], time(9), THAILAND)
            mine = [x for x in s.submissions(year=YEAR) if x.division == division]
            if action == "accept":
                name = f"{division}_{n}.xlsx"
                data = workbook(division, 20 + n, status="เสร็จสิ้น" if n % 2 else "อยู่ระหว่างดำเนินการ")
                s.submit(
                    data, name, user=SAMPLE_SENDER, year=YEAR, division=division, accept=True,
                    at=at,
                )  # fmt: skip
            elif action == "withdraw" and any(x.state == "accepted" for x in mine):
                current = next(x for x in mine if x.state == "accepted")
                s.withdraw(current.id, user=SAMPLE_SENDER)
            elif action == "rollback" and any(x.state == "superseded" for x in mine):
                earlier = next(x for x in mine if x.state == "superseded")
                s.rollback(earlier.id, user=SAMPLE_SENDER)
            for as_of in (*DAYS, None):
                r = rollup(s, year=YEAR, as_of=as_of, progress=False)
                if r.empty:  # nothing decided yet: the embedded agency is not listed
                    assert not s.events(actions=DECISIONS)
                    continue
                same(row_of(r, "default"), own(s, as_of or date(2600, 1, 1)))
    finally:
        s.close()


def test_an_agencys_own_framework_names_its_indicators_when_read(
    agencies, computed: list[list[str]]
) -> None:
    from ita_model.framework import Framework, load_framework

    s, _ = agencies
    shipped = load_framework(YEAR)
    data = shipped.model_dump(mode="json")
    data["indicators"][-1]["name_th"] = "ตัวชี้วัดที่หน่วยงาน C ตั้งชื่อเอง"
    c = AgencyStore(s.for_agency("C", user="admin_c"))
    c.save_framework(YEAR, "copied", Framework.model_validate(data), user="admin_c")
    first = rollup(s, year=YEAR, progress=False)
    computed.clear()
    again = rollup(s, year=YEAR, progress=False)
    assert computed == []  # C's framework found from its set-up, its rows read
    names = again.indicators.set_index(["agency", "indicator"])["name"]
    last = shipped.indicators[-1].number
    assert names[("C", last)] == "ตัวชี้วัดที่หน่วยงาน C ตั้งชื่อเอง"
    assert names[("A", last)] == shipped.indicators[-1].name_th
    assert again.indicators.equals(first.indicators) and again.missing.equals(first.missing)
