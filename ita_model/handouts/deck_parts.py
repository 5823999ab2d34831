"""The PowerPoint deck's building blocks: Thai text, native bar charts, a table.

``native_bars`` turns a plotly figure made only of bars (the dashboard's stacked status bars,
the measures) into a PowerPoint bar chart with the same categories, series, colours and order:
the committee's secretary can edit its numbers and labels in PowerPoint. A figure with anything
else (a heat map, a timeline, a reference line such as the pass mark) is not drawable by
python-pptx without losing what it says; ``is_native`` tells the deck to use a picture.

Thai text is set in Noto Sans Thai, the font of the dashboard and the PDF, for the Latin, East
Asian and complex-script typefaces alike (PowerPoint picks the typeface by script: a run with
only the Latin one set would show its Thai in the theme's font).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go
from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

if TYPE_CHECKING:
    from pptx.text.text import Font

THAI_FONT = "Noto Sans Thai"
INK = RGBColor(0x11, 0x11, 0x11)
GREY = RGBColor(0x55, 0x55, 0x55)
_TAGS = re.compile(r"<[^>]+>")


def set_thai(font: Font, size: float, *, bold: bool = False, color: RGBColor = INK) -> None:
    """Size, weight, colour, and the Thai typeface for every script of a run or a chart."""
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = color
    font.name = THAI_FONT
    rpr = font._rPr if hasattr(font, "_rPr") else font._element  # a run's rPr, a chart's defRPr
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = etree.SubElement(rpr, qn(tag))
        el.set("typeface", THAI_FONT)


def text_box(
    slide: Any,
    box: tuple[int, int, int, int],
    lines: list[tuple[str, float, dict]],
    *,
    align: Any = PP_ALIGN.LEFT,
) -> Any:
    """A text box of one paragraph per (text, size, style) line, every run in the Thai font."""
    shape = slide.shapes.add_textbox(*box)
    frame = shape.text_frame
    frame.word_wrap = True
    for n, (text, size, style) in enumerate(lines):
        para = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        para.alignment = align
        run = para.add_run()
        run.text = text
        set_thai(run.font, size, **style)
    return shape


def plain(label: object) -> str:
    """A plotly label as plain text: tags dropped, line breaks as spaces, entities (a workbook's
    ``<`` kept as ``&lt;`` for plotly) back to their characters."""
    text = str(label).replace("<br>", " ").replace("<br />", " ")
    return " ".join(html.unescape(_TAGS.sub("", text)).split())


def is_native(fig: go.Figure) -> bool:
    """Only bars, with no reference line or band drawn over them."""
    return (
        bool(fig.data)
        and all(trace.type == "bar" for trace in fig.data)
        and not fig.layout.shapes
        and len({trace.orientation or "v" for trace in fig.data}) == 1
    )


def _full_names(fig: go.Figure) -> dict[str, str]:
    """A label shortened with "…" → the full name the bar carries in its hover data."""
    out: dict[str, str] = {}
    for trace in fig.data:
        for row in trace.customdata if trace.customdata is not None else ():
            values = row if isinstance(row, list | tuple) else [row]
            for value in values:
                if isinstance(value, str) and len(value) > 1:
                    out.setdefault(value, value)
    shortened: dict[str, str] = {}
    for trace in fig.data:
        for label in (trace.y if (trace.orientation or "v") == "h" else trace.x) or ():
            text = plain(label)
            if text.endswith("…"):
                stem = text[:-1].rstrip()
                match = next((name for name in out if name.startswith(stem)), None)
                if match:
                    shortened[text] = match
    return shortened


def _rgb(color: object) -> RGBColor | None:
    if isinstance(color, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        return RGBColor.from_string(color[1:])
    return None


def native_bars(slide: Any, fig: go.Figure, box: tuple[int, int, int, int], font_pt: float) -> Any:
    """``fig`` (bars only, see ``is_native``) as an editable PowerPoint bar chart in ``box``."""
    horizontal = (fig.data[0].orientation or "v") == "h"
    first = fig.data[0]
    cats_raw = list(first.y if horizontal else first.x)
    # a note written beside a bar (a division's "43% · overdue 4") goes into its label
    notes = {
        plain(a.y if horizontal else a.x): plain(a.text)
        for a in fig.layout.annotations or ()
        if (a.y if horizontal else a.x) is not None and a.text
    }
    full = _full_names(fig)
    shown = {
        plain(c): f"{plain(c)} ({notes[plain(c)]})" if plain(c) in notes else plain(c)
        for c in cats_raw
    }
    categories = [plain(c) for c in cats_raw]
    shown = {c: full.get(c, c) + label[len(c) :] for c, label in shown.items()}
    data = CategoryChartData()
    data.categories = [shown[c] for c in categories]
    kept = []
    for trace in fig.data:
        values = list(trace.x if horizontal else trace.y)
        keys = list(trace.y if horizontal else trace.x)
        by_cat = dict(zip((plain(k) for k in keys), values, strict=False))
        series = [by_cat.get(c) for c in categories]
        if not any(v for v in series if v is not None):
            continue  # a status no category has: no empty legend entry
        data.add_series(plain(trace.name or ""), [None if v is None else float(v) for v in series])
        kept.append(trace)
    stacked = fig.layout.barmode in ("stack", "relative")
    if horizontal:
        kind = XL_CHART_TYPE.BAR_STACKED if stacked else XL_CHART_TYPE.BAR_CLUSTERED
    else:
        kind = XL_CHART_TYPE.COLUMN_STACKED if stacked else XL_CHART_TYPE.COLUMN_CLUSTERED
    frame = slide.shapes.add_chart(kind, *box, data)
    chart = frame.chart
    set_thai(chart.font, font_pt)
    chart.has_legend = len(kept) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        set_thai(chart.legend.font, font_pt)
    plot = chart.plots[0]
    plot.gap_width = 40
    if stacked:
        plot.overlap = 100
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.show_value = True
    set_thai(labels.font, font_pt * 0.9)
    labels.number_format = "0;-0;;@"  # zero counts stay blank, as in the dashboard
    labels.number_format_is_linked = False
    cat_axis = chart.category_axis
    set_thai(cat_axis.tick_labels.font, font_pt)
    cat_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    axis = cat_axis._element  # every category named: no viewer may skip every other label
    skip = axis.find(qn("c:tickLblSkip"))
    if skip is None:
        skip = axis.makeelement(qn("c:tickLblSkip"), {})
        axis.insert_element_before(skip, "c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")
    skip.set("val", "1")
    if horizontal and fig.layout.yaxis.autorange == "reversed":
        cat_axis.reverse_order = True  # the first category on top, as on the page
    value_axis = chart.value_axis
    set_thai(value_axis.tick_labels.font, font_pt * 0.9)
    value_axis.has_major_gridlines = True
    span = (fig.layout.xaxis if horizontal else fig.layout.yaxis).range
    if span is not None and len(span) == 2 and None not in span:
        value_axis.minimum_scale, value_axis.maximum_scale = float(span[0]), float(span[1])
    for series, trace in zip(plot.series, kept, strict=True):
        color = trace.marker.color
        fill = series.format.fill
        if _rgb(color) is not None:
            fill.solid()
            fill.fore_color.rgb = _rgb(color)
        elif isinstance(color, list | tuple):  # a colour per bar
            for i, c in enumerate(color):
                if _rgb(c) is not None:
                    point = series.points[i].format.fill
                    point.solid()
                    point.fore_color.rgb = _rgb(c)
        text_color = getattr(trace.insidetextfont, "color", None) or getattr(
            trace.textfont, "color", None
        )
        if _rgb(text_color) is not None:
            series.data_labels.font.color.rgb = _rgb(text_color)
            set_thai(series.data_labels.font, font_pt * 0.9, color=_rgb(text_color))
            series.data_labels.show_value = True
            series.data_labels.number_format = "0;-0;;@"
            series.data_labels.number_format_is_linked = False
    return frame


def table(
    slide: Any,
    box: tuple[int, int, int, int],
    header: list[str],
    rows: list[list[str]],
    widths: list[float],
    font_pt: float,
    heights: list[int],
) -> Any:
    """A native table: a bold header row (``box``'s height), then ``rows`` of ``heights``;
    column widths as fractions of ``box``'s width."""
    left, top, width, head = box
    total = head + sum(heights)
    shape = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, total)
    grid = shape.table
    for i, frac in enumerate(widths):
        grid.columns[i].width = Emu(int(width * frac))
    for i, h in enumerate([head, *heights]):
        grid.rows[i].height = Emu(h)
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.text = ""
            para = cell.text_frame.paragraphs[0]
            run = para.add_run()
            run.text = value
            set_thai(run.font, font_pt, bold=r == 0 or c == 0, color=INK if r else GREY)
            cell.margin_top = cell.margin_bottom = Pt(2)
    return shape
