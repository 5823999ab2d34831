"""Two dashboards (two ``streamlit run`` processes, each with its own local folder) on one
PostgreSQL store, in a real browser: an account added on one's Users page signs in on the other,
which from then on shows nothing before sign-in; a setting saved on one's Settings page is in
force on the other."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ita_model.i18n import t
from ita_model.store import open_store
from tests.conftest import CHROMIUM, served
from tests.test_browser import settle
from tests.test_browser import shoot as browser_shoot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]

SIGN_IN = t("auth.title", "th")
USERS = t("users.title", "th")
SETTINGS = t("settings.title", "th")


def shoot(page: object, name: str) -> None:
    browser_shoot(page, name, "1280x720")


def shown(page: object, title: str, expect: str | None = None) -> None:
    """The page ``title`` is drawn (and ``expect`` on it), the run over, no exception box."""
    try:
        if expect is not None:
            page.get_by_text(expect, exact=False).first.wait_for(timeout=60_000)
        settle(page, title=title)
    except PlaywrightTimeout:
        shoot(page, f"accounts-failed-{title}")
        raise
    assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")


def sign_in(page: object, name: str, password: str) -> None:
    """Sign in, land on the overview, and open the Settings page from the sidebar."""
    shown(page, SIGN_IN)
    page.locator(".st-key-sign_in_name input").fill(name)
    page.locator(".st-key-sign_in_password input").fill(password)
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_timeout(400)
    shown(page, t("overview.title", "th"))
    page.get_by_role("link", name=t("nav.settings", "th")).click()
    page.wait_for_timeout(400)
    shown(page, SETTINGS)


def dashboard_env(tmp: Path, url: str, name: str) -> dict[str, str]:
    data = tmp / name / "data"
    (data / "inbox").mkdir(parents=True)
    env = {
        **os.environ,
        "ITA_STORE": url,
        "ITA_STORE_DIR": str(tmp / name / "store"),  # its own folder: no users.json shared
        "ITA_DATA_DIR": str(data),
        "ITA_USE_SAMPLE": "0",
    }
    for var in ("ITA_MAX_FILE_MB", "ITA_USERS_FILE", "ITA_YEAR"):
        env.pop(var, None)
    return env


def test_two_dashboards_on_one_postgresql_store(pg_server, browser, tmp_path: Path) -> None:
    url = pg_server.new_database()
    with (
        served(dashboard_env(tmp_path, url, "one"), tmp_path / "one.log") as one,
        served(dashboard_env(tmp_path, url, "two"), tmp_path / "two.log") as two,
    ):
        first = browser.new_context(viewport={"width": 1280, "height": 720}, locale="th-TH")
        second = browser.new_context(viewport={"width": 1280, "height": 720}, locale="th-TH")
        try:
            # 1. dashboard one, no account yet: the single local user adds the first admin
            page = first.new_page()
            page.goto(f"{one}/users", wait_until="domcontentloaded")
            shown(page, USERS, t("auth.single_user", "th"))
            page.locator(".st-key-new_user_name input").fill("สมชาย")
            page.locator(".st-key-new_user_password input").fill("รหัสผ่าน-ยาวพอ")
            page.get_by_role("button", name=t("users.save", "th"), exact=True).click()
            page.wait_for_timeout(400)
            shown(page, SIGN_IN)  # from now on even this browser must sign in
            assert page.get_by_text(t("auth.single_user", "th")).count() == 0

            # 2. dashboard two: nothing before sign-in; the account made on one lets it in
            other = second.new_page()
            other.goto(f"{two}/settings", wait_until="domcontentloaded")  # not shown before sign-in
            shown(other, SIGN_IN)
            assert other.locator(".st-key-setting_max_file_mb").count() == 0
            other.locator(".st-key-sign_in_name input").fill("สมชาย")
            other.locator(".st-key-sign_in_password input").fill("wrong-password")
            other.get_by_role("button", name=SIGN_IN).click()
            shown(other, SIGN_IN, t("auth.wrong", "th"))
            sign_in(other, "สมชาย", "รหัสผ่าน-ยาวพอ")
            shoot(other, "accounts-two-signed-in")

            # 3. a setting saved on two ...
            box = other.locator(".st-key-setting_max_file_mb input")
            box.fill("7")
            box.press("Tab")
            other.get_by_role("button", name=t("settings.save", "th")).click()
            other.wait_for_timeout(400)
            shown(other, SETTINGS, t("settings.saved", "th", names="").strip())

            # ... is in force on one (its own process, its own cache)
            page.goto(one, wait_until="domcontentloaded")
            sign_in(page, "สมชาย", "รหัสผ่าน-ยาวพอ")
            assert float(page.locator(".st-key-setting_max_file_mb input").input_value()) == 7
            shoot(page, "accounts-one-sees-the-setting")
        finally:
            first.close()
            second.close()
    store = open_store(url)
    assert [e.action for e in store.events()] == ["user_added", "setting_changed"]
    assert store.overrides() == {"max_file_mb": 7.0}
    store.close()
