"""The History page's chart: items done by day, on a Buddhist-Era date axis with one tick a
day (Plotly's own date axis would print "Nov 30, 2026" and hourly ticks for daily data)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from ita_model.charts import _font, style
from ita_model.i18n import t
from ita_model.thai import format_date

# a qualitative palette readable in grey print too (lines also differ in dash)
COLORS = ("#1f5fa8", "#c2571a", "#2e7d32", "#6a3d9a", "#b8860b", "#00838f", "#ad1457")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
MOST_TICKS = 16  # beyond this many days, a tick every few days (labels would overlap)


def day_ticks(days: list[date], lang: str = "th") -> tuple[list[date], list[str]]:
    """One tick a day, each labelled in the Buddhist Era ('26 มี.ค. 2565'); every n-th day
    when there are too many to read."""
    days = sorted(set(days))
    if not days:
        return [], []
    step = max(1, -(-len(days) // MOST_TICKS))
    shown = days[::step]
    return shown, [format_date(d, style="short", lang=lang) for d in shown]


def progress_figure(frame: pd.DataFrame, lang: str = "th") -> go.Figure:
    """``frame``: day, name, done, total (one row per line and day) -> step lines by day."""
    fig = go.Figure()
    for n, (name, rows) in enumerate(frame.groupby("name", sort=False)):
        rows = rows.sort_values("day")
        fig.add_trace(
            go.Scatter(
                x=list(rows["day"]),
                y=list(rows["done"]),
                name=str(name),
                mode="lines+markers",
                line={"shape": "hv", "color": COLORS[n % len(COLORS)], "dash": DASHES[n % 6]},
                customdata=[
                    [format_date(d, style="short", lang=lang), int(total)]
                    for d, total in zip(rows["day"], rows["total"], strict=True)
                ],
                hovertemplate="%{customdata[0]}<br>" + str(name) + ": %{y} / %{customdata[1]}"
                "<extra></extra>",
            )
        )
    ticks, labels = day_ticks(list(frame["day"]), lang)
    fig.update_xaxes(
        type="date",
        tickmode="array",
        tickvals=ticks,
        ticktext=labels,
        title={"text": t("history.axis_day", lang), "font": _font(13)},
    )
    fig.update_yaxes(
        rangemode="tozero",
        dtick=1 if frame["done"].max() <= 10 else None,
        title={"text": t("history.axis_done", lang), "font": _font(13)},
    )
    fig.update_layout(title={"text": t("history.chart_title", lang), "font": _font(15)})
    style(fig, height=420)
    fig.update_layout(margin={"t": 80})
    return fig
