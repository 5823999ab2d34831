"""The roll-up across agencies for the pages: who may see it, its cached figures, the way into one
agency's own dashboard (read-only) and back. Not a page.

Drilling into an agency sets ``st.session_state["agency"]`` (the agency the pages' store is bound
to, ``_data.agency_store``) and switches to the overview; the sidebar then offers the way back,
which clears it. An agency with no set-up of its own is shown in the year the roll-up showed
(``_data.drilled_year``), and the way back restores the roll-up as it was when the user drilled
in: its "as of" date, filters, pages of rows, search (a page switch drops a widget's value).
The roll-up itself is ``ita_model.rollup.rollup``, cached per store revision, year, scope and
"as of" date: a page switch back to the roll-up draws from the cache. Its year is the page's
picker's (``ROLLUP_YEAR``; the deployment's year by default), its "as of" date the session's
moved into that year.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import streamlit as st

from app_pages._as_of import AS_OF, ROLLUP_YEAR, default_as_of, within
from app_pages._data import DRILLED_YEAR_KEY, store
from app_pages._text import md
from app_pages._words import tr
from ita_model.agencies import AgencyRecord
from ita_model.auth import Actor, Role
from ita_model.fiscal import end_of_day, today_in_thailand
from ita_model.rollup import Rollup, rollup
from ita_model.rollup_years import RollupYears, rollup_years
from ita_model.scope import Part, Scope
from ita_model.settings import Settings, get_settings, store_target
from ita_model.store import Store

ROLLUP_PAGE = "app_pages/rollup.py"
OVERVIEW_PAGE = "app_pages/overview.py"
AGENCY_KEY = "agency"  # the agency drilled into (contract of issue 14)
OPENING_KEY = "rollup_opening"  # the page to open once the door has listed the pages
KEPT_KEY = "rollup_kept"  # the roll-up as it was when an agency was drilled into
# the roll-up page's widgets whose values the way back restores (not its buttons: Streamlit
# refuses a button's value set through the session state), and the session's "as of" date
KEPT_WIDGETS = (
    "rollup_provinces",
    "rollup_types",
    "rollup_parents",
    "rollup_heat_page",
    "rollup_below_page",
    "rollup_missing_all",
    "rollup_drill_search",
    ROLLUP_YEAR,
)


def actor_scope(actor: Actor) -> Scope:
    """What an actor oversees: a supervisor's scope, everything for a system admin."""
    return actor.scope if actor.scope is not None else Scope.all()


@st.cache_resource(max_entries=4, show_spinner=False)
def _registry(target: str, revision: int) -> tuple[AgencyRecord, ...]:
    return tuple(store().agency_registry())


def registry() -> tuple[AgencyRecord, ...]:
    """Every agency of the store (``AgencyRecord``), read again when the store changes."""
    settings = get_settings()  # the deployment's: no one agency's settings apply here
    return _registry(str(store_target(settings)), store(settings).revision())


def may_see_rollup(actor: Actor) -> bool:
    """Supervisors, and system admins (an admin whose scope is everything: the single local
    user is one) once the store holds more agencies than the default one."""
    if actor.role == Role.SUPERVISOR:
        return True
    return actor.system_admin and len(registry()) > 1


def compute(store_: Store, *, year: int, scope: Scope, as_of: datetime | None) -> Rollup:
    """The roll-up of a scope (``ita_model.rollup.rollup``)."""
    return rollup(store_, year=year, scope=scope, as_of=as_of)


@st.cache_resource(max_entries=16, show_spinner=False)
def _cached(
    target: str,
    revision: tuple[int, int],
    year: int,
    scope_text: str,
    codes: tuple[str, ...] | None,
    when: datetime | None,
) -> Rollup:
    """The roll-up of ``scope_text``, or of exactly ``codes`` when they are given."""
    scope = Scope.parse(scope_text) if codes is None else Scope((Part("agencies", codes),))
    return compute(store(), year=year, scope=scope, as_of=when)


def _when(as_of: date) -> datetime | None:
    """None for today or later (what counts now), else the end of that day in Thailand."""
    return None if as_of >= today_in_thailand() else end_of_day(as_of)


def _revision(settings: Settings) -> tuple[int, int]:
    """The store's revision and its newest kept link run (a link check writes no event)."""
    from ita_model.rollup_links import last_run_id

    kept = store(settings)
    return kept.revision(), last_run_id(kept)


def scope_rollup(scope: Scope, as_of: date, year: int) -> Rollup:
    """The roll-up of a scope in a fiscal year as of a date, cached per store revision."""
    settings = get_settings()  # the deployment's: no one agency's settings apply here
    target, revision = str(store_target(settings)), _revision(settings)
    return _cached(target, revision, year, scope.text(), None, _when(as_of))


def agencies_rollup(
    codes: Sequence[str], as_of: date, year: int, scope: Scope | None = None
) -> Rollup:
    """The roll-up of exactly these agencies (the page's filters applied): its most-missing
    items and progress are theirs, not the whole scope's. ``scope``: the same agencies as a
    province or parent scope, matched faster than thousands of codes one by one."""
    settings = get_settings()  # the deployment's: no one agency's settings apply here
    target, revision = str(store_target(settings)), _revision(settings)
    if scope is not None:
        return _cached(target, revision, year, scope.text(), None, _when(as_of))
    chosen = tuple(sorted(codes))
    return _cached(target, revision, year, "agencies", chosen, _when(as_of))


@st.cache_resource(max_entries=16, show_spinner=False)
def _years(
    target: str, revision: int, codes: tuple[str, ...] | None, default: int, framed: tuple[int, ...]
) -> RollupYears:
    return rollup_years(store(), codes, default, framed)


def scope_years(scope: Scope) -> RollupYears:
    """The fiscal years the scope can be rolled up in, newest first (``rollup_years``): the
    years with a framework and the deployment's own year, its default."""
    from ita_model.framework import available_years

    settings = get_settings()  # the deployment's: no one agency's settings apply here
    codes = None if scope.everything else tuple(r.code for r in scope.covered(registry()))
    target, revision = str(store_target(settings)), store(settings).revision()
    return _years(target, revision, codes, settings.year, tuple(available_years()))


def year_as_of(year: int) -> date:
    """A year's "as of" date: the session's default (today, or the sample's report date) when
    it lies in that year, else the year's nearest day (a past year: its last, 30 Sep)."""
    return within(year, default_as_of())


def year_changed() -> None:
    """The year picker's callback: the session's "as of" date moves into the year chosen (a
    year's figures are read as of a day of that year)."""
    year = st.session_state.get(ROLLUP_YEAR)
    if isinstance(year, int):
        st.session_state[AS_OF] = year_as_of(year)


def drill_into(code: str, year: int) -> None:
    """The drill-down button's callback: one agency's own dashboard, read-only (the overview
    bound to it), in ``year``, the roll-up's. The run it starts lists the agency's pages (a
    supervisor's only once it has drilled in), then opens the overview (``open_pending``). A
    callback, not the button's value: a switch of page in the middle of a run leaves a button's
    click to a later run."""
    kept = {key: st.session_state[key] for key in (*KEPT_WIDGETS, AS_OF) if key in st.session_state}
    st.session_state[KEPT_KEY] = kept
    st.session_state[AGENCY_KEY] = code
    st.session_state[DRILLED_YEAR_KEY] = year
    st.session_state[OPENING_KEY] = "overview"


def go_back() -> None:
    """The way back's callback: no agency drilled into, the roll-up opened as it was."""
    st.session_state.pop(AGENCY_KEY, None)
    st.session_state.pop(DRILLED_YEAR_KEY, None)
    kept = st.session_state.pop(KEPT_KEY, None)
    if isinstance(kept, dict):
        for key, value in kept.items():
            st.session_state[key] = value
    st.session_state[OPENING_KEY] = "rollup"


def open_pending() -> None:
    """After a drill-down or the way back, once the door has listed the pages: switch to the
    page asked for."""
    target = st.session_state.pop(OPENING_KEY, None)
    if target == "overview" and drilled() is not None:
        st.switch_page(OVERVIEW_PAGE)
    if target == "rollup":
        st.switch_page(ROLLUP_PAGE)


def drilled() -> str | None:
    value = st.session_state.get(AGENCY_KEY)
    return value if isinstance(value, str) and value else None


def back_to_rollup(actor: Actor) -> None:
    """At the top of every page while an agency is drilled into: whose dashboard this is,
    read-only, and the way back to the roll-up (which clears the agency). Drawn by the door
    after ``st.navigation`` and before the page itself."""
    code = drilled()
    if code is None or not may_see_rollup(actor):
        return
    names = {r.code: r.name for r in registry()}
    with st.container(border=True, key="rollup_drilled"):
        left, right = st.columns([3, 2], vertical_alignment="center")
        name = md(names.get(code, code))  # a name from a sheet: shown as typed
        left.markdown(f"**{tr('rollup_page.viewing', name=name)}**")
        right.button(
            tr("rollup_page.back"),
            icon=":material/arrow_back:",
            key="rollup_back",
            type="primary",
            width="stretch",
            on_click=go_back,
        )
