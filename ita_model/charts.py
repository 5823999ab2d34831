"""Plotly figures of the dashboard: pure functions from DataFrames to figures, no UI.

One colour per status on every chart, chosen so that the statuses also differ in grey scale
(done darkest, not started lightest) and backed by a fill pattern and a text label, so a
black-and-white print-out or a washed-out projector still tells them apart. The Thai font is
set on every figure: plotly draws SVG text, which does not inherit the page's theme font.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ita_model.chart_labels import label_px as _label_px
from ita_model.chart_labels import plain
from ita_model.chart_labels import row_px as _row_px
from ita_model.chart_labels import short as _short
from ita_model.chart_labels import wrap as _wrap
from ita_model.i18n import t
from ita_model.records import status_label
from ita_model.thai import MONTHS_TH_ABBR, format_date

FONT_FAMILY = '"Noto Sans Thai", "Source Sans", "Source Sans Pro", Tahoma, sans-serif'
FONT_SIZE = 14

STATUS_ORDER = ("done", "in_progress", "not_started", "not_applicable")
# Grey values (0.299 R + 0.587 G + 0.114 B): 67, 131, 200, 236 — and a pattern on two of them.
STATUS_COLORS: dict[str, str] = {
    "done": "#1b5e20",
    "in_progress": "#c77c02",
    "not_started": "#f4b6ae",
    "not_applicable": "#ececec",
}
STATUS_PATTERNS: dict[str, str] = {
    "done": "",
    "in_progress": ".",
    "not_started": "",
    "not_applicable": "/",
}
STATUS_TEXT_COLORS: dict[str, str] = {
    "done": "#ffffff",
    "in_progress": "#ffffff",
    "not_started": "#5c1a12",
    "not_applicable": "#444444",
}
_PATTERN_INK = {
    "done": "#ffffff",
    "in_progress": "rgba(255,255,255,0.6)",
    "not_started": "#8a8a8a",
    "not_applicable": "#9a9a9a",
}
STATUS_SYMBOLS: dict[str, str] = {
    "done": "✓",
    "in_progress": "◐",
    "not_started": "✗",
    "not_applicable": "–",
}
# A timeline step: done and current reuse the item colours; late is dark red with a cross.
STEP_ORDER = ("done", "current", "late", "upcoming")
STEP_COLORS: dict[str, str] = {
    "done": STATUS_COLORS["done"],
    "current": STATUS_COLORS["in_progress"],
    "late": "#a50f15",
    "upcoming": STATUS_COLORS["not_started"],
}
STEP_PATTERNS: dict[str, str] = {"done": "", "current": ".", "late": "x", "upcoming": ""}
LANES = ("IIT", "EIT", "OIT", "general")
_NUMBERED = re.compile(r"^\s*[(\[]?[0-9๐-๙]+[.)\]]")
BORDER = "#6b6b6b"
TODAY_COLOR = "#0b3d91"


def status_name(status: str, lang: str) -> str:
    return status_label(status, lang)


def step_name(state: str, lang: str) -> str:
    return t(f"step.{state}", lang)


def _font(size: int = FONT_SIZE, color: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"family": FONT_FAMILY, "size": size}
    if color:
        out["color"] = color
    return out


def style(fig: go.Figure, *, height: int, legend: bool = True) -> go.Figure:
    """The house look: Thai font everywhere, white background, legend on top, tight margins."""
    fig.update_layout(
        template="plotly_white",
        font=_font(color="#262730"),
        hoverlabel={"font": _font(13)},
        height=height,
        margin={"l": 8, "r": 8, "t": 40 if legend else 12, "b": 8},
        showlegend=legend,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "font": _font(13),
            "title": {"text": ""},
            "traceorder": "normal",
        },
        uniformtext={"minsize": 11, "mode": "hide"},
        separators=".,",
    )
    fig.update_xaxes(automargin=True, tickfont=_font(13))
    fig.update_yaxes(automargin=True, tickfont=_font(13))
    return fig


def fixed_margins(fig: go.Figure, labels: Sequence[str], *, right: int = 8) -> go.Figure:
    """Margins set from the labels instead of Plotly's automargin, which draws a chart twice or
    three times to find them (half the time a page with two bar charts spends in the browser)."""
    fig.update_yaxes(automargin=False)
    fig.update_xaxes(automargin=False)
    margin = fig.layout.margin
    fig.update_layout(
        margin={
            "l": _label_px(labels) + 24,
            "r": max(right, margin.r or 0),
            "t": margin.t,
            "b": (margin.b or 0) + 48,
        }
    )
    return fig


def _status_bar(status: str, lang: str, **kwargs: Any) -> go.Bar:
    return go.Bar(
        name=status_name(status, lang),
        orientation="h",
        marker=_status_marker(status),
        textposition="inside",
        insidetextanchor="middle",
        textfont=_font(13, STATUS_TEXT_COLORS[status]),
        legendgroup=status,
        **kwargs,
    )


# --------------------------------------------------------------------------- completion


def subindicator_bars(
    by_sub: pd.DataFrame, lang: str = "th", *, label_width: int = 38
) -> go.Figure:
    """Items of each OIT sub-indicator, stacked by status (counts, labelled in the bars)."""
    name_col = "name_en" if lang == "en" else "name_th"
    by_sub = by_sub.sort_values(
        "subindicator", key=lambda s: s.map(lambda c: tuple(int(p) for p in str(c).split(".")))
    )
    labels = [
        _wrap(f"{row.subindicator} {getattr(row, name_col)}", label_width)
        for row in by_sub.itertuples(index=False)
    ]
    full = [
        f"{c} {plain(n)}" for c, n in zip(by_sub["subindicator"], by_sub[name_col], strict=True)
    ]
    fig = go.Figure()
    for status in STATUS_ORDER:
        counts = by_sub[status].astype(int).tolist()
        fig.add_trace(
            _status_bar(
                status,
                lang,
                y=labels,
                x=counts,
                text=[str(c) if c else "" for c in counts],
                customdata=list(zip(full, by_sub["total"], strict=True)),
                hovertemplate="%{customdata[0]}<br>"
                + status_name(status, lang)
                + ": %{x} / %{customdata[1]}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", bargap=0.25)
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title={"text": t("chart.items", lang), "font": _font(13)}, dtick=2)
    style(fig, height=90 + _row_px(labels, 44) * max(len(by_sub), 1))
    return fixed_margins(fig, labels)


def division_bars(
    by_div: pd.DataFrame,
    overdue: Mapping[str, int] | None = None,
    lang: str = "th",
    *,
    label_width: int = 30,
) -> go.Figure:
    """Each division's share of its items by status (worst first), with its overdue count."""
    overdue = overdue or {}
    name_col = "name_en" if lang == "en" else "name_th"
    table = by_div.sort_values(["pct_done", "total"], ascending=[True, False], kind="stable")
    labels = [_wrap(n, label_width) for n in table[name_col]]
    totals = table["total"].clip(lower=1)
    fig = go.Figure()
    for status in STATUS_ORDER:
        counts = table[status].astype(int)
        share = (100 * counts / totals).round(1)
        fig.add_trace(
            _status_bar(
                status,
                lang,
                y=labels,
                x=share.tolist(),
                text=[str(c) if c else "" for c in counts],
                customdata=list(
                    zip(map(plain, table[name_col]), counts, table["total"], strict=True)
                ),
                hovertemplate="%{customdata[0]}<br>"
                + status_name(status, lang)
                + ": %{customdata[1]} / %{customdata[2]} (%{x:.0f}%)<extra></extra>",
            )
        )
    notes = []  # one list, set once: add_annotation copies the whole list on every call
    for label, div_id, pct in zip(labels, table["division"], table["pct_done"], strict=True):
        late = int(overdue.get(div_id, 0))
        note = f"{pct:.0f}%"
        if late:
            note += " · " + t("chart.overdue_n", lang, n=late)
        notes.append(
            {
                "x": 1.0,
                "xref": "paper",
                "xanchor": "left",
                "xshift": 6,
                "y": label,
                "yref": "y",
                "text": f"<b>{note}</b>" if late else note,
                "showarrow": False,
                "font": _font(13, STEP_COLORS["late"] if late else "#262730"),
            }
        )
    fig.update_layout(annotations=notes)
    fig.update_layout(barmode="stack", bargap=0.25)
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(
        range=[0, 100],
        ticksuffix="%",
        title={"text": t("chart.share_of_items", lang), "font": _font(13)},
    )
    fig = style(fig, height=90 + _row_px(labels, 36) * max(len(table), 1))
    return fixed_margins(fig, labels, right=110)


def status_heatmap(
    items: pd.DataFrame, divisions: pd.DataFrame, lang: str = "th", *, label_width: int = 28
) -> go.Figure:
    """Divisions (rows) × items (columns): each owner's own status; blank where not an owner."""
    code = {s: i for i, s in enumerate(STATUS_ORDER)}
    name_col = "name_en" if lang == "en" else "name_th"
    div_ids = list(divisions["division"])
    div_names = [_short(n, label_width) for n in divisions[name_col]]
    item_codes = list(items["item"])
    item_names = list(items[name_col])
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for div_id, div_name in zip(div_ids, divisions[name_col], strict=True):
        zrow: list[float | None] = []
        trow: list[str] = []
        hrow: list[str] = []
        for item_code, item_name, owners in zip(
            item_codes, item_names, items["owner_status"], strict=True
        ):
            status = owners.get(div_id) if isinstance(owners, Mapping) else None
            zrow.append(None if status is None else code[status])
            trow.append("" if status is None else STATUS_SYMBOLS[status])
            what = status_name(status, lang) if status else t("chart.not_owner", lang)
            hrow.append(f"{item_code} {_short(item_name, 60)}<br>{div_name}: {what}")
        z.append(zrow)
        text.append(trow)
        hover.append(hrow)
    n = len(STATUS_ORDER)
    scale = []
    for i, status in enumerate(STATUS_ORDER):
        scale += [(i / n, STATUS_COLORS[status]), ((i + 1) / n, STATUS_COLORS[status])]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=item_codes,
            y=div_names,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=scale,
            zmin=-0.5,
            zmax=n - 0.5,
            showscale=False,
            xgap=2,
            ygap=2,
            hoverongaps=False,
        )
    )
    # The heat map cannot carry patterns, so each cell carries a symbol (white on the dark
    # colours), and the legend says which symbol is which.
    cells = [
        (x, y, mark)
        for y, row in zip(div_names, text, strict=True)
        for x, mark in zip(item_codes, row, strict=True)
        if mark
    ]
    ink = {STATUS_SYMBOLS[s]: STATUS_TEXT_COLORS[s] for s in STATUS_ORDER}
    fig.add_trace(
        go.Scatter(
            x=[c[0] for c in cells],
            y=[c[1] for c in cells],
            text=[c[2] for c in cells],
            mode="text",
            textfont={"family": FONT_FAMILY, "size": 12, "color": [ink[c[2]] for c in cells]},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for status in STATUS_ORDER:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=f"{STATUS_SYMBOLS[status]} {status_name(status, lang)}",
                marker={
                    "symbol": "square",
                    "size": 14,
                    "color": STATUS_COLORS[status],
                    "line": {"color": BORDER, "width": 1},
                },
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(
        side="top", tickangle=-90, tickfont=_font(11), showgrid=False, dtick=1, type="category"
    )
    fig.update_yaxes(autorange="reversed", showgrid=False, type="category")
    fig = style(fig, height=140 + 30 * max(len(div_ids), 1))
    fig.update_layout(
        legend={"y": -0.02, "yanchor": "top"},
        margin={"t": 8, "b": 40},
        plot_bgcolor="#ffffff",  # white: not an owner (not applicable is light grey with –)
    )
    return fig


# --------------------------------------------------------------------------- timeline


def _to_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    try:
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None


def _period_bounds(value: Any) -> tuple[date | None, date | None]:
    if value is None:
        return None, None
    if isinstance(value, Mapping):
        return _to_date(value.get("start")), _to_date(value.get("end"))
    start, end = getattr(value, "start", None), getattr(value, "end", None)
    return _to_date(start), _to_date(end)


def step_states(steps: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Add ``state`` (done / current / late / upcoming) and ``is_event`` to timeline rows.

    A step whose window has passed counts as done unless its status says otherwise, in which
    case it is late; the window holding ``as_of`` is current.
    """
    out = steps.copy()
    states, events, starts, ends = [], [], [], []
    status_col = out["status"] if "status" in out else pd.Series([None] * len(out))
    for start_raw, end_raw, status in zip(
        out.get("start", []), out.get("end", pd.Series([None] * len(out))), status_col, strict=False
    ):
        start = _to_date(start_raw)
        end = _to_date(end_raw)
        is_event = end is None or end == start
        last = end or start
        status = (
            None if status is None or (isinstance(status, float) and pd.isna(status)) else status
        )
        if start is None:
            state = "upcoming"
        elif status == "done":
            state = "done"
        elif last < as_of:
            state = "late" if status in ("in_progress", "not_started") else "done"
        elif start <= as_of:
            state = "current"
        else:
            state = "upcoming"
        states.append(state)
        events.append(is_event)
        starts.append(start)
        ends.append(last)
    out["start_date"] = starts
    out["end_date"] = ends
    out["state"] = states
    out["is_event"] = events
    return out


def lane_states(steps: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The steps with their state on ``as_of`` (``step_states``), each in its lane (IIT, EIT,
    OIT, general: an unknown phase is general), in lane order, then by dates."""
    states = step_states(steps, as_of) if len(steps) else pd.DataFrame()
    if len(states):
        states["lane"] = states["phase"].fillna("general") if "phase" in states else "general"
        states["lane"] = [lane if lane in LANES else "general" for lane in states["lane"]]
        states["_lane_order"] = states["lane"].map({lane: i for i, lane in enumerate(LANES)})
        states = states.sort_values(["_lane_order", "start_date", "end_date"], kind="stable")
    return states


def month_ticks(first: date, last: date, lang: str = "th") -> tuple[list[date], list[str]]:
    """One tick per month: 'ม.ค.' with the Buddhist-Era year under January and the first tick."""
    vals, texts = [], []
    y, m = first.year, first.month
    while date(y, m, 1) <= last:
        d = date(y, m, 1)
        label = MONTHS_TH_ABBR[m - 1] if lang == "th" else d.strftime("%b")
        if m == 1 or not vals:
            label += f"<br>{y + 543}"
        vals.append(d)
        texts.append(label)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return vals, texts


def _lane_label(lane: str, lang: str) -> str:
    return t("lane.general", lang) if lane == "general" else lane


def _bar_width_ms(start: date, end: date) -> int:
    return ((end + timedelta(days=1)) - start).days * 86_400_000


def timeline_figure(
    steps: pd.DataFrame,
    measures: pd.DataFrame | None,
    as_of: date,
    lang: str = "th",
    *,
    label_width: int = 48,
) -> go.Figure:
    """A Gantt chart: one row per ITA step, grouped in lanes IIT / EIT / OIT / general, one row
    of meetings (markers), then the measures' periods on the same time axis; a line at
    ``as_of``; months in Thai with Buddhist-Era years."""
    states = lane_states(steps, as_of)
    windows = states[~states["is_event"]] if len(states) else states
    events = states[states["is_event"]] if len(states) else states
    measure_rows = _measure_windows(measures, lang, label_width) if measures is not None else []

    # Rows as a two-level category axis: [lane, label]. Labels are made unique per lane.
    outer: list[str] = []
    inner: list[str] = []
    seen: set[tuple[str, str]] = set()

    def row_of(lane: str, label: str) -> tuple[str, str]:
        key = (lane, label)
        n = 2
        while key in seen:
            key = (lane, f"{label} ({n})")
            n += 1
        seen.add(key)
        outer.append(key[0])
        inner.append(key[1])
        return key

    step_rows: dict[Any, tuple[str, str]] = {}
    for idx, row in windows.iterrows() if len(windows) else []:
        step_rows[idx] = row_of(_lane_label(row["lane"], lang), _wrap(row["activity"], label_width))
    meeting_row: tuple[str, str] | None = None
    if len(events):
        meeting_row = row_of(_lane_label("general", lang), t("timeline.meeting", lang))
    m_rows = [
        row_of(
            t("lane.measures", lang),
            m["label"] if _NUMBERED.match(m["label"]) else f"{i + 1}. {m['label']}",
        )
        for i, m in enumerate(measure_rows)
    ]
    first, last = _x_range(states, measure_rows, as_of)

    fig = go.Figure()
    # A multicategory axis orders rows by first appearance: a zero-width trace fixes the order.
    fig.add_trace(
        go.Bar(
            base=[pd.Timestamp(first)] * len(outer),
            x=[0] * len(outer),
            y=[outer, inner],
            orientation="h",
            marker={"color": "rgba(0,0,0,0)"},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    for state in STEP_ORDER:
        mine = windows[windows["state"] == state] if len(windows) else windows
        if not len(mine):
            continue
        ys = [step_rows[i] for i in mine.index]
        fig.add_trace(
            go.Bar(
                name=step_name(state, lang),
                orientation="h",
                base=[pd.Timestamp(d) for d in mine["start_date"]],
                x=[
                    _bar_width_ms(s, e)
                    for s, e in zip(mine["start_date"], mine["end_date"], strict=True)
                ],
                y=[[y[0] for y in ys], [y[1] for y in ys]],
                width=0.7,
                customdata=[
                    f"<b>{plain(a)}</b><br>{_range_text(s, e, lang)}<br>{step_name(state, lang)}"
                    for a, s, e in zip(
                        mine["activity"], mine["start_date"], mine["end_date"], strict=True
                    )
                ],
                hovertemplate="%{customdata}<extra></extra>",
                marker=_step_marker(state),
                legendgroup=state,
            )
        )
    if meeting_row is not None:
        fig.add_trace(
            go.Scatter(
                name=t("timeline.meeting", lang),
                mode="markers",
                x=[pd.Timestamp(d) + pd.Timedelta(hours=12) for d in events["start_date"]],
                y=[[meeting_row[0]] * len(events), [meeting_row[1]] * len(events)],
                marker={
                    "symbol": "diamond",
                    "size": 16,
                    "color": [STEP_COLORS[s] for s in events["state"]],
                    "line": {"color": "#222222", "width": 1.2},
                },
                customdata=[
                    f"<b>{plain(a)}</b><br>{_range_text(d, d, lang)}<br>{step_name(s, lang)}"
                    for a, d, s in zip(
                        events["activity"], events["start_date"], events["state"], strict=True
                    )
                ],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    for status in STATUS_ORDER:
        mine_m = [
            (r, m) for r, m in zip(m_rows, measure_rows, strict=True) if m["status"] == status
        ]
        if not mine_m:
            continue
        fig.add_trace(
            go.Bar(
                name=status_name(status, lang),
                orientation="h",
                base=[pd.Timestamp(m["start"]) for _, m in mine_m],
                x=[_bar_width_ms(m["start"], m["end"] or last) for _, m in mine_m],
                y=[[r[0] for r, _ in mine_m], [r[1] for r, _ in mine_m]],
                width=0.7,
                marker=_status_marker(status),
                customdata=[
                    f"<b>{plain(m['measure'])}</b><br>"
                    + (
                        _range_text(m["start"], m["end"], lang)
                        if m["end"]
                        else f"{format_date(m['start'], style='short', lang=lang)} – "
                        + t("timeline.open_end", lang)
                    )
                    + f"<br>{status_name(status, lang)}"
                    for _, m in mine_m
                ],
                hovertemplate="%{customdata}<extra></extra>",
                legendgroup=f"measure-{status}",
                showlegend=False,
            )
        )

    vals, texts = month_ticks(first, last, lang)
    fig.update_xaxes(
        type="date",
        range=[pd.Timestamp(first), pd.Timestamp(last)],
        tickvals=[pd.Timestamp(v) for v in vals],
        ticktext=texts,
        showgrid=True,
        gridcolor="#e3e3e3",
    )
    fig.update_yaxes(
        type="multicategory",
        autorange="reversed",
        showgrid=False,
        showdividers=True,
        dividercolor="#9e9e9e",
        tickson="boundaries",
        tickfont=_font(12),
    )
    today = pd.Timestamp(as_of) + pd.Timedelta(hours=12)
    fig.add_shape(
        type="line",
        x0=today,
        x1=today,
        xref="x",
        y0=0,
        y1=1,
        yref="paper",
        line={"color": TODAY_COLOR, "width": 2, "dash": "dash"},
    )
    fig.add_annotation(
        x=today,
        xref="x",
        y=1.0,
        yref="paper",
        yanchor="bottom",
        text=f"<b>{t('timeline.today', lang)} {format_date(as_of, style='short', lang=lang)}</b>",
        showarrow=False,
        font=_font(13, TODAY_COLOR),
        bgcolor="rgba(255,255,255,0.9)",
    )
    n_rows = len(outer)
    fig = style(fig, height=150 + _row_px(inner, 30) * max(n_rows, 3))
    fig.update_layout(
        barmode="overlay",
        legend={"yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        margin={"t": 30, "b": 60},
    )
    # margins from the labels (lane beside activity), not automargin's extra drawing passes;
    # below: two lines of month ticks, then the legend
    fig.update_xaxes(automargin=False)
    fig.update_yaxes(automargin=False, ticklabelstandoff=6)
    fig.update_layout(margin={"l": _label_px(inner) + _label_px(outer) + 54, "b": 110})
    return fig


def _step_marker(state: str) -> dict[str, Any]:
    return {
        "color": STEP_COLORS[state],
        "line": {"color": BORDER, "width": 0.6},
        "pattern": {"shape": STEP_PATTERNS[state], "fgcolor": "#ffffff", "solidity": 0.2},
    }


def _status_marker(status: str) -> dict[str, Any]:
    return {
        "color": STATUS_COLORS[status],
        "line": {"color": BORDER, "width": 0.6},
        "pattern": {
            "shape": STATUS_PATTERNS[status],
            "fgcolor": _PATTERN_INK[status],
            "solidity": 0.2,
        },
    }


def _range_text(start: date, end: date, lang: str) -> str:
    if start == end:
        return format_date(start, style="long", lang=lang)
    first = format_date(start, style="short", lang=lang)
    return f"{first} – {format_date(end, style='short', lang=lang)}"


def _measure_windows(measures: pd.DataFrame, lang: str, label_width: int) -> list[dict[str, Any]]:
    """One bar per measure (its actions' periods merged), in the measures' order."""
    if measures is None or not len(measures) or "period" not in measures:
        return []
    rows: dict[str, dict[str, Any]] = {}
    for rec in measures.to_dict("records"):
        start, end = _period_bounds(rec.get("period"))
        if start is None:
            continue
        name = str(rec.get("measure") or "")
        entry = rows.setdefault(
            name, {"measure": name, "start": start, "end": end, "open": end is None, "statuses": []}
        )
        entry["start"] = min(entry["start"], start)
        if end is None:
            entry["open"] = True
        elif entry["end"] is None or end > entry["end"]:
            entry["end"] = end
        status = rec.get("status")
        if isinstance(status, str):
            entry["statuses"].append(status)
    out = []
    for entry in rows.values():
        statuses = entry["statuses"]
        if statuses and all(s == "done" for s in statuses):
            entry["status"] = "done"
        elif any(s in ("done", "in_progress") for s in statuses):
            entry["status"] = "in_progress"
        elif statuses:
            entry["status"] = statuses[0]
        else:
            entry["status"] = "not_started"
        # two lines at most: a measure's name runs to 120 letters, and every row of the chart
        # is as tall as its tallest label (the whole name is in the hover and on its page)
        lines = _wrap(entry["measure"], label_width).split("<br>")
        if len(lines) > 2:
            lines = [lines[0], lines[1].rstrip() + "…"]
        entry["label"] = "<br>".join(lines)
        out.append(entry)
    return out


def _x_range(
    states: pd.DataFrame, measure_rows: Sequence[dict[str, Any]], as_of: date
) -> tuple[date, date]:
    dates = [as_of]
    if len(states):
        dates += [d for d in states["start_date"] if d] + [d for d in states["end_date"] if d]
    for m in measure_rows:
        dates.append(m["start"])
        if m["end"]:
            dates.append(m["end"])
    first = min(dates).replace(day=1)
    last = max(dates)
    last = (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date() + timedelta(days=1)
    return first, last
