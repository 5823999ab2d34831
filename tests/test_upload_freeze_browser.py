"""One user's upload never stops everyone: while a browser session uploads a CSV built to stall
the delimiter guess (63 KB of ",' "; csv.Sniffer took 49 s on it, holding the GIL, and every
other request waited 25 s), the server's health check keeps answering within a second."""

from __future__ import annotations

import threading
import time
import urllib.request
from pathlib import Path

import pytest

from ita_model.i18n import t
from tests.conftest import CHROMIUM
from tests.test_browser import settle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


def test_health_answers_while_a_hostile_csv_is_uploaded(server, browser, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(",' " * 21_000)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    page = context.new_page()
    waits: list[float] = []
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            start = time.monotonic()
            with urllib.request.urlopen(f"{server}/_stcore/health", timeout=30) as resp:
                assert resp.status == 200
            waits.append(time.monotonic() - start)
            time.sleep(0.05)

    try:
        page.goto(f"{server}/data-in", wait_until="domcontentloaded")
        settle(page)
        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            str(hostile)
        )
        refused = t("data_in.unreadable", "th")
        page.wait_for_function(
            "t => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(t)",
            arg=refused,
            timeout=60_000,
        )
        settle(page)
        done.set()
        poller.join(timeout=35)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "hostile.csv" in page.inner_text('[data-testid="stMain"]')
    finally:
        done.set()
        context.close()
    assert waits, "the health check never answered"
    assert max(waits) < 1.0, f"health waited {max(waits):.2f} s during the upload"
