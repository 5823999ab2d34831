"""The one cached loader, the store and the settings the dashboard runs with.

Caching rule (STYLE.md): only pure functions, keyed on paths + mtimes or bytes, never on a
widget; everything the function reads is an argument.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import streamlit as st

from ita_model.errors import ItaError
from ita_model.framework import Framework, load_framework
from ita_model.in_force import InForce, activate, resolve
from ita_model.organisation import Organisation, load_organisation
from ita_model.readiness import Dataset, Readiness, Source, compute_readiness, current_sources
from ita_model.settings import Settings, get_settings, store_target, with_overrides
from ita_model.store import Store, StoreError, open_store
from ita_model.validate import FileReport, validate_file

# what loading and storing may raise on bad data or a bad disk: pages show it as a message
PAGE_ERRORS = (ItaError, StoreError, OSError)


@dataclass
class Loaded:
    settings: Settings
    sources: list[Source]
    dataset: Dataset
    readiness: Readiness
    framework: Framework
    organisation: Organisation

    @property
    def sample_only(self) -> bool:
        return all(s.division is None and s.name is None for s in self.sources)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


@st.cache_resource(max_entries=4, show_spinner=False)
def _organisation(path: str, mtime: int) -> Organisation:
    return load_organisation(Path(path))


def organisation(settings: Settings | None = None) -> Organisation:
    """The agency set up in the store, else the demo's organisation file."""
    settings = settings or get_settings()
    found = in_force().organisation
    if found is not None:
        return found
    return _organisation(str(settings.organisation), _mtime(settings.organisation))


def framework(year: int) -> Framework:
    """The year's framework: the agency's (in the store), else the shipped file (cached there)."""
    in_force()
    return load_framework(year)


@st.cache_data(max_entries=16, show_spinner=False)
def _load(
    sources: tuple[tuple[str, str | None, str | None, int], ...],
    store_revision: int,
    settings_json: str,
    organisation_mtime: int,
) -> tuple[Dataset, Readiness]:
    """Check every source file and compute readiness; keyed on paths + mtimes only.

    ``store_revision`` (grows with every decision in the store) and ``organisation_mtime`` are
    in the key so that an accepted upload or an edited organisation file is seen at once.
    """
    settings = Settings.model_validate_json(settings_json)
    org = load_organisation(settings.organisation)
    fw = load_framework(settings.year)
    dataset = _dataset(sources, settings, org)
    return dataset, compute_readiness(dataset, fw, org)


def _dataset(
    sources: tuple[tuple[str, str | None, str | None, int], ...],
    settings: Settings,
    org: Organisation,
) -> Dataset:
    reports = [
        validate_file(
            Path(path), name, year=settings.year, division=div, organisation=org, settings=settings
        )
        for path, name, div, _ in sources
    ]
    return Dataset(settings.year, reports)


def load(as_of: date) -> Loaded:
    """The data every page shows as of a date: the sample (if on) and the accepted uploads."""
    settings = app_settings()
    fs = store(settings)
    sources = current_sources(settings, settings.year, store=fs, as_of=as_of)
    key = tuple((str(s.path), s.name, s.division, _mtime(s.path)) for s in sources)
    dataset, readiness = _load(
        key,
        fs.revision(),
        settings.model_dump_json(),
        _mtime(settings.organisation),
    )
    return Loaded(
        settings,
        sources,
        dataset,
        readiness,
        framework(settings.year),
        organisation(settings),
    )


@st.cache_data(max_entries=64, show_spinner=False)
def check_bytes(
    data: bytes, name: str, year: int, division: str | None, settings_json: str
) -> FileReport:
    """Validate an upload; the same bytes are checked once."""
    settings = Settings.model_validate_json(settings_json)
    org = load_organisation(settings.organisation)
    return validate_file(
        data, name, year=year, division=division, organisation=org, settings=settings
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _close(opened: Store) -> None:
    opened.close()


@st.cache_resource(max_entries=4, show_spinner=False, on_release=_close)
def _store(target: str, settings_json: str) -> Store:
    return open_store(settings=Settings.model_validate_json(settings_json))


_WHERE = {"store", "store_dir", "users_file", "oidc_default_role"}  # what opening a store reads


def store(settings: Settings | None = None) -> Store:
    """The one shared store (SQLite folder or PostgreSQL) of these settings."""
    settings = settings or get_settings()
    return _store(str(store_target(settings)), settings.model_dump_json(include=_WHERE))


def app_settings() -> Settings:
    """The settings the dashboard runs with: the environment's, then what an administrator
    changed on the Settings page (kept in the store, so every dashboard on it agrees), then the
    year of the agency set up in the store, when there is one."""
    base = get_settings()
    return in_force(base).settings(with_overrides(base, store(base).overrides()))


def upload_limit_mb() -> float:
    """The most a file may weigh: the browser's upload limit, or the reader's if smaller."""
    server = float(st.get_option("server.maxUploadSize"))
    try:
        return min(server, app_settings().max_file_mb)
    except PAGE_ERRORS:
        return server


@st.cache_resource(max_entries=4, show_spinner=False)
def _in_force(target: str, revision: int, settings_json: str) -> InForce:
    settings = Settings.model_validate_json(settings_json)
    return resolve(store(settings), settings)


def in_force(settings: Settings | None = None) -> InForce:
    """The agency, year and frameworks in force (``ita_model.in_force``), read again whenever
    the store changes, and made what ``load_framework``/``load_organisation`` give."""
    settings = settings or get_settings()
    fs = store(settings)
    return activate(
        _in_force(str(store_target(settings)), fs.revision(), settings.model_dump_json())
    )
