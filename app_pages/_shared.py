"""What every page shares: the language, the "as of" date, the one cached loader, the empty
state, and catching the named errors. Not a page: ``dashboard.py`` does not list it.

Caching rule (STYLE.md): only pure functions, keyed on paths + mtimes or bytes, never on a
widget; everything the function reads is an argument.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from app_pages._auth import current_actor
from ita_model.auth import Actor
from ita_model.charts import STATUS_SYMBOLS
from ita_model.errors import Issue, ItaError, Severity
from ita_model.framework import Framework, load_framework
from ita_model.i18n import both, t
from ita_model.organisation import Organisation, load_organisation
from ita_model.readiness import Dataset, Readiness, Source, compute_readiness, current_sources
from ita_model.records import status_label
from ita_model.settings import Settings, get_settings, store_target, with_overrides
from ita_model.store import Store, StoreError, open_store
from ita_model.thai import MONTHS_EN_ABBR, MONTHS_TH_ABBR, format_date
from ita_model.validate import FileReport, validate_file

LANG_KEY = "lang"
THAI_DIGITS_KEY = "thai_digits"
DATA_IN_PAGE = "app_pages/data_in.py"
PAGE_ERRORS = (ItaError, StoreError, OSError)


# --------------------------------------------------------------------------- language


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


# --------------------------------------------------------------------------- loading


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


@st.cache_resource(max_entries=4, show_spinner=False)
def _framework(year: int) -> Framework:
    return load_framework(year)


def organisation(settings: Settings | None = None) -> Organisation:
    settings = settings or get_settings()
    return _organisation(str(settings.organisation), _mtime(settings.organisation))


def framework(year: int) -> Framework:
    return _framework(year)


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


def load() -> Loaded:
    """The data every page shows: the sample (if on) and every accepted upload."""
    settings = app_settings()
    fs = store(settings)
    sources = current_sources(settings, settings.year, store=fs, as_of=as_of())
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
    changed on the Settings page (kept in the store, so every dashboard on it agrees)."""
    base = get_settings()
    return with_overrides(base, store(base).overrides())


# --------------------------------------------------------------------------- page frame


def show_error(exc: BaseException) -> None:
    """A named error, in Thai with the English beside it; never a traceback."""
    if isinstance(exc, StoreError):
        st.error(f"{both('error.store')}\n\n{exc}", icon=":material/database:")
    elif isinstance(exc, ItaError):
        st.error(f"{both('error.data')}\n\n{exc}", icon=":material/error:")
    else:
        st.error(f"{both('error.io')}\n\n{exc}", icon=":material/folder_off:")


@contextmanager
def guarded() -> Iterator[None]:
    """Run a page's body; a named error becomes a message and the page stops there."""
    try:
        yield
    except PAGE_ERRORS as exc:
        show_error(exc)
        st.stop()


def empty_state() -> None:
    """No data at all: say so kindly and point to the Data-in page."""
    with st.container(border=True):
        st.markdown(f"### {tr('empty.title')}")
        st.markdown(tr("empty.body"))
        st.page_link(DATA_IN_PAGE, label=tr("empty.link"), icon=":material/upload_file:")


def page_data() -> Loaded | None:
    """Load, or draw the empty state and return None."""
    with guarded():
        loaded = load()
    if not loaded.sources:
        empty_state()
        return None
    return loaded


def header(title_key: str, loaded: Loaded | None = None) -> None:
    st.title(tr(title_key))
    if loaded is not None:
        bits = [
            loaded.organisation.short_th if lang() == "th" else loaded.organisation.name_en,
            tr("common.fiscal_year", year=loaded.settings.year),
            tr("common.as_of", date=be(as_of())),
        ]
        if loaded.sample_only:
            bits.append(tr("common.sample_data"))
        st.caption(" · ".join(bits))


# --------------------------------------------------------------------------- as-of date


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


# --------------------------------------------------------------------------- drawing helpers


def plot(fig: object, key: str | None = None) -> None:
    st.plotly_chart(
        fig,
        width="stretch",
        theme=None,
        key=key,
        config={"displaylogo": False, "responsive": True, "locale": "th"},
    )


def status_text(status: str | None) -> str:
    if not status or status not in STATUS_SYMBOLS:
        return "—"
    return f"{STATUS_SYMBOLS[status]} {status_label(status, lang())}"


STATUS_MARKDOWN_COLORS = {
    "done": "green",
    "in_progress": "orange",
    "not_started": "red",
    "not_applicable": "gray",
}


def status_badge(status: str | None) -> str:
    """The status as coloured Markdown text, for labels (symbol first, so grey prints read)."""
    text = status_text(status)
    color = STATUS_MARKDOWN_COLORS.get(status or "")
    return f":{color}[{text}]" if color else text


def issues_frame(issues: Iterable[Issue | Mapping[str, Any]]) -> pd.DataFrame:
    """Problems (a report's, or a kept report's as dicts) as rows: severity, sheet, row,
    column, code, the message in the page's language and in the other one (``other``)."""
    en = lang() == "en"
    rows = []
    for issue in issues:
        i = issue if isinstance(issue, Mapping) else vars(issue)
        rows.append(
            {
                "severity": Severity(i["severity"]).value,
                "sheet": i.get("sheet") or "",
                "row": "" if i.get("row") is None else str(i["row"]),  # a blank, not "None"
                "row_n": -1 if i.get("row") is None else i["row"],
                "column": i.get("column") or "",
                "code": i["code"],
                "message": i.get("message_en") if en else i.get("message"),
                "other": i.get("message") if en else i.get("message_en"),
            }
        )
    return pd.DataFrame(
        rows,
        columns=["severity", "sheet", "row", "column", "code", "message", "other", "row_n"],
    )


SEVERITY_STYLE = {
    "error": "background-color: #fde2e1; color: #8b0000",
    "warning": "background-color: #fff1c2; color: #6b4a00",
    "notice": "color: #555555",
}


def show_issues(
    issues: FileReport | Iterable[Mapping[str, Any]], key: str, *, none_text: str | None = None
) -> None:
    """The validation report as a table: errors red, warnings amber; each message in Thai with
    the English beside it (English first on the English page)."""
    frame = issues_frame(issues.issues if isinstance(issues, FileReport) else issues)
    if not len(frame):
        st.success(none_text or tr("report.no_problems"), icon=":material/check_circle:")
        return
    order = {"error": 0, "warning": 1, "notice": 2}
    frame = frame.sort_values(
        by=["severity", "sheet", "row_n"], key=lambda s: s.map(order) if s.name == "severity" else s
    ).reset_index(drop=True)
    labels = {s: tr(f"severity.{s}") for s in order}
    shown = frame.assign(severity_label=frame["severity"].map(labels))
    styled = shown.style.apply(
        lambda row: [SEVERITY_STYLE.get(row["severity"], "")] * len(row), axis=1
    )
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        key=key,
        column_order=["severity_label", "sheet", "row", "column", "code", "message", "other"],
        column_config={
            "severity_label": st.column_config.TextColumn(tr("report.severity"), width=85),
            "sheet": st.column_config.TextColumn(tr("report.sheet"), width=85),
            "row": st.column_config.TextColumn(tr("report.row"), width=50, alignment="right"),
            "column": st.column_config.TextColumn(tr("report.column"), width=95),
            "code": st.column_config.TextColumn(tr("report.code"), width=135),
            "message": st.column_config.TextColumn(tr("report.message"), width=330),
            "other": st.column_config.TextColumn(tr("report.message_other"), width=330),
        },
        height=min(38 + 35 * len(frame), 420),
    )


def current_user() -> Actor:
    """Who is acting (the store checks their role itself)."""
    return current_actor()
