"""The PowerPoint deck, 16:9, in the order of the meeting.

1. the headline: the estimated total, the grade, against the pass mark, OIT/IIT/EIT and the
   items done, as large editable text;
2. what is missing and whose: a native table, as many slides as the rows need (never
   "… and n more");
3. one slide per chart: a native, editable PowerPoint bar chart where the chart is bars only
   (``deck_parts.is_native``), else the chart as a picture (1920×1080, from ``images``).

Every slide has its title in the layout's title box (real text), the agency, fiscal year and
as-of date (Buddhist Era) at the foot, and the slide number; text is in Noto Sans Thai.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches

from ita_model.handouts.deck_parts import GREY, INK, is_native, native_bars, set_thai, table
from ita_model.handouts.deck_parts import text_box as _box
from ita_model.handouts.images import SLIDE_SCALE, render, slide_figures
from ita_model.i18n import t
from ita_model.records import status_label

if TYPE_CHECKING:
    from ita_model.handouts.content import Chart, Handout

SLIDE_W, SLIDE_H = Emu(12_192_000), Emu(6_858_000)  # 16:9, 13.33 × 7.5 in
MARGIN = Inches(0.4)
TITLE_H = Inches(0.85)
HEADLINE_H = Inches(0.5)
FOOTER_H = Inches(0.35)
MISSING_PT = 15  # the missing-items table: type size, column widths (fractions)
WIDTHS = [0.07, 0.36, 0.18, 0.39]
LINE = 1.35  # a Thai line's height, in points per point of type (vowels above and below)
GREEN = RGBColor(0x1B, 0x5E, 0x20)
RED = RGBColor(0xA5, 0x0F, 0x15)
BLUE = RGBColor(0x0B, 0x3D, 0x91)
CONTENT_W = SLIDE_W - 2 * MARGIN


class _Deck:
    def __init__(self, handout: Handout) -> None:
        self.h = handout
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_W, SLIDE_H
        self.layout = self.prs.slide_layouts[5]  # "Title Only": a real, editable title box
        self.slides: list[Any] = []

    def slide(self, title: str, notes: list[str]) -> Any:
        slide = self.prs.slides.add_slide(self.layout)
        box = slide.shapes.title
        box.left, box.top, box.width, box.height = MARGIN, Inches(0.2), CONTENT_W, TITLE_H
        frame = box.text_frame
        frame.word_wrap = True
        para = frame.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        run = para.add_run()
        run.text = title
        set_thai(run.font, 30, bold=True)
        slide.notes_slide.notes_text_frame.text = "\n".join(x for x in [title, *notes] if x)
        self.slides.append(slide)
        return slide

    def headline(self, slide: Any, text: str) -> None:
        if text:
            box = (MARGIN, Inches(0.2) + TITLE_H, CONTENT_W, HEADLINE_H)
            _box(slide, box, [(text, 18, {"color": GREEN})])

    def footers(self) -> None:
        top = SLIDE_H - FOOTER_H - Inches(0.1)
        for n, slide in enumerate(self.slides, start=1):
            box = (MARGIN, top, CONTENT_W - Inches(1.0), FOOTER_H)
            _box(slide, box, [(self.h.subtitle, 11, {"color": GREY})])
            box = (SLIDE_W - MARGIN - Inches(1.0), top, Inches(1.0), FOOTER_H)
            _box(
                slide,
                box,
                [(f"{n} / {len(self.slides)}", 11, {"color": GREY})],
                align=PP_ALIGN.RIGHT,
            )

    @property
    def body_top(self) -> int:
        return Inches(0.2) + TITLE_H + HEADLINE_H

    @property
    def body_h(self) -> int:
        return SLIDE_H - self.body_top - FOOTER_H - Inches(0.15)

    # ------------------------------------------------------------------ the slides

    def score(self) -> None:
        h, est = self.h, self.h.estimate
        slide = self.slide(t("meeting.slide.score", h.lang), est.assumptions(h.lang))
        self.headline(slide, h.t("handout.estimate_note"))
        top, gap = self.body_top + Inches(0.1), Inches(0.25)
        tile_w = Emu(int((CONTENT_W - 2 * gap) / 3))
        verdict = INK if est.passed is None else (GREEN if est.passed else RED)
        gap_text = "" if est.gap is None else f"{est.gap:+.2f}".replace("-", "−")
        big = [
            (h.t("handout.total"), [(h.number(est.total), 88, {"bold": True, "color": BLUE})]),
            (h.t("handout.grade"), [(est.grade or "—", 88, {"bold": True, "color": BLUE})]),
            (
                t("meeting.vs_pass", h.lang, mark=est.pass_mark),
                [(h.verdict, 36, {"bold": True, "color": verdict})]
                + ([(gap_text, 44, {"bold": True, "color": verdict})] if gap_text else []),
            ),
        ]
        for i, (label, lines) in enumerate(big):
            left = MARGIN + i * (tile_w + gap)
            _box(slide, (left, top, tile_w, Inches(2.6)), [(label, 20, {}), *lines])
        r = h.readiness
        small = [
            ("OIT", h.number(est.oit)),
            ("IIT", h.number(est.iit)),
            ("EIT", h.number(est.eit)),
            (t("overview.oit_done", h.lang), f"{r.done} / {r.total}"),
        ]
        tile_w = Emu(int((CONTENT_W - 3 * gap) / 4))
        top += Inches(2.9)
        for i, (label, value) in enumerate(small):
            left = MARGIN + i * (tile_w + gap)
            lines = [(label, 18, {}), (value, 44, {"bold": True})]
            _box(slide, (left, top, tile_w, Inches(1.5)), lines)

    def missing(self) -> None:
        h = self.h
        title = t("meeting.slide.missing", h.lang)
        missing = h.missing
        due = ""
        if h.oit_due is not None:
            due = h.t("overview.oit_due", date=h.date_text(h.oit_due, "short"))
            days = (h.oit_due - h.as_of).days
            if days >= 0:
                due += " · " + h.t("overview.days_left", n=days)
        count = h.t("handout.headline_missing", n=len(missing))
        if not len(missing):
            slide = self.slide(title, [])
            self.headline(slide, due)
            box = (MARGIN, self.body_top, CONTENT_W, Inches(1.5))
            _box(slide, box, [(h.t("handout.nothing_missing"), 40, {"bold": True, "color": GREEN})])
            return
        names = {key: h.name(d) for key, d in h.organisation.reporters().items()}
        rows = []
        for row in missing.itertuples(index=False):
            name = row.name_en if h.en and row.name_en else row.name_th
            who = ", ".join(names.get(d, d) for d in row.waiting_on)
            rows.append([row.item, str(name), status_label(row.status, h.lang), who])
        header = [h.t("handout.col.item"), h.t("handout.col.name"), h.t("handout.col.status")]
        header.append(h.t("handout.col.waiting_on"))
        pages = _pages(rows, WIDTHS, int(CONTENT_W), int(self.body_h), MISSING_PT)
        for n, part in enumerate(pages, start=1):
            suffix = f" ({n}/{len(pages)})" if len(pages) > 1 else ""
            slide = self.slide(title + suffix, [count, due])
            self.headline(slide, " · ".join(x for x in (count, due) if x))
            heights = [_row_height(r, WIDTHS, int(CONTENT_W), MISSING_PT) for r in part]
            box = (MARGIN, self.body_top, CONTENT_W, _row_height(header, WIDTHS, 0, MISSING_PT))
            table(slide, box, header, part, WIDTHS, MISSING_PT, heights)

    def charts(self) -> None:
        h = self.h
        named = slide_figures(h)
        pictures = [(name, fig) for name, chart, fig in named if not is_native(chart.figure)]
        pngs = dict(
            zip(
                (name for name, _ in pictures),
                render([fig for _, fig in pictures], fmt="png", scale=SLIDE_SCALE),
                strict=True,
            )
        )
        for name, chart, _ in named:
            self.chart(chart, pngs.get(name))

    def chart(self, chart: Chart, png: bytes | None) -> None:
        notes = [chart.headline]
        if chart.key in ("score", "year_on_year"):  # how the estimate was made, for the speaker
            notes += self.h.estimate.assumptions(self.h.lang)
        slide = self.slide(chart.title, notes)
        self.headline(slide, chart.headline)
        top, room_h = self.body_top, self.body_h
        if png is None:
            native_bars(slide, chart.figure, (MARGIN, top, CONTENT_W, room_h), 14)
            return
        # the picture: as large as fits between the headline and the footer, aspect kept
        height = room_h
        width = Emu(int(height * 16 / 9))
        if width > CONTENT_W:
            width = CONTENT_W
            height = Emu(int(width * 9 / 16))
        left = Emu(int((SLIDE_W - width) / 2))
        slide.shapes.add_picture(io.BytesIO(png), left, top, width, height)


def _row_height(row: list[str], widths: list[float], width: int, pt: float) -> int:
    """A table row's height (EMU) for its longest cell, wrapped: a Thai character at ``pt``
    is about 0.5 pt wide on average (vowel and tone marks take no width)."""
    lines = 1
    for text, frac in zip(row, widths, strict=True):
        per_line = max(int(frac * width / 12700 / (pt * 0.5)) - 2, 4) if width else 10**6
        lines = max(lines, -(-len(text) // per_line))
    return Emu(int((lines * pt * LINE + 8) * 12700))


def _pages(
    rows: list[list[str]], widths: list[float], width: int, room: int, pt: float
) -> list[list[list[str]]]:
    """The rows cut into slides, as many rows on each as fit ``room`` under the header."""
    budget = room - _row_height(["x"] * len(widths), widths, width, pt)
    pages: list[list[list[str]]] = [[]]
    used = 0
    for row in rows:
        need = _row_height(row, widths, width, pt)
        if pages[-1] and used + need > budget:
            pages.append([])
            used = 0
        pages[-1].append(row)
        used += need
    return pages


def deck_bytes(handout: Handout) -> bytes:
    """The deck as .pptx bytes: the headline, what is missing, then every chart."""
    deck = _Deck(handout)
    deck.score()
    deck.missing()
    deck.charts()
    deck.footers()
    props = deck.prs.core_properties
    props.title = f"{handout.t('handout.title')} · {handout.agency_short}"
    props.author = handout.agency
    buf = io.BytesIO()
    deck.prs.save(buf)
    return buf.getvalue()
