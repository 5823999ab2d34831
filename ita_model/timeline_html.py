"""The timeline page's Gantt chart as HTML and CSS (``html_charts`` says why): one row per ITA
step in lanes IIT / EIT / OIT / general, a row of meetings (diamonds), the measures' periods,
month lines with Thai months and Buddhist-Era years, and a dashed line at the "as of" date.

The rows are the ones ``charts.timeline_figure`` draws (the hand-outs keep that figure): the
same states, colours and patterns (late crossed, current dotted), whole activity names wrapped
by the browser, a hover text (``title``) on every bar and diamond.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd

from ita_model.charts import (
    _NUMBERED,
    BORDER,
    STATUS_SYMBOLS,
    STEP_COLORS,
    STEP_ORDER,
    TODAY_COLOR,
    _lane_label,
    _measure_windows,
    _range_text,
    _x_range,
    lane_states,
    month_ticks,
    status_name,
    step_name,
)
from ita_model.html_charts import CHART_CLASS, CSS, esc, hover
from ita_model.i18n import t
from ita_model.thai import format_date

_STEP_PATTERNS = {
    "current": "radial-gradient(circle, rgba(255,255,255,.7) 1.3px, transparent 1.6px)"
    " 0 0 / 6px 6px",
    "late": "repeating-linear-gradient(45deg, rgba(255,255,255,.75) 0 1px, transparent 1px 6px),"
    "repeating-linear-gradient(-45deg, rgba(255,255,255,.75) 0 1px, transparent 1px 6px)",
}


def _step_css() -> str:
    out = []
    for s in STEP_ORDER:
        pattern = f"background:{_STEP_PATTERNS[s]},{STEP_COLORS[s]};" if s in _STEP_PATTERNS else ""
        out.append(f".itl-{s}{{background-color:{STEP_COLORS[s]};{pattern}}}")
    return "".join(out)


TIMELINE_CSS = (
    "<style>"
    ".itl-grid{display:grid;grid-template-columns:auto minmax(9rem,34%) 1fr;column-gap:.6rem;"
    "align-items:stretch}"
    ".itl-lane{font-weight:700;font-size:13px;padding:.3rem .2rem;border-top:1px solid #9e9e9e;"
    "display:flex;align-items:center}"
    ".itl-label{font-size:13px;line-height:1.35;padding:.2rem 0;text-align:right;"
    "display:flex;align-items:center;justify-content:flex-end}"
    ".itl-first{border-top:1px solid #9e9e9e}"
    ".itl-track{position:relative;z-index:1;min-height:1.8rem}"
    f".itl-bar{{position:absolute;top:22%;height:56%;border:1px solid {BORDER};"
    "box-sizing:border-box;min-width:3px}"
    ".itl-dia{position:absolute;top:50%;width:.8rem;height:.8rem;border:1px solid #222;"
    "transform:translate(-50%,-50%) rotate(45deg)}"
    ".itl-lines{position:relative;pointer-events:none}"
    ".itl-month{position:absolute;top:0;bottom:0;border-left:1px solid #e3e3e3}"
    f".itl-today{{position:absolute;top:0;bottom:0;border-left:2px dashed {TODAY_COLOR};z-index:2}}"
    ".itl-head{position:relative;z-index:3;height:1.4rem}"
    f".itl-head b{{position:absolute;transform:translateX(-50%);white-space:nowrap;"
    f"color:{TODAY_COLOR};font-size:13px;background:rgba(255,255,255,.9)}}"
    ".itl-axis{position:relative;height:2.6rem;font-size:12px;color:#555}"
    ".itl-axis span{position:absolute;top:.15rem;transform:translateX(-50%);text-align:center;"
    "line-height:1.25}" + _step_css() + "</style>"
)


def _legend(lang: str) -> str:
    keys = [
        f'<span class="itc-key"><i class="itc-sw itl-{s}"></i>{esc(step_name(s, lang))}</span>'
        for s in STEP_ORDER
    ]
    keys.append(
        '<span class="itc-key"><i class="itl-dia" style="position:static;transform:rotate(45deg);'
        f'background:{STEP_COLORS["upcoming"]}"></i>{esc(t("timeline.meeting", lang))}</span>'
    )
    return f'<div class="itc-legend">{"".join(keys)}</div>'


def timeline_chart(
    steps: pd.DataFrame, measures: pd.DataFrame | None, as_of: date, lang: str = "th"
) -> str:
    """The Gantt chart as HTML (every text escaped)."""
    states = lane_states(steps, as_of)
    windows = states[~states["is_event"]] if len(states) else states
    events = states[states["is_event"]] if len(states) else states
    measure_rows = _measure_windows(measures, lang, 10_000) if measures is not None else []
    first, last = _x_range(states, measure_rows, as_of)
    span = max((last - first).days, 1)

    def pct(day: date) -> float:
        return 100 * (day - first).days / span

    def bar(start: date, end: date, cls: str, tip: str) -> str:
        left = pct(start)
        width = max(pct(end + timedelta(days=1)) - left, 0.3)
        return (
            f'<i class="itl-bar {cls}" style="left:{left:.2f}%;width:{width:.2f}%" '
            f'title="{tip}"></i>'
        )

    rows: list[tuple[str, str, str]] = []  # (lane, label, track markup)
    for rec in windows.to_dict("records") if len(windows) else []:
        s, e, state = rec["start_date"], rec["end_date"], rec["state"]
        tip = hover(rec["activity"], _range_text(s, e, lang), step_name(state, lang))
        rows.append(
            (_lane_label(rec["lane"], lang), esc(rec["activity"]), bar(s, e, f"itl-{state}", tip))
        )
    if len(events):
        marks = "".join(
            f'<i class="itl-dia" style="left:{pct(d) + 50 / span:.2f}%;'
            f'background:{STEP_COLORS[state]}" '
            f'title="{hover(a, _range_text(d, d, lang), step_name(state, lang))}"></i>'
            for a, d, state in zip(
                events["activity"], events["start_date"], events["state"], strict=True
            )
        )
        rows.append((_lane_label("general", lang), esc(t("timeline.meeting", lang)), marks))
    for i, m in enumerate(measure_rows):
        name = m["measure"] if _NUMBERED.match(m["measure"]) else f"{i + 1}. {m['measure']}"
        when = (
            _range_text(m["start"], m["end"], lang)
            if m["end"]
            else f"{format_date(m['start'], style='short', lang=lang)} – "
            + t("timeline.open_end", lang)
        )
        status = m["status"]
        tip = hover(m["measure"], when, f"{STATUS_SYMBOLS[status]} {status_name(status, lang)}")
        end = m["end"] or (last - timedelta(days=1))
        rows.append(
            (t("lane.measures", lang), esc(name), bar(m["start"], end, f"itc-{status}", tip))
        )
    return _grid(rows, first, last, as_of, pct, lang)


def _grid(
    rows: list[tuple[str, str, str]],
    first: date,
    last: date,
    as_of: date,
    pct: Callable[[date], float],
    lang: str,
) -> str:
    cells = []
    n = len(rows)
    today_x = pct(as_of) + 50 / max((last - first).days, 1)
    today = f"{t('timeline.today', lang)} {format_date(as_of, style='short', lang=lang)}"
    cells.append(
        f'<div class="itl-head" style="grid-column:3;grid-row:1">'
        f'<b style="left:{today_x:.2f}%">{esc(today)}</b></div>'
    )
    r = 2
    lane_start = 0
    for i, (lane, label, track) in enumerate(rows):
        new_lane = i == 0 or rows[i - 1][0] != lane
        if new_lane:
            size = 1
            while i + size < n and rows[i + size][0] == lane:
                size += 1
            cells.append(
                f'<div class="itl-lane" style="grid-column:1;grid-row:{r} / span {size}">'
                f"{esc(lane)}</div>"
            )
            lane_start = r
        first_cls = " itl-first" if r == lane_start else ""
        cells.append(
            f'<div class="itl-label{first_cls}" style="grid-column:2;grid-row:{r}">{label}</div>'
        )
        cells.append(
            f'<div class="itl-track{first_cls}" style="grid-column:3;grid-row:{r}">{track}</div>'
        )
        r += 1
    vals, texts = month_ticks(first, last, lang)
    lines = "".join(f'<i class="itl-month" style="left:{pct(v):.2f}%"></i>' for v in vals)
    cells.append(
        f'<div class="itl-lines" style="grid-column:3;grid-row:1 / {r}">{lines}'
        f'<i class="itl-today" style="left:{today_x:.2f}%"></i></div>'
    )
    ticks = "".join(
        f'<span style="left:{pct(v):.2f}%">'
        + "<br>".join(esc(part) for part in text.split("<br>"))
        + "</span>"
        for v, text in zip(vals, texts, strict=True)
    )
    cells.append(f'<div class="itl-axis" style="grid-column:3;grid-row:{r}">{ticks}</div>')
    return (
        f"{CSS}{TIMELINE_CSS}"
        f'<figure class="itc {CHART_CLASS}" data-chart="timeline" '
        f'aria-label="{esc(t("nav.timeline", lang))}">{_legend(lang)}'
        f'<div class="itl-grid">{"".join(cells)}</div></figure>'
    )
