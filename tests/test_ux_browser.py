"""What the three users stumbled on, kept fixed in a real browser (issue 12): ``/overview``
opens the overview, its missing list is whole and unclipped, the "as of" date survives a
language switch and a page change, and Thai mode shows no English chrome."""

from __future__ import annotations

import pytest

from ita_model.i18n import t
from tests.conftest import CHROMIUM
from tests.test_browser import settle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def page(server: str, browser: object):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="th-TH")
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


SHOWN_VALUE = "b => b.querySelector('input').value"  # what a select box shows


def no_exception(page: object) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Page not found" not in page.inner_text("body")


def test_overview_by_name_opens_the_overview(server: str, page: object) -> None:
    page.goto(f"{server}/overview", wait_until="domcontentloaded")
    settle(page, title=t("overview.title", "th"), min_charts=2)
    no_exception(page)


def test_the_missing_list_is_whole_and_never_clipped(server: str, page: object) -> None:
    page.goto(server, wait_until="domcontentloaded")
    settle(page, min_charts=2)
    table = page.locator("table.ita-table").first
    rows = table.locator("tbody tr").count()
    caption = page.get_by_text(t("overview.missing_caption", "th", n=rows)[:12]).first
    assert str(rows) in caption.inner_text()
    clipped = table.evaluate(
        """t => [...t.querySelectorAll('td, th')]
              .filter(c => c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1)
              .map(c => c.innerText)"""
    )
    assert clipped == []
    # the list comes before the charts
    box = table.bounding_box()
    chart = page.locator(".ita-chart").first.bounding_box()
    assert box["y"] < chart["y"]


def test_a_thai_date_then_english_then_another_page(server: str, page: object) -> None:
    page.goto(server, wait_until="domcontentloaded")
    settle(page, min_charts=2)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("27 มีนาคม 2565").click()
    pop = page.locator('[data-testid="stPopoverBody"]')
    pop.locator('[data-testid="stSelectbox"] input').nth(0).click()
    page.keyboard.type("28")  # after the sample's report day: it counts then
    page.keyboard.press("Enter")
    sidebar.get_by_text("28 มีนาคม 2565").wait_for(timeout=30_000)  # the rerun may start late
    settle(page, min_charts=2)
    page.keyboard.press("Escape")
    assert sidebar.get_by_text("28 มีนาคม 2565").count() == 1
    sidebar.locator("button", has_text="English").first.click()
    settle(page, title=t("overview.title", "en"), min_charts=2)
    no_exception(page)
    sidebar.get_by_text("28 March 2565 BE").wait_for(timeout=30_000)
    sidebar.get_by_text("28 March 2565 BE").click()
    fields = pop.locator('[data-testid="stSelectbox"]')
    shown = [fields.nth(i).evaluate(SHOWN_VALUE) for i in range(3)]
    assert shown == ["28", "Mar", "2565"], shown
    page.keyboard.press("Escape")
    page.locator('[data-testid="stSidebarNav"] a', has_text=t("nav.timeline", "en")).click()
    settle(page, title=t("timeline.title", "en"), min_charts=1)
    no_exception(page)
    assert "28 Mar 2565" in page.inner_text('[data-testid="stMain"]')


def test_pdf_badges_and_short_headers_stay_on_one_line(browser: object) -> None:
    """The PDF's tables as printed (A4, 14 mm margins: 182 mm of text): every status badge and
    every short header (item, sub-indicator, status) on one line."""
    from datetime import date

    from ita_model.handouts.content import load_handout
    from ita_model.handouts.pdf import report_html
    from tests.conftest import SAMPLE

    handout = load_handout([SAMPLE], as_of=date(2022, 3, 27))
    html = report_html(handout)  # the charts left empty: only the tables matter here
    context = browser.new_context(viewport={"width": 688, "height": 1000})  # 182 mm at 96 dpi
    try:
        pg = context.new_page()
        pg.set_content(html)
        pg.emulate_media(media="print")
        pg.evaluate("document.fonts.ready.then(() => true)")
        lines = pg.evaluate(
            """() => [...document.querySelectorAll('.badge, th.short')].map(e => {
                 const range = document.createRange();
                 range.selectNodeContents(e);
                 const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                 return [e.innerText, tops.size]; })"""
        )
        assert lines and [x for x in lines if x[1] > 1] == [], lines
    finally:
        context.close()


def test_the_uploader_speaks_thai(server: str, page: object) -> None:
    page.goto(f"{server}/data-in", wait_until="domcontentloaded")
    settle(page, title=t("data_in.title", "th"))
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    shown = zone.evaluate(
        """z => [...z.querySelectorAll(
                 'button p, [data-testid="stFileUploaderDropzoneInstructions"] span')]
              .map(e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content])"""
    )
    assert len(shown) == 2
    # Streamlit's English ("Upload", "20MB per file • …") takes no room; ours is drawn instead
    assert [size for size, _ in shown] == ["0px", "0px"]
    assert t("upload.button", "th") in shown[0][1]
    assert "MB" in shown[1][1] and "ต่อไฟล์" in shown[1][1]
    assert zone.bounding_box()["width"] > 300
    # the inbox is named, not where it sits on the server
    assert "/tmp/" not in page.inner_text('[data-testid="stMain"]')
