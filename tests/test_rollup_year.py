"""The roll-up in another fiscal year: the page's year picker offers the years with a framework
(newest first, the deployment's year by default), and the chosen year drives the figures, the
"as of" date, the drill-down and the way back; files sent for a year with no framework are
named, never rolled up on a framework made up for them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import event

from app_pages import _rollup
from app_pages._as_of import AS_OF, within
from app_pages._data import DRILLED_YEAR_KEY
from ita_model import rollup_figures as rf
from ita_model.auth import Actor, Role
from ita_model.fiscal import THAILAND
from ita_model.i18n import t
from ita_model.rollup import rollup
from ita_model.rollup_years import rollup_years
from ita_model.scope import Scope
from ita_model.store import Store, open_store
from ita_model.store.years import submission_years
from tests.conftest import app_test, figures_shown
from tests.rollup_factory import Synthetic, fill_store
from tests.test_rollup_page import heat_rows

ROOT = Path(__file__).resolve().parent.parent
PAGE = "app_pages/rollup.py"
OLD, NEW = 2565, 2566  # the deployment's year (bundled settings), and the next one
SENT_NEW = datetime(2023, 1, 10, 9, tzinfo=THAILAND)  # in fiscal year 2566
NEW_AGENCIES = ("R001", "R002", "R003")  # R003 is in พะเยา (``fill_store``), the others not


def send_new_year(store: Store, codes: tuple[str, ...] = NEW_AGENCIES) -> None:
    """These agencies send four OIT workbooks of the sample for 2566 (accepted on 10 ม.ค. 2566);
    the others sent for 2565 only (``fill_store``)."""
    from ita_model.sample import sample_files, sample_organisation
    from ita_model.validate import validate_file

    org = sample_organisation()
    oit = [p for p in sample_files() if p.name.startswith("oit_")][:4]
    checked = {p: validate_file(p.read_bytes(), p.name, year=NEW, organisation=org) for p in oit}
    for n, code in enumerate(codes):
        bound = store.for_agency(code, user="boss")
        editor = f"editor{int(code[1:])}"  # ``fill_store``'s editor of that agency
        for path in oit:
            report = checked[path]
            bound.submit(
                path.read_bytes(), path.name, user=editor, year=NEW,
                division=report.division, report=report, accept=True,
                at=SENT_NEW + pd.Timedelta(minutes=n),
            )  # fmt: skip


def two_years_in(store: Store) -> Store:
    """6 agencies with files for 2565, three of them with files for 2566 too."""
    fill_store(store, 6)
    send_new_year(store)
    return store


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = two_years_in(open_store(tmp_path_factory.mktemp("years") / "store"))
    yield store
    store.close()


@pytest.fixture
def two_years(monkeypatch: pytest.MonkeyPatch) -> Store:
    """The same, in the store the pages open."""
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    return two_years_in(open_store())


def test_the_years_offered_are_those_with_a_framework_newest_first(stored: Store) -> None:
    two_years = stored  # the module's store: its tables are only read here
    assert submission_years(two_years, None) == {OLD, NEW}
    assert submission_years(two_years, ["R005"]) == {OLD}
    assert submission_years(two_years, []) == set()
    years = rollup_years(two_years, None, OLD, framed=[OLD, NEW])
    assert years.offered == (NEW, OLD) and years.without_framework == ()
    # the deployment's year is offered even with no framework file of its own
    assert rollup_years(two_years, ["R005"], 2570, framed=[OLD, NEW]).offered == (2570, NEW, OLD)
    # files of a year with no framework: named, not offered
    lacking = rollup_years(two_years, None, OLD, framed=[OLD])
    assert lacking.offered == (OLD,) and lacking.without_framework == (NEW,)
    # the agencies of the scope only: R005 sent nothing for 2566
    assert rollup_years(two_years, ["R005"], OLD, framed=[OLD]).without_framework == ()


def test_the_years_of_thousands_of_agencies_come_from_one_statement(stored: Store) -> None:
    two_years = stored  # the module's store: its tables are only read here
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        if "FROM submissions" in statement:
            seen.append(statement)

    codes = [f"X{i:05d}" for i in range(5000)] + ["R001"]
    event.listen(two_years.engine, "before_cursor_execute", count)
    try:
        assert submission_years(two_years, codes) == {OLD, NEW}
    finally:
        event.remove(two_years.engine, "before_cursor_execute", count)
    assert len(seen) == 1, seen


def test_another_year_on_the_page_its_drill_down_and_the_way_back(two_years: Store) -> None:
    boss = Actor("boss", Role.ADMIN, "local", scope=Scope.all())
    at = app_test(ROOT / "dashboard.py", actor=boss).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    picker = at.selectbox(key="rollup_year")
    assert picker.options == [t("rollup_year.option", year=NEW), t("rollup_year.option", year=OLD)]
    assert picker.value == OLD  # the deployment's year until another is chosen
    before = figures_shown(at)
    old = rollup(two_years, year=OLD).agencies
    assert before[t("rollup_page.kpi_oit")] == rf.share_text(rf.summary(old).oit_share)

    at.selectbox(key="rollup_year").select(NEW).run()
    assert not at.exception, [e.value for e in at.exception]
    day = at.session_state[AS_OF]
    assert day == within(NEW, day) and day <= date(2023, 9, 30)  # moved into FY 2566
    new = rollup(two_years, year=NEW, as_of=day).agencies
    shown = figures_shown(at)
    assert shown[t("rollup_page.kpi_oit")] == rf.share_text(rf.summary(new).oit_share)
    assert shown[t("rollup_page.kpi_oit")] != before[t("rollup_page.kpi_oit")]
    assert heat_rows(at) == list(rf.worst_first(new)["agency"])
    assert not rf.worst_first(new)["agency"].equals(rf.worst_first(old)["agency"])
    caption = at.main.caption[0].value
    assert t("common.fiscal_year", year=NEW) in caption and "2566" in caption.split("·")[-1]
    assert not [w for w in at.sidebar.warning if str(OLD) in w.value]  # the date is in 2566

    # the drill-down opens that year; the way back finds 2566 still chosen
    at.multiselect(key="rollup_provinces").set_value(["พะเยา"]).run()
    at.selectbox(key="rollup_drill").select("R003").run()
    at.button(key="rollup_drill_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("overview.title")
    assert at.session_state[DRILLED_YEAR_KEY] == NEW
    assert t("common.fiscal_year", year=NEW) in at.main.caption[0].value
    at.button(key="rollup_back").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("rollup_page.title")
    assert at.selectbox(key="rollup_year").value == NEW
    assert at.multiselect(key="rollup_provinces").value == ["พะเยา"]
    assert at.session_state[AS_OF] == day
    assert t("common.fiscal_year", year=NEW) in at.main.caption[0].value

    # and back to the deployment's year: its figures again
    at.multiselect(key="rollup_provinces").set_value([]).run()
    at.selectbox(key="rollup_year").select(OLD).run()
    day = at.session_state[AS_OF]
    assert day == within(OLD, day)
    again = rollup(two_years, year=OLD, as_of=day).agencies
    assert figures_shown(at)[t("rollup_page.kpi_oit")] == rf.share_text(rf.summary(again).oit_share)


def test_the_year_is_worded_in_english_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every year with a framework is offered, sent for or not (no file at all here)."""
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    made = Synthetic(3)
    made.register(open_store())
    monkeypatch.setattr(_rollup, "compute", made.compute)
    boss = Actor("boss", Role.ADMIN, "local", scope=Scope.all())
    at = app_test(ROOT / "dashboard.py", actor=boss, lang="en").run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="rollup_year").options == ["FY 2566 (BE)", "FY 2565 (BE)"]
    assert at.selectbox(key="rollup_year").value == OLD
