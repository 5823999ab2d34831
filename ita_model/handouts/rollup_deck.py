"""The roll-up's PowerPoint deck, 16:9, made of the agency deck's parts (``deck``, ``deck_parts``):
the key figures as large text, native editable charts (ratings, the spread of totals, progress),
then native tables of the agencies below the pass mark, the agencies with the most links with
problems (as on the page) and the items most often missing, as many slides as their rows need
(never "… and n more"). Thai in Noto Sans Thai; the scope, filters,
fiscal year and "as of" date (Buddhist Era) at the foot of every slide.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu, Inches

from ita_model import rollup_figures as rf
from ita_model import rollup_html
from ita_model.handouts.deck import BLUE, CONTENT_W, MARGIN, _Deck, _pages, _row_height
from ita_model.handouts.deck_parts import set_thai, table
from ita_model.handouts.deck_parts import text_box as _box

if TYPE_CHECKING:
    from ita_model.handouts.rollup_report import RollupHandout

TABLE_PT = 14


def _chart(deck: _Deck, title: str, kind: Any, categories: list[str], values: list[float]) -> None:
    slide = deck.slide(title, [])
    data = CategoryChartData()
    data.categories = categories
    data.add_series(title, values)
    box = (MARGIN, deck.body_top, CONTENT_W, deck.body_h)
    frame = slide.shapes.add_chart(kind, *box, data)
    chart = frame.chart
    chart.has_legend = False
    set_thai(chart.font, 14)
    if kind != XL_CHART_TYPE.LINE_MARKERS:
        plot = chart.plots[0]
        plot.has_data_labels = True
        set_thai(plot.data_labels.font, 13)


def _tables(
    deck: _Deck, title: str, header: list[str], rows: list[list[str]], widths: list[float]
) -> None:
    pages = _pages(rows, widths, int(CONTENT_W), int(deck.body_h), TABLE_PT)
    for n, part in enumerate(pages, start=1):
        suffix = f" ({n}/{len(pages)})" if len(pages) > 1 else ""
        slide = deck.slide(title + suffix, [])
        heights = [_row_height(r, widths, int(CONTENT_W), TABLE_PT) for r in part]
        box = (MARGIN, deck.body_top, CONTENT_W, _row_height(header, widths, 0, TABLE_PT))
        table(slide, box, header, part, widths, TABLE_PT, heights)


def deck_bytes(h: RollupHandout) -> bytes:
    deck = _Deck(h)  # type: ignore[arg-type]  # it reads only ``subtitle`` of its hand-out
    slide = deck.slide(h.t("rollup_page.handout_title"), [h.subtitle])
    deck.headline(slide, h.t("rollup_page.handout_kpis"))
    gap = Inches(0.25)
    tile_w = Emu(int((CONTENT_W - gap) / 2))
    for i, (label, value, note) in enumerate(h.key_figures()):
        left = MARGIN + (i % 2) * (tile_w + gap)
        top = deck.body_top + Inches(0.1) + (i // 2) * Inches(2.3)
        lines = [(label, 20, {}), (value, 54, {"bold": True, "color": BLUE}), (note, 16, {})]
        _box(slide, (left, top, tile_w, Inches(2.1)), lines)

    counts = rf.rating_counts(h.agencies, h.year, h.lang)
    _chart(
        deck,
        h.t("rollup_page.ratings"),
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        [r or h.t("rollup_page.no_rating") for r in counts["rating"]],
        [float(v) for v in counts["count"]],
    )
    bins = rf.total_bins(h.agencies)
    _chart(
        deck,
        h.t("rollup_page.distribution"),
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        [f"{lo:g}–{hi:g}" for lo, hi in zip(bins["low"], bins["high"], strict=True)],
        [float(v) for v in bins["count"]],
    )

    mark = h.mark
    behind = rf.below_pass(h.agencies, mark)
    title = h.t("rollup_page.below", mark=f"{mark:g}")
    if len(behind):
        header = [h.t(k) for k in rf.BELOW_HEADERS]
        rows = [
            [
                str(r.name),
                str(r.province or "—"),
                f"{r.total:.2f}",
                str(r.rating or "—"),
                f"{r.gap:.2f}",
            ]
            for r in behind.itertuples(index=False)
        ]
        _tables(deck, title, header, rows, [0.40, 0.18, 0.14, 0.12, 0.16])
    else:
        slide = deck.slide(title, [])
        deck.headline(slide, h.t("rollup_page.none_below"))

    worst = h.worst_links()
    title = h.t("links_scope.heading")
    if len(worst):
        header = [h.t(k) for k in rollup_html.LINK_HEADERS]
        rows = rollup_html.link_rows(worst, lang=h.lang, thai_digits=h.thai_digits)
        _tables(deck, title, header, rows, [0.40, 0.18, 0.22, 0.20])
    else:
        slide = deck.slide(title, [])
        deck.headline(slide, h.t("links_scope.none"))

    lacking = h.rollup.missing[h.rollup.missing["agencies_missing"] > 0]
    if len(lacking):
        header = [
            h.t("handout.col.item"),
            h.t("handout.col.name"),
            h.t("rollup_page.n_agencies", n=""),
        ]
        rows = [
            [
                str(r.item),
                str(r.name),
                h.t(
                    "rollup_page.missing_note",
                    n=f"{int(r.agencies_missing):,}",
                    total=f"{len(h.agencies):,}",
                    pct=f"{100 * float(r.share):.0f}",
                ),
            ]
            for r in lacking.itertuples(index=False)
        ]
        _tables(deck, h.t("rollup_page.missing"), header, rows, [0.08, 0.62, 0.30])

    progress = h.rollup.progress
    if len(progress):
        days = [h.date_text(d) for d in progress["day"]]
        _chart(
            deck,
            h.t("rollup_page.progress_passing"),
            XL_CHART_TYPE.LINE_MARKERS,
            days,
            [float(v) for v in progress["agencies_passing"]],
        )
        _chart(
            deck,
            h.t("rollup_page.progress_oit"),
            XL_CHART_TYPE.LINE_MARKERS,
            days,
            [round(100 * float(v), 1) for v in progress["mean_oit_done_share"]],
        )
    deck.footers()
    props = deck.prs.core_properties
    props.title = f"{h.t('rollup_page.handout_title')} · {h.scope}"
    buf = io.BytesIO()
    deck.prs.save(buf)
    return buf.getvalue()
