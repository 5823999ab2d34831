"""What was drawn as many Streamlit elements is now a few, or one block of HTML (issue 12's
speed): in a real browser, at 1280 and 1920, a user still sees and does what they did — every
what-if choice whole with its "+score" and a click moves the total; an OIT item opens to whose
it is; History's tabs open to what they hold."""

from __future__ import annotations

import pytest

from ita_model.i18n import t
from tests.conftest import CHROMIUM
from tests.test_browser import settle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]

SIZES = {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}
WHAT_IF_TOTAL = "คะแนนรวมถ้าทำข้อที่ติ๊กเสร็จ"  # the score page's own words (app_pages/score.py)


@pytest.fixture(params=list(SIZES))
def page(request: pytest.FixtureRequest, server: str, browser: object):
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def card_value(page: object, label: str) -> str:
    card = page.locator(f'.ita-card[data-label="{label}"] .ita-card-value')
    return card.inner_text().strip()


def no_exception(page: object) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_every_what_if_choice_shows_whole_and_a_click_moves_the_total(
    server: str, page: object
) -> None:
    page.goto(f"{server}/score", wait_until="domcontentloaded")
    settle(page, min_charts=2)
    choices = page.locator(".st-key-score_whatif button")
    n = choices.count()
    assert n > 10
    clipped = choices.evaluate_all(
        """bs => bs.filter(b => {
              const r = b.getBoundingClientRect();
              const page = document.querySelector('[data-testid="stMain"]').getBoundingClientRect();
              return b.scrollWidth > b.clientWidth + 1 || r.right > page.right + 1;
            }).map(b => b.innerText)"""
    )
    assert clipped == []
    labels = choices.all_inner_texts()
    assert all(x.strip().startswith("+") for x in labels)
    before = float(card_value(page, WHAT_IF_TOTAL))
    gain = float(labels[0].split("·")[0].strip())
    choices.first.click()
    page.wait_for_function(
        """([label, before]) => {
              const v = document.querySelector(`.ita-card[data-label="${label}"] .ita-card-value`);
              return v && parseFloat(v.innerText) !== before;
            }""",
        arg=[WHAT_IF_TOTAL, before],
    )
    settle(page, min_charts=2)
    assert float(card_value(page, WHAT_IF_TOTAL)) == pytest.approx(before + gain, abs=0.011)
    no_exception(page)


def test_an_oit_item_opens_to_whose_it_is(server: str, page: object) -> None:
    page.goto(f"{server}/oit", wait_until="domcontentloaded")
    settle(page)
    items = page.locator("details.ita-details")
    assert items.count() == 43
    first = items.first
    owners = first.get_by_text(t("oit.owners", "th"))
    assert not owners.is_visible()
    first.locator("summary").click()
    owners.wait_for(state="visible")
    assert first.get_attribute("open") is not None
    assert first.locator("a[href^='https://']").count() >= 1  # its link, opened in a new tab
    no_exception(page)


def test_historys_tabs_open_to_what_they_hold(server: str, page: object) -> None:
    page.goto(f"{server}/history", wait_until="domcontentloaded")
    settle(page)
    assert page.locator("table.ita-table").count() == 1  # the submissions
    page.get_by_role("tab", name=t("history.tab_progress", "th")).click()
    page.locator(".stPlotlyChart .main-svg").first.wait_for()
    page.get_by_role("tab", name=t("history.tab_audit", "th")).click()
    page.get_by_role("button", name=t("history.download_audit", "th")).wait_for()
    no_exception(page)
