"""The frame of a page: its title and caption, the empty state, named errors as messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from app_pages._as_of import as_of
from app_pages._auth import may_write
from app_pages._data import (
    PAGE_ERRORS,
    Loaded,
    app_settings,
    in_force,
    load,
    organisation,
    registry_name,
    shown_agency,
)
from app_pages._text import md
from app_pages._words import be, lang, tr
from ita_model.agency import DEFAULT_AGENCY
from ita_model.auth import Role
from ita_model.errors import ItaError
from ita_model.i18n import both
from ita_model.organisation import Organisation
from ita_model.settings import Settings
from ita_model.store import StoreError

DATA_IN_PAGE = "app_pages/data_in.py"


def show_error(exc: BaseException) -> None:
    """A named error, in Thai with the English beside it; never a traceback."""
    text = md(exc)  # names files and cells: shown as text
    if isinstance(exc, StoreError):
        st.error(f"{both('error.store')}\n\n{text}", icon=":material/database:")
    elif isinstance(exc, ItaError):
        st.error(f"{both('error.data')}\n\n{text}", icon=":material/error:")
    else:
        st.error(f"{both('error.io')}\n\n{text}", icon=":material/folder_off:")


@contextmanager
def guarded() -> Iterator[None]:
    """Run a page's body; a named error becomes a message and the page stops there."""
    try:
        yield
    except PAGE_ERRORS as exc:
        show_error(exc)
        st.stop()


def empty_state() -> None:
    """No data at all: say so kindly and point to the Data-in page (to those the door lists it
    for: a viewer, a supervisor or another agency's reader has none to go to)."""
    with st.container(border=True):
        st.markdown(f"### {tr('empty.title')}")
        st.markdown(tr("empty.body"))
        if may_write(Role.EDITOR):
            st.page_link(DATA_IN_PAGE, label=tr("empty.link"), icon=":material/upload_file:")


def page_data() -> Loaded | None:
    """Load, or draw the empty state and return None."""
    with guarded():
        loaded = load(as_of())
    if not loaded.sources:
        empty_state()
        return None
    return loaded


def agency_name(settings: Settings, org: Organisation, *, short: bool = False) -> str:
    """The agency shown: its own set-up's name, else (an agency of the registry with no set-up,
    which reports as a whole) the registry's name, never the bundled demo's."""
    code = shown_agency()
    if code != DEFAULT_AGENCY:
        try:
            if not in_force(settings).agency_ready and (name := registry_name(code)):
                return name
        except PAGE_ERRORS:
            pass
    return org.short_th if short or lang() == "th" else org.name_en


def tab_title() -> str:
    """The browser tab's title: ITA and the agency shown (a drill-down's, another agency's)."""
    try:
        settings = app_settings()
        return f"ITA · {agency_name(settings, organisation(settings), short=True)}"
    except PAGE_ERRORS:
        return "ITA"


def header(title_key: str, loaded: Loaded | None = None) -> None:
    st.title(tr(title_key))
    if loaded is not None:
        bits = [
            agency_name(loaded.settings, loaded.organisation),
            tr("common.fiscal_year", year=loaded.settings.year),
            tr("common.as_of", date=be(as_of())),
        ]
        if loaded.includes_sample:
            bits.append(tr("common.includes_sample"))
        st.caption(" · ".join(bits))
