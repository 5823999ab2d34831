"""The pages' bar charts as HTML and CSS: the browser lays them out in a millisecond, where a
Plotly figure takes a JavaScript bundle and a hundred or more milliseconds of drawing.

Same look as ``charts.py``: one colour per status that also differs in grey, a pattern on two
of them (dots, hatching), the status symbol in the legend and beside each count, so a grey
print-out still tells them apart (``print-color-adjust: exact`` keeps the fills on paper).
Labels are HTML text: the browser wraps Thai at its word breaks and never cuts a name; every
piece of text is escaped here, so workbook text never becomes markup. Hover text is each bar's
``title``. The hand-outs keep drawing the Plotly figures of ``charts.py``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ita_model.charts import (
    BORDER,
    STATUS_COLORS,
    STATUS_ORDER,
    STATUS_SYMBOLS,
    STATUS_TEXT_COLORS,
    STEP_COLORS,
    status_name,
)
from ita_model.i18n import t

CHART_CLASS = "ita-chart"  # every HTML chart carries it (the browser tests wait for it)

_PATTERNS = {  # a CSS background over the colour: dots for in progress, hatching for n/a
    "in_progress": "radial-gradient(circle, rgba(255,255,255,.65) 1.3px, transparent 1.6px)"
    " 0 0 / 6px 6px",
    "not_applicable": "repeating-linear-gradient(45deg, #9a9a9a 0 1px, transparent 1px 6px)",
}


def _status_css() -> str:
    out = []
    for s in STATUS_ORDER:
        pattern = f"background:{_PATTERNS[s]},{STATUS_COLORS[s]};" if s in _PATTERNS else ""
        out.append(
            f".itc-{s}{{background-color:{STATUS_COLORS[s]};{pattern}"
            f"color:{STATUS_TEXT_COLORS[s]}}}"
        )
    return "".join(out)


CSS = (
    "<style>"
    ".itc{margin:0 0 .5rem;font-size:14px;color:#262730;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".itc-legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0 0 .5rem;font-size:13px}"
    ".itc-key{display:inline-flex;align-items:center;gap:.35rem}"
    f".itc-sw{{display:inline-block;width:1.1rem;height:.9rem;border:1px solid {BORDER}}}"
    ".itc-grid{display:grid;column-gap:.6rem;row-gap:.3rem;align-items:center}"
    ".itc-label{font-size:13px;line-height:1.35;text-align:right}"
    ".itc-track{position:relative;display:flex;height:1.7rem;border-left:1px solid #9e9e9e;"
    "box-shadow:inset -1px 0 #e6e6e6;"
    "background-image:linear-gradient(to right,#e6e6e6 1px,transparent 1px)}"
    f".itc-seg{{display:flex;align-items:center;justify-content:center;overflow:hidden;"
    f"white-space:nowrap;font-size:13px;border:1px solid {BORDER};margin-left:-1px;"
    "box-sizing:border-box}"
    ".itc-seg:first-child{margin-left:0}"
    ".itc-note{font-size:13px;white-space:nowrap}"
    f".itc-late{{color:{STEP_COLORS['late']};font-weight:700}}"
    ".itc-axis{position:relative;height:1.2rem;font-size:12px;color:#555}"
    ".itc-axis span{position:absolute;top:0;transform:translateX(-50%)}"
    ".itc-title{font-size:13px;color:#555;text-align:center;margin-top:.15rem}"
    + _status_css()
    + "</style>"
)


def esc(text: object) -> str:
    """Any text (a workbook's names too) as HTML text, quotes included (it goes in attributes)."""
    return html.escape(" ".join(str(text).split()), quote=True)


def hover(*lines: object) -> str:
    """A ``title`` attribute's value: each line escaped, one under the other."""
    return "&#10;".join(esc(line) for line in lines)


@dataclass
class BarRow:
    """One bar: its label, the count and the length (in axis units) of each status, the note
    after it and the name its hover text starts with."""

    label: str
    counts: Mapping[str, int]
    lengths: Mapping[str, float]
    total: int
    hover: str
    note: str = ""
    late: bool = False


def _legend(lang: str) -> str:
    keys = "".join(
        f'<span class="itc-key"><i class="itc-sw itc-{s}"></i>'
        f"{esc(STATUS_SYMBOLS[s] + ' ' + status_name(s, lang))}</span>"
        for s in STATUS_ORDER
    )
    return f'<div class="itc-legend">{keys}</div>'


def _segment(row: BarRow, status: str, top: float, lang: str) -> str:
    n = row.counts.get(status, 0)
    length = row.lengths.get(status, 0.0)
    if n <= 0 or length <= 0:
        return ""
    width = 100 * length / top
    # the count where it fits (the hover and the legend say the rest)
    if width >= 7:
        text = f"{STATUS_SYMBOLS[status]} {n}"
    elif width >= 3.5:
        text = str(n)
    else:
        text = ""
    tip = hover(
        row.hover, f"{STATUS_SYMBOLS[status]} {status_name(status, lang)}: {n} / {row.total}"
    )
    return (
        f'<span class="itc-seg itc-{status}" style="width:{width:.2f}%" title="{tip}">'
        f"{esc(text)}</span>"
    )


def stacked_bars(
    rows: Sequence[BarRow],
    *,
    top: float,
    ticks: Sequence[float],
    tick_suffix: str,
    axis_title: str,
    lang: str,
    name: str,
    notes: bool = False,
) -> str:
    """Horizontal bars stacked by status, one row per ``BarRow``, an axis from 0 to ``top``."""
    top = max(top, 1e-9)
    cols = "minmax(8rem,36%) 1fr" + (" auto" if notes else "")
    cells = []
    step = 100 * (ticks[1] - ticks[0]) / top if len(ticks) > 1 else 100
    grid_bg = f"background-size:{step:.3f}% 100%"
    for row in rows:
        segs = "".join(_segment(row, s, top, lang) for s in STATUS_ORDER)
        cells.append(f'<div class="itc-label">{esc(row.label)}</div>')
        cells.append(f'<div class="itc-track" style="{grid_bg}">{segs}</div>')
        if notes:
            cls = "itc-note itc-late" if row.late else "itc-note"
            cells.append(f'<div class="{cls}">{esc(row.note)}</div>')
    axis = "".join(
        f'<span style="left:{100 * v / top:.2f}%">{esc(f"{v:g}{tick_suffix}")}</span>'
        for v in ticks
    )
    cells += ["<div></div>", f'<div class="itc-axis">{axis}</div>']
    if notes:
        cells.append("<div></div>")
    cells += ["<div></div>", f'<div class="itc-title">{esc(axis_title)}</div>']
    if notes:
        cells.append("<div></div>")
    return (
        f'{CSS}<figure class="itc {CHART_CLASS}" data-chart="{esc(name)}" '
        f'aria-label="{esc(axis_title)}">{_legend(lang)}'
        f'<div class="itc-grid" style="grid-template-columns:{cols}">{"".join(cells)}</div>'
        "</figure>"
    )


def _code_key(code: object) -> tuple[int, ...]:
    return tuple(int(p) for p in str(code).split(".") if p.isdigit())


def subindicator_bars(by_sub: pd.DataFrame, lang: str = "th") -> str:
    """Items of each OIT sub-indicator, stacked by status (counts), in framework order."""
    name_col = "name_en" if lang == "en" else "name_th"
    table = by_sub.sort_values("subindicator", key=lambda s: s.map(_code_key))
    rows = []
    for rec in table.to_dict("records"):
        counts = {s: int(rec[s]) for s in STATUS_ORDER}
        label = f"{rec['subindicator']} {rec[name_col]}"
        rows.append(BarRow(label, counts, counts, int(rec["total"]), label))
    most = max((r.total for r in rows), default=2)
    top = float(max(2, math.ceil(most / 2) * 2))
    step = 2 if top <= 20 else 5 * math.ceil(top / 50)
    ticks = [float(v) for v in range(0, int(top) + 1, step)]
    return stacked_bars(
        rows,
        top=top,
        ticks=ticks,
        tick_suffix="",
        axis_title=t("chart.items", lang),
        lang=lang,
        name="subindicators",
    )


def division_bars(
    by_div: pd.DataFrame, overdue: Mapping[str, int] | None = None, lang: str = "th"
) -> str:
    """Each division's share of its items by status (worst first), with its overdue count."""
    overdue = overdue or {}
    name_col = "name_en" if lang == "en" else "name_th"
    table = by_div.sort_values(["pct_done", "total"], ascending=[True, False], kind="stable")
    rows = []
    for rec in table.to_dict("records"):
        total = int(rec["total"])
        counts = {s: int(rec[s]) for s in STATUS_ORDER}
        shares = {s: 100 * n / max(total, 1) for s, n in counts.items()}
        late = int(overdue.get(rec["division"], 0))
        note = f"{rec['pct_done']:.0f}%"
        if late:
            note += " · " + t("chart.overdue_n", lang, n=late)
        name = str(rec[name_col])
        rows.append(BarRow(name, counts, shares, total, name, note=note, late=bool(late)))
    return stacked_bars(
        rows,
        top=100.0,
        ticks=[0.0, 20.0, 40.0, 60.0, 80.0, 100.0],
        tick_suffix="%",
        axis_title=t("chart.share_of_items", lang),
        lang=lang,
        name="divisions",
        notes=True,
    )
