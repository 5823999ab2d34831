"""A static table as HTML: every row shown, long text wrapped by the browser, nothing to scroll
inside and nothing cut. Every cell is escaped here, so a workbook's text stays text.

Streamlit's ``st.table`` reads each cell as Markdown and draws it with its Markdown renderer:
a 22-row table costs the browser more than everything else on the timeline page. This one is
plain HTML, laid out in a millisecond, in the page's font and Streamlit's table look.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd

from ita_model.html_charts import esc

TABLE_CLASS = "ita-table"  # the tests and the browser checks find the tables by it

CSS = (
    "<style>"
    ".ita-table{width:100%;border-collapse:collapse;font-size:.875rem;line-height:1.5;"
    "margin:0 0 1rem}"
    ".ita-table th{text-align:left;font-weight:600;color:#555;padding:.45rem .6rem;"
    "border-bottom:1px solid rgba(49,51,63,.2);vertical-align:bottom}"
    ".ita-table td{padding:.45rem .6rem;border-bottom:1px solid rgba(49,51,63,.1);"
    "vertical-align:top;overflow-wrap:break-word}"
    ".ita-table .ita-nowrap{white-space:nowrap}"
    ".ita-table td:not(.ita-nowrap){min-width:8rem}"
    ".ita-table-box{overflow:auto;margin:0 0 1rem;border-bottom:1px solid rgba(49,51,63,.1)}"
    ".ita-table-box .ita-table{margin:0}"
    ".ita-table-box th{position:sticky;top:0;background:#fff;z-index:1}"
    "</style>"
)


@dataclass(frozen=True)
class Link:
    """A cell that opens ``url`` in a new tab; only an http(s) URL is a link, anything else is
    shown as the text it is."""

    url: str
    text: str


_NOT_IN_URL = set('<>"{}|\\^`')  # RFC 3986 never has these unencoded; nor spaces or controls


def plain_link(url: object) -> str | None:
    """The URL when it is a plain http(s) link to a host, else None (then show it as text).

    Nothing that could end a Markdown autolink or start other markup (``>``, spaces, quotes,
    brackets outside the host) passes, nor a ``)`` no ``(`` opened: what is left of Markdown's
    ``[text](https://…)`` typed into a link cell is text, not a link.
    """
    if not isinstance(url, str) or len(url) > 2000:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    rest = url[len(parts.scheme) + 3 + len(parts.netloc) :]
    if any(c in _NOT_IN_URL or unicodedata.category(c)[0] in "CZ" for c in url):
        return None
    after = url[len(parts.scheme) + 3 :]
    if "[" in rest or "]" in rest or after.count(")") > after.count("("):
        return None
    return url


def link_html(cell: Link) -> str:
    """A link cell: an http(s) URL opens in a new tab; anything else is its escaped text."""
    url = plain_link(cell.url)
    if url is None:
        return esc(cell.url)
    return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(cell.text)}</a>'


def _cell(value: object) -> str:
    if isinstance(value, Link):
        return link_html(value)
    if value is None or (not isinstance(value, list | tuple | dict) and pd.isna(value)):
        return ""
    return esc(value)


def static_table(
    frame: pd.DataFrame, *, name: str, nowrap: tuple[str, ...] = (), max_px: int | None = None
) -> str:
    """``frame``'s columns as headers and its rows as rows (the index left out); the columns
    in ``nowrap`` (codes, dates) never break; a ``Link`` cell is a link. With ``max_px``, a
    longer table scrolls inside a box that high, its header kept on top (the caller says how
    many rows show)."""
    keep = [c in nowrap for c in frame.columns]
    heads = "".join(
        f'<th class="ita-nowrap">{esc(c)}</th>' if k else f"<th>{esc(c)}</th>"
        for c, k in zip(frame.columns, keep, strict=True)
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f'<td class="ita-nowrap">{_cell(v)}</td>' if k else f"<td>{_cell(v)}</td>"
            for v, k in zip(row, keep, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    table = (
        f'<table class="{TABLE_CLASS}" data-table="{esc(name)}">'
        f"<thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>"
    )
    if max_px is not None:
        table = f'<div class="ita-table-box" style="max-height:{max_px}px">{table}</div>'
    return CSS + table
