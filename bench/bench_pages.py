"""How long each dashboard page takes to draw on the sample data, against bare Streamlit pages.

Two measures, each against a baseline taken in the same run:
- AppTest: one script run of the page (data cache warm, as for a second visitor), against a
  script that draws a single title;
- Chromium, switching page in the sidebar (what a user waits for) until the title is there,
  the run is over and every chart is drawn, against switching between two one-title pages;
  and a cold ``page.goto`` (Streamlit's JS bundle and lazy chart code included) against a
  one-title app served the same way. The baselines are measured in turns with the pages (a
  tab each), so that a load that moves during the run weighs on both sides of each ratio.

Targets (issue 12): a switch under 2×, a first visit under 3×. Each table prints the load
average: the machine is shared, and only a quiet run's ratios say much.

    .venv/bin/python bench/bench_pages.py [--repeat 5] [--no-browser]
"""

from __future__ import annotations

import argparse
import ast
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import (  # noqa: E402  (shares the server and Chromium set-up)
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    wait_healthy,
)
from tests.test_browser import CHARTS, settle  # noqa: E402

PAGES = {  # name: (file, url path, nav label key, title key)
    "overview": ("app_pages/overview.py", "", "nav.overview", "overview.title"),
    "oit": ("app_pages/oit.py", "oit", "nav.oit", "oit.title"),
    "divisions": ("app_pages/divisions.py", "divisions", "nav.divisions", "divisions.title"),
    "timeline": ("app_pages/timeline.py", "timeline", "nav.timeline", "timeline.title"),
    "measures": ("app_pages/measures.py", "measures", "nav.measures", "measures.title"),
    "score": ("app_pages/score.py", "score", "nav.score", "score:title"),
    "data-in": ("app_pages/data_in.py", "data-in", "nav.data_in", "data_in.title"),
    "history": ("app_pages/history.py", "history", "nav.history", "history.title"),
}
SWITCH_TARGET = 2.0  # issue 12: a page switch under 2× switching between two one-title pages
COLD_TARGET = 3.0  # and a first visit under 3× a one-title app
EMPTY_APP = 'import streamlit as st\n\nst.title("baseline")\n'
# Two one-title pages behind st.navigation: the baseline of an in-app page switch.
EMPTY_NAV_APP = """import streamlit as st


def a():
    st.title("baseline A")


def b():
    st.title("baseline B")


st.navigation([st.Page(a, title="A", url_path="a"), st.Page(b, title="B", url_path="b")]).run()
"""


def page_title(key: str, lang: str = "th") -> str:
    """A page's h1: a key of ``ui_text.yaml``, or ``page:key`` of a page's own ``WORDS`` (the
    score page keeps its words beside it)."""
    from ita_model.i18n import t

    if ":" not in key:
        return t(key, lang)
    page, word = key.split(":")
    tree = ast.parse((ROOT / "app_pages" / f"{page}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(node, ast.Assign | ast.AnnAssign) and any(
            isinstance(x, ast.Name) and x.id == "WORDS" for x in targets
        ):
            th, en = ast.literal_eval(node.value)[word]
            return en if lang == "en" else th
    raise KeyError(key)


def apptest_times(repeat: int) -> tuple[float, dict[str, float]]:
    from streamlit.testing.v1 import AppTest

    def timed(at: AppTest) -> float:
        start = time.perf_counter()
        at.run()
        return time.perf_counter() - start

    base = AppTest.from_string(EMPTY_APP, default_timeout=60)
    timed(base)
    baseline = statistics.median(timed(base) for _ in range(repeat))
    out = {}
    for name, (path, *_) in PAGES.items():
        at = AppTest.from_file(ROOT / "dashboard.py", default_timeout=120)
        at.run()
        at.switch_page(path)
        timed(at)  # first visit of this session: fills the caches
        assert not at.exception, (name, [e.value for e in at.exception])
        out[name] = statistics.median(timed(at) for _ in range(repeat))
    return baseline, out


def serve(script: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",  # edits nearby must not pop "file changed"
        ],
        cwd=script.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc)
    return proc, url


def browser_times(
    repeat: int, env: dict[str, str], tmp: Path
) -> tuple[tuple[float, dict[str, float]], tuple[float, dict[str, float]]]:
    """(cold load: goto until drawn) and (in-app switch: click in the sidebar until drawn)."""
    from playwright.sync_api import Page, sync_playwright

    from ita_model.i18n import t

    empty = tmp / "empty_app.py"
    empty.write_text(EMPTY_APP)
    empty_nav = tmp / "empty_nav_app.py"
    empty_nav.write_text(EMPTY_NAV_APP)
    procs = []
    try:
        p_empty, empty_url = serve(empty, env)
        procs.append(p_empty)
        p_nav, nav_url = serve(empty_nav, env)
        procs.append(p_nav)
        p_app, app_url = serve(ROOT / "dashboard.py", env)
        procs.append(p_app)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            ctx = browser.new_context(viewport={"width": 1280, "height": 720})
            page, bare = ctx.new_page(), ctx.new_page()  # the dashboard's tab, the baseline's

            def visit(tab: Page, url: str, charts: int = 0) -> float:
                tab.bring_to_front()  # a tab behind another gets no animation frames
                start = time.perf_counter()
                tab.goto(url, wait_until="domcontentloaded")
                settle(tab, min_charts=charts)
                return time.perf_counter() - start

            def switch(tab: Page, label: str, title: str, charts: int = 0) -> float:
                tab.bring_to_front()
                link = tab.locator('[data-testid="stSidebarNav"] a', has_text=label).first
                start = time.perf_counter()
                link.click()
                settle(tab, title=title, min_charts=charts)
                return time.perf_counter() - start

            # The baseline is measured between the pages' own measures, in turns: on a shared
            # machine the load moves within a run, and both sides of a ratio then share it.
            cold_bases, cold_times = [], {name: [] for name in PAGES}
            visit(bare, empty_url)
            for name, (_, url_path, _, _) in PAGES.items():
                visit(page, f"{app_url}/{url_path}", CHARTS.get(name, 0))  # warm its caches
                assert page.locator('[data-testid="stException"]').count() == 0, name
            for _ in range(repeat):
                for name, (_, url_path, _, _) in PAGES.items():
                    cold_bases.append(visit(bare, empty_url))
                    cold_times[name].append(
                        visit(page, f"{app_url}/{url_path}", CHARTS.get(name, 0))
                    )
            cold_base = statistics.median(cold_bases)
            cold = {name: statistics.median(v) for name, v in cold_times.items()}

            visit(bare, f"{nav_url}/")
            visit(page, f"{app_url}/")
            nav_times: list[float] = []
            warm: dict[str, list[float]] = {name: [] for name in PAGES}
            for _ in range(repeat):
                for name, (_, _, nav_key, title_key) in PAGES.items():
                    label = "B" if len(nav_times) % 2 == 0 else "A"
                    nav_times.append(switch(bare, label, f"baseline {label}"))
                    warm[name].append(
                        switch(page, t(nav_key, "th"), page_title(title_key), CHARTS.get(name, 0))
                    )
                    assert page.locator('[data-testid="stException"]').count() == 0, name
            switch_base = statistics.median(nav_times)
            switched = {name: statistics.median(v) for name, v in warm.items()}
            browser.close()
        return (cold_base, cold), (switch_base, switched)
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=10)


def report(
    title: str, baseline: float, times: dict[str, float], base_name: str, target: float | None
) -> None:
    """One table: each page's median, its ratio to the baseline, and whether it meets ``target``
    (a ratio), with the machine's load average (the timings move with it)."""
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{title}  (baseline, {base_name}: {baseline * 1000:.0f} ms; load average {load})")
    print(f"{'page':<12}{'ms':>8}{'× baseline':>12}" + (f"  < {target:g}×" if target else ""))
    for name, secs in times.items():
        ratio = secs / baseline
        ok = ("  yes" if ratio < target else "  NO") if target else ""
        print(f"{name:<12}{secs * 1000:>8.0f}{ratio:>12.1f}{ok}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        data = tmp / "data"
        data.mkdir()
        (data / "sample").symlink_to(ROOT / "data" / "sample", target_is_directory=True)
        (data / "inbox").mkdir()
        env = {**os.environ, "ITA_STORE_DIR": str(tmp / "store"), "ITA_DATA_DIR": str(data)}
        os.environ.update({k: env[k] for k in ("ITA_STORE_DIR", "ITA_DATA_DIR")})
        report("AppTest, one script run", *apptest_times(args.repeat), "a one-title script", None)
        if args.no_browser or not CHROMIUM.exists():
            print("\n(Chromium skipped)")
            return
        cold, switched = browser_times(args.repeat, env, tmp)
        report(
            "Chromium 1280×720, switch page in the sidebar → charts drawn",
            *switched,
            "switching between two one-title pages",
            SWITCH_TARGET,
        )
        report(
            "Chromium 1280×720, cold load (goto, JS bundle included) → charts drawn",
            *cold,
            "a one-title app",
            COLD_TARGET,
        )


if __name__ == "__main__":
    main()
