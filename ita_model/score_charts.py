"""Plotly figures of the estimated score: pure functions from ``scoring`` results to figures.

Same house look as ``charts.py`` (Thai font, white, legend on top). Last year's official results
are grey, this year's estimate blue; a figure that is only assumed (this year's IIT/EIT spread
over their indicators) is hatched, and the pass mark is a dashed line with its number on it.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ita_model.chart_labels import row_px as _row_px
from ita_model.chart_labels import wrap as _wrap
from ita_model.charts import _font, style
from ita_model.scoring import Estimate

PREVIOUS_COLOR = "#9e9e9e"
CURRENT_COLOR = "#0b3d91"
WHAT_IF_COLOR = "#2e7d32"
WEAK_COLOR = "#a50f15"
PASS_COLOR = "#a50f15"

_WORDS = {
    "previous": ("ผลปี {year} (ทางการ)", "{year} official result"),
    "current": ("ปี {year} (ประมาณการ)", "{year} estimate"),
    "what_if": ("ถ้าทำข้อที่เลือกเสร็จ", "if the ticked items are done"),
    "pass": ("เกณฑ์ผ่าน {mark:g}", "pass mark {mark:g}"),
    "score": ("คะแนน", "score"),
    "assumed": ("(สมมติ)", "(assumed)"),
    "weak": ("ต่ำกว่าเกณฑ์", "below the pass mark"),
}


def _w(key: str, lang: str, **params: object) -> str:
    th, en = _WORDS[key]
    return (en if lang == "en" else th).format(**params)


def _num(value: object) -> float | None:
    if value is None:
        return None
    f = float(value)  # type: ignore[arg-type]
    return None if math.isnan(f) else f


def year_on_year_figure(
    yoy: pd.DataFrame, *, year: int, pass_mark: float, lang: str = "th", label_width: int = 30
) -> go.Figure:
    """Per indicator: last year's official score beside this year's estimate, weak ones in red."""
    name_col = "name_en" if lang == "en" else "name_th"
    labels = []
    for row in yoy.itertuples(index=False):
        label = _wrap(f"{row.indicator} {getattr(row, name_col)}", label_width)
        labels.append(f"<b>{label}</b>" if row.weak else label)
    prev_year = next((int(y) for y in yoy["previous_year"].dropna()), None)
    fig = go.Figure()
    if prev_year is not None:
        prev = [_num(v) for v in yoy["previous"]]
        fig.add_trace(
            go.Bar(
                name=_w("previous", lang, year=prev_year),
                y=labels,
                x=prev,
                orientation="h",
                marker={
                    "color": [WEAK_COLOR if w else PREVIOUS_COLOR for w in yoy["weak"]],
                    "opacity": 0.55,
                },
                text=[f"{v:.2f}" if v is not None else "" for v in prev],
                textposition="outside",
                textfont=_font(12),
                hovertemplate="%{y}<br>" + _w("previous", lang, year=prev_year) + ": %{x:.2f}"
                "<extra></extra>",
            )
        )
    cur = [_num(v) for v in yoy["current"]]
    assumed = [b == "tool" for b in yoy["basis"]]
    fig.add_trace(
        go.Bar(
            name=_w("current", lang, year=year),
            y=labels,
            x=cur,
            orientation="h",
            marker={
                "color": CURRENT_COLOR,
                "pattern": {
                    "shape": ["/" if a else "" for a in assumed],
                    "fgcolor": "#ffffff",
                },
            },
            text=[
                "" if v is None else f"{v:.2f}" + (f" {_w('assumed', lang)}" if a else "")
                for v, a in zip(cur, assumed, strict=True)
            ],
            textposition="outside",
            textfont=_font(12),
            hovertemplate="%{y}<br>" + _w("current", lang, year=year) + ": %{x:.2f}<extra></extra>",
        )
    )
    _pass_line(fig, pass_mark, lang)
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(range=[0, 112], title={"text": _w("score", lang), "font": _font(13)})
    return style(fig, height=110 + _row_px(labels, 52) * max(len(yoy), 1))


def subindicator_figure(
    est: Estimate, what_if: Estimate | None = None, *, lang: str = "th", label_width: int = 34
) -> go.Figure:
    """This year's estimate per OIT sub-indicator and indicator, with the what-if beside it."""
    fw = est.framework
    labels: list[str] = []
    keys: list[tuple[str, str]] = []  # ("sub", code) or ("ind", number)
    for ind in fw.oit_indicators():
        name = ind.name_en if lang == "en" else ind.name_th
        labels.append(f"<b>{_wrap(f'{ind.number} {name}', label_width)}</b>")
        keys.append(("ind", str(ind.number)))
        for sub in ind.subindicators:
            name = sub.name_en if lang == "en" else sub.name_th
            labels.append(_wrap(f"{sub.code} {name}", label_width))
            keys.append(("sub", sub.code))

    def values(e: Estimate) -> list[float | None]:
        out = []
        for kind, key in keys:
            out.append(
                e.indicators[int(key)].score if kind == "ind" else e.subindicators[key].score
            )
        return out

    fig = go.Figure()
    traces = [(est, _w("current", lang, year=est.year), CURRENT_COLOR)]
    if what_if is not None:
        traces.append((what_if, _w("what_if", lang), WHAT_IF_COLOR))
    for e, name, color in traces:
        vals = values(e)
        fig.add_trace(
            go.Bar(
                name=name,
                y=labels,
                x=vals,
                orientation="h",
                marker={"color": color},
                text=[f"{v:.2f}" if v is not None else "—" for v in vals],
                textposition="outside",
                textfont=_font(12),
                hovertemplate="%{y}<br>" + name + ": %{x:.2f}<extra></extra>",
            )
        )
    _pass_line(fig, fw.pass_mark, lang)
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(range=[0, 112], title={"text": _w("score", lang), "font": _font(13)})
    per_row = _row_px(labels, 30 if what_if is None else 44)
    return style(fig, height=110 + per_row * len(labels))


def _pass_line(fig: go.Figure, pass_mark: float, lang: str) -> None:
    fig.add_vline(
        x=pass_mark,
        line={"color": PASS_COLOR, "dash": "dash", "width": 2},
        annotation={
            "text": _w("pass", lang, mark=pass_mark),
            "font": _font(12, PASS_COLOR),
            "yanchor": "bottom",
        },
        annotation_position="top",
    )
