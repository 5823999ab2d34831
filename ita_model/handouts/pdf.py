"""The A4 report: HTML laid out here, printed to PDF by headless Chromium.

Why a browser: Thai needs its vowels and tone marks placed by a shaping engine; Chromium's
(HarfBuzz) gets them right with the bundled Noto Sans Thai, which is embedded in the HTML as
data (so the PDF carries the font whatever the machine has installed). Charts are inline SVG from
plotly's static export: vector, sharp in print, their Thai in the same font. Page numbers come
from CSS page-margin boxes.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from ita_model.charts import STATUS_COLORS, STATUS_SYMBOLS, STATUS_TEXT_COLORS
from ita_model.handouts.chromium import print_pdf, render
from ita_model.handouts.figures import scaled
from ita_model.records import status_label
from ita_model.settings import ROOT

if TYPE_CHECKING:
    from ita_model.handouts.content import Chart, Handout

FONTS = ROOT / "static" / "fonts"
CHART_WIDTH = 900  # CSS px of an SVG chart, printed 182 mm wide: the dashboard's type at ~8 pt
CHART_MAX_HEIGHT = 900


@cache
def _font_faces() -> str:
    faces = []
    for weight, name in ((400, "NotoSansThai-Regular.ttf"), (700, "NotoSansThai-Bold.ttf")):
        data = base64.b64encode((FONTS / name).read_bytes()).decode("ascii")
        faces.append(
            '@font-face { font-family: "Noto Sans Thai"; font-style: normal; '
            f'font-weight: {weight}; src: url(data:font/ttf;base64,{data}) format("truetype"); }}'
        )
    return "\n".join(faces)


CSS = """
@page {
  size: A4;
  margin: 14mm 14mm 16mm 14mm;
  @bottom-left { content: "%(footer)s"; font: 8pt "Noto Sans Thai", sans-serif; color: #555; }
  @bottom-right {
    content: "%(page)s " counter(page) " / " counter(pages);
    font: 8pt "Noto Sans Thai", sans-serif; color: #555;
  }
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans Thai", "Noto Sans", sans-serif; font-size: 10pt; color: #111;
       line-height: 1.45; margin: 0; }
h1 { font-size: 17pt; margin: 0 0 1mm; line-height: 1.3; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 0.4mm solid #1b5e20; padding-bottom: 1mm;
     break-after: avoid; }
p.measure { font-weight: 700; margin: 3mm 0 1mm; break-after: avoid; }
.lead { break-after: avoid; }
table.measures { table-layout: fixed; }
.agency { font-size: 12pt; font-weight: 700; color: #1b5e20; margin: 0; }
.meta { color: #333; margin: 0 0 4mm; }
.sample { color: #8a4b00; font-weight: 700; }
.tiles { display: flex; gap: 3mm; margin: 3mm 0; }
.tile { flex: 1; border: 0.3mm solid #9e9e9e; border-radius: 2mm; padding: 2mm 3mm; }
.tile .label { font-size: 9pt; color: #333; }
.tile .value { font-size: 22pt; font-weight: 700; line-height: 1.2; }
.tile.main .value { font-size: 28pt; color: #0b3d91; }
.pass { color: #1b5e20; } .below { color: #a50f15; }
.note { font-size: 8.5pt; color: #444; }
ul.how { margin: 1mm 0 0 5mm; padding: 0; font-size: 8.5pt; color: #333; }
table { width: 100%%; border-collapse: collapse; font-size: 8.8pt; margin: 2mm 0; }
th, td { border: 0.2mm solid #b0b0b0; padding: 1mm 1.6mm; vertical-align: top; text-align: left; }
th { background: #eef3ee; font-weight: 700; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
.badge { display: inline-block; padding: 0 1.5mm; border-radius: 1mm;
         border: 0.2mm solid #6b6b6b; white-space: nowrap; }
th.short { white-space: nowrap; }
figure { margin: 3mm 0 5mm; break-inside: avoid; }
figure h2 { margin-top: 0; }
figure .headline { font-weight: 700; margin: 0 0 1mm; }
figure svg { width: 100%%; height: auto; display: block; }
.made { margin-top: 6mm; font-size: 8pt; color: #555; }
"""


def _e(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return escape(str(value))


def _badge(status: object, lang: str) -> str:
    if not isinstance(status, str) or status not in STATUS_SYMBOLS:
        return "—"
    style = f"background:{STATUS_COLORS[status]};color:{STATUS_TEXT_COLORS[status]}"
    text = f"{STATUS_SYMBOLS[status]} {status_label(status, lang)}"
    return f'<span class="badge" style="{style}">{escape(text)}</span>'


_UID = re.compile(r'id="defs-([0-9a-f]+)"')


def _inline_svg(svg: bytes, n: int) -> str:
    """An SVG for inlining: ids made unique per chart (plotly's clip paths and patterns)."""
    text = svg.decode("utf-8")
    found = _UID.search(text)
    if found:
        text = text.replace(found[1], f"{found[1]}c{n}")
    return text


def report_html(
    handout: Handout, svgs: list[bytes] | None = None, charts: list[Chart] | None = None
) -> str:
    """The whole report as one HTML document (``svgs``: the charts, in ``charts()`` order;
    ``charts``: those already made, else made here)."""
    h = handout
    est = h.estimate
    charts = charts if charts is not None else h.charts()
    svgs = svgs if svgs is not None else [b""] * len(charts)
    parts: list[str] = []
    add = parts.append

    add(f'<p class="agency">{_e(h.agency)}</p>')
    add(f"<h1>{_e(h.t('handout.title'))}</h1>")
    meta = [
        _e(h.t("common.fiscal_year", year=h.year)),
        _e(h.t("common.as_of", date=h.date_text(h.as_of))),
    ]
    if h.sample_only:
        meta.append(f'<span class="sample">{_e(h.t("handout.sample"))}</span>')
    add(f'<p class="meta">{" · ".join(meta)}</p>')

    # --- the score
    verdict_class = "" if est.passed is None else ("pass" if est.passed else "below")
    add('<div class="tiles">')
    add(
        f'<div class="tile main"><div class="label">{_e(h.t("handout.total"))}</div>'
        f'<div class="value">{_e(h.number(est.total))}</div></div>'
    )
    add(
        f'<div class="tile main"><div class="label">{_e(h.t("handout.grade"))}</div>'
        f'<div class="value">{_e(est.rating_in(h.lang))}</div></div>'
    )
    add(
        f'<div class="tile"><div class="label">{_e(h.t("meeting.slide.score"))}</div>'
        f'<div class="value {verdict_class}" style="font-size:15pt">{_e(h.verdict)}</div></div>'
    )
    add("</div>")
    add('<div class="tiles">')
    for label, value in (("OIT", est.oit), ("IIT", est.iit), ("EIT", est.eit)):
        add(
            f'<div class="tile"><div class="label">{label}</div>'
            f'<div class="value" style="font-size:16pt">{_e(h.number(value))}</div></div>'
        )
    add("</div>")
    add(f'<p class="note">{_e(h.t("handout.estimate_note"))}</p>')

    # --- the OIT indicators, by name: 9 การเปิดเผยข้อมูล, 10 การป้องกันการทุจริต
    add(f"<h2>{_e(h.t('handout.indicators'))}</h2>")
    add(
        "<table><thead><tr>"
        f"<th>{_e(h.t('handout.indicator'))}</th>"
        f'<th class="num">{_e(h.t("handout.done_of"))}</th>'
        f'<th class="num">{_e(h.t("handout.pct"))}</th>'
        f'<th class="num">{_e(h.t("handout.score"))}</th>'
        "</tr></thead><tbody>"
    )
    by_ind = h.readiness.by_indicator.set_index("indicator")
    for ind in h.framework.oit_indicators():
        row = by_ind.loc[ind.number] if ind.number in by_ind.index else None
        score = est.indicators[ind.number].score if ind.number in est.indicators else None
        add(
            f"<tr><td><b>{ind.number}</b> {_e(h.name(ind))}</td>"
            + (
                f'<td class="num">{int(row["done"])} / {int(row["total"])}</td>'
                f'<td class="num">{row["pct_done"]:.0f}%</td>'
                if row is not None
                else '<td class="num">—</td><td class="num">—</td>'
            )
            + f'<td class="num">{_e(h.number(score))}</td></tr>'
        )
        for sub in ind.subindicators:
            got = est.subindicators.get(sub.code)
            add(
                f'<tr class="sub"><td>&nbsp;&nbsp;{_e(sub.code)} {_e(h.name(sub))}</td>'
                f'<td class="num">{got.done if got else "—"} / {got.applicable if got else "—"}'
                '</td><td class="num"></td>'
                f'<td class="num">{_e(h.number(got.score if got else None))}</td></tr>'
            )
    add("</tbody></table>")
    add(f'<p class="note"><b>{_e(h.t("handout.how"))}</b></p><ul class="how">')
    for line in est.assumptions(h.lang):
        add(f"<li>{_e(line)}</li>")
    add("</ul>")

    # --- the charts
    for i, (chart, svg) in enumerate(zip(charts, svgs, strict=True)):
        add("<figure>")
        add(f"<h2>{_e(chart.title)}</h2>")
        if chart.headline:
            add(f'<p class="headline">{_e(chart.headline)}</p>')
        if svg:
            add(_inline_svg(svg, i))
        add("</figure>")

    # --- what is missing, and whose
    add(f"<h2>{_e(h.t('handout.missing'))}</h2>")
    missing = h.missing
    if not len(missing):
        add(f"<p>{_e(h.t('handout.nothing_missing'))}</p>")
    else:
        due = f" · {h.t('overview.oit_due', date=h.date_text(h.oit_due))}" if h.oit_due else ""
        add(f'<p class="note lead">{_e(h.t("handout.headline_missing", n=len(missing)) + due)}</p>')
        add(
            # widths that keep a status badge on one line and the short headers whole
            '<table><colgroup><col style="width:6%"><col style="width:33%">'
            '<col style="width:12%"><col style="width:21%"><col style="width:28%">'
            "</colgroup><thead><tr>"
            f'<th class="short">{_e(h.t("handout.col.item"))}</th>'
            f"<th>{_e(h.t('handout.col.name'))}</th>"
            f'<th class="short">{_e(h.t("handout.col.sub"))}</th>'
            f'<th class="short">{_e(h.t("handout.col.status"))}</th>'
            f"<th>{_e(h.t('handout.col.waiting_on'))}</th></tr></thead><tbody>"
        )
        waiting = missing["waiting_en" if h.en else "waiting_th"]
        for row, who in zip(missing.itertuples(index=False), waiting, strict=True):
            add(
                f"<tr><td>{_e(row.item)}</td><td>{_e(h.name(row._asdict()))}</td>"
                f"<td>{_e(row.subindicator)}</td><td>{_badge(row.status, h.lang)}</td>"
                f"<td>{_e(who)}</td></tr>"
            )
        add("</tbody></table>")

    # --- the links an assessor would stumble on (the last link check)
    if h.links:
        bad = h.bad_links
        add(f"<h2>{_e(h.t('links.with_problems'))}</h2>")
        add(f'<p class="note lead">{_e(f"{len(bad)} / {len(h.links)}")}</p>')
        if bad:
            add(
                "<table><thead><tr>"
                f"<th>{_e(h.t('links.col_item'))}</th><th>{_e(h.t('links.col_url'))}</th>"
                f"<th>{_e(h.t('links.col_result'))}</th></tr></thead><tbody>"
            )
            for r in bad:
                add(
                    f"<tr><td>{_e(r.item)}</td><td>{_e(r.url)}</td>"
                    f"<td>{_e(h.link_result(r))}</td></tr>"
                )
            add("</tbody></table>")

    # --- the measures
    measures = h.measures
    if len(measures):
        add(f"<h2>{_e(h.t('handout.measures'))}</h2>")
        cols = [
            ("action", "measures.action"),
            ("responsible", "measures.responsible"),
            ("period_label", "measures.period"),
            ("status", "col.status"),
            ("result", "measures.result"),
        ]
        for name, actions in measures.groupby("measure", sort=False):
            add(f'<p class="measure">{_e(name)}</p>')
            add(
                '<table class="measures"><colgroup>'
                + "".join(f'<col style="width:{w}%">' for w in (30, 14, 13, 21, 22))
                + "</colgroup><thead><tr>"
                + "".join(f"<th>{_e(h.t(key))}</th>" for _, key in cols)
                + "</tr></thead><tbody>"
            )
            for rec in actions.to_dict("records"):
                rec["period_label"] = h.period_text(rec)
                cells = []
                for col, _ in cols:
                    value = rec.get(col)
                    if col == "status":
                        cells.append(f"<td>{_badge(value, h.lang)}</td>")
                    else:
                        cells.append(f"<td>{_e(value)}</td>".replace("\n", "<br>"))
                add("<tr>" + "".join(cells) + "</tr>")
            add("</tbody></table>")

    add(f'<p class="made">{_e(h.t("handout.generated", date=h.date_text(h.made.date())))}</p>')

    footer = f"{h.agency_short} · {h.t('common.fiscal_year', year=h.year)}"
    css = CSS % {"footer": _css_string(footer), "page": _css_string(h.t("handout.page"))}
    lang = "en" if h.en else "th"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{_e(h.t('handout.title'))} · {_e(h.agency_short)}</title>"
        f"<style>{_font_faces()}\n{css}</style></head><body>" + "\n".join(parts) + "</body></html>"
    )


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def chart_svgs(handout: Handout, charts: list[Chart] | None = None) -> list[bytes]:
    figures = []
    for chart in charts if charts is not None else handout.charts():
        height = min(int(chart.figure.layout.height or 500), CHART_MAX_HEIGHT)
        figures.append(scaled(chart.figure, width=CHART_WIDTH, height=height))
    return render(figures, fmt="svg") if figures else []


def pdf_bytes(handout: Handout) -> bytes:
    charts = handout.charts()  # made once: building the figures takes a few tenths of a second
    return print_pdf(report_html(handout, chart_svgs(handout, charts), charts))
