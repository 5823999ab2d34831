"""A disclosure as HTML (``<details>``): a line that opens to show more, looking like
Streamlit's expander, with nothing in it a user can change.

``st.expander`` is a React element with its own element tree inside: the OIT page's 43 of them
and the score page's "how it was computed" cost the browser tens of milliseconds on every visit.
A ``<details>`` opens in the browser alone, with no rerun. Every text is escaped by the caller's
module (``esc``); this one only frames it.
"""

from __future__ import annotations

from ita_model.html_charts import esc

DETAILS_CLASS = "ita-details"  # the tests find the disclosures by it

CSS = (
    "<style>"
    ".ita-details{border:1px solid rgba(49,51,63,.2);border-radius:.5rem;margin:0 0 .5rem;"
    "font-size:1rem;line-height:1.6;color:#31333f}"
    ".ita-details>summary{cursor:pointer;padding:.5rem 1rem;list-style-position:inside}"
    ".ita-details>summary:hover{color:#ff4b4b}"
    ".ita-details[open]>summary{border-bottom:1px solid rgba(49,51,63,.1)}"
    ".ita-details-body{padding:.5rem 1rem .75rem}"
    ".ita-details-body ul{margin:.1rem 0 .5rem;padding-left:1.4rem}"
    ".ita-details-body p{margin:0 0 .5rem}"
    ".ita-details-body .ita-table{margin:.25rem 0 .5rem}"
    "</style>"
)


def details(summary: str, body: str, *, name: str = "", is_open: bool = False) -> str:
    """One disclosure: ``summary`` and ``body`` are HTML already escaped; ``name`` is a data
    attribute the tests and the browser find it by."""
    attrs = f' data-name="{esc(name)}"' if name else ""
    return (
        f'<details class="{DETAILS_CLASS}"{attrs}{" open" if is_open else ""}>'
        f'<summary>{summary}</summary><div class="ita-details-body">{body}</div></details>'
    )


def bullets(lines: list[str]) -> str:
    """Text lines as a list, each escaped."""
    return "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in lines) + "</ul>"
