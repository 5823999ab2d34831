"""Shared fixtures: small workbooks written on the fly, and an isolated store per test."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"

Rows = list[list[Any]]


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 300, **kw: Any
) -> subprocess.CompletedProcess[str]:
    """``python -m ita_model ARGS`` in a fresh process, from the project folder, output captured;
    ``env`` adds to the environment, ``kw`` goes to ``subprocess.run`` (``input=``…)."""
    return subprocess.run(
        [sys.executable, "-m", "ita_model", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        **kw,
    )


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with the bundled sample and an empty inbox (the real inbox stays out)."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "sample").symlink_to(SAMPLE, target_is_directory=True)
    (folder / "inbox").mkdir()
    monkeypatch.setenv("ITA_DATA_DIR", str(folder))
    return folder


def app_test(path: Path, *, lang: str | None = None, actor: Any = None) -> Any:
    """A page (or the whole app) under Streamlit's AppTest, not yet run; it never reads a real
    secrets.toml. ``actor``: who is signed in (an ``ita_model.auth.Actor``)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(path), default_timeout=60)
    at.secrets["ita"] = {"note": "tests never read a real secrets.toml"}
    if lang:
        at.session_state["lang"] = lang
    if actor is not None:
        at.session_state["ita_actor"] = actor
    return at


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test writes into the real data/store (nor a store or accounts named in the env)."""
    monkeypatch.setenv("ITA_STORE_DIR", str(tmp_path_factory.mktemp("store")))
    monkeypatch.delenv("ITA_STORE", raising=False)
    monkeypatch.delenv("ITA_USERS_FILE", raising=False)
    monkeypatch.delenv("ITA_USER", raising=False)
    # an accepted upload checks its links: not the sample data's real sites from the tests
    monkeypatch.setenv("ITA_LINK_CHECK_ON_ACCEPT", "false")


@pytest.fixture(scope="module", autouse=True)
def _handout_browser_closed() -> Iterator[None]:
    """The hand-outs' warm Chromium (started by a page's download buttons or an export) lives
    only as long as the test module that started it: the next module starts with no browser
    thread and no child process."""
    yield
    chromium = sys.modules.get("ita_model.handouts.chromium")
    if chromium is not None:
        chromium.BROWSER.shutdown()


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server on 127.0.0.1 for the whole session (see tests/pgserver.py)."""
    from tests.pgserver import PgServer, binaries

    bindir = binaries()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)")
    server = PgServer(bindir).start()
    yield server
    server.stop()


@pytest.fixture
def book(tmp_path: Path) -> Callable[..., Path]:
    """book("name.xlsx", {"Sheet": rows}, links={("Sheet", "C4"): url}) -> path."""

    def make(
        name: str,
        sheets: dict[str, Rows],
        *,
        links: dict[tuple[str, str], str] | None = None,
        hidden: tuple[str, ...] = (),
    ) -> Path:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
            if title in hidden:
                ws.sheet_state = "hidden"
        for (title, cell), url in (links or {}).items():
            wb[title][cell].hyperlink = url
        path = tmp_path / name
        wb.save(path)
        return path

    return make


def flat(report: Any, *fields: str) -> list[tuple]:
    """The report's issues as compact tuples, the way frictionless flattens a report."""
    fields = fields or ("row", "column", "code")
    return [tuple(getattr(i, f) for f in fields) for i in report.issues]


# --------------------------------------------------------------------------- a real browser
# The dashboard served by `streamlit run` on localhost, and Debian's Chromium driven by
# Playwright: one server per test module (module-scoped fixtures).

APP = ROOT / "dashboard.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url}")


@contextlib.contextmanager
def served(env: dict[str, str], log: Path) -> Iterator[str]:
    """``streamlit run dashboard.py`` with this environment on a free port, its output in
    ``log``, until the block ends; yields its URL once it answers."""
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "dashboard.py"),
                "--server.headless=true",
                f"--server.port={port}",
                "--server.address=127.0.0.1",
                "--browser.gatherUsageStats=false",
                "--server.fileWatcherType=none",  # edits nearby must not pop "file changed"
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard on the sample data, with its own empty store and inbox."""
    tmp = tmp_path_factory.mktemp("served")
    data = tmp / "data"
    data.mkdir()
    (data / "sample").symlink_to(ROOT / "data" / "sample", target_is_directory=True)
    (data / "inbox").mkdir()
    env = {
        **os.environ,
        "ITA_STORE_DIR": str(tmp / "store"),
        "ITA_DATA_DIR": str(data),
        "ITA_LOAD_SAMPLE": "true",
    }
    with served(env, tmp / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def html_tables(at: Any) -> list[Any]:
    """The static tables (``ita_model.html_table``) an AppTest run drew, as frames of the text
    each cell shows."""
    import pandas as pd
    from lxml import html as lxml_html

    out = []
    for element in at.get("html"):
        doc = lxml_html.fromstring(f"<div>{element.value}</div>")
        for table in doc.xpath('//table[contains(@class, "ita-table")]'):
            heads = [th.text_content() for th in table.xpath("./thead/tr/th")]
            rows = [
                [td.text_content() for td in tr.xpath("./td")] for tr in table.xpath("./tbody/tr")
            ]
            out.append(pd.DataFrame(rows, columns=heads))
    return out


def figures_shown(at: Any) -> dict[str, str]:
    """Every figure a run shows, label → value: its ``st.metric``s and the cards of
    ``ita_model.html_cards`` (the overview's first screen)."""
    from lxml import html as lxml_html

    out = {m.label: m.value for m in at.metric}
    for element in at.get("html"):
        doc = lxml_html.fromstring(f"<div>{element.value}</div>")
        for card in doc.xpath('//div[contains(@class, "ita-card ")] | //div[@class="ita-card"]'):
            value = card.xpath('./div[@class="ita-card-value"]')[0].text_content()
            out[card.get("data-label")] = value
    return out
