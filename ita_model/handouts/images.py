"""Charts as pictures: plotly's static export (kaleido 1.x), which drives a headless Chromium.

Kaleido finds the browser through choreographer: ``BROWSER_PATH`` if set, else ``chromium`` on
the PATH (Debian's ``/usr/bin/chromium``, whose launcher adds ``--disable-background-networking``).
MathJax is off: kaleido would otherwise load it from a CDN, and nothing here is fetched at run
time (plotly.js comes from the plotly package). One browser renders all the figures of a call.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from ita_model.handouts import HandoutError
from ita_model.handouts.figures import scaled, titled
from ita_model.i18n import both

if TYPE_CHECKING:
    from ita_model.handouts.content import Chart, Handout

# A 16:9 slide in CSS pixels; written at 1.5× (1920×1080) with fonts 1.35× the dashboard's.
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
SLIDE_SCALE = 1.5
SLIDE_FONT_SCALE = 1.35
TIMEOUT_S = 90


def chromium_path() -> str | None:
    """The browser kaleido and the PDF printer use: ``BROWSER_PATH``, else ``chromium``."""
    found = os.environ.get("BROWSER_PATH") or shutil.which("chromium")
    if not found and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    return found


def render(
    figures: Sequence[go.Figure],
    *,
    fmt: str = "png",
    width: int | None = None,
    height: int | None = None,
    scale: float = 1.0,
) -> list[bytes]:
    """Each figure as PNG or SVG bytes, in one browser session (startup ~2 s, then ~0.4 s each)."""
    path = chromium_path()
    if path is None:
        raise HandoutError(both("handout.no_chromium", detail="chromium"))
    opts = [
        {
            "format": fmt,
            "width": width or fig.layout.width or 1000,
            "height": height or fig.layout.height or 600,
            "scale": scale,
        }
        for fig in figures
    ]
    # Run on a thread of its own: the caller (a Streamlit script, a test) may have a loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(asyncio.run, _render(list(figures), opts, path))
        try:
            return future.result(timeout=TIMEOUT_S + 30)
        except HandoutError:
            raise
        except Exception as exc:  # kaleido/choreographer raise many kinds; one named error out
            raise HandoutError(both("handout.render_failed", detail=repr(exc)[:300])) from exc


async def _render(figures: list[go.Figure], opts: list[dict], path: str) -> list[bytes]:
    import kaleido
    from kaleido.errors import ChromeNotFoundError

    try:
        async with kaleido.Kaleido(n=1, timeout=TIMEOUT_S, mathjax=False, path=path) as k:
            return [await k.calc_fig(fig, opts=o) for fig, o in zip(figures, opts, strict=True)]
    except ChromeNotFoundError as exc:
        raise HandoutError(both("handout.no_chromium", detail=str(exc)[:300])) from exc


def slide_figures(
    handout: Handout, *, with_titles: bool = False
) -> list[tuple[str, Chart, go.Figure]]:
    """Every chart at slide size and slide type size, as (file stem, chart, figure);
    ``with_titles``: the title written into the picture."""
    out = []
    for i, chart in enumerate(handout.charts(), start=1):
        fig = scaled(
            chart.figure, font_scale=SLIDE_FONT_SCALE, width=SLIDE_WIDTH, height=SLIDE_HEIGHT
        )
        if with_titles:
            titled(fig, chart.title, handout.subtitle)
        out.append((f"{i:02d}-{chart.key}", chart, fig))
    return out


def chart_pngs(handout: Handout, *, with_titles: bool = True) -> list[tuple[str, bytes]]:
    """``[("01-score.png", b"…"), …]``: every chart, 1920×1080."""
    named = slide_figures(handout, with_titles=with_titles)
    pngs = render([f for _, _, f in named], fmt="png", scale=SLIDE_SCALE)
    return [(f"{name}.png", data) for (name, _, _), data in zip(named, pngs, strict=True)]


def png_zip(handout: Handout) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:  # PNG: already packed
        for name, data in chart_pngs(handout):
            zf.writestr(name, data)
    return buf.getvalue()
