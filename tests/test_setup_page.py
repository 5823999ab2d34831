"""The set-up page under AppTest: each step saved as it is done, in the store, audited; the
agency then in force on every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from ita_model.agency_store import AgencyStore
from ita_model.i18n import t
from ita_model.in_force import deactivate, in_force
from ita_model.sample import REMOVED, current_sample
from ita_model.settings import Settings
from ita_model.store import open_store
from tests.conftest import app_test, figures_shown

ROOT = Path(__file__).resolve().parent.parent
SETUP = ROOT / "app_pages" / "setup.py"
APP = ROOT / "dashboard.py"


@pytest.fixture(autouse=True)
def _no_sample(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    for name in ("YEAR", "LOAD_SAMPLE"):
        monkeypatch.delenv(f"ITA_{name}", raising=False)
    yield
    deactivate()


def open_setup():
    """The set-up page through the door (its links need the app's navigation)."""
    at = app_test(APP)
    at.run()
    return run(at.switch_page("app_pages/setup.py"))


def run(what):
    """Run the app (or after a widget's change) and fail on any exception shown."""
    at = what.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_steps_saved_one_by_one() -> None:
    at = open_setup()
    assert at.title[0].value == t("setup.title", "th")
    assert t("setup.need_agency", "th") in [i.value for i in at.info]
    at.text_input(key="ag_th").set_value("วิทยาลัยทดสอบ")
    at.text_input(key="ag_s").set_value("วท.ทดสอบ")
    at.selectbox(key="ag_type").set_value("vocational_college")
    at = run(at.button[0].click())
    setup = AgencyStore(open_store()).setup()
    assert setup.agency.short_th == "วท.ทดสอบ" and setup.agency.agency_type == "vocational_college"

    at.text_area(key="div_paste").set_value("งานการเงิน | Finance\nงานบุคลากร\nงานวิชาการ | Academic")
    at = run(at.button(key="div_paste_add").click())
    setup = AgencyStore(open_store()).setup()
    assert [d.id for d in setup.divisions] == ["finance", "div", "academic"]
    events = [e.detail["part"] for e in open_store().events(actions=["agency_changed"])]
    assert events == ["agency", "divisions"]


def test_owners_calendar_templates_and_start(tmp_path: Path) -> None:
    from tests.test_agency import ADMIN, set_up

    store = open_store()
    set_up(AgencyStore(store))  # steps 1–3 as the store keeps them: 4 divisions, 2570, 23 items
    at = open_setup()
    assert t("setup.owned", "th", owned=0, total=23) in [c.value for c in at.caption]
    # one division at a time: finance owns o10 and o11
    at.selectbox(key="quick_div").set_value("finance")
    at = run(at)
    at.multiselect(key="quick_items_finance").set_value(["o10", "o11"])
    at = run(at.button(key="quick_save").click())
    assert AgencyStore(store).setup().assignments[2570] == {"o10": ["finance"], "o11": ["finance"]}
    assert t("setup.owned", "th", owned=2, total=23) in [c.value for c in at.caption]
    # the calendar: the NACC's steps offered for 2570 (in 2027), saved, and a timeline file
    at = run(at.button(key="calendar_save").click())
    cal = AgencyStore(store).setup().calendar[2570]
    assert cal[0].start.year == 2027 and len(cal) == 9
    accepted = store.accepted(2570)
    assert [s.kinds for s, _ in accepted] == [["timeline"]]
    # start the year: the sample is removed, the overview shows the agency's new year
    at = run(at.button(key="setup_finish").click())
    assert not current_sample(store) and store.events(actions=[REMOVED])
    assert AgencyStore(store).setup().finished
    parts = [e.detail["part"] for e in store.events(actions=["agency_changed"])]
    assert parts[-3:] == ["assignments:2570", "calendar:2570", "finished"]
    assert ADMIN.name in {e.user for e in store.events(actions=["agency_changed"])}
    assert t("setup.started", "th", year=2570) in [s.value for s in at.success]
    at = run(at.switch_page("app_pages/overview.py"))
    shown = " ".join(c.value for c in at.caption)
    assert "วท.ทดสอบ" in shown and t("common.fiscal_year", "th", year=2570) in shown
    assert "0 / 23" in figures_shown(at).values()


def test_the_score_page_rates_the_agency_year_by_its_levels() -> None:
    """Every item done, IIT 96, EIT 84: 94 is ผ่าน, and EIT is what stands before ผ่านดี."""
    import io

    from ita_model.template import HEADERS, OIT_SHEET, build_template, header_row
    from ita_model.validate import validate_file
    from tests.test_agency import ADMIN, set_up

    store = open_store()
    agencies = AgencyStore(store)
    set_up(agencies)
    at = open_setup()  # activates the agency in its own script run, as every page does
    in_force(store, Settings())  # and in this thread, which builds the workbook (per thread)
    wb = build_template("finance", year=2570)
    ws = wb[OIT_SHEET]
    top, cols = header_row(ws)
    for row in range(top + 1, ws.max_row + 1):
        if ws.cell(row, cols[HEADERS["item"]]).value:
            ws.cell(row, cols[HEADERS["status"]]).value = "ดำเนินการแล้ว"
            ws.cell(row, cols[HEADERS["url"]]).value = "https://college.example/x"
    data = io.BytesIO()
    wb.save(data)
    report = validate_file(data.getvalue(), "finance.xlsx", year=2570)
    sub, _ = store.submit(
        data.getvalue(), "finance.xlsx", user=ADMIN, year=2570, division="finance", report=report
    )
    store.accept(sub.id, user=ADMIN)
    # no owners yet: every item counts from finance, which says all 23 are done (OIT 100)
    at = run(at.switch_page("app_pages/score.py"))
    at.number_input(key="score_iit").set_value(96.0)
    at.number_input(key="score_eit").set_value(84.0)
    at = run(at)
    metrics = figures_shown(at)  # the score page's cards
    assert "94.00" in metrics.values() and "100.00" in metrics.values()
    shown = [i.value for i in at.info]
    assert any(v.startswith("ระดับถัดไป ผ่านดี: EIT ต้องได้อย่างน้อย 85") for v in shown), shown
    assert "ผ่าน" in metrics.values()
    assert any("แหล่งข้อมูลทุติยภูมิ" in c.value for c in at.caption)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_whole_page_in_both_languages(lang: str) -> None:
    from tests.test_agency import ADMIN, set_up

    agencies = AgencyStore(open_store())
    set_up(agencies)
    agencies.save_assignments(2570, {"o01": ["finance"]}, user=ADMIN)
    at = app_test(APP, lang=lang)
    at.run()
    at = run(at.switch_page("app_pages/setup.py"))
    assert at.title[0].value == t("setup.title", lang)
    assert not at.error, [e.value for e in at.error]
    headers = [h.value for h in at.subheader]
    steps = ("agency", "divisions", "year", "owners", "calendar", "templates")
    assert headers == [t(f"setup.step_{s}", lang) for s in steps]
    assert t("setup.owned", lang, owned=1, total=23) in [c.value for c in at.caption]


def test_a_viewer_is_turned_away() -> None:
    from ita_model.auth import Actor, Role

    at = run(app_test(SETUP, actor=Actor("exec", Role.VIEWER)))
    assert t("setup.admins_only", "th") in [w.value for w in at.warning]
    assert not at.text_input
