"""Workbook text never becomes Markdown or HTML in a viewer's browser (issue 10, item 9).

A store holds workbooks whose cells carry an image to fetch, a phishing link, a URL with a
Markdown image glued on and raw HTML, sent under a file name and a user name written in
Markdown. Every page is opened in headless Chromium: no element may load or link a host that
came from a cell, no request may go to one, and the text must still be there, as text.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator

import openpyxl
import pytest

from tests.conftest import CHROMIUM, SAMPLE, served
from tests.test_browser import settle

IMG = "![](http://evil.example/x.png)"
LINK = "[text](https://phishing.example)"
GLUED = "https://ok.example/>![b](http://evil.example/x.png)"
HTML = "<img src=http://evil.example/y.png>"
FILE = "![x](evil.png)[คลิก](https:phishing.example)<img src=evil.png>.xlsx"  # no "/"
USER = "[ผู้ส่ง](https:phishing.example)"
BAD = re.compile(r"evil|phishing")
# url path: what must be readable on it, as typed
PAGES = {
    "": [],
    "oit": [GLUED],
    "divisions": [FILE],
    "timeline": [IMG],
    "measures": [f"{IMG} มาตรการ", LINK, HTML, GLUED],
    "score": [],
    "meeting": [],
    "data-in": [],  # its list of files is a data grid (canvas), not page text
    "history": [FILE],
    "users": [],
    "settings": [],
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


def _edited(name: str, cells: dict[str, str]) -> bytes:
    wb = openpyxl.load_workbook(SAMPLE / name)
    ws = wb.worksheets[0]
    for ref, value in cells.items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _timeline() -> bytes:
    """Every activity of the sample's timeline carries the image (one of them is next due)."""
    wb = openpyxl.load_workbook(SAMPLE / "timeline.xlsx")
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=5, max_col=1):
        if row[0].value:
            row[0].value = f"{IMG} {LINK} {row[0].value}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from ita_model.store import open_store

    tmp = tmp_path_factory.mktemp("hostile")
    data = tmp / "data"
    data.mkdir()
    (data / "sample").symlink_to(SAMPLE, target_is_directory=True)
    (data / "inbox").mkdir()
    store = open_store(tmp / "store")
    sends = [
        ("measures.xlsx", _edited("measures.xlsx", {"A5": f"{IMG} มาตรการ", "B5": LINK,
                                                    "C5": HTML, "E5": GLUED}), None),
        ("timeline.xlsx", _timeline(), None),
        (FILE, _edited("oit_legal.xlsx", {"E6": GLUED, "E7": LINK, "G6": HTML, "H6": IMG}),
         "legal"),
    ]  # fmt: skip
    for name, payload, division in sends:
        store.submit(payload, name, user=USER, year=2565, division=division, accept=True)
    store.close()
    env = {
        **os.environ,
        "ITA_STORE_DIR": str(tmp / "store"),
        "ITA_DATA_DIR": str(data),
        "ITA_LOAD_SAMPLE": "true",
    }
    env.pop("ITA_STORE", None)
    env.pop("ITA_USERS_FILE", None)
    with served(env, tmp / "streamlit.log") as url:
        yield url


# every attribute through which an element loads something (any mention of the hosts), or links
# somewhere (the host it links: the validated https://ok.example/… may carry "evil" in its path)
LOADED = """() => {
  const loads = ['src', 'srcset', 'data', 'poster', 'style'];
  const links = ['href', 'xlink:href', 'action', 'formaction'];
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    for (const n of loads) {
      const v = el.getAttribute(n);
      if (v && /evil|phishing/.test(v)) out.push(el.tagName + ' ' + n + '=' + v);
    }
    for (const n of links) {
      const v = el.getAttribute(n);
      if (!v) continue;
      let host = '';
      try { host = new URL(v, location.href).hostname; } catch (e) { host = v; }
      if (/evil|phishing/.test(host)) out.push(el.tagName + ' ' + n + '=' + v);
    }
  }
  return out;
}"""


def _open_details(page: object, path: str) -> None:
    """What a page shows only after a click: the OIT item with the links, ฝ่ายนิติการ."""
    if path == "oit":
        page.get_by_text("o06", exact=False).first.click()
        settle(page)
    elif path == "divisions":
        page.locator('[data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="ฝ่ายนิติการ").click()
        settle(page)


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_no_page_loads_or_links_a_host_from_a_cell(
    hostile_server: str, browser: object, path: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    asked: list[str] = []
    context.on("request", lambda req: asked.append(req.url))
    context.route(BAD, lambda route: route.abort())  # were one asked for, never wait on it
    page = context.new_page()
    try:
        page.goto(f"{hostile_server}/{path}", wait_until="domcontentloaded")
        if path == "meeting":  # full screen, no h1: its own heading
            page.wait_for_selector(".mm-head", timeout=60_000)
            page.wait_for_timeout(1500)
        else:
            settle(page)
        _open_details(page, path)
        page.wait_for_timeout(500)  # an image would be requested by now
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.evaluate(LOADED) == []
        assert page.locator("img[src*=evil], a[href*=phishing]").count() == 0
        assert page.evaluate(LOADED) == []
        assert [u for u in asked if BAD.search(u)] == []
        # an invisible word joiner keeps GFM from making http://… and www.… links again
        shown = page.inner_text('[data-testid="stMain"]').replace("\u2060", "")
        for text in PAGES[path]:
            assert text in shown, (text, shown[:2000])
        page.screenshot(path=f"/tmp/markup-{path or 'overview'}.png", full_page=True)
    finally:
        context.close()
