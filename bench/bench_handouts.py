"""How long each hand-out takes on the sample data (target: under 3 s), against a baseline.

The baseline, measured in the same run: what any browser-drawn hand-out used to pay before a
single chart, a fresh headless Chromium (kaleido) started to draw one empty figure. Then, per
format:
- ``cold``: the first hand-out of a process, the warm browser not yet started;
- ``warm``: the browser already running (the dashboard starts it when it shows the hand-out
  buttons) and no picture cached: a hand-out of data not drawn before;
- ``again``: the same hand-out once more (pictures from the cache).

    .venv/bin/python bench/bench_handouts.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402

from ita_model.handouts import chromium, export, load_handout  # noqa: E402

FORMATS = ("pdf", "pptx", "png")


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def fresh_browser_one_figure() -> None:
    import kaleido

    async def run() -> None:
        async with kaleido.Kaleido(n=1, mathjax=False, path=chromium.chromium_path()) as k:
            await k.calc_fig(go.Figure(), opts={"format": "png", "width": 200, "height": 100})

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if chromium.chromium_path() is None:
        sys.exit("Debian chromium is not installed")
    handout = load_handout([ROOT / "data" / "sample"])
    handout.charts()  # imports and the data, outside every timing

    rows: dict[str, list[float]] = {"baseline": []}
    for fmt in FORMATS:
        rows.update({f"{fmt} cold": [], f"{fmt} warm": [], f"{fmt} again": []})
    for _ in range(args.repeat):
        rows["baseline"].append(timed(fresh_browser_one_figure))
        for fmt in FORMATS:
            chromium.BROWSER.shutdown()  # no browser: the first hand-out of a process
            chromium.BROWSER._cache.clear()
            rows[f"{fmt} cold"].append(timed(lambda f=fmt: export(handout, f)))
            chromium.BROWSER._cache.clear()
            rows[f"{fmt} warm"].append(timed(lambda f=fmt: export(handout, f)))
            rows[f"{fmt} again"].append(timed(lambda f=fmt: export(handout, f)))
    base = statistics.median(rows["baseline"])
    print(f"{'what':<12} {'median s':>9} {'runs s':>22} {'× baseline':>11}")
    for name, times in rows.items():
        med = statistics.median(times)
        runs = f"{min(times):.2f}–{max(times):.2f}"
        print(f"{name:<12} {med:>9.2f} {runs:>22} {med / base:>10.2f}×")
    chromium.BROWSER.shutdown()


if __name__ == "__main__":
    main()
