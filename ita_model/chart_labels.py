"""Chart labels: Thai-aware wrapping and shortening, and how much room labels take.

Thai has no spaces between words and its vowel and tone marks sit on a letter, so a label is
never broken (or cut) between a letter and its marks. Pure text: the chart modules use it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

THAI_MARKS = {chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F))}


def plain(text: object) -> str:
    """Workbook text for a chart label or hover: plotly reads ``<a href>``, ``<b>``… in them, so
    ``<``, ``>`` and ``&`` become entities (shown as typed, never a link)."""
    return html.escape(str(text), quote=False)


def short(text: str, width: int) -> str:
    """Cut to ``width`` characters with an ellipsis, never between a Thai letter and its marks
    (Thai has no spaces between words, so a word-based shortening would drop everything);
    as ``plain`` text."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return plain(text)
    cut = width - 1
    while cut > 1 and text[cut] in THAI_MARKS:
        cut -= 1
    return plain(text[:cut].rstrip() + "…")


NO_LINE_START = THAI_MARKS | {"\u0e30", "\u0e32", "\u0e33", "\u0e45"}  # ะ า ำ ๅ
LEADING_VOWELS = {chr(c) for c in range(0x0E40, 0x0E45)}  # เ แ โ ใ ไ: never end a line


def wrap(text: str, width: int) -> str:
    """Break a label into lines of about ``width`` characters (``<br>`` between them), at a
    space when there is one; Thai has none between words, so there it breaks between letters,
    never before a mark or a following vowel, never after a leading vowel. Nothing is cut; each
    line is ``plain`` text."""
    text = " ".join(str(text).split())
    out: list[str] = []
    while len(text) > width:
        space = text.rfind(" ", width // 2, width + 1)
        if space > 0:
            out.append(text[:space])
            text = text[space + 1 :]
            continue
        cut = width
        while cut > 1 and (text[cut] in NO_LINE_START or text[cut - 1] in LEADING_VOWELS):
            cut -= 1
        out.append(text[:cut])
        text = text[cut:]
    out.append(text)
    return "<br>".join(plain(line) for line in out)


def lines(labels: Sequence[str]) -> int:
    return max((label.count("<br>") + 1 for label in labels), default=1)


def row_px(labels: Sequence[str], least: int) -> int:
    """Pixels a row needs for its label's lines (13 px text)."""
    return max(least, 17 * lines(labels) + 8)


def label_px(labels: Sequence[str], size: int = 13) -> int:
    """About how wide the longest line of these labels draws: Thai marks take no room, tags
    none; a little over half the font size a letter (bold a little more)."""
    widest = 0
    for label in labels:
        bold = "<b>" in label
        for line in re.sub(r"</?b>", "", label).split("<br>"):
            letters = sum(1 for ch in line if ch not in THAI_MARKS)
            widest = max(widest, int(letters * size * (0.62 if bold else 0.56)))
    return widest
