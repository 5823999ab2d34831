"""The roll-up page's charts as HTML, CSS and SVG: one ``st.html`` each, laid out at once even
with hundreds of agencies on screen (a Plotly heat map of 300 rows took seconds).

Colours survive a grey print-out: the heat map's five score bands darken as the score falls
(their greys are in the same order as the scores) and each cell carries its value; the bars
that pass are dark, the others light with a border; no data is white, hatched, with a dash.
Every text is escaped here (agency names come from a sheet), hover text is each cell's
``title``. Words come from ``ui_text.yaml`` (``rollup_page.*``); dates are Buddhist Era.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd

from ita_model import rollup_figures as rf
from ita_model.charts import BORDER, STATUS_COLORS
from ita_model.html_charts import CHART_CLASS, esc, hover
from ita_model.i18n import t
from ita_model.thai import format_date

# the score bands of the heat map: (lowest score, fill, ink), worst first; greys in order
BANDS: tuple[tuple[float, str, str], ...] = (
    (0.0, "#7f0000", "#ffffff"),
    (50.0, "#d7301f", "#ffffff"),
    (70.0, "#fc8d59", "#3b0a00"),
    (85.0, "#fdd49e", "#3b2500"),
    (95.0, "#fff7ec", "#262730"),
)
PASS_FILL = STATUS_COLORS["done"]  # a bar at or above the pass mark
BELOW_FILL = STATUS_COLORS["not_started"]  # a bar below it
HATCH = "repeating-linear-gradient(45deg,#b0b0b0 0 1px,transparent 1px 6px)"

CSS = (
    "<style>"
    ".rl{margin:0 0 .75rem;font-size:14px;color:#262730;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".rl-legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0 0 .5rem;font-size:13px}"
    ".rl-key{display:inline-flex;align-items:center;gap:.35rem}"
    f".rl-sw{{display:inline-block;width:1.1rem;height:.9rem;border:1px solid {BORDER}}}"
    ".rl-heat{border-collapse:collapse;width:100%;font-size:13px;line-height:1.3}"
    ".rl-heat th{font-weight:600;color:#444;padding:.3rem .25rem;text-align:center;"
    "border-bottom:1px solid #9e9e9e;vertical-align:bottom}"
    ".rl-heat th.rl-name,.rl-heat td.rl-name{text-align:left;padding-left:.4rem}"
    ".rl-heat td{border:1px solid #fff;padding:.25rem .2rem;text-align:center;"
    "font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".rl-heat td.rl-name{white-space:normal;min-width:11rem;border:0;"
    "border-bottom:1px solid #eee}"
    ".rl-heat td.rl-rank{color:#666;border:0;border-bottom:1px solid #eee;width:2.5rem}"
    ".rl-heat td.rl-total{font-weight:700;border-left:2px solid #262730}"
    ".rl-heat small{color:#666}"
    f".rl-none{{background:{HATCH},#fff;color:#555}}"
    ".rl-names{font-size:12.5px;color:#444;margin:.35rem 0 0}"
    ".rl-cols{display:flex;align-items:flex-end;gap:3px;height:12rem;position:relative;"
    "border-bottom:1px solid #9e9e9e;padding-top:1.2rem}"
    ".rl-col{flex:1;display:flex;flex-direction:column;justify-content:flex-end;"
    "align-items:center;height:100%;position:relative}"
    f".rl-col i{{display:block;width:100%;border:1px solid {BORDER};box-sizing:border-box}}"
    ".rl-col b{font-size:12px;font-weight:600;margin-bottom:.1rem}"
    ".rl-ticks{display:flex;gap:3px;font-size:11.5px;color:#555}"
    ".rl-ticks span{flex:1;text-align:left;transform:translateX(-.4em)}"
    ".rl-mark{position:absolute;top:0;bottom:0;border-left:2px dashed #0b3d91}"
    ".rl-mark span{position:absolute;top:0;left:.25rem;font-size:12px;color:#0b3d91;"
    "white-space:nowrap}"
    ".rl-title{font-size:13px;color:#555;text-align:center;margin-top:.2rem}"
    ".rl-bars{display:grid;grid-template-columns:minmax(6rem,38%) 1fr auto;gap:.3rem .6rem;"
    "align-items:center}"
    ".rl-label{font-size:13px;text-align:right;line-height:1.35}"
    ".rl-track{height:1.5rem;border-left:1px solid #9e9e9e;display:flex}"
    f".rl-track i{{display:block;height:100%;border:1px solid {BORDER};box-sizing:border-box}}"
    ".rl-note{font-size:13px;white-space:nowrap;font-variant-numeric:tabular-nums}"
    ".rl-heat td.rl-gap{min-width:10rem;text-align:left;border:0;border-bottom:1px solid #eee}"
    ".rl-gap div{display:flex;gap:.4rem;align-items:center}"
    ".rl-gap span{flex:none;min-width:3.2rem;text-align:right}"
    ".rl-gap b{flex:1}"
    f".rl-gap i{{display:block;height:.9rem;background:{BELOW_FILL};border:1px solid {BORDER};"
    "box-sizing:border-box}"
    ".rl-prog{display:grid;grid-template-columns:3.2rem 1fr;column-gap:.5rem}"
    ".rl-y{position:relative;height:11rem;font-size:12px;color:#555}"
    ".rl-y span{position:absolute;right:0;transform:translateY(-50%)}"
    ".rl-plot{position:relative;height:11rem;border-left:1px solid #9e9e9e;"
    "border-bottom:1px solid #9e9e9e;background-image:linear-gradient(to bottom,#e6e6e6 1px,"
    "transparent 1px);background-size:100% 25%}"
    f".rl-area{{position:absolute;inset:0;background:{PASS_FILL};opacity:.85}}"
    ".rl-dot{position:absolute;width:.5rem;height:.5rem;border-radius:50%;background:#262730;"
    "transform:translate(-50%,-50%)}"
    ".rl-hits{position:absolute;inset:0;display:flex}"
    ".rl-hits span{flex:1}"
    ".rl-x{position:relative;height:1.4rem;font-size:12px;color:#555}"
    ".rl-x span{position:absolute;top:.2rem;transform:translateX(-50%);white-space:nowrap}"
    ".rl-x span:first-child{transform:none}"
    ".rl-x span:last-child{transform:translateX(-100%)}"
    "</style>"
)


def band(score: float | None) -> tuple[str, str]:
    """The fill and ink of a score's band (``None``/NaN: no band)."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return "", ""
    fill, ink = BANDS[0][1], BANDS[0][2]
    for low, f, i in BANDS:
        if score >= low:
            fill, ink = f, i
    return fill, ink


def _number(value: object, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value):.{digits}f}"


def _figure(name: str, label: str, body: str) -> str:
    return (
        f'{CSS}<figure class="rl {CHART_CLASS}" data-chart="{esc(name)}" '
        f'aria-label="{esc(label)}">{body}</figure>'
    )


def _band_legend(lang: str) -> str:
    keys = []
    for n, (low, fill, _) in enumerate(BANDS):
        high = BANDS[n + 1][0] if n + 1 < len(BANDS) else None
        text = f"{low:g}–{high:g}" if high is not None else f"≥ {low:g}"
        if n == 0:
            text = f"< {high:g}"
        keys.append(
            f'<span class="rl-key"><i class="rl-sw" style="background:{fill}"></i>{esc(text)}'
            "</span>"
        )
    keys.append(
        f'<span class="rl-key"><i class="rl-sw rl-none"></i>'
        f"{esc('— ' + t('rollup_page.no_data', lang))}</span>"
    )
    return f'<div class="rl-legend">{"".join(keys)}</div>'


def _cell(score: float | None, tip: str, extra: str = "") -> str:
    fill, ink = band(score)
    if not fill:
        return f'<td class="rl-none {extra}" title="{tip}">—</td>'
    return (
        f'<td class="{extra}" style="background:{fill};color:{ink}" title="{tip}">'
        f"{_number(score)}</td>"
    )


def heat_map(
    agencies: pd.DataFrame,
    matrix: pd.DataFrame,
    names: Mapping[int, str],
    *,
    lang: str = "th",
    first_rank: int = 1,
    links: bool = False,
) -> str:
    """Agencies (rows, in the order given) × indicators (columns), each cell the indicator's
    score in its band's colour with the value written in it, the estimated total last.
    ``matrix``: ``rollup_figures.indicator_matrix`` of the same agencies. ``links``: one more
    column, the latest link check's problems of links checked (``agencies`` then carries
    ``rollup_links.with_links``'s columns: the PDF hand-out)."""
    total_word = t("rollup_page.col_total", lang)
    heads = [
        '<th class="rl-rank">#</th>',
        f'<th class="rl-name">{esc(t("rollup_page.col_agency", lang))}</th>',
    ]
    for number in matrix.columns:
        heads.append(f'<th title="{hover(names.get(int(number), ""))}">{int(number)}</th>')
    heads.append(f"<th>{esc(total_word)}</th>")
    if links:
        heads.append(f"<th>{esc(t('links_scope.col_with_problems', lang))}</th>")
    rows = []
    scores = matrix.to_numpy()
    for n, rec in enumerate(agencies.itertuples(index=False)):
        where = " · ".join(str(x) for x in (rec.province, rec.parent) if isinstance(x, str) and x)
        label = f"{esc(rec.name)}" + (f"<br><small>{esc(where)}</small>" if where else "")
        cells = [
            f'<td class="rl-rank">{first_rank + n}</td>',
            f'<td class="rl-name">{label}</td>',
        ]
        for number, score in zip(matrix.columns, scores[n], strict=True):
            value = None if pd.isna(score) else float(score)
            tip = hover(rec.name, f"{int(number)} {names.get(int(number), '')}", _number(value))
            cells.append(_cell(value, tip))
        total = None if pd.isna(rec.total) else float(rec.total)
        rating = f" ({rec.rating})" if isinstance(rec.rating, str) and rec.rating else ""
        tip = hover(rec.name, f"{total_word}: {_number(total, 2)}{rating}")
        cells.append(_cell(total, tip, "rl-total"))
        if links:
            counts = link_counts(rec.links_checked, rec.links_with_problems)
            cells.append(f'<td class="rl-links">{esc(counts)}</td>')
        rows.append(f'<tr data-agency="{esc(rec.agency)}">{"".join(cells)}</tr>')
    key = " · ".join(f"{n} {names[n]}" for n in sorted(names))
    body = (
        _band_legend(lang)
        + f'<table class="rl-heat"><thead><tr>{"".join(heads)}</tr></thead>'
        + f"<tbody>{''.join(rows)}</tbody></table>"
        + f'<p class="rl-names">{esc(t("rollup_page.indicators_key", lang) + " " + key)}</p>'
    )
    return _figure("heatmap", t("rollup_page.heatmap", lang), body)


def total_histogram(bins: pd.DataFrame, mark: float, *, lang: str = "th") -> str:
    """How many agencies in each band of estimated totals: a column per band, its count on
    top; the bands at or above the pass mark dark, the others light; the mark as a line."""
    most = max(int(bins["count"].max() or 0), 1)
    cols, ticks = [], []
    for rec in bins.itertuples(index=False):
        high = f"{rec.high:g}" if rec.high < 100 else "100"
        passes = rec.low >= mark
        fill = PASS_FILL if passes else BELOW_FILL
        tip = hover(
            f"{rec.low:g}–{high}",
            t("rollup_page.n_agencies", lang, n=f"{int(rec.count):,}"),
        )
        height = 100 * rec.count / most
        bar = f'<i style="height:{height:.1f}%;background:{fill}"></i>' if rec.count else ""
        cols.append(f'<div class="rl-col" title="{tip}"><b>{int(rec.count) or ""}</b>{bar}</div>')
        ticks.append(f"<span>{rec.low:g}</span>" if rec.low % 10 == 0 else "<span></span>")
    left = 100 * mark / 100
    mark_text = t("rollup_page.pass_mark", lang, mark=f"{mark:g}")
    body = (
        f'<div class="rl-cols">{"".join(cols)}'
        f'<div class="rl-mark" style="left:{left:.2f}%"><span>{esc(mark_text)}</span></div></div>'
        f'<div class="rl-ticks">{"".join(ticks)}</div>'
        f'<div class="rl-title">{esc(t("rollup_page.total_axis", lang))}</div>'
    )
    return _figure("totals", t("rollup_page.distribution", lang), body)


def _bars(rows: Sequence[tuple[str, float, str, str, str]], name: str, label: str) -> str:
    """Horizontal bars: (label, length 0–1, fill, note, hover) each."""
    cells = []
    for text, length, fill, note, tip in rows:
        style = f"width:{100 * max(min(length, 1.0), 0.0):.1f}%;" + (
            f"background:{fill}" if fill != "none" else f"background:{HATCH},#fff"
        )
        bar = f'<i style="{style}"></i>' if length > 0 else ""
        cells.append(f'<div class="rl-label">{esc(text)}</div>')
        cells.append(f'<div class="rl-track" title="{tip}">{bar}</div>')
        cells.append(f'<div class="rl-note">{esc(note)}</div>')
    return _figure(name, label, f'<div class="rl-bars">{"".join(cells)}</div>')


def rating_bars(counts: pd.DataFrame, *, lang: str = "th") -> str:
    """Agencies per rating, best first; the passing ratings dark, the others light, no rating
    hatched (``rollup_figures.rating_counts``)."""
    total = max(int(counts["count"].sum()), 1)
    most = max(int(counts["count"].max() or 0), 1)
    rows = []
    for rec in counts.itertuples(index=False):
        text = rec.rating or t("rollup_page.no_rating", lang)
        fill = "none" if not rec.rating else (PASS_FILL if rec.passes else BELOW_FILL)
        note = f"{rec.count:,} ({100 * rec.count / total:.0f}%)"
        rows.append((text, rec.count / most, fill, note, hover(text, note)))
    return _bars(rows, "ratings", t("rollup_page.ratings", lang))


def missing_bars(missing: pd.DataFrame, agencies: int, *, lang: str = "th") -> str:
    """The items most often missing: each item's count and share of the agencies that lack it
    (the longest bar is the item missing most often)."""
    rows = []
    most = max(float(missing["share"].max()) if len(missing) else 1.0, 1e-9)
    for rec in missing.itertuples(index=False):
        text = f"{rec.item} {rec.name}"
        note = t(
            "rollup_page.missing_note",
            lang,
            n=f"{int(rec.agencies_missing):,}",
            total=f"{agencies:,}",
            pct=f"{100 * float(rec.share):.0f}",
        )
        rows.append((text, float(rec.share) / most, BELOW_FILL, note, hover(text, note)))
    return _bars(rows, "missing", t("rollup_page.missing", lang))


def gap_table(below: pd.DataFrame, mark: float, *, lang: str = "th", first_rank: int = 1) -> str:
    """The agencies below the pass mark and by how much: a row each, the points still needed
    written and drawn (the longest bar the furthest behind)."""
    most = max(float(below["gap"].max()) if len(below) else 1.0, 1e-9)
    heads = [t(k, lang) for k in rf.BELOW_HEADERS]
    head = "".join(f"<th>{esc(h)}</th>" for h in heads)
    rows = []
    for n, rec in enumerate(below.itertuples(index=False)):
        width = 100 * float(rec.gap) / most
        province = rec.province if isinstance(rec.province, str) and rec.province else "—"
        rows.append(
            f'<tr data-agency="{esc(rec.agency)}"><td class="rl-rank">{first_rank + n}</td>'
            f'<td class="rl-name">{esc(rec.name)}</td><td>{esc(province)}</td>'
            f"<td>{_number(rec.total, 2)}</td><td>{esc(rec.rating or '—')}</td>"
            f'<td class="rl-gap"><div><span>{_number(rec.gap, 2)}</span><b>'
            f'<i style="width:{width:.1f}%"></i></b></div></td></tr>'
        )
    body = (
        f'<table class="rl-heat"><thead><tr><th class="rl-rank">#</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    label = t("rollup_page.below", lang, mark=f"{mark:g}")
    return _figure("below", label, body)


def _ticks(days: Sequence[date], most: int = 6) -> list[int]:
    if len(days) <= most:
        return list(range(len(days)))
    step = (len(days) - 1) / (most - 1)
    return sorted({round(i * step) for i in range(most)})


def progress_line(
    days: Sequence[date],
    values: Sequence[float],
    *,
    top: float,
    suffix: str,
    title: str,
    name: str,
    lang: str = "th",
    thai_digits: bool = False,
) -> str:
    """One series over the days as a filled area (a CSS polygon: ``st.html`` keeps no SVG), y
    from 0 to ``top``, the dates on the x axis in Buddhist Era; each day's value is the hover
    of its slice of the plot."""
    top = max(top, 1e-9)
    n = len(days)

    def x(i: int) -> float:
        return 100 * i / (n - 1) if n > 1 else 50.0

    def y(v: float) -> float:
        return 100 * (1 - min(max(v, 0.0), top) / top)

    if n > 1:
        corners = ["0% 100%", *(f"{x(i):.2f}% {y(float(v)):.2f}%" for i, v in enumerate(values))]
        corners.append("100% 100%")
        area = f'<div class="rl-area" style="clip-path:polygon({",".join(corners)})"></div>'
    else:
        area = ""
    dots = "".join(
        f'<i class="rl-dot" style="left:{x(i):.2f}%;top:{y(float(v)):.2f}%"></i>'
        for i, v in enumerate(values)
    )
    hits = "".join(
        '<span title="{}"></span>'.format(
            hover(
                format_date(d, style="short", lang=lang, thai_digits=thai_digits),
                f"{float(v):.0f}{suffix}",
            )
        )
        for d, v in zip(days, values, strict=True)
    )
    grid = "".join(
        f'<span style="top:{y(top * k / 4):.2f}%">{esc(f"{top * k / 4:.0f}{suffix}")}</span>'
        for k in range(5)
    )
    ticks = "".join(
        f'<span style="left:{x(i):.2f}%">'
        f"{esc(format_date(days[i], style='short', lang=lang, thai_digits=thai_digits))}</span>"
        for i in _ticks(days)
    )
    body = (
        f'<div class="rl-prog"><div class="rl-y">{grid}</div>'
        f'<div class="rl-plot">{area}{dots}<div class="rl-hits">{hits}</div></div>'
        f'<div></div><div class="rl-x">{ticks}</div></div>'
        f'<div class="rl-title">{esc(title)}</div>'
    )
    return _figure(name, title, body)


LINK_HEADERS = (
    "rollup_page.col_agency",
    "rollup_page.col_province",
    *(f"links_scope.col_{c}" for c in ("with_problems", "checked_at")),
)


def link_counts(checked: object, with_problems: object) -> str:
    """ "3 / 5": links with problems of links checked in the latest check; "—": never checked."""
    if pd.isna(checked):
        return "—"
    return f"{int(with_problems):,} / {int(checked):,}"


def link_rows(
    rows: pd.DataFrame, *, lang: str = "th", thai_digits: bool = False
) -> list[list[str]]:
    """Each agency of ``rollup_links.worst_links``: name, province, problems of links checked,
    and the day of the check in Buddhist Era, or "not checked yet" (the page's table, the
    hand-outs' short list)."""
    never = t("links_scope.never", lang)
    out = []
    for rec in rows.itertuples(index=False):
        province = rec.province if isinstance(rec.province, str) and rec.province else "—"
        if pd.isna(rec.links_checked):
            day = never
        else:
            when = pd.Timestamp(rec.links_checked_at).tz_convert("Asia/Bangkok").date()
            day = format_date(when, lang="en" if lang == "en" else "th", thai_digits=thai_digits)
        counts = link_counts(rec.links_checked, rec.links_with_problems)
        out.append([str(rec.name), province, counts, day])
    return out


def link_table(rows: pd.DataFrame, *, lang: str = "th", thai_digits: bool = False) -> str:
    """The agencies with the most links with problems in their latest kept check (``rollup_links
    .worst_links``): problems of links checked, and the day of the check in Buddhist Era, or
    "not checked yet"."""
    head = "".join(f"<th>{esc(t(k, lang))}</th>" for k in LINK_HEADERS)
    body = []
    cells = link_rows(rows, lang=lang, thai_digits=thai_digits)
    for n, (code, (name, province, counts, day)) in enumerate(
        zip(rows["agency"], cells, strict=True), start=1
    ):
        body.append(
            f'<tr data-agency="{esc(code)}"><td class="rl-rank">{n}</td>'
            f'<td class="rl-name">{esc(name)}</td><td>{esc(province)}</td>'
            f"<td>{esc(counts)}</td><td>{esc(day)}</td></tr>"
        )
    table = (
        f'<table class="rl-heat"><thead><tr><th class="rl-rank">#</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    return _figure("links", t("links_scope.heading", lang), table)
