"""Figures in cards (a label, a big number, a note, a progress bar) as one block of HTML.

The overview's seven cards as ``st.metric`` in bordered columns, with two ``st.progress``,
were most of the browser's work on that page; one block of HTML is laid out at once. Every
text is escaped here. The help text is the label's hover (``title``), as the metric's was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ita_model.html_charts import esc

CARDS_CLASS = "ita-cards"  # the tests read the cards back by it

CSS = (
    "<style>"
    ".ita-cards{display:grid;gap:1rem;margin:0 0 1rem}"
    ".ita-card{border:1px solid rgba(49,51,63,.2);border-radius:.5rem;padding:1rem;"
    "min-width:0}"
    ".ita-card-label{font-size:.875rem;color:#31333f;margin-bottom:.25rem}"
    ".ita-card-label span{color:#808495;cursor:help;margin-left:.3rem}"
    ".ita-card-value{font-size:2.25rem;line-height:1.2;color:#262730;overflow-wrap:anywhere}"
    ".ita-card-note{font-size:.875rem;color:#808495;margin-top:.35rem}"
    ".ita-card-bar{height:.5rem;border-radius:.25rem;background:#e6eae7;margin-top:.5rem;"
    "overflow:hidden;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".ita-card-bar i{display:block;height:100%;background:#1b5e20}"
    "</style>"
)


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    note: str = ""
    help: str = ""
    progress: float | None = None  # 0..1: a bar under the number, its share written beside


def _card(card: Card) -> str:
    tip = f'<span title="{esc(card.help)}">ⓘ</span>' if card.help else ""
    bar = ""
    if card.progress is not None:
        share = min(max(card.progress, 0.0), 1.0)
        bar = (
            f'<div class="ita-card-bar" role="progressbar" aria-valuenow="{share * 100:.0f}" '
            f'aria-valuemin="0" aria-valuemax="100"><i style="width:{share * 100:.1f}%"></i></div>'
        )
    note = f'<div class="ita-card-note">{esc(card.note)}</div>' if card.note else ""
    return (
        f'<div class="ita-card" data-label="{esc(card.label)}">'
        f'<div class="ita-card-label">{esc(card.label)}{tip}</div>'
        f'<div class="ita-card-value">{esc(card.value)}</div>{bar}{note}</div>'
    )


def cards(rows: Sequence[Sequence[Card]]) -> str:
    """Rows of cards, each row as wide as the page, its cards of equal width."""
    out = [CSS]
    for row in rows:
        out.append(
            f'<div class="{CARDS_CLASS}" style="grid-template-columns:repeat({len(row)},1fr)">'
            + "".join(_card(c) for c in row)
            + "</div>"
        )
    return "".join(out)
