"""Charts as pictures at slide size: plotly's static export, drawn by the warm browser of
``chromium`` (one headless Chromium per process, kept between hand-outs).
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from ita_model.handouts.chromium import chromium_path, render
from ita_model.handouts.figures import scaled, titled

if TYPE_CHECKING:
    from ita_model.handouts.content import Chart, Handout

# A 16:9 slide in CSS pixels; written at 1.5× (1920×1080) with fonts 1.35× the dashboard's.
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
SLIDE_SCALE = 1.5
SLIDE_FONT_SCALE = 1.35

__all__ = ["chart_pngs", "chromium_path", "png_zip", "render", "slide_figures"]


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
