"""Hand-outs: what the committee takes away from a meeting, made from the loaded data.

``build_handout`` (``store_handout`` from what counts in the store, ``load_handout`` from files)
gathers the content once; ``export`` turns it
into one of ``FORMATS``:

- ``pdf``: an A4 report in Thai, laid out as HTML and printed by headless Chromium (perfect Thai
  shaping with the bundled Noto Sans Thai, charts as vector SVG);
- ``pptx``: a PowerPoint deck: the headline score, what is missing and whose, then one slide
  per chart (native, editable bar charts where the chart is bars), Thai in Noto Sans Thai;
- ``xlsx``: the consolidated status per item and per division, user text never a formula;
- ``png``: every chart at presentation size (plotly's static export, Debian's Chromium), zipped.

The PDF, PNG and PowerPoint pictures are drawn by one headless Chromium kept warm for the
process (``chromium``). Each is also ``python -m ita_model report --format …``.
"""

from __future__ import annotations

from ita_model.errors import HandoutError

FORMATS = ("pdf", "pptx", "xlsx", "png")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "application/zip",
}
SUFFIXES = {"pdf": ".pdf", "pptx": ".pptx", "xlsx": ".xlsx", "png": ".zip"}

from ita_model.handouts.content import (  # noqa: E402
    Chart,
    Handout,
    build_handout,
    load_handout,
    store_handout,
)

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "SUFFIXES",
    "Chart",
    "Handout",
    "build_handout",
    "export",
    "load_handout",
    "store_handout",
]


def export(handout: Handout, fmt: str) -> bytes:
    """The hand-out as the bytes of one file (``png``: a zip of one PNG per chart)."""
    if fmt == "pdf":
        from ita_model.handouts.pdf import pdf_bytes

        return pdf_bytes(handout)
    if fmt == "pptx":
        from ita_model.handouts.deck import deck_bytes

        return deck_bytes(handout)
    if fmt == "xlsx":
        from ita_model.handouts.workbook import workbook_bytes

        return workbook_bytes(handout)
    if fmt == "png":
        from ita_model.handouts.images import png_zip

        return png_zip(handout)
    raise ValueError(f"unknown hand-out format {fmt!r}; one of {', '.join(FORMATS)}")


def file_name(handout: Handout, fmt: str) -> str:
    """``ita-2565-25650327.pdf``: the fiscal year and the as-of date, both Buddhist Era."""
    d = handout.as_of
    return f"ita-{handout.year}-{d.year + 543}{d.month:02d}{d.day:02d}{SUFFIXES[fmt]}"


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "Chart",
    "Handout",
    "HandoutError",
    "build_handout",
    "export",
    "file_name",
    "load_handout",
]
