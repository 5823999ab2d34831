"""The score page's chart of this year's estimate per OIT indicator and sub-indicator, as HTML
and CSS (``html_charts`` says why): a bar per row (indicators bold), the what-if bar beside it
when items are ticked, each value written after its bar, the pass mark a dashed line with its
number; and last year's official result per indicator beside this year's. The hand-outs keep
``score_charts.subindicator_figure`` and ``year_on_year_figure``.
"""

from __future__ import annotations

import pandas as pd

from ita_model.html_charts import CHART_CLASS, CSS, esc, hover
from ita_model.score_charts import (
    CURRENT_COLOR,
    PASS_COLOR,
    PREVIOUS_COLOR,
    WEAK_COLOR,
    WHAT_IF_COLOR,
    _num,
    _w,
)
from ita_model.scoring import Estimate

TOP = 112.0  # the axis runs past 100, so a full score's value still fits after its bar

SCORE_CSS = (
    "<style>"
    ".its-grid{display:grid;grid-template-columns:minmax(8rem,36%) 1fr;column-gap:.6rem;"
    "row-gap:.35rem;align-items:center}"
    ".its-label{font-size:13px;line-height:1.35;text-align:right}"
    ".its-ind{font-weight:700}"
    ".its-track{position:relative;border-left:1px solid #9e9e9e;padding:.1rem 0;"
    "background-image:linear-gradient(to right,#e6e6e6 1px,transparent 1px);"
    f"background-size:{100 * 20 / TOP:.3f}% 100%}}"
    ".its-bar{position:relative;z-index:1;display:flex;align-items:center;height:.95rem;"
    "margin:.1rem 0;font-size:12px}"
    ".its-bar i{display:block;height:100%;-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}"
    ".its-bar span{margin-left:.3rem;padding:0 .15rem;white-space:nowrap;"
    "background:rgba(255,255,255,.85)}"
    f".its-pass{{position:absolute;top:0;bottom:0;border-left:2px dashed {PASS_COLOR}}}"
    f".its-head{{position:relative;height:1.3rem;color:{PASS_COLOR};font-size:12px}}"
    ".its-head b{position:absolute;transform:translateX(-50%);white-space:nowrap}"
    ".its-axis{position:relative;height:1.2rem;font-size:12px;color:#555}"
    ".its-axis span{position:absolute;transform:translateX(-50%)}"
    f".its-weak{{color:{WEAK_COLOR}}}"
    ".its-faint{opacity:.55}"
    ".its-weakest{list-style:none;padding:0!important;margin:.25rem 0 1rem!important;"
    "font-size:1rem;line-height:1.6}"
    ".its-weakest li{margin:0 0 .5rem}"
    ".its-badge{display:inline-block;border-radius:.25rem;padding:0 .35rem;margin-right:.4rem;"
    "font-size:.875rem;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".its-urgent{background:#fde2e1;color:#8b0000}"
    ".its-improve{background:#fff1c2;color:#6b4a00}"
    ".its-hatch{background-image:repeating-linear-gradient(135deg,rgba(255,255,255,.9) 0 1.5px,"
    "transparent 1.5px 6px)!important}"
    "</style>"
)


def _bar(
    value: float | None, color: str, name: str, label: str, cls: str = "", note: str = ""
) -> str:
    width = 0.0 if value is None else 100 * max(value, 0) / TOP
    shown = "—" if value is None else f"{value:.2f}"
    tip = hover(label, f"{name}: {shown}")
    text = f"{shown} {note}" if note else shown
    return (
        f'<div class="its-bar" title="{tip}"><i class="{cls}" style="width:{width:.2f}%;'
        f'background-color:{color}"></i><span>{esc(text)}</span></div>'
    )


def _track(bars: str, pass_x: float) -> str:
    return f'<div class="its-track">{bars}<i class="its-pass" style="left:{pass_x:.2f}%"></i></div>'


def _figure(
    name: str, title: str, head: list[str], cells: list[str], keys: list[tuple[str, str, str]]
) -> str:
    """The chart around its rows: the pass mark's number on top, the axis, its title and the
    legend (name, colour, the swatch's class)."""
    ticks = "".join(
        f'<span style="left:{100 * v / TOP:.2f}%">{v}</span>' for v in range(0, 101, 20)
    )
    cells = [*head, *cells, "<div></div>", f'<div class="its-axis">{ticks}</div>']
    cells += ["<div></div>", f'<div class="itc-title">{esc(title)}</div>']
    legend = "".join(
        f'<span class="itc-key"><i class="itc-sw {cls}" style="background-color:{color}"></i>'
        f"{esc(key)}</span>"
        for key, color, cls in keys
    )
    return (
        f"{CSS}{SCORE_CSS}"
        f'<figure class="itc {CHART_CLASS}" data-chart="{name}" aria-label="{esc(title)}">'
        f'<div class="itc-legend">{legend}</div>'
        f'<div class="its-grid">{"".join(cells)}</div></figure>'
    )


def _head(pass_mark: float, lang: str) -> list[str]:
    pass_x = 100 * pass_mark / TOP
    return [
        "<div></div>",
        f'<div class="its-head"><b style="left:{pass_x:.2f}%">'
        f"{esc(_w('pass', lang, mark=pass_mark))}</b></div>",
    ]


def subindicator_chart(est: Estimate, what_if: Estimate | None = None, lang: str = "th") -> str:
    """This year's estimate per OIT indicator and sub-indicator, the what-if beside it."""
    fw = est.framework
    series = [(est, _w("current", lang, year=est.year), CURRENT_COLOR)]
    if what_if is not None:
        series.append((what_if, _w("what_if", lang), WHAT_IF_COLOR))
    pass_x = 100 * fw.pass_mark / TOP
    cells = []
    for ind in fw.oit_indicators():
        rows = [(f"{ind.number} {ind.name_en if lang == 'en' else ind.name_th}", True, None)]
        rows += [
            (f"{sub.code} {sub.name_en if lang == 'en' else sub.name_th}", False, sub.code)
            for sub in ind.subindicators
        ]
        for label, bold, code in rows:
            bars = "".join(
                _bar(
                    e.indicators[ind.number].score if code is None else e.subindicators[code].score,
                    color,
                    name,
                    label,
                )
                for e, name, color in series
            )
            cls = "its-label its-ind" if bold else "its-label"
            cells.append(f'<div class="{cls}">{esc(label)}</div>')
            cells.append(_track(bars, pass_x))
    keys = [(name, color, "") for _, name, color in series]
    return _figure("score_subindicators", _w("score", lang), _head(fw.pass_mark, lang), cells, keys)


def year_on_year_chart(yoy: pd.DataFrame, *, year: int, pass_mark: float, lang: str = "th") -> str:
    """Per indicator: last year's official score (grey, red when weak) beside this year's
    estimate (blue; hatched and marked "assumed" where it is the IIT/EIT score repeated for each
    of the tool's indicators); a weak indicator's name bold and red."""
    name_col = "name_en" if lang == "en" else "name_th"
    prev_year = next((int(y) for y in yoy["previous_year"].dropna()), None)
    prev_name = _w("previous", lang, year=prev_year) if prev_year is not None else ""
    cur_name = _w("current", lang, year=year)
    pass_x = 100 * pass_mark / TOP
    cells = []
    for row in yoy.itertuples(index=False):
        label = f"{row.indicator} {getattr(row, name_col)}"
        bars = ""
        if prev_year is not None:
            color = WEAK_COLOR if row.weak else PREVIOUS_COLOR
            bars += _bar(_num(row.previous), color, prev_name, label, "its-faint")
        assumed = row.basis == "tool"
        bars += _bar(
            _num(row.current),
            CURRENT_COLOR,
            cur_name,
            label,
            "its-hatch" if assumed else "",
            _w("assumed", lang) if assumed else "",
        )
        cls = "its-label its-ind its-weak" if row.weak else "its-label"
        cells.append(f'<div class="{cls}">{esc(label)}</div>')
        cells.append(_track(bars, pass_x))
    keys = [(prev_name, PREVIOUS_COLOR, "its-faint")] if prev_year is not None else []
    keys.append((cur_name, CURRENT_COLOR, ""))
    return _figure("score_year_on_year", _w("score", lang), _head(pass_mark, lang), cells, keys)


def weakest_list(title: str, rows: list[tuple[bool, str, str, str]]) -> str:
    """The indicators to improve, one line each: a badge (red when urgent, else amber), the
    indicator in bold, then last year's and this year's figures. ``rows``: (urgent, the badge's
    word, the indicator's number and name, the figures)."""
    lines = "".join(
        f'<li><span class="its-badge {"its-urgent" if urgent else "its-improve"}">{esc(badge)}'
        f"</span><b>{esc(name)}</b> {esc(rest)}</li>"
        for urgent, badge, name, rest in rows
    )
    return f'{SCORE_CSS}<p><b>{esc(title)}</b></p><ul class="its-weakest">{lines}</ul>'
