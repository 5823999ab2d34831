"""The "as of" date in the sidebar: day, month, Buddhist-Era year; pages count from it.

One date per session (``st.session_state[AS_OF]``, a ``datetime.date``), whatever the language.
The three pickers are only its view: their keys carry the language (a picker's label and month
names change with it, and Streamlit would otherwise hand back a stale or foreign value), they are
set from the date before every draw, and a change in one of them updates the date through a
callback. A value that is not a date is replaced by the default, never raised on.
"""

from __future__ import annotations

import calendar
from datetime import date

import streamlit as st

from app_pages._data import PAGE_ERRORS, agency_store, app_settings, organisation
from app_pages._words import be, lang, tr
from ita_model.current import current_data
from ita_model.fiscal import today_in_thailand
from ita_model.thai import MONTHS_EN_ABBR, MONTHS_TH_ABBR, fiscal_year_range

AS_OF = "as_of_date"  # the one date of the session
ROLLUP_YEAR = "rollup_year"  # the roll-up page's year picker (``_rollup.year_picker``)
MOVED = "as_of_moved_from"  # the date shown before accepting a file moved it to today
PARTS = ("day", "month", "year")


def _key(part: str, language: str) -> str:
    return f"as_of_{part}_{language}"


def default_as_of() -> date:
    """Today, or the sample's report date when only the sample is loaded."""
    try:
        settings = app_settings()
        counting = current_data(agency_store(settings), settings.year)
    except PAGE_ERRORS:
        return today_in_thailand()
    if counting.sample_only:
        try:
            return organisation(settings).report_date
        except PAGE_ERRORS:
            return today_in_thailand()
    return today_in_thailand()


def as_of() -> date:
    """The session's date; the default when none was chosen or the value is not a date."""
    value = st.session_state.get(AS_OF)
    if isinstance(value, date):
        return value
    chosen = default_as_of()
    st.session_state[AS_OF] = chosen
    return chosen


def as_of_today() -> None:
    """After a decision made now (accepting a file): a file counts from the moment it is
    accepted, so a date in the past would hide it. Move to today and remember where from, so
    the sidebar says that it moved and offers the way back."""
    before, today = as_of(), today_in_thailand()
    if before < today:
        st.session_state[MOVED] = before
        st.session_state[AS_OF] = today


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _picked(language: str) -> None:
    """A picker changed: the other two keep their values (the day shortened to the month's last
    day when the month is shorter)."""
    current = as_of()
    try:
        day, month, year_be = (int(st.session_state[_key(p, language)]) for p in PARTS)
        st.session_state[AS_OF] = _clamped(year_be - 543, month, day)
    except (KeyError, TypeError, ValueError):
        st.session_state[AS_OF] = current
    st.session_state.pop(MOVED, None)


def _set(d: date) -> None:
    st.session_state[AS_OF] = d
    st.session_state.pop(MOVED, None)


def within(year: int, day: date) -> date:
    """``day`` moved into fiscal ``year`` (BE): itself when it lies in it, else the year's first
    or last day, whichever is nearer."""
    first, last = fiscal_year_range(year)
    return min(max(day, first), last)


def _fiscal_year_shown() -> int | None:
    """The year the dates are read in: on the roll-up, the year chosen there (its picker's
    value lives while the page is shown); else the settings' year (an agency drilled into with
    no set-up: the roll-up's, ``_data.drilled_year``)."""
    chosen = st.session_state.get(ROLLUP_YEAR)
    if isinstance(chosen, int) and not st.session_state.get("agency"):
        return chosen
    try:
        return app_settings().year
    except PAGE_ERRORS:
        return None


def as_of_picker() -> date:
    """Day / month / Buddhist-Era year: the date every page counts days from."""
    language = lang()
    chosen = as_of()
    for part, value in zip(PARTS, (chosen.day, chosen.month, chosen.year + 543), strict=True):
        st.session_state[_key(part, language)] = value
    months = MONTHS_TH_ABBR if language == "th" else MONTHS_EN_ABBR
    this_year = today_in_thailand().year + 543
    years = list(range(min(2560, chosen.year + 543), max(this_year, chosen.year + 543) + 2))
    st.markdown(f"**{tr('sidebar.as_of')}**")
    with st.popover(
        be(chosen, style="long"),
        icon=":material/calendar_month:",
        width="stretch",
        key="as_of_popover",
    ):
        st.selectbox(
            tr("sidebar.day"),
            list(range(1, 32)),
            key=_key("day", language),
            on_change=_picked,
            args=(language,),
        )
        st.selectbox(
            tr("sidebar.month"),
            list(range(1, 13)),
            key=_key("month", language),
            format_func=lambda m: months[m - 1],
            on_change=_picked,
            args=(language,),
        )
        st.selectbox(
            tr("sidebar.year"),
            years,
            key=_key("year", language),
            on_change=_picked,
            args=(language,),
        )
        st.button(
            tr("sidebar.reset_as_of"),
            on_click=lambda: _set(default_as_of()),
            type="tertiary",
            icon=":material/restart_alt:",
        )
    moved = st.session_state.get(MOVED)
    if isinstance(moved, date):
        st.info(
            tr("sidebar.as_of_moved", before=be(moved), now=be(chosen)), icon=":material/update:"
        )
        st.button(
            tr("sidebar.as_of_back", date=be(moved)),
            on_click=_set,
            args=(moved,),
            type="tertiary",
            icon=":material/undo:",
            key="as_of_back",
        )
    year = _fiscal_year_shown()
    if year is not None:
        first, last = fiscal_year_range(year)
        if not first <= chosen <= last:
            st.warning(
                tr("sidebar.outside_year", year=year, first=be(first), last=be(last)),
                icon=":material/event_busy:",
            )
    return chosen
