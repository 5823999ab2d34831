"""The roll-up page in a real browser (issue 14): the dashboard served with 300 agencies in 10
provinces, headless Chromium at 1280×720 — the heat map shows, a province filter narrows it,
drilling into an agency opens its overview with the way back, and back returns to the roll-up.
Screenshots at 1280×720 and 1920×1080 go to artifacts/screenshots/."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ita_model import rollup_figures as rf
from ita_model.i18n import both, t
from ita_model.rollup import rollup
from ita_model.scope import Scope
from ita_model.store import open_store
from tests.conftest import CHROMIUM, served
from tests.rollup_factory import Synthetic, fill_store
from tests.test_browser import VIEWPORTS, horizontal_overflow, settle, shoot

ROOT = Path(__file__).resolve().parent.parent
AGENCIES = 300

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def rollup_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard with an empty store of its own, its roll-up 300 synthetic agencies (the
    start-up hook in tests/rollup_served/)."""
    tmp = tmp_path_factory.mktemp("rollup-served")
    with pytest.MonkeyPatch.context() as mp:  # the registry: a drill-down opens one of them
        mp.setenv("ITA_STORE_DIR", str(tmp / "store"))
        mp.setenv("ITA_LOAD_SAMPLE", "false")
        opened = open_store()
        Synthetic(AGENCIES).register(opened)
        opened.close()
    env = {
        **os.environ,
        "ITA_STORE_DIR": str(tmp / "store"),
        "ITA_LOAD_SAMPLE": "false",
        "ITA_TEST_ROLLUP_AGENCIES": str(AGENCIES),
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "tests" / "rollup_served"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    with served(env, tmp / "streamlit.log") as url:
        yield url


@contextlib.contextmanager
def thai_page(browser: Any, size: str) -> Iterator[Any]:
    """A new page in its own browser context at a viewport of ``VIEWPORTS``, in Thai."""
    width, height = VIEWPORTS[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
    try:
        yield context.new_page()
    finally:
        context.close()


def heat_rows(page: object) -> list[str]:
    return page.eval_on_selector_all(
        'figure[data-chart="heatmap"] tbody tr', "rows => rows.map(r => r.dataset.agency)"
    )


def choose(page: object, label: str, text: str) -> None:
    """Type into a select box or multiselect found by its label, and take the first match."""
    widget = page.locator(
        '[data-testid="stMultiSelect"], [data-testid="stSelectbox"]', has_text=label
    ).first
    widget.locator("input").click()
    widget.locator("input").fill(text)
    page.get_by_role("option").filter(has_text=text).first.click()
    page.locator('[data-testid="stMain"] h1').first.click()  # the list closed, the value kept


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_rollup_page_renders(rollup_server: str, browser: object, size: str) -> None:
    with thai_page(browser, size) as page:
        page.goto(f"{rollup_server}/rollup", wait_until="domcontentloaded")
        settle(page, title=t("rollup_page.title"), min_charts=6)
        page.wait_for_timeout(300)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.evaluate("document.fonts.check('16px \"Noto Sans Thai\"', 'ภาพรวม')")
        overflow = horizontal_overflow(page)
        assert max(overflow) <= 0, f"horizontal scroll on the roll-up: {overflow}"
        whole = Synthetic(AGENCIES).rollup_of()
        assert heat_rows(page) == list(rf.worst_first(whole.agencies)["agency"].head(50))
        main = page.inner_text('[data-testid="stMain"]')
        assert t("rollup_page.showing", first=1, last=50, total="300") in main
        shoot(page, "rollup", size)


def test_filter_drill_down_and_back(rollup_server: str, browser: object) -> None:
    with thai_page(browser, "1280x720") as page:
        page.goto(f"{rollup_server}/rollup", wait_until="domcontentloaded")
        settle(page, title=t("rollup_page.title"), min_charts=6)
        assert len(heat_rows(page)) == 50
        # a province: only its 30 agencies, worst first
        choose(page, t("rollup_page.province"), "พะเยา")
        page.wait_for_function(
            """() => document.querySelectorAll('figure[data-chart="heatmap"] tbody tr')
                     .length === 30""",
            timeout=30_000,
        )
        settle(page, title=t("rollup_page.title"), min_charts=6)
        a = Synthetic(AGENCIES).rollup_of().agencies
        mine = rf.worst_first(a[a["province"] == "พะเยา"])
        assert heat_rows(page) == list(mine["agency"])
        shoot(page, "rollup-province", "1280x720")
        # the scope's hand-outs: PDF, PowerPoint, Excel
        page.get_by_role("button", name=t("rollup_page.handouts")).click()
        for fmt in ("pdf", "pptx", "xlsx"):
            page.get_by_role("button", name=t(f"handout.{fmt}")).wait_for(timeout=30_000)
        page.keyboard.press("Escape")
        # drill into the province's worst agency with an estimate
        target = mine[mine["total"].notna()].iloc[0]
        choose(page, t("rollup_page.drill_pick"), str(target["name"]))
        page.get_by_role("button", name=t("rollup_page.drill_go")).click()
        settle(page, title=t("overview.title"))
        main = page.inner_text('[data-testid="stMain"]')
        assert t("rollup_page.viewing", name=target["name"]) in main
        assert t("empty.title") in main  # its own (empty) overview
        sidebar = page.inner_text('[data-testid="stSidebar"]')
        assert t("tenancy.shown", name=target["name"]) in sidebar
        assert t("nav.data_in") not in sidebar  # read-only: no way to send its files
        assert page.locator('[data-testid="stException"]').count() == 0
        shoot(page, "rollup-drilled", "1280x720")
        # and back
        page.get_by_role("button", name=t("rollup_page.back")).click()
        settle(page, title=t("rollup_page.title"), min_charts=6)
        assert t("rollup_page.viewing", name=target["name"]) not in page.inner_text(
            '[data-testid="stMain"]'
        )


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The dashboard on a real store: 30 agencies registered, each with its own files sent
    (``fill_store``), a system admin and a province supervisor with passwords."""
    tmp = tmp_path_factory.mktemp("rollup-real")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ITA_STORE_DIR", str(tmp / "store"))
        mp.setenv("ITA_LOAD_SAMPLE", "false")
        opened = open_store()
        fill_store(opened, 30)
        opened.close()
    env = {**os.environ, "ITA_STORE_DIR": str(tmp / "store"), "ITA_LOAD_SAMPLE": "false"}
    with served(env, tmp / "streamlit.log") as url:
        yield url, tmp / "store"


def sign_in(page: object, url: str, name: str, password: str, title: str) -> None:
    """The sign-in form, then the first page (``title``) the account lands on."""
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_label(t("auth.name")).fill(name)
    page.get_by_label(t("auth.password")).fill(password)
    page.get_by_role("button", name=t("auth.sign_in")).click()
    settle(page, title=title, min_charts=1)


def test_a_province_supervisor_on_a_real_store(
    real_server: tuple[str, Path], browser: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signed in as the supervisor of พะเยา: the roll-up lists its agencies only, as
    ``rollup()`` gives them; drilling into one shows that agency's own figures, read-only."""
    url, folder = real_server
    monkeypatch.setenv("ITA_STORE_DIR", str(folder))
    real = rollup(open_store(), year=2565, scope=Scope.parse("province:พะเยา")).agencies
    with thai_page(browser, "1280x720") as page:
        # a supervisor starts on the roll-up (it has no agency of its own)
        sign_in(page, url, "watcher", "watcher-password", t("rollup_page.title"))
        settle(page, title=t("rollup_page.title"), min_charts=6)
        assert heat_rows(page) == list(rf.worst_first(real)["agency"])
        assert set(real["province"]) == {"พะเยา"} and len(real) == 10
        main = page.inner_text('[data-testid="stMain"]')
        assert t("rollup_page.scope", scope="จังหวัด พะเยา") in main
        # into the agency that sent the most
        target = real.sort_values("oit_done").iloc[-1]
        choose(page, t("rollup_page.drill_pick"), str(target["name"]))
        page.get_by_role("button", name=t("rollup_page.drill_go")).click()
        # no set-up of its own: it reports as a whole, so no chart by division (a message)
        settle(page, title=t("overview.title"), min_charts=1)
        main = page.inner_text('[data-testid="stMain"]')
        assert f"{int(target['oit_done'])} / {int(target['oit_total'])}" in main
        assert both("whole_agency.no_divisions") in main
        assert t("rollup_page.viewing", name=target["name"]) in main
        # the page's header and the browser tab name the agency, never the bundled demo
        assert f"{target['name']} · " in main and "อบจ.พะเยา" not in main
        assert page.title() == f"ITA · {target['name']}"
        sidebar = page.inner_text('[data-testid="stSidebar"]')
        assert t("nav.data_in") not in sidebar
        assert page.locator('[data-testid="stException"]').count() == 0
        shoot(page, "rollup-real-drilled", "1280x720")
        page.get_by_role("button", name=t("rollup_page.back")).click()
        settle(page, title=t("rollup_page.title"), min_charts=6)
