"""Drilling into an agency from the roll-up and back (AppTest on the whole app, a province
supervisor): an agency with no set-up of its own is shown in the year the roll-up showed, not in
a year of its own settings (so its figures are the roll-up's and the sidebar does not warn that
the date is outside the year), and the way back finds the roll-up as it was: its "as of" date and
its filter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app_pages._as_of import AS_OF
from ita_model.auth import Actor, Role
from ita_model.i18n import t
from ita_model.scope import Scope
from ita_model.store import open_store
from tests import test_whole_agency
from tests.conftest import ROOT, app_test

ROLLUP_YEAR, OWN_YEAR = 2565, 2566  # the deployment's year; the one 5601's admin chose
DAY = date(2022, 3, 27)  # in fiscal year 2565, not 2566
WATCHER = Actor("sup", Role.SUPERVISOR, "local", scope=Scope.parse("province:พะเยา"))
province = test_whole_agency.province  # the fixture: agencies fed by a multi-agency sheet


@pytest.fixture
def own_year(province: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Agency 5601 (no set-up) whose administrator set the year 2566 on its Settings page; the
    province's sheet sent once before, on 10 ม.ค. 2565."""
    monkeypatch.delenv("ITA_YEAR", raising=False)
    s = open_store(province)
    test_whole_agency.send_sheet(s, test_whole_agency.LEAD, date(2022, 1, 10), user="root")
    s.accounts.add("adm5601", "admin", "pw-12345678", user="root", agency="5601", rounds=4)
    s.for_agency("5601", user="adm5601").set_setting("year", OWN_YEAR, user="adm5601")
    s.close()
    return province


def warnings(page: object) -> list[str]:
    return [w.value for w in page.sidebar.warning]


@pytest.mark.usefixtures("own_year")
def test_the_drilled_agency_shows_the_rollups_year_and_back_restores_the_rollup() -> None:
    page = app_test(ROOT / "dashboard.py", actor=WATCHER)
    page.session_state[AS_OF] = DAY
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert page.title[0].value == t("rollup_page.title")
    year_words = t("common.fiscal_year", year=ROLLUP_YEAR)
    assert year_words in page.main.caption[0].value and not warnings(page)
    page.multiselect(key="rollup_provinces").set_value(["พะเยา"]).run()
    page.selectbox(key="rollup_drill").select("5601").run()
    page.button(key="rollup_drill_go").click().run()
    assert not page.exception, [e.value for e in page.exception]
    assert page.title[0].value == t("overview.title")
    # its own overview, in the roll-up's year: o01 and o02 done as of that day
    assert page.main.caption[0].value.startswith(f"อบจ.พะเยา · {year_words} · ")
    assert "2 / 43" in " ".join(str(e.value) for e in page.get("html"))
    assert not warnings(page)  # 27 มี.ค. 2565 is in the year shown
    # the date moved while looking at the agency; the way back finds the roll-up as it was
    page.session_state[AS_OF] = date(2022, 6, 1)
    page.run()
    page.button(key="rollup_back").click().run()
    assert not page.exception, [e.value for e in page.exception]
    assert page.title[0].value == t("rollup_page.title")
    assert page.session_state[AS_OF] == DAY
    assert page.multiselect(key="rollup_provinces").value == ["พะเยา"]
    assert t("common.as_of", date="27 มี.ค. 2565") in page.main.caption[0].value
    # and the agency's own dashboard, on its own, keeps the year its administrator chose
    own = app_test(ROOT / "dashboard.py", actor=Actor("adm5601", Role.ADMIN, agency="5601"))
    own.session_state[AS_OF] = DAY
    own.run()
    assert not own.exception, [e.value for e in own.exception]
    # (27 มี.ค. 2565 is outside 2566)
    assert [w for w in warnings(own) if str(OWN_YEAR) in w]
