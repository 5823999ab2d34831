"""The Settings page: an administrator changes what the dashboard shows, every change is in the
audit log, the environment wins, and the other pages follow at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from ita_model.auth import Actor, Role
from ita_model.i18n import t
from ita_model.settings import Settings, get_settings
from ita_model.store import open_store
from tests.conftest import app_test
from tests.test_history_page import open_page

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard.py"
SETTINGS = ROOT / "app_pages" / "settings.py"
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(autouse=True)
def _plain_environment(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("YEAR", "LOAD_SAMPLE", "MAX_FILE_MB", "MAX_CELLS"):
        monkeypatch.delenv(f"ITA_{name}", raising=False)


def test_an_admin_changes_settings_and_the_log_keeps_them() -> None:
    at = open_page(SETTINGS)  # no accounts: the one local user may do everything
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("settings.title", "th")
    at.selectbox(key="setting_year").set_value(2566)
    at.number_input(key="setting_max_cells").set_value(10_000)
    at.button[0].click().run()  # the form's save button
    assert not at.exception, [e.value for e in at.exception]
    saved = t("settings.saved", "th", names=f"{t('settings.year', 'th')}, "
              f"{t('settings.max_cells', 'th')}")  # fmt: skip
    assert saved in [s.value for s in at.success]
    store = open_store()
    assert store.overrides() == {"year": 2566, "max_cells": 10_000}
    changes = [e.detail for e in store.events(actions=["setting_changed"])]
    assert changes == [
        {"setting": "year", "before": 2565, "after": 2566},
        {
            "setting": "max_cells",
            "before": Settings.model_fields["max_cells"].default,
            "after": 10_000,
        },
    ]
    sources = {r["variable"]: r["source"] for r in at.dataframe[0].value.to_dict("records")}
    assert sources["ITA_YEAR"] == t("settings.from_page", "th")
    assert sources["ITA_MAX_FILE_MB"] == t("settings.from_default", "th")

    at.button[0].click().run()  # saving again changes nothing, and says so
    assert t("settings.nothing_changed", "th") in [i.value for i in at.info]
    assert len(open_store().events(actions=["setting_changed"])) == 2


def test_the_other_pages_follow_the_settings() -> None:
    store = open_store()
    admin = Actor("boss", Role.ADMIN)
    at = app_test(APP).run()
    assert not at.exception, [e.value for e in at.exception]
    store.set_setting("year", 2566, user=admin)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # nothing was sent for 2566 (the sample is 2565's): the friendly empty state
    assert any(t("empty.title", "th") in m.value for m in at.markdown)
    store.set_setting("year", 2565, user=admin)
    at.run()
    captions = " ".join(c.value for c in at.caption)
    assert t("common.fiscal_year", "th", year=2565) in captions
    assert not any(t("empty.title", "th") in m.value for m in at.markdown)


def test_the_environment_wins_and_locks_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    open_store().set_setting("max_file_mb", 5, user=Actor("boss", Role.ADMIN))
    monkeypatch.setenv("ITA_MAX_FILE_MB", "30")
    at = open_page(SETTINGS)
    assert not at.exception
    field = at.number_input(key="setting_max_file_mb")
    assert field.disabled and field.value == 30
    assert not at.number_input(key="setting_max_cells").disabled
    sources = {r["variable"]: r["source"] for r in at.dataframe[0].value.to_dict("records")}
    assert sources["ITA_MAX_FILE_MB"] == t("settings.from_env", "th", var="ITA_MAX_FILE_MB")
    assert get_settings().max_file_mb == 30


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
def test_only_admins_change_settings(role: Role) -> None:
    at = open_page(SETTINGS, Actor("someone", role, "local"))
    assert not at.exception
    assert t("users.admins_only", "th") in [w.value for w in at.warning]
    assert not at.selectbox
