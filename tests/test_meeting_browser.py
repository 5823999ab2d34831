"""Meeting mode in a real browser: ``streamlit run dashboard.py`` on localhost, Debian Chromium at
1280×720 (a projector): every slide renders without an exception, fits the screen, keeps the
sidebar and Streamlit's chrome out of sight, shows its number, and is kept as a screenshot
(artifacts/screenshots/meeting_N.png) for a person to look at. At 1920×1080, 2560×1440 and
3840×2160 the slides grow with the screen: nothing overflows, the content reaches at least 80 %
of the height, the "missing" slide lists every item it has room for; PageDown / Space / PageUp
move like the arrows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import APP, CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
SLIDES = 6
WIDTH, HEIGHT = 1280, 720

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
    pytest.mark.skipif(
        "app_pages/meeting.py" not in APP.read_text(encoding="utf-8"),
        reason="dashboard.py does not list app_pages/meeting.py yet",
    ),
]


BIG_SCREENS = [(1920, 1080), (2560, 1440), (3840, 2160)]
# The lowest content of the slide (tiles, tables, charts, notes) and the top of its title,
# in the window; the inner scroll of the slide's body, which must not be needed.
MEASURE = """() => {
  const body = document.querySelector('.st-key-meeting_body');
  const head = document.querySelector('.mm-head');
  const parts = [...body.querySelectorAll(
      '.mm-row, .mm-list, .mm-note, .mm-more, .mm-tile, .stPlotlyChart, .mm-mid')]
    .map(e => e.getBoundingClientRect()).filter(r => r.height > 0);
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    top: head.getBoundingClientRect().top,
    bottom: Math.max(...parts.map(r => r.bottom)),
    inner: Math.max(0, ...[body, ...body.querySelectorAll('[data-testid="stVerticalBlock"]')]
      .map(e => e.scrollHeight - e.clientHeight)),
    page: Math.max(main.scrollHeight - main.clientHeight,
                   document.documentElement.scrollWidth - window.innerWidth),
    rows: [...document.querySelectorAll('[data-testid="meeting-missing"] tbody tr')]
      .filter(r => r.offsetHeight > 0).length,
    all: document.querySelectorAll('[data-testid="meeting-missing"] tbody tr').length,
    more: [...document.querySelectorAll('.mm-more')].filter(e => e.offsetHeight > 0)
      .map(e => e.innerText).join(''),
    // room left under the content, and the height the first row left out would need
    slack: body.getBoundingClientRect().bottom - Math.max(...parts.map(r => r.bottom)),
    next: (() => {
      const hidden = [...document.querySelectorAll('[data-testid="meeting-missing"] tbody tr')]
        .find(r => r.offsetHeight === 0);
      if (!hidden) return 0;
      hidden.style.display = '';
      const h = hidden.getBoundingClientRect().height;
      hidden.style.display = 'none';
      return h;
    })(),
    title: parseFloat(getComputedStyle(head.querySelector('.mm-title')).fontSize),
  };
}"""


def settle_slide(page: object, n: int, timeout_ms: int = 30_000) -> None:
    """Slide ``n`` is up: its number shows, the run is over, every chart drawn, fonts in."""
    page.wait_for_function(
        """n => {
          const counter = document.querySelector('[data-testid="meeting-counter"]');
          if (!counter || counter.innerText.trim() !== `${n} / 6`) return false;
          const stale = document.querySelector('[data-stale="true"]')
            || document.querySelector('[data-testid="stSkeleton"]');  // a chart still loading
          const charts = [...document.querySelectorAll('.stPlotlyChart')];
          return !stale && charts.every(c => c.querySelector('.main-svg'));
        }""",
        arg=n,
        timeout=timeout_ms,
        polling="raf",
    )
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_timeout(400)  # the last paint


def test_meeting_mode_steps_through_every_slide(server: str, browser: object) -> None:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="th-TH")
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    titles = []
    try:
        page.goto(f"{server}/meeting", wait_until="domcontentloaded")
        for n in range(1, SLIDES + 1):
            settle_slide(page, n)
            assert page.locator('[data-testid="stException"]').count() == 0, f"slide {n}"
            assert "Page not found" not in page.inner_text("body")
            # the chrome is out of sight: no sidebar, no header
            for hidden in ('[data-testid="stSidebar"]', '[data-testid="stHeader"]'):
                assert not page.locator(hidden).is_visible(), f"{hidden} shows on slide {n}"
            # the slide fits the screen: nothing to scroll on a projector
            overflow = page.evaluate(
                """() => {
                  const main = document.querySelector('[data-testid="stMain"]');
                  return [main.scrollHeight - main.clientHeight,
                          document.documentElement.scrollWidth - window.innerWidth];
                }"""
            )
            assert max(overflow) <= 2, f"slide {n} overflows the screen by {overflow}"
            # Thai in the bundled webfont
            assert page.evaluate("document.fonts.check('40px \"Noto Sans Thai\"', 'ภาพรวม')")
            titles.append(page.locator(".mm-title").inner_text())
            if n == 1:  # the headline figures are large
                size = page.evaluate(
                    "parseFloat(getComputedStyle(document.querySelector('.mm-huge')).fontSize)"
                )
                assert size >= 48
            page.screenshot(path=str(SHOTS / f"meeting_{n}.png"))
            page.locator(".st-key-meeting_next button").click()
        settle_slide(page, 1)  # wraps round to the first slide
        page.locator(".st-key-meeting_prev button").click()
        settle_slide(page, SLIDES)
        page.keyboard.press("ArrowRight")  # the presenter's keys
        settle_slide(page, 1)
        page.keyboard.press("ArrowRight")
        settle_slide(page, 2)
        page.keyboard.press("ArrowLeft")
        settle_slide(page, 1)
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
    assert len(set(titles)) == SLIDES, titles


def test_auto_advance_and_a_hand_out_from_the_popover(server: str, browser: object) -> None:
    """Auto-advance every 10 s moves on by itself; the PDF downloads from the hand-outs popover."""
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, locale="th-TH", accept_downloads=True
    )
    page = context.new_page()
    try:
        page.goto(f"{server}/meeting", wait_until="domcontentloaded")
        settle_slide(page, 1)
        page.locator(".st-key-meeting_every").click()
        page.get_by_role("option", name="10 วินาที").click()
        settle_slide(page, 1)
        page.locator(".st-key-meeting_auto label").click()  # the toggle
        settle_slide(page, 2, timeout_ms=25_000)  # it moved on without a click
        page.locator(".st-key-meeting_auto label").click()  # off again
        page.get_by_role("button", name="เอกสารแจก").click()
        with page.expect_download(timeout=90_000) as download:
            page.locator(".st-key-meeting_handout_pdf button").click()
        path = download.value.path()
        assert download.value.suggested_filename.endswith(".pdf")
        assert Path(path).read_bytes()[:5] == b"%PDF-"
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("size", BIG_SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_slides_fill_a_large_screen(server: str, browser: object, size: tuple[int, int]) -> None:
    """Sized to the window: at 1920×1080 and up the type grows, nothing overflows or scrolls,
    the content reaches 80 % of the height, and the missing slide shows every row it can."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{server}/meeting", wait_until="domcontentloaded")
        settle_slide(page, 1)
        page.wait_for_function(  # the second run, laid out for the real window
            "h => parseFloat(getComputedStyle(document.querySelector('.mm-title')).fontSize)"
            " >= 40 * Math.min(h / 720, 3) - 1",
            arg=height,
            timeout=30_000,
        )
        for n in range(1, SLIDES + 1):
            settle_slide(page, n)
            page.screenshot(path=str(SHOTS / f"meeting_{width}x{height}_{n}.png"))
            assert page.locator('[data-testid="stException"]').count() == 0, f"slide {n}"
            box = page.evaluate(MEASURE)
            assert box["page"] <= 2, f"slide {n} overflows the window at {size}: {box}"
            assert box["inner"] <= 2, f"slide {n} scrolls inside at {size}: {box}"
            fill = (box["bottom"] - box["top"]) / height
            if height <= 1440:  # at 4K a short list may end early; it still fits
                assert fill >= 0.8, f"slide {n} fills {fill:.0%} of {size}: {box}"
            assert box["title"] >= 40 * min(height / 720, 3) - 1
            if n == 4:  # what is missing: every row there is room for, then "… and n more"
                assert box["all"] == 13, box
                if box["rows"] < box["all"]:
                    assert box["more"] == f"… และอีก {box['all'] - box['rows']} ข้อ", box
                    assert box["slack"] < box["next"], f"room for another row: {box}"
                else:
                    assert not box["more"], box
                if height >= 1440:
                    assert box["rows"] == 13, box
                else:
                    assert box["rows"] >= 8, box
            page.keyboard.press("PageDown")  # a presenter's clicker
    finally:
        context.close()


def test_presenter_keys_move_the_slides(server: str, browser: object) -> None:
    """PageDown and Space go forward, PageUp back, as the arrow keys do."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="th-TH")
    page = context.new_page()
    try:
        page.goto(f"{server}/meeting", wait_until="domcontentloaded")
        settle_slide(page, 1)
        page.keyboard.press("PageDown")
        settle_slide(page, 2)
        page.keyboard.press(" ")
        settle_slide(page, 3)
        page.keyboard.press("PageUp")
        settle_slide(page, 2)
        page.keyboard.press("PageUp")
        settle_slide(page, 1)
        page.keyboard.press("PageUp")  # round to the last
        settle_slide(page, SLIDES)
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
