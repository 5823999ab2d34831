"""Figures for a slide or a page: the dashboard's charts resized, and the one chart it lacks.

``scaled`` makes any figure of ``charts``/``score_charts`` legible on a projector or in print
without a second set of builders: it multiplies every font size (and the fixed margins that hold
text) by one factor. ``measures_bars`` is the measures' progress, in the house look.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ita_model.chart_labels import row_px as _row_px
from ita_model.chart_labels import wrap as _wrap
from ita_model.charts import STATUS_ORDER, _font, _status_bar, style
from ita_model.i18n import t

_FONT_KEYS = {"font", "tickfont", "textfont", "insidetextfont", "outsidetextfont", "grouptitlefont"}


def _scale_fonts(node: Any, factor: float) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _FONT_KEYS and isinstance(value, dict) and "size" in value:
                size = value["size"]
                if isinstance(size, int | float):
                    value["size"] = round(size * factor, 1)
                elif isinstance(size, list | tuple):
                    value["size"] = [round(s * factor, 1) for s in size]
            if key == "uniformtext" and isinstance(value, dict) and "minsize" in value:
                value["minsize"] = round(value["minsize"] * factor, 1)
                value["mode"] = "show"  # a count at the smallest legible size, never hidden
            _scale_fonts(value, factor)
    elif isinstance(node, list | tuple):
        for value in node:
            _scale_fonts(value, factor)


def scaled(
    fig: go.Figure,
    *,
    font_scale: float = 1.0,
    width: int | None = None,
    height: int | None = None,
) -> go.Figure:
    """A copy of ``fig`` with every font ``font_scale`` times larger, at a fixed size if given."""
    spec = fig.to_plotly_json()
    if font_scale != 1.0:
        _scale_fonts(spec, font_scale)
        margin = spec.get("layout", {}).get("margin") or {}
        for side in ("l", "r", "t", "b"):
            if isinstance(margin.get(side), int | float):
                margin[side] = round(margin[side] * font_scale)
    out = go.Figure(spec)
    # Bigger numbers inside bars would turn sideways to fit; keep them level (or hidden).
    out.update_traces(selector={"type": "bar"}, textangle=0)
    if width is not None:  # a fixed size for an export; else the page stretches it
        out.update_layout(width=width, autosize=False)
    if height is not None:
        out.update_layout(height=height)
    return out


def titled(fig: go.Figure, title: str, subtitle: str = "") -> go.Figure:
    """The chart's title (and agency · date) written into the picture, for a PNG on its own."""
    size = fig.layout.font.size or 14
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 40
    if fig.layout.xaxis.side == "top":  # the heat map's item codes stand above the plot
        top += round(size * 3.5)
    fig.update_layout(
        title={
            "text": f"<b>{title}</b>",
            "subtitle": {"text": subtitle, "font": {"size": round(size * 0.95), "color": "#333"}},
            "x": 0.01,
            "xanchor": "left",
            "xref": "container",
            "y": 1.0,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": round(size * 1.2)},
            "font": {"size": round(size * 1.5), "color": "#111111"},
        },
        margin={"t": top + round(size * 5)},
    )
    return fig


def measures_bars(measures: pd.DataFrame, lang: str = "th", *, label_width: int = 40) -> go.Figure:
    """Each measure's actions, stacked by status (counts in the bars), in the measures' order."""
    frame = measures.copy()
    if "status" not in frame:
        frame["status"] = None
    names: list[str] = []
    counts: dict[str, list[int]] = {s: [] for s in STATUS_ORDER}
    totals: list[int] = []
    for name, rows in frame.groupby("measure", sort=False):
        names.append(str(name))
        for status in STATUS_ORDER:
            counts[status].append(int((rows["status"] == status).sum()))
        totals.append(len(rows))
    labels = [_wrap(n, label_width) for n in names]  # whole names, on more lines
    fig = go.Figure()
    for status in STATUS_ORDER:
        if not any(counts[status]):
            continue
        fig.add_trace(
            _status_bar(
                status,
                lang,
                y=labels,
                x=counts[status],
                text=[str(c) if c else "" for c in counts[status]],
                customdata=list(zip(names, totals, strict=True)),
                hovertemplate="%{customdata[0]}<br>%{x} / %{customdata[1]}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", bargap=0.3)
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title={"text": t("measures.actions", lang), "font": _font(13)}, dtick=1)
    return style(fig, height=110 + _row_px(labels, 56) * max(len(names), 1))
