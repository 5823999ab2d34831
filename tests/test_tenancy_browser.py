"""Several stateless dashboard processes on one PostgreSQL store, with agencies, in a real
browser: a file accepted for agency A through dashboard one is on dashboard two at once (its warm
caches are keyed on A's rows), for A's people only; B's editor on two sees none of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ita_model.i18n import t
from ita_model.store import open_store
from tests.conftest import CHROMIUM, served
from tests.test_accounts_browser import dashboard_env, shoot
from tests.test_browser import settle
from tests.test_store import workbook
from tests.test_tenancy import AGENCIES, PW

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]

SIGN_IN = t("auth.title", "th")
HISTORY = t("history.title", "th")


def thai_window(browser: object) -> object:
    """A browser context of its own (its own cookies: its own session), in Thai."""
    return browser.new_context(viewport={"width": 1280, "height": 720}, locale="th-TH")


def sign_in(page: object, base: str, name: str) -> None:
    page.goto(base, wait_until="domcontentloaded")
    page.get_by_text(SIGN_IN).first.wait_for(timeout=60_000)
    page.locator(".st-key-sign_in_name input").fill(name)
    page.locator(".st-key-sign_in_password input").fill(PW)
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_timeout(400)
    try:
        settle(page, title=t("overview.title", "th"))
    except Exception:
        shoot(page, f"tenancy-sign-in-{name}")
        raise AssertionError(page.inner_text("body")) from None


def history_text(page: object) -> str:
    """The History page, opened from the sidebar (the same session: a page load would be a
    new session, signed out), as text."""
    page.get_by_role("link", name=t("nav.overview", "th")).first.click()
    settle(page, title=t("overview.title", "th"))
    page.get_by_role("link", name=t("nav.history", "th")).first.click()
    page.wait_for_timeout(400)
    try:
        settle(page, title=HISTORY)
    except Exception:
        raise AssertionError(page.inner_text("body")) from None
    assert page.locator('[data-testid="stException"]').count() == 0
    return page.inner_text('[data-testid="stMain"]')


def test_two_dashboards_share_one_store_of_many_agencies(pg_server, browser, tmp_path: Path):
    url = pg_server.new_database()
    s = open_store(url)
    s.accounts.add("root", "admin", PW, user="setup", rounds=4)
    s.register_agencies(AGENCIES, user="root")
    for name, role, agency in (("ed_a", "editor", "A"), ("view_a", "viewer", "A")):
        s.accounts.add(name, role, PW, user="root", agency=agency, rounds=4)
    s.close()
    book = tmp_path / "file_of_A.xlsx"
    book.write_bytes(workbook("legal", 11))
    envs = {name: dashboard_env(tmp_path, url, name) for name in ("one", "two")}
    logs = {name: tmp_path / f"{name}.log" for name in envs}
    with served(envs["one"], logs["one"]) as one, served(envs["two"], logs["two"]) as two:
        first, second = thai_window(browser), thai_window(browser)
        try:
            # dashboard two, warm: A's viewer sees A (named in the sidebar), nothing sent yet
            watcher = second.new_page()
            sign_in(watcher, two, "view_a")
            assert t("tenancy.shown", "th", name="อบต.แม่กา") in watcher.inner_text("body")
            assert "file_of_A.xlsx" not in history_text(watcher)

            # dashboard one: A's editor uploads and accepts a workbook
            page = first.new_page()
            sign_in(page, one, "ed_a")
            page.get_by_role("link", name=t("nav.data_in", "th")).first.click()
            settle(page, title=t("data_in.title", "th"))
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
                str(book)
            )
            accept = page.locator('[class*="st-key-accept_"] button').first
            accept.wait_for(timeout=60_000)
            accept.click()
            page.get_by_text(t("data_in.accepted_now", "th")).first.wait_for(timeout=60_000)
            shoot(page, "tenancy-one-accepted")

            # dashboard two shows it at once
            assert "file_of_A.xlsx" in history_text(watcher)
            shoot(watcher, "tenancy-two-sees-it")
        finally:
            first.close()
            second.close()
    s = open_store(url)
    a = s.for_agency("A", user="root")
    assert [x.filename for x in a.current(2565)] == ["file_of_A.xlsx"]
    assert s.current(2565) == [] and s.for_agency("B", user="root").current(2565) == []
    s.close()
