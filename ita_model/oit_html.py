"""The OIT page's list of items as HTML: indicator and sub-indicator headings, and each item a
disclosure (``html_details``) that opens, in the browser alone, to its owners and their
statuses, its links, its last update and its components.

Forty-three ``st.expander`` (each a React element, a rerun to open) were most of that page's
drawing. Every text is escaped here (workbook text stays text; only an http(s) URL becomes a
link), so the page hands over words and values, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ita_model.html_charts import esc
from ita_model.html_details import CSS as DETAILS_CSS
from ita_model.html_details import details
from ita_model.html_table import Link, link_html

LIST_CLASS = "ita-oit-list"  # the tests and the browser find the list by it

# a status's text colour: the symbol comes first, so a grey print still reads
STATUS_TEXT = {
    "done": "#177233",
    "in_progress": "#9a5b00",
    "not_started": "#b3261e",
    "not_applicable": "#5f6368",
}

CSS = DETAILS_CSS + (
    "<style>"
    ".ita-oit-list h3{font-size:1.5rem;font-weight:600;margin:1.25rem 0 .5rem;line-height:1.3}"
    ".ita-oit-list h4{font-size:1.25rem;font-weight:600;margin:1rem 0 .5rem;line-height:1.3}"
    ".ita-oit-list h4 small{font-size:.875rem;font-weight:400}"
    ".ita-oit-group{font-size:.875rem;color:#808495;margin:.25rem 0 .4rem}"
    ".ita-oit-cols{display:grid;grid-template-columns:1fr 1fr;gap:0 1.5rem}"
    ".ita-oit-flag{color:#b3261e}"
    ".ita-oit-list b.ita-oit-code{font-weight:700}"
    ".ita-oit-note{font-size:.875rem;color:#808495}"
    "</style>"
)


@dataclass(frozen=True)
class ItemView:
    """One item as the list shows it, every text already in the page's language."""

    code: str
    name: str
    status: str
    status_text: str  # the symbol and the word
    owners: Sequence[tuple[str, str, str]]  # (division name, its status, the symbol and word)
    urls: Sequence[str]
    updated: str  # a Buddhist-Era date, or "—"
    components: Sequence[str]
    checks_note: str  # no check of its links yet, or it has no links
    flag: str = ""  # "⚠ a link has a problem", when one has


@dataclass(frozen=True)
class Words:
    owners: str
    links: str
    updated: str
    components: str
    checks: str


def _status(status: str, text: str) -> str:
    color = STATUS_TEXT.get(status, "#31333f")
    return f'<span style="color:{color}">{esc(text)}</span>'


def _list(lines: Sequence[str]) -> str:
    """HTML lines (already escaped) as a list, or a dash."""
    return "<ul>" + "".join(f"<li>{x}</li>" for x in lines) + "</ul>" if lines else "<p>—</p>"


def summary(item: ItemView) -> str:
    flag = f' · <span class="ita-oit-flag">{esc(item.flag)}</span>' if item.flag else ""
    return (
        f'<b class="ita-oit-code">{esc(item.code)}</b> {esc(item.name)} · '
        f"{_status(item.status, item.status_text)}{flag}"
    )


def item_html(item: ItemView, words: Words) -> str:
    """One item: a line with its code, name and status that opens to its details."""
    owners = [f"{esc(n)}: {_status(s, text)}" for n, s, text in item.owners]
    links = [link_html(Link(u, u)) for u in item.urls]
    body = (
        f'<div class="ita-oit-cols"><div><p><b>{esc(words.owners)}</b></p>{_list(owners)}</div>'
        f"<div><p><b>{esc(words.links)}</b></p>{_list(links)}"
        f"<p><b>{esc(words.updated)}</b> {esc(item.updated)}</p></div></div>"
        f"<p><b>{esc(words.components)}</b></p>{_list([esc(c) for c in item.components])}"
        f"<p><b>{esc(words.checks)}</b></p>"
        f'<p class="ita-oit-note">{esc(item.checks_note)}</p>'
    )
    return details(summary(item), body, name=item.code)


def heading(level: int, text: str, note: str = "") -> str:
    small = f" <small>({esc(note)})</small>" if note else ""
    return f"<h{level}>{esc(text)}{small}</h{level}>"


def group_caption(text: str) -> str:
    return f'<div class="ita-oit-group">{esc(text)}</div>'


def block(parts: Sequence[str]) -> str:
    """Headings and items (each made above) as one block of the list."""
    return f'{CSS}<div class="{LIST_CLASS}">{"".join(parts)}</div>'
