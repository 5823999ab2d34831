"""Layer 3: a real browser. ``streamlit run dashboard.py`` on localhost, headless Debian Chromium
driven by Playwright: every page renders, no exception box, the Thai webfont is loaded, the
overview has no horizontal scroll, and a screenshot of each page at 1280×720 and 1920×1080 is
kept in artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
# url path of each page ("" is the default page, the overview); charts each page draws (Plotly
# figures, or HTML charts of ``ita_model.html_charts``, class ``ita-chart``)
CHARTS = {"overview": 2, "timeline": 1, "score": 2}
PAGES = {
    "overview": "",
    "oit": "oit",
    "divisions": "divisions",
    "timeline": "timeline",
    "measures": "measures",
    "score": "score",
    "data-in": "data-in",
}
VIEWPORTS = {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


def settle(
    page: object, timeout_ms: int = 30_000, *, title: str | None = None, min_charts: int = 0
) -> None:
    """Wait until the script run is over, every chart is drawn and the fonts are in.

    ``title``: the page's h1 to wait for (after an in-app switch the old h1 is still there).
    """
    if title is None:
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    else:
        page.wait_for_function(
            """t => [...document.querySelectorAll('[data-testid="stMain"] h1')]
                  .some(h => h.innerText.trim() === t)""",
            arg=title,
            timeout=timeout_ms,
        )
    try:
        page.wait_for_function(
            """n => {
              // the status widget shows only after a delay; the app's own run state is at once
              const state = document.querySelector('[data-testid="stApp"]')
                ?.getAttribute('data-test-script-state');
              const running = document.querySelector('[data-testid="stStatusWidget"]')
                || state === 'running' || state === 'rerunRequested';
              const stale = document.querySelector('[data-stale="true"]');
              const skeleton = document.querySelector('[data-testid="stSkeleton"]');
              const plots = [...document.querySelectorAll('.stPlotlyChart')];
              const html = document.querySelectorAll('.ita-chart').length;  // drawn when there
              return !running && !stale && !skeleton && plots.length + html >= n
                  && plots.every(c => c.querySelector('.main-svg'));
            }""",
            arg=min_charts,
            timeout=timeout_ms,
            polling="raf",
        )
    except PlaywrightTimeout as exc:  # say what was still pending
        state = page.evaluate(
            """() => ({
              status: !!document.querySelector('[data-testid="stStatusWidget"]'),
              script: document.querySelector('[data-testid="stApp"]')
                ?.getAttribute('data-test-script-state'),
              stale: document.querySelectorAll('[data-stale="true"]').length,
              skeleton: document.querySelectorAll('[data-testid="stSkeleton"]').length,
              charts: document.querySelectorAll('.stPlotlyChart').length,
              drawn: document.querySelectorAll('.stPlotlyChart .main-svg').length,
              html_charts: document.querySelectorAll('.ita-chart').length,
            })"""
        )
        raise AssertionError(f"page did not settle: {state}") from exc
    page.evaluate("document.fonts.ready.then(() => true)")


def horizontal_overflow(page: object) -> list[int]:
    """How many pixels the page and its main column scroll sideways (0 or less: none)."""
    return page.evaluate(
        """() => {
          const main = document.querySelector('[data-testid="stMain"]');
          return [document.documentElement.scrollWidth - window.innerWidth,
                  main ? main.scrollWidth - main.clientWidth : 0];
        }"""
    )


def shoot(page: object, name: str, size: str) -> None:
    """What the screen shows, then the whole page (Streamlit scrolls inside stMain, so a
    full-page screenshot needs a viewport as tall as the content)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{size}.png"))
    view = page.viewport_size
    tall = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    if tall > view["height"]:
        page.set_viewport_size({"width": view["width"], "height": tall})
        page.wait_for_timeout(600)
        page.screenshot(path=str(SHOTS / f"{name}-{size}-full.png"))
        page.set_viewport_size(view)


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_in_chromium(server: str, browser: object, name: str, size: str) -> None:
    width, height = VIEWPORTS[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
    page = context.new_page()
    try:
        page.goto(f"{server}/{PAGES[name]}", wait_until="domcontentloaded")
        settle(page, min_charts=CHARTS.get(name, 0))
        page.wait_for_timeout(300)  # let the last paint land before checking and shooting
        assert "Page not found" not in page.inner_text("body")
        assert page.locator('[data-testid="stException"]').count() == 0
        # the Thai webfont from static/fonts is in use, not a fallback
        assert page.evaluate("document.fonts.check('16px \"Noto Sans Thai\"', 'ภาพรวม')")
        loaded = page.evaluate(
            """() => [...document.fonts].filter(
                f => f.family.replace(/"/g, '') === 'Noto Sans Thai' && f.status === 'loaded'
              ).length"""
        )
        assert loaded >= 1
        if name == "overview":
            overflow = horizontal_overflow(page)
            assert max(overflow) <= 0, f"horizontal scroll on the overview: {overflow}"
        shoot(page, name, size)
        if name == "oit":  # the heat map lives in the second tab
            page.get_by_role("tab").nth(1).click()
            settle(page, min_charts=1)
            assert page.locator('[data-testid="stException"]').count() == 0
            shoot(page, "oit-heatmap", size)
    finally:
        context.close()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_dropped_workbook_shows_its_report(
    server: str, browser: object, size: str, tmp_path: Path
) -> None:
    """Drop a workbook with one wrong status word: the report lists it (in red), no exception."""
    from tests.test_app import filled_workbook

    first: list[int] = []

    def fill(row: int, item: str) -> tuple[str, str | None]:
        if not first:
            first.append(row)
            return "เสร็จไม่เสร็จ", None
        return "ดำเนินการแล้ว", f"https://pao.example/{item}"

    bad = tmp_path / "ฝ่ายนิติการ.xlsx"
    bad.write_bytes(filled_workbook("legal", fill))
    width, height = VIEWPORTS[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
    page = context.new_page()
    try:
        page.goto(f"{server}/data-in", wait_until="domcontentloaded")
        settle(page)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(bad))
        page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)
        settle(page)
        page.wait_for_timeout(300)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert (
            "unknown_status" in page.inner_text('[data-testid="stMain"]')
            or page.locator('[data-testid="stDataFrame"]').count()
        )
        shoot(page, "data-in-report", size)
    finally:
        context.close()
