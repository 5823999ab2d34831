"""The sidebar's "as of" date: one value per session whatever the language, never an exception,
a note when it is outside the fiscal year shown, and a clear word when accepting a file moves it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ita_model.fiscal import today_in_thailand
from ita_model.i18n import t
from ita_model.thai import format_date
from tests.conftest import app_test

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard.py"


def be_today() -> str:
    return format_date(today_in_thailand(), lang="th")


def shown(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


@pytest.mark.usefixtures("data_dir")
def test_a_thai_date_survives_english_and_another_page() -> None:
    at = app_test(APP).run()
    at.selectbox(key="as_of_month_th").set_value(5).run()  # after the sample's report day
    at.selectbox(key="as_of_day_th").set_value(20).run()
    assert at.session_state["as_of_date"] == date(2022, 5, 20)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # the English pickers show the same date, in the Buddhist Era
    assert at.selectbox(key="as_of_day_en").value == 20
    assert at.selectbox(key="as_of_month_en").value == 5
    assert at.selectbox(key="as_of_year_en").value == 2565
    for page in ("app_pages/oit.py", "app_pages/timeline.py", "app_pages/score.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert "20 May 2565" in shown(at)
    # changing only the month in English keeps the day and the year
    at.selectbox(key="as_of_month_en").set_value(6).run()
    assert at.session_state["as_of_date"] == date(2022, 6, 20)
    at.session_state["lang"] = "th"
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception
    assert "20 มิ.ย. 2565" in shown(at)


@pytest.mark.usefixtures("data_dir")
def test_a_bad_value_never_breaks_a_page() -> None:
    at = app_test(APP)
    at.session_state["as_of_date"] = "27 มี.ค. 2565"
    at.session_state["as_of_month_th"] = "มี.ค."
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("app_pages/timeline.py").run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.usefixtures("data_dir")
def test_a_date_outside_the_fiscal_year_says_so() -> None:
    at = app_test(APP).run()
    note = t("sidebar.outside_year", "th", year=2565, first="1 ต.ค. 2564", last="30 ก.ย. 2565")
    assert note not in shown(at)
    at.selectbox(key="as_of_year_th").set_value(2566).run()
    assert note in shown(at)


@pytest.mark.usefixtures("data_dir")
def test_accepting_a_file_says_the_date_moved_and_offers_the_way_back() -> None:
    from tests.test_app import XLSX, filled_workbook

    data = filled_workbook("legal", lambda row, item: ("ดำเนินการแล้ว", f"https://x.example/{item}"))
    at = app_test(APP).run()
    before = at.session_state["as_of_date"]
    assert before == date(2022, 3, 27)  # the sample's report date
    at.switch_page("app_pages/data_in.py").run()
    at.file_uploader(key="uploads").set_value([("legal.xlsx", data, XLSX)])
    at.run()
    next(b for b in at.button if b.label == t("data_in.accept", "th")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["as_of_date"] == today_in_thailand()
    now = be_today()
    moved = t("sidebar.as_of_moved", "th", before="27 มี.ค. 2565", now=now)
    assert moved in [i.value for i in at.sidebar.info]
    back = [b for b in at.button if b.key == "as_of_back"]
    assert back and "27 มี.ค. 2565" in back[0].label
    back[0].click().run()
    assert at.session_state["as_of_date"] == before
    assert not [b for b in at.button if b.key == "as_of_back"]


# the server's day or clock, called or handed over as a factory (a hand-out's "made on" date)
SERVERS_DAY = ("date.today()", "datetime.now()", "=date.today)", "=datetime.now)")


def test_today_is_thailands_day_never_the_servers() -> None:
    """From 00:00 to 07:00 in Thailand the server's (UTC) date is still yesterday: a page that
    took ``date.today()`` as "as of today" hid every file sent since midnight (the OIT page said
    no file had come). Every "today" of the pages, hand-outs and set-up is Thailand's."""
    late = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)  # 00:30 on 2 Dec 2569 in Bangkok
    assert today_in_thailand(late) == date(2026, 12, 2)
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("app_pages", "ita_model")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(word in line for word in SERVERS_DAY)
    ]
    assert found == []
