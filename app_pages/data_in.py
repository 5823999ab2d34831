"""นำเข้าข้อมูล — drop workbooks (or pick them up from data/inbox), read their report, see what
would change, accept. Every file dropped in is kept in the store at once, good or bad; only
"accept" makes it count. Blank templates and the consolidated workbook to download. On a store
of several agencies, a sheet of several agencies is checked against the registry and sent per
agency (``_multi_in.py``)."""

import logging
import re
from datetime import datetime, time
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages import _links
from app_pages._as_of import as_of, as_of_today
from app_pages._auth import current_actor, read_only_notice
from app_pages._data import (
    PAGE_ERRORS,
    agency_store,
    app_settings,
    check_bytes,
    load,
    organisation,
    registry_key,
    sent_by,
    sha256,
)
from app_pages._frame import guarded, header, show_error
from app_pages._multi_in import show_multi_file
from app_pages._tables import annotated_download, changes_table, show_issues
from app_pages._text import md
from app_pages._words import be, lang, tr
from ita_model.auth import Role
from ita_model.changes import what_would_change
from ita_model.consolidated import consolidated_workbook
from ita_model.i18n import both, name_of, t
from ita_model.multi_agency import is_multi_agency
from ita_model.organisation import Organisation
from ita_model.readiness import SPREADSHEET_SUFFIXES, files_in
from ita_model.template import build_template, template_bytes, workbook_bytes

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_log = logging.getLogger(__name__)


def template_for(pick: str, year: int, org: Organisation) -> bytes:
    """The blank workbook to download: an agency that reports as a whole gets its own (every
    item once, no division column, its name on top), not the default agency's divisions."""
    if org.divisions:
        return template_bytes(pick, year=year)
    stamp = datetime.combine(org.report_date, time())  # its date: the same bytes all day
    return workbook_bytes(build_template(pick, year=year, organisation=org), stamp)


def md_text(text: str) -> str:
    """A file name shown inside Markdown as the text it is."""
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~$])", r"\\\1", text)


header("data_in.title")
if read_only_notice(Role.EDITOR):  # a viewer, a supervisor, another agency's data
    st.stop()
with guarded():
    settings = app_settings()
    org = organisation(settings)
    loaded = load(as_of())
    fs = agency_store(settings)
divisions = {d.id: d for d in org.divisions}
reporters = org.reporters()  # the divisions, and the agency as a whole (ทั้งหน่วยงาน)
reporting = [d.id for d in org.reporting_divisions()]
# no divisions: the agency reports as a whole, its words name none and there is none to choose
whole = not org.divisions


def words(key: str) -> str:
    """A Data-in key, or its ``whole_agency`` twin for an agency that reports as a whole."""
    return tr(f"whole_agency.{key}" if whole else f"data_in.{key}")


if not loaded.sources:
    st.info(words("no_data_yet"), icon=":material/info:")

# ---------------------------------------------------------------- 1. files in
st.subheader(words("drop"))
up_col, div_col = st.columns([2, 1])
uploads = up_col.file_uploader(
    tr("data_in.uploader"),
    type=sorted(s.lstrip(".") for s in SPREADSHEET_SUFFIXES),
    accept_multiple_files=True,
    key="uploads",
    help=tr("data_in.uploader_help"),
)
if whole:  # no division to send for: every file is the agency's own
    sender = None
    div_col.caption(tr("whole_agency.sender"))
else:
    sender = div_col.selectbox(
        tr("data_in.sender"),
        [None, *reporting],
        format_func=lambda d: (
            tr("data_in.sender_none") if d is None else name_of(divisions[d], lang())
        ),
        key="sender_division",
        help=tr("data_in.sender_help"),
    )

inbox_dir = settings.data_dir / "inbox"
try:
    inbox_shown = str(inbox_dir.resolve().relative_to(Path.cwd()))
except ValueError:  # outside the project folder: its last two names, never a server path
    inbox_shown = f"{inbox_dir.parent.name}/{inbox_dir.name}"
inbox = files_in(inbox_dir) if inbox_dir.is_dir() else []
incoming: list[tuple[str, bytes, str]] = [(u.name, u.getvalue(), "upload") for u in uploads or []]
if inbox:
    st.caption(tr("data_in.inbox_found", n=len(inbox), folder=inbox_shown))
    for path in inbox:
        try:
            incoming.append((path.name, path.read_bytes(), "inbox"))
        except OSError as exc:
            show_error(exc)
else:
    st.caption(tr("data_in.inbox_empty", folder=inbox_shown))


def accept(submission_id: str) -> None:
    try:
        accepted = fs.accept(submission_id, user=current_actor())
        st.session_state["just_accepted"] = submission_id
        st.session_state["check_links_of"] = accepted.division
        as_of_today()
    except PAGE_ERRORS as exc:
        st.session_state["accept_error"] = str(exc)


if msg := st.session_state.pop("accept_error", None):
    st.error(md(msg), icon=":material/database:")
if st.session_state.pop("just_accepted", None):
    st.success(tr("data_in.accepted_now"), icon=":material/task_alt:")
    with guarded():
        _links.after_accept(loaded, st.session_state.pop("check_links_of", None))


def show_file(n: int, name: str, data: bytes, origin: str) -> None:
    """One incoming file: checked, stored, its report and what accepting it would change."""
    report = check_bytes(
        data, name, settings.year, sender, settings.model_dump_json(), single, reg_key, registry
    )
    if is_multi_agency(report):  # a sheet of several agencies: split per agency, or refused
        names = {r.code: r.name for r in registry}
        show_multi_file(n, name, data, origin, report, fs=fs, year=settings.year, names=names)
        return
    div = report.division or sender
    with st.container(border=True):
        title = f"**{md(name)}**"  # a file name is the sender's text, never Markdown
        title += f" · {tr('data_in.from_' + origin)}"
        if div in divisions:
            title += " · " + md(name_of(divisions[div], lang()))
        else:
            title += " · " + tr("whole_agency.name" if whole else "data_in.no_division")
        st.markdown(title)
        try:
            sub, is_new = fs.submit(
                data,
                name,
                user=current_actor(),
                year=settings.year,
                division=div,
                # an unreadable file's refusal is already one of its errors: one count, here
                # and on History
                errors=max(report.issues.errors, int(report.unreadable)),
                warnings=report.issues.warnings,
                report=report,
            )
        except PAGE_ERRORS as exc:
            show_error(exc)
            return
        sheets = ", ".join(
            f"{md(s.name)} ({tr('kind.' + (s.kind or 'none'))}: {s.valid_rows}/{s.rows})"
            for s in report.sheets
            if s.kind  # a sheet that is not data (the template's guide) is not listed
        )
        st.caption(
            tr("report.summary", errors=report.issues.errors, warnings=report.issues.warnings)
            + (f" · {sheets}" if sheets else "")
            + f" · {tr('state.' + sub.state)}"
            + ("" if is_new else f" · {tr('data_in.already_stored')}")
        )
        show_issues(report, key=f"issues_{n}_{sha256(data)[:8]}")
        annotated_download(data, name, report, key=f"annotated_{n}_{sub.id}", whole=whole)

        if report.unreadable:
            st.error(tr("data_in.unreadable"), icon=":material/block:")
            return
        try:
            changes = what_would_change(
                loaded.dataset,
                report,
                before=loaded.readiness,
                framework=loaded.framework,
                organisation=org,
            )
        except PAGE_ERRORS as exc:
            show_error(exc)
            return
        st.markdown(f"**{tr('data_in.would_change')}**")
        if sub.state == "accepted":
            st.caption(tr("data_in.counts_already"))
        elif changes.empty:
            st.caption(tr("data_in.no_change"))
        else:
            if changes.as_whole and not whole:  # rows with no division: whom they count for
                names = ", ".join(
                    name_of(reporters[d], lang()) if d in reporters else d
                    for d in changes.divisions
                )
                st.caption(tr("whole_agency.counts_for", names=names))
            changes_table(changes, reporters, key=f"changes_{n}_{sub.sha256[:8]}", whole=whole)

        if sub.state != "accepted":
            with guarded():
                _links.file_check(report, settings, f"links_file_{sub.id}", divisions)
        if sub.state == "accepted":
            st.success(tr("data_in.is_accepted"), icon=":material/task_alt:")
        else:
            risky = report.issues.errors > 0
            allow = True
            if risky:
                st.warning(words("has_errors"), icon=":material/warning:")
                allow = st.checkbox(tr("data_in.accept_valid_rows"), key=f"force_{sub.id}")
            undone = changes.undone
            if len(undone):  # said before the button: these done items would stop counting
                lost = ", ".join(
                    f"{item} ({name_of(reporters[d], lang())})"
                    if d in reporters and not whole  # the agency's own: no one else to name
                    else item
                    for item, d in zip(undone["item"], undone["division"], strict=True)
                )
                st.warning(
                    tr("data_in.undoes_done", n=len(undone), items=lost),
                    icon=":material/undo:",
                )
                sure = st.checkbox(tr("data_in.accept_undone"), key=f"undo_ok_{sub.id}")
                allow = allow and sure
            st.button(
                tr("data_in.accept"),
                key=f"accept_{sub.id}",
                type="primary",
                disabled=not allow,
                on_click=accept,
                args=(sub.id,),
                icon=":material/check:",
            )


registry = fs.agency_registry() if incoming else []
single = len(registry) <= 1  # the deployment's own agency only
reg_key = "" if single else registry_key(registry)
for n, (name, data, origin) in enumerate(incoming):
    try:
        show_file(n, name, data, origin)
    except Exception as exc:  # a fault with one file never loses the others, nor the page
        _log.exception("the Data-in page failed on %s", name)
        detail = type(exc).__name__
        st.error(
            both("data_in.file_failed", name=md_text(name), detail=detail), icon=":material/error:"
        )

# ---------------------------------------------------------------- 2. history
history = fs.submissions()
if history:
    with st.expander(tr("data_in.history", n=len(history))):
        frame = pd.DataFrame(
            [
                {
                    "when": f"{be(s.submitted_at.date())} {s.submitted_at.astimezone():%H:%M}",
                    "file": s.filename,
                    "division": name_of(divisions[s.division], lang())
                    if s.division in divisions
                    else "—",
                    "user": sent_by(s.user),
                    "state": tr(f"state.{s.state}"),
                    "problems": tr("report.summary", errors=s.errors, warnings=s.warnings),
                }
                for s in reversed(history)
            ]
        )
        st.dataframe(
            frame.drop(columns=["division"]) if whole else frame,  # none: every file its own
            hide_index=True,
            width="stretch",
            column_config={
                "when": tr("data_in.when"),
                "file": tr("data_in.file"),
                "division": tr("col.division"),
                "user": tr("data_in.user"),
                "state": tr("data_in.state"),
                "problems": tr("data_in.problems"),
            },
        )

# ---------------------------------------------------------------- 3. downloads
st.subheader(tr("data_in.downloads"))
a, b = st.columns(2, border=True)
with a:
    st.markdown(f"**{tr('data_in.template')}**")
    if whole:  # one workbook, every item once, no division column: nothing to choose
        pick = "all"
        st.caption(tr("whole_agency.template"))
    else:
        said = lang()  # the option labels are made later too (in tests): not from the session
        pick = st.selectbox(
            tr("data_in.template_for"),
            ["all", *reporting],
            format_func=lambda d: (
                t("data_in.all_divisions", said) if d == "all" else name_of(divisions[d], said)
            ),
            key="template_division",
        )
    year = settings.year
    st.download_button(
        tr("data_in.download_template"),
        data=lambda: template_for(pick, year, org),
        file_name=f"ita{year}-oit-{pick}.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key="dl_template",
    )
with b:
    st.markdown(f"**{words('current')}**")
    st.caption(words("current_help"))
    dataset = loaded.dataset
    st.download_button(
        tr("data_in.download_current"),
        data=lambda: consolidated_workbook(dataset, organisation=org),
        file_name=f"ita{settings.year}-oit-current.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key="dl_current",
        disabled=not loaded.sources,
    )
