"""Every view from the store's kept rows, and the sample as ordinary data.

A fresh store gets the sample as files sent by ``sample``; removing it (Settings page or
``sample remove``) leaves an empty, friendly dashboard and an audit event, and it does not come
back by itself; ``sample load`` brings it back. Settings never change an accepted division's
figures. The dashboard, ``summary``, ``score`` and the Excel hand-out agree, on SQLite and
PostgreSQL; two dashboards on one PostgreSQL store see each other's accepted files.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ita_model.auth import Actor, Role
from ita_model.fiscal import today_in_thailand
from ita_model.i18n import t
from ita_model.sample import LOADED, REMOVED, SENDER, current_sample, ensure_sample, sample_files
from ita_model.store import open_store
from tests.conftest import ROOT, app_test, figures_shown, html_tables, run_cli, served
from tests.test_app import PAGES, filled_workbook

APP = ROOT / "dashboard.py"
SETTINGS = "app_pages/settings.py"
OVERVIEW = "app_pages/overview.py"
SCORE = "app_pages/score.py"
ADMIN = Actor("boss", Role.ADMIN)
EVERY_PAGE = [
    *PAGES,
    "app_pages/score.py",
    "app_pages/meeting.py",
    "app_pages/history.py",
    "app_pages/users.py",
    "app_pages/settings.py",
    "app_pages/setup.py",
]


def open_app(page: str) -> AppTest:
    at = app_test(APP).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fresh_process() -> None:
    """What starting the dashboard again does: no store or data kept from before."""
    st.cache_resource.clear()
    st.cache_data.clear()


def figures(at: AppTest) -> dict[str, Any]:
    """What a page shows as figures: its metrics and cards, and its tables (grids and HTML)."""
    return {
        "metrics": sorted(figures_shown(at).items()),
        "tables": [d.value.to_dict("records") for d in at.dataframe]
        + [h.to_dict("records") for h in html_tables(at)],
    }


def metric(at: AppTest, key: str) -> str:
    return figures_shown(at)[t(key, "th")]


# --------------------------------------------------------------------------- the sample


@pytest.mark.usefixtures("data_dir")
def test_a_fresh_store_gets_the_sample_as_files_sent_by_sample() -> None:
    store = open_store()
    loaded = ensure_sample(store)
    assert len(loaded) == len(sample_files()) == 18
    assert {s.user for s in loaded} == {SENDER} and {s.state for s in loaded} == {"accepted"}
    assert [e.user for e in store.events(actions=[LOADED])] == [SENDER]
    assert ensure_sample(store) == []  # once: the store is no longer fresh
    at = open_app(OVERVIEW)
    assert t("common.includes_sample", "th") in " ".join(c.value for c in at.caption)


@pytest.mark.usefixtures("data_dir")
def test_removing_the_sample_leaves_an_empty_friendly_dashboard() -> None:
    at = open_app(SETTINGS)
    assert t("sample.counts", "th", n=18) in [c.value for c in at.caption]
    assert at.button(key="sample_remove").disabled  # confirm first
    at.checkbox(key="sample_confirm").check().run()
    at.button(key="sample_remove").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("sample.removed", "th", n=18) in [s.value for s in at.success]

    store = open_store()
    [removed] = store.events(actions=[REMOVED])
    assert removed.user != SENDER and len(removed.detail["submissions"]) == 18
    assert not current_sample(store)
    kept = store.submissions()
    assert len(kept) == 18 and {s.state for s in kept} == {"superseded"}  # the bytes stay
    assert all(store.data(s) for s in kept)
    assert not store.events(actions=["setting_changed"])  # nothing else touched

    for page in EVERY_PAGE:
        fresh_process()  # the dashboard started again: the sample is not loaded again
        shown = open_app(page)  # no exception, no error box
        assert not shown.error, (page, [e.value for e in shown.error])
        if page == "app_pages/data_in.py":
            assert t("data_in.no_data_yet", "th") in [i.value for i in shown.info]
        elif page in PAGES:
            assert any(t("empty.title", "th") in m.value for m in shown.markdown)
    assert not current_sample(open_store())

    back = run_cli("sample", "load", "--user", "boss")
    assert back.returncode == 0, back.stderr
    assert len(current_sample(open_store())) == 18
    fresh_process()
    at = open_app(OVERVIEW)
    assert metric(at, "overview.oit_done") != "0 / 43"


def test_sample_remove_on_the_command_line_names_who_and_keeps_the_files(
    data_dir: Path,
) -> None:
    store = open_store()
    ensure_sample(store)
    gone = run_cli("sample", "remove", "--user", "boss")
    assert gone.returncode == 0, gone.stderr
    assert "18" in gone.stdout
    assert [e.user for e in store.events(actions=[REMOVED])] == ["boss"]
    assert not current_sample(store)
    summary = run_cli("summary", "--json")  # the configured store: nothing counts now
    assert json.loads(summary.stdout)["done"] == 0


# --------------------------------------------------------------------------- settings


@pytest.mark.usefixtures("data_dir")
def test_settings_never_change_an_accepted_divisions_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("YEAR", "MAX_FILE_MB", "MAX_CELLS", "LINK_SCHEDULE", "LINK_SCHEDULE_HOUR"):
        monkeypatch.delenv(f"ITA_{name}", raising=False)
    before = {page: figures(open_app(page)) for page in (OVERVIEW, SCORE)}
    assert any(m[1] != "0 / 43" for m in before[OVERVIEW]["metrics"])

    at = open_app(SETTINGS)
    at.number_input(key="setting_max_file_mb").set_value(1.0)
    at.number_input(key="setting_max_cells").set_value(10_000)
    at.text_input(key="setting_link_allow_hosts").set_value("10.0.0.5")
    at.text_input(key="setting_link_robots_ignore_hosts").set_value("www.example.go.th")
    at.selectbox(key="setting_link_schedule").set_value("daily")
    at.number_input(key="setting_link_schedule_hour").set_value(5)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    store = open_store()
    assert len(store.events(actions=["setting_changed"])) == 6
    store.set_setting("max_cells", 100, user=ADMIN)  # what took "OIT done" from 30 to 1
    store.set_setting("year", 2566, user=ADMIN)
    store.set_setting("year", 2565, user=ADMIN)

    after = {page: figures(open_app(page)) for page in (OVERVIEW, SCORE)}
    assert after == before


# --------------------------------------------------------------------------- the same figures


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path, data_dir: Path) -> str:
    """A store with the sample and ฝ่ายนิติการ's own workbook, every item done."""
    where = (
        str(tmp_path / "store")
        if request.param == "sqlite"
        else request.getfixturevalue("pg_server").new_database()
    )
    loaded = run_cli("sample", "load", "--store", where, "--user", "boss")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    legal = tmp_path / "legal.xlsx"
    legal.write_bytes(filled_workbook("legal", lambda row, item: ("ดำเนินการแล้ว", None)))
    sent = run_cli("submit", legal, "--store", where, "--user", "nit")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    return where


def test_the_dashboard_and_the_command_line_give_the_same_figures(
    target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = run_cli("summary", "--store", target, "--json")
    assert summary.returncode == 0, summary.stderr
    ready = json.loads(summary.stdout)
    assert set(ready) == {"year", "done", "total", "items", "subindicators", "indicators",
                          "divisions"}  # fmt: skip
    score = run_cli("score", "--store", target, "--json")
    assert score.returncode == 0, score.stderr
    total = json.loads(score.stdout)["total"]
    out = tmp_path / "summary.xlsx"
    made = run_cli("report", "--format", "xlsx", "--store", target, "--out", out)
    assert made.returncode == 0, made.stderr
    sheet = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).worksheets[0]
    cells = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r and r[0]}

    monkeypatch.setenv("ITA_STORE", target)
    at = open_app(OVERVIEW)
    done = metric(at, "overview.oit_done")
    assert done == f"{ready['done']} / {ready['total']}"
    assert cells[t("handout.col.oit_done", "th")] == done
    assert metric(at, "overview.estimate") == f"{total:.2f}"
    assert cells[t("handout.total", "th")] == round(total, 2)
    legal = next(d for d in ready["divisions"] if d["division"] == "legal")
    assert legal["done"] == legal["total"] - legal["not_applicable"]
    at.switch_page(SCORE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"{total:.2f}" in figures_shown(at).values()


def test_two_dashboards_on_one_postgresql_store_see_each_others_files(
    pg_server: Any, browser: Any, tmp_path: Path
) -> None:
    url = pg_server.new_database()
    env = {**os.environ, "ITA_STORE": url, "ITA_LOAD_SAMPLE": "false"}
    legal = tmp_path / "legal.xlsx"
    legal.write_bytes(filled_workbook("legal", lambda row, item: ("ดำเนินการแล้ว", None)))
    with (
        served({**env, "ITA_STORE_DIR": str(tmp_path / "a")}, tmp_path / "a.log") as first,
        served({**env, "ITA_STORE_DIR": str(tmp_path / "b")}, tmp_path / "b.log") as second,
    ):
        page = browser.new_page()
        try:
            page.goto(f"{second}/")
            page.get_by_text(t("empty.title", "th")).first.wait_for(timeout=60_000)
            page.goto(f"{first}/")
            page.get_by_text(t("empty.title", "th")).first.wait_for(timeout=60_000)
            sent = run_cli("submit", legal, "--store", url, "--user", "nit", env=env)
            assert sent.returncode == 0, sent.stdout + sent.stderr
            page.goto(f"{second}/")  # the other dashboard, never restarted
            label = page.get_by_text(t("overview.oit_done", "th")).first
            label.wait_for(timeout=60_000)
            text = page.locator(".ita-card").all_inner_texts()
            done = [x for x in text if t("overview.oit_done", "th") in x]
            assert done and not re.search(r"\b0 / 43\b", done[0]), done
        finally:
            page.close()


@pytest.mark.usefixtures("data_dir")
def test_no_view_reads_or_checks_a_stored_file_again(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import app_pages._data
    import ita_model.validate
    from ita_model.cli import main
    from ita_model.history import History

    store = open_store()
    ensure_sample(store)
    store.submit(filled_workbook("legal", lambda row, item: ("ดำเนินการแล้ว", None)), "legal.xlsx",
                 user="nit", year=2565, division="legal", accept=True)  # fmt: skip

    def refuse(*args: object, **kw: object) -> None:
        raise AssertionError(f"a stored file was checked again: {args[1:2]}")

    for module in (ita_model.validate, app_pages._data):
        monkeypatch.setattr(module, "validate_file", refuse)
    monkeypatch.setattr(type(store), "data", lambda self, sub: refuse(None, sub.filename))
    for page in EVERY_PAGE:
        fresh_process()
        open_app(page)
    assert History(store, year=2565).at(today_in_thailand()).readiness.done > 0
    assert main(["summary", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["done"] > 0


@pytest.mark.usefixtures("data_dir")
def test_the_sample_is_dated_on_its_day_alone_and_now_beside_real_data() -> None:
    from datetime import UTC, datetime, timedelta

    from ita_model import sample
    from ita_model.current import current_data
    from ita_model.fiscal import THAILAND

    alone = open_store()
    first = ensure_sample(alone)
    report_day = sample.sample_day()
    assert {s.submitted_at.astimezone(THAILAND).date() for s in first} == {report_day}
    assert current_data(alone, 2565, as_of=report_day).sample_only  # "as of" its day: shown

    store = open_store(Path(os.environ["ITA_STORE_DIR"]) / "second")
    store.submit(filled_workbook("legal", lambda row, item: ("ดำเนินการแล้ว", None)), "legal.xlsx",
                 user="nit", year=2565, division="legal", accept=True)  # fmt: skip
    beside = sample.load(store, user="boss")
    assert all(datetime.now(UTC) - s.submitted_at < timedelta(hours=1) for s in beside)
    assert not current_data(store, 2565, as_of=report_day).submissions  # nothing then
    assert current_data(store, 2565).includes_sample
