"""The one cached loader, the store and the settings the dashboard runs with.

Caching rule (STYLE.md): only pure functions, keyed on the store, the agency shown and its
revision, paths + mtimes or bytes, never on a widget; everything the function reads is an
argument (the bound store is passed unhashed, as ``_fs``: its agency is in the key).

Many agencies on one store: every page reads ``agency_store()``, the shared store bound to the
agency shown — ``st.session_state["agency"]`` (a supervisor's or system admin's drill-down),
else the signed-in account's own — after the store checked that the account may see it; an
account that may not gets a clear message in Thai and English instead of the page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import streamlit as st

from app_pages._text import md
from app_pages._words import shown_user, tr
from ita_model.agencies import AgencyRecord
from ita_model.agency import DEFAULT_AGENCY
from ita_model.agency_column import AgencyMatcher
from ita_model.auth import Actor, Role
from ita_model.current import Current, current_data
from ita_model.errors import CodedError, ItaError
from ita_model.fiscal import today_in_thailand
from ita_model.framework import Framework, load_framework
from ita_model.i18n import both
from ita_model.in_force import InForce, activate, resolve
from ita_model.organisation import Organisation, load_organisation
from ita_model.readiness import Dataset, Readiness, compute_readiness
from ita_model.sample import SENDER, ensure_sample
from ita_model.settings import Settings, get_settings, store_target, with_overrides
from ita_model.store import Store, StoreError, Submission, open_store
from ita_model.validate import FileReport, validate_file

ACTOR_KEY = "ita_actor"  # who is signed in (``_auth.sign_in`` puts the Actor there)
# the year the roll-up showed when an agency was drilled into (``_rollup.drill_into``)
DRILLED_YEAR_KEY = "rollup_drilled_year"
# what loading and storing may raise on bad data or a bad disk: pages show it as a message
PAGE_ERRORS = (ItaError, StoreError, OSError)


@dataclass
class Loaded:
    """What every page shows: the submissions that count, their kept rows, the readiness."""

    settings: Settings
    current: Current
    readiness: Readiness
    framework: Framework
    organisation: Organisation

    @property
    def dataset(self) -> Dataset:
        return self.current.dataset

    @property
    def submissions(self) -> list[Submission]:
        return self.current.submissions

    @property
    def sources(self) -> list[Submission]:
        """The submissions that count (empty: the dashboard has no data yet)."""
        return self.current.submissions

    @property
    def sample_only(self) -> bool:
        return self.current.sample_only

    @property
    def includes_sample(self) -> bool:
        return self.current.includes_sample


def sent_by(name: str | None) -> str:
    """Who sent (or decided on) a file, as people read it: the bundled sample's sender in
    words ("ข้อมูลตัวอย่าง / sample data"), the single local user in words, else the name."""
    return tr("sample.sender") if name == SENDER else shown_user(name)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


@st.cache_resource(max_entries=4, show_spinner=False)
def _organisation(path: str, mtime: int) -> Organisation:
    return load_organisation(Path(path))


def organisation(settings: Settings | None = None) -> Organisation:
    """The agency set up in the store; an agency of the registry with no set-up of its own, as
    a whole (no divisions: ``in_force.py``); else (the default agency) the demo's file."""
    settings = settings or get_settings()
    found = in_force().in_use
    if found is not None:
        return found
    return _organisation(str(settings.organisation), _mtime(settings.organisation))


def framework(year: int) -> Framework:
    """The year's framework: the agency's (in the store), else the shipped file (cached there)."""
    in_force()
    return load_framework(year)


@st.cache_resource(max_entries=16, show_spinner=False)
def _load(
    target: str,
    agency: str,
    store_revision: int,
    year: int,
    as_of: date | None,
    organisation_key: tuple[str, int],
    _fs: Store,
) -> tuple[Current, Readiness]:
    """The current submissions' kept rows and readiness; keyed on the store and its revision.

    ``store_revision`` grows with every decision in the store (made here or by another
    dashboard on it), so an accepted upload is seen at once. No setting is in the key: the rows
    are those kept when each file arrived, so a changed limit never changes accepted figures.
    """
    settings = get_settings()
    now = current_data(_fs, year, as_of=as_of)
    org = organisation(settings)
    return now, compute_readiness(now.dataset, framework(year), org)


def load(as_of: date) -> Loaded:
    """The data every page shows as of a date: what counted at the end of that day."""
    settings = app_settings()
    fs = agency_store(settings)
    org_file = str(settings.organisation), _mtime(settings.organisation)
    when = None if as_of >= today_in_thailand() else as_of
    now, readiness = _load(
        str(store_target(settings)), fs.agency, fs.revision(), settings.year, when, org_file, fs
    )
    return Loaded(settings, now, readiness, framework(settings.year), organisation(settings))


@st.cache_data(max_entries=64, show_spinner=False)
def check_bytes(
    data: bytes,
    name: str,
    year: int,
    division: str | None,
    settings_json: str,
    one_agency: bool = True,
    registry_key: str = "",
    _registry: Sequence[AgencyRecord] = (),
) -> FileReport:
    """Validate an upload; the same bytes are checked once. ``one_agency``: the store holds no
    agency but its own, so an agency column is the clerk's own word (``agency_column.one_agency``);
    else a sheet of several agencies is checked against ``_registry`` (each row's agency by code
    or name), whose ``registry_key`` (``registry_key()``) is in the cache key instead of it."""
    settings = Settings.model_validate_json(settings_json)
    org = load_organisation(settings.organisation)
    agencies = AgencyMatcher(() if one_agency else tuple(_registry))
    return validate_file(
        data,
        name,
        year=year,
        division=division,
        organisation=org,
        settings=settings,
        agencies=agencies,
    )


def registry_key(records: Sequence[AgencyRecord]) -> str:
    """What a file's check against the registry depends on: every code and name, hashed."""
    text = "\n".join(f"{r.code}\t{r.name}" for r in records)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _close(opened: Store) -> None:
    opened.close()


@st.cache_resource(max_entries=4, show_spinner=False, on_release=_close)
def _store(target: str, settings_json: str) -> Store:
    settings = Settings.model_validate_json(settings_json)
    opened = open_store(settings=settings)
    ensure_sample(opened, settings)  # a fresh store: the bundled sample, as ordinary files
    return opened


# what opening a store reads, and what loading the sample into a fresh one does
_WHERE = {
    "store",
    "store_dir",
    "users_file",
    "oidc_default_role",
    "load_sample",
    "data_dir",
    "organisation",
}


def store(settings: Settings | None = None) -> Store:
    """The one shared store (SQLite folder or PostgreSQL) of these settings."""
    settings = settings or get_settings()
    return _store(str(store_target(settings)), settings.model_dump_json(include=_WHERE))


# True while the page itself runs (``page_running``), False in the door before it: a supervisor
# with no agency drilled into has none for a page to show, yet the door reads its settings
reading_page: ContextVar[bool] = ContextVar("reading_page", default=False)


@contextmanager
def page_running() -> Iterator[None]:
    """The door runs the page inside this (what ``agency_store`` refuses to a supervisor with no
    agency drilled into is the page's reading, not the door's)."""
    token = reading_page.set(True)
    try:
        yield
    finally:
        reading_page.reset(token)


def agency_store(settings: Settings | None = None) -> Store:
    """The shared store bound to the agency shown (``st.session_state["agency"]``, else the
    signed-in account's own), after the store checked from its account rows that the account
    may see it; otherwise the page stops with the refusal in Thai and English."""
    settings = settings or get_settings()
    shared = store(settings)
    actor = st.session_state.get(ACTOR_KEY)
    if not isinstance(actor, Actor):  # before sign-in (the door's "as of" and upload limit)
        return shared
    code = shown_agency(actor)
    if actor.role == Role.SUPERVISOR and not st.session_state.get("agency"):
        if not reading_page.get():
            # the door (the "as of" date, the settings): nothing of one agency is shown there
            return shared
        st.info(both("tenancy.choose_agency"), icon=":material/apartment:")
        st.stop()  # a supervisor has no agency of its own: it picks one from the roll-up
    if code == DEFAULT_AGENCY == actor.agency and actor.role != Role.SUPERVISOR:
        return shared  # one agency as before: the store itself (sign-in re-read the account)
    try:
        return shared.for_agency(code, user=actor)
    except (CodedError, StoreError) as exc:
        st.error(f"{both('tenancy.refused')}\n\n{md(exc)}", icon=":material/lock:")
        st.stop()


def shown_agency(actor: object | None = None) -> str:
    """The code of the agency the pages show: a drill-down's, else the account's own."""
    chosen = st.session_state.get("agency")
    if isinstance(chosen, str) and chosen:
        return chosen
    actor = actor or st.session_state.get(ACTOR_KEY)
    return str(getattr(actor, "agency", DEFAULT_AGENCY))


def registry_name(code: str) -> str | None:
    """The registry's name of an agency (the pages' header, the sidebar's line), or None."""
    record = store().agency_record(code)
    return None if record is None else record.name


def app_settings() -> Settings:
    """The settings the dashboard runs with: the environment's, then what an administrator of
    the agency shown changed on the Settings page (kept in the store, so every dashboard on it
    agrees), then the year of that agency's set-up, when there is one (drilled into from the
    roll-up with none: the roll-up's year)."""
    base = get_settings()
    force = in_force(base)
    return drilled_year(force, force.settings(with_overrides(base, agency_store(base).overrides())))


def drilled_year(force: InForce, settings: Settings) -> Settings:
    """An agency drilled into from the roll-up with no set-up of its own (so no year of its
    own): the year the roll-up showed, whose figures its dashboard must agree with."""
    year = st.session_state.get(DRILLED_YEAR_KEY)
    if force.agency_ready or not isinstance(year, int) or not st.session_state.get("agency"):
        return settings
    return settings if settings.year == year else settings.model_copy(update={"year": year})


def upload_limit_mb() -> float:
    """The most a file may weigh: the browser's upload limit, or the reader's if smaller."""
    server = float(st.get_option("server.maxUploadSize"))
    try:
        return min(server, app_settings().max_file_mb)
    except PAGE_ERRORS:
        return server


@st.cache_resource(max_entries=16, show_spinner=False)
def _in_force(target: str, agency: str, revision: int, settings_json: str, _fs: Store) -> InForce:
    settings = Settings.model_validate_json(settings_json)
    return resolve(_fs, settings)


def in_force(settings: Settings | None = None) -> InForce:
    """The agency, year and frameworks in force for the agency shown (``ita_model.in_force``),
    read again whenever its rows change, and made what ``load_framework``/``load_organisation``
    give in this session's script run (never another session's: see ``in_force.activate``)."""
    settings = settings or get_settings()
    fs = agency_store(settings)
    target = str(store_target(settings))
    return activate(_in_force(target, fs.agency, fs.revision(), settings.model_dump_json(), fs))
