"""The "as of" date in the sidebar: day, Thai month, Buddhist-Era year; pages count from it."""

from __future__ import annotations

import calendar
from datetime import date

import streamlit as st

from app_pages._data import PAGE_ERRORS, app_settings, organisation, store
from app_pages._words import lang, tr
from ita_model.readiness import current_sources
from ita_model.thai import MONTHS_EN_ABBR, MONTHS_TH_ABBR, format_date

AS_OF_KEYS = ("as_of_day", "as_of_month", "as_of_year")


def default_as_of() -> date:
    """Today, or the sample's report date when only the sample is loaded."""
    try:
        settings = app_settings()
        sources = current_sources(settings, settings.year, store=store(settings))
    except PAGE_ERRORS:
        return date.today()
    if sources and all(s.name is None and s.division is None for s in sources):
        try:
            return organisation(settings).report_date
        except PAGE_ERRORS:
            return date.today()
    return date.today()


def as_of() -> date:
    d, m, y = (st.session_state.get(k) for k in AS_OF_KEYS)
    if d is None or m is None or y is None:
        return default_as_of()
    return _clamped(int(y) - 543, int(m), int(d))


def as_of_today() -> None:
    """After a decision made now (accepting a file), show the state as of today."""
    d = date.today()
    st.session_state[AS_OF_KEYS[0]] = d.day
    st.session_state[AS_OF_KEYS[1]] = d.month
    st.session_state[AS_OF_KEYS[2]] = d.year + 543


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def as_of_picker() -> date:
    """Day / Thai month / Buddhist-Era year: the date every page counts days from."""
    if any(k not in st.session_state for k in AS_OF_KEYS):
        d = default_as_of()
        st.session_state[AS_OF_KEYS[0]] = d.day
        st.session_state[AS_OF_KEYS[1]] = d.month
        st.session_state[AS_OF_KEYS[2]] = d.year + 543
    months = MONTHS_TH_ABBR if lang() == "th" else MONTHS_EN_ABBR
    this_year = date.today().year + 543
    chosen = int(st.session_state[AS_OF_KEYS[2]])
    years = list(range(min(2560, chosen), max(this_year, chosen) + 2))
    chosen_date = as_of()
    st.markdown(f"**{tr('sidebar.as_of')}**")
    with st.popover(
        format_date(chosen_date, style="long", lang=lang()),
        icon=":material/calendar_month:",
        width="stretch",
        key="as_of_popover",
    ):
        st.selectbox(tr("sidebar.day"), list(range(1, 32)), key=AS_OF_KEYS[0])
        st.selectbox(
            tr("sidebar.month"),
            list(range(1, 13)),
            key=AS_OF_KEYS[1],
            format_func=lambda m: months[m - 1],
        )
        st.selectbox(tr("sidebar.year"), years, key=AS_OF_KEYS[2])
        st.button(
            tr("sidebar.reset_as_of"),
            on_click=_reset_as_of,
            type="tertiary",
            icon=":material/restart_alt:",
        )
    return chosen_date


def _reset_as_of() -> None:
    d = default_as_of()
    st.session_state[AS_OF_KEYS[0]] = d.day
    st.session_state[AS_OF_KEYS[1]] = d.month
    st.session_state[AS_OF_KEYS[2]] = d.year + 543
