"""The page's language: Thai first, English on request; Buddhist-Era dates, Thai digits if asked."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ita_model.i18n import t
from ita_model.thai import format_date

LANG_KEY = "lang"
THAI_DIGITS_KEY = "thai_digits"


def lang() -> str:
    value = st.session_state.get(LANG_KEY)
    return value if value in ("th", "en") else "th"


def tr(key: str, /, **params: object) -> str:
    return t(key, lang(), **params)


def be(d: date | None, style: str = "short") -> str:
    """A Buddhist-Era date in the page's language; an em dash for none."""
    if d is None or (not isinstance(d, date) and pd.isna(d)):
        return "—"
    if not isinstance(d, date):
        d = pd.Timestamp(d).date()
    return format_date(d, style=style, lang=lang(), thai_digits=thai_digits())


def thai_digits() -> bool:
    """Dates in Thai digits (๒๖ มี.ค. ๒๕๖๕): a choice in the sidebar, Thai only."""
    return lang() == "th" and bool(st.session_state.get(THAI_DIGITS_KEY, False))


def name_col() -> str:
    return "name_en" if lang() == "en" else "name_th"


def language_switch() -> str:
    st.segmented_control(
        "ภาษา · Language",
        ["th", "en"],
        format_func={"th": "ไทย", "en": "English"}.__getitem__,
        key=LANG_KEY,
        default="th",
        required=True,
    )
    if lang() == "th":
        st.toggle(tr("sidebar.thai_digits"), key=THAI_DIGITS_KEY)
    return lang()


def _css_text(text: str) -> str:
    """A CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def chrome_words(max_mb: float) -> None:
    """Streamlit's own English on the file uploader ("Upload", "20MB per file • CSV…") cannot
    be translated through its API: hidden, and our words drawn in their place."""
    button = tr("upload.button")
    limits = tr("upload.limits", mb=f"{max_mb:g}", types="xlsx, xlsm, xls, ods, csv")
    st.html(
        f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: {_css_text(button)}; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: {_css_text(limits)}; font-size: 0.875rem; }}
</style>"""
    )


LOCAL_USER = "local"  # what the store records for the single local user


def shown_user(name: str | None) -> str:
    """A user as people read it: the single local user in words, not the store's "local"."""
    if not name:
        return "—"
    return tr("auth.local_user") if name == LOCAL_USER else name
