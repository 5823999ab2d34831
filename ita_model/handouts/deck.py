"""The PowerPoint deck: one 16:9 slide per chart, ready for the committee's meeting.

Each slide has the chart as a picture (1920×1080, from ``images``) and its title in the layout's
title box, so the title is real text that can be edited in PowerPoint; under it a line
with the headline figure, and at the foot the agency, fiscal year and as-of date (Buddhist Era).
Thai text is set in a font every Windows and macOS has (Tahoma) as both the Latin and the
complex-script typeface, so it shows the same on the projector's laptop.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from ita_model.handouts.images import SLIDE_SCALE, render, slide_figures

if TYPE_CHECKING:
    from pptx.text.text import _Run

    from ita_model.handouts.content import Handout

THAI_FONT = "Tahoma"
SLIDE_W, SLIDE_H = Emu(12_192_000), Emu(6_858_000)  # 16:9, 13.33 × 7.5 in
MARGIN = Inches(0.4)
TITLE_H = Inches(0.85)
HEADLINE_H = Inches(0.5)
FOOTER_H = Inches(0.35)
INK = RGBColor(0x11, 0x11, 0x11)
GREEN = RGBColor(0x1B, 0x5E, 0x20)
GREY = RGBColor(0x55, 0x55, 0x55)


def _thai(run: _Run, size: float, *, bold: bool = False, color: RGBColor = INK) -> None:
    """Size, weight, colour, and the Thai-capable typeface for Latin and complex script."""
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = color
    font.name = THAI_FONT
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:cs", "a:ea"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", THAI_FONT)


def _text_box(slide, left, top, width, height, text: str, size: float, **style) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    para.alignment = style.pop("align", PP_ALIGN.LEFT)
    run = para.add_run()
    run.text = text
    _thai(run, size, **style)


def deck_bytes(handout: Handout) -> bytes:
    """The deck as .pptx bytes (about one second per chart on two cores, most of it Chromium)."""
    named = slide_figures(handout)
    pngs = render([fig for _, _, fig in named], fmt="png", scale=SLIDE_SCALE)
    charts = [chart for _, chart, _ in named]
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    layout = prs.slide_layouts[5]  # "Title Only": a real, editable title box per slide
    footer = f"{handout.subtitle}"
    content_w = SLIDE_W - 2 * MARGIN
    for n, (chart, png) in enumerate(zip(charts, pngs, strict=True), start=1):
        slide = prs.slides.add_slide(layout)
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = MARGIN, Inches(0.2), content_w, TITLE_H
        frame = title.text_frame
        frame.word_wrap = True
        para = frame.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        run = para.add_run()
        run.text = chart.title
        _thai(run, 30, bold=True)
        top = Inches(0.2) + TITLE_H
        if chart.headline:
            _text_box(slide, MARGIN, top, content_w, HEADLINE_H, chart.headline, 18, color=GREEN)
        top += HEADLINE_H
        # the picture: as large as fits between the headline and the footer, aspect kept
        room_h = SLIDE_H - top - FOOTER_H - Inches(0.15)
        height = room_h
        width = Emu(int(height * 16 / 9))
        if width > content_w:
            width = content_w
            height = Emu(int(width * 9 / 16))
        left = Emu(int((SLIDE_W - width) / 2))
        slide.shapes.add_picture(io.BytesIO(png), left, top, width, height)
        _text_box(
            slide,
            MARGIN,
            SLIDE_H - FOOTER_H - Inches(0.1),
            content_w - Inches(1.0),
            FOOTER_H,
            footer,
            11,
            color=GREY,
        )
        _text_box(
            slide,
            SLIDE_W - MARGIN - Inches(1.0),
            SLIDE_H - FOOTER_H - Inches(0.1),
            Inches(1.0),
            FOOTER_H,
            f"{n} / {len(charts)}",
            11,
            color=GREY,
            align=PP_ALIGN.RIGHT,
        )
        lines = [chart.title, chart.headline]
        if chart.key in ("score", "year_on_year"):  # how the estimate was made, for the speaker
            lines += handout.estimate.assumptions(handout.lang)
        slide.notes_slide.notes_text_frame.text = "\n".join(line for line in lines if line)
    props = prs.core_properties
    props.title = f"{handout.t('handout.title')} · {handout.agency_short}"
    props.author = handout.agency
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
