"""OpenDocument spreadsheets (.ods): every part guarded, then the cells' repeat counts added
up before the library sees them, since a few bytes of ``number-rows-repeated`` can ask it
for gigabytes."""

from __future__ import annotations

import html
import re
import zipfile

from ita_model.reader.arrow import load_sheets
from ita_model.reader.guards import drain, read_part
from ita_model.reader.raw import RawSheet, Refusal
from ita_model.settings import Settings


def read_ods(data: bytes, parts: dict[str, zipfile.ZipInfo], settings: Settings) -> list[RawSheet]:
    for name, info in parts.items():
        if name != "content.xml":
            drain(data, info)
    _check_ods_cells(read_part(data, parts.get("content.xml")), settings)
    return load_sheets(data, settings)


_ODS_TOKEN = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>"
)
_ODS_REPEAT = re.compile(rb"number-(rows|columns)-repeated\s*=\s*[\"'](\d+)")
_ODS_NAME = re.compile(rb"(?:^|\s)(?:[\w.-]+:)?name\s*=\s*\"([^\"]*)\"")


def _check_ods_cells(content: bytes, settings: Settings) -> None:
    """Refuse a table whose repeated cells would expand past the limit: a few bytes of
    ``number-rows-repeated`` can ask the reader for gigabytes."""
    sheet, row, col, rows_rep = "", 0, 0, 1
    bottom = right = 0
    for closing, tag, attrs in _ODS_TOKEN.findall(content):
        if tag == b"table":
            if closing:
                cells = bottom * right
                if cells > settings.max_cells:
                    raise Refusal(
                        "sheet_too_large", sheet=sheet, cells=cells, limit=settings.max_cells
                    )
            else:
                m = _ODS_NAME.search(attrs)
                sheet = html.unescape(m[1].decode("utf-8", "replace")) if m else ""
                row = col = bottom = right = 0
            continue
        repeat = dict(_ODS_REPEAT.findall(attrs))
        if tag == b"table-row":
            if not closing:
                rows_rep, col = int(repeat.get(b"rows", 1)), 0
            if closing or attrs.endswith(b"/"):
                row += rows_rep
            continue
        if closing:
            continue
        cols_rep = int(repeat.get(b"columns", 1))
        if not attrs.rstrip().endswith(b"/") or b"value-type" in attrs:
            right, bottom = max(right, col + cols_rep), max(bottom, row + rows_rep)
        col += cols_rep
