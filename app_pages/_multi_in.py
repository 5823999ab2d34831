"""A multi-agency OIT sheet dropped on the Data-in page (a store of several agencies). Not a page.

The file is checked like any other (its problems per row and column, the agency column's
included). With errors it is kept whole at once, refused, counted for nobody; without, and when
the viewer may send for every agency it names, one button sends it: each agency's rows become
that agency's accepted submission (``ita_model.multi_agency_submit``, what ``submit`` runs), then
a summary in Thai and English and a table of the agencies. Anyone who may not send for one of
its agencies is told which, and nothing is kept for anyone.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from app_pages._auth import current_actor
from app_pages._data import PAGE_ERRORS, sha256
from app_pages._frame import show_error
from app_pages._tables import annotated_download, show_issues, table_height
from app_pages._text import md
from app_pages._words import tr
from ita_model.errors import NotAllowed
from ita_model.i18n import both
from ita_model.multi_agency_submit import (
    AgencyKept,
    MultiAgencyFile,
    MultiAgencySubmit,
    check_sender,
    checked,
    submit_multi_agency,
)
from ita_model.store import Store
from ita_model.validate import FileReport

SENT_KEY = "multi_in_sent"  # the files sent in this session: sha256 -> what sending did


def show_multi_file(
    n: int,
    name: str,
    data: bytes,
    origin: str,
    report: FileReport,
    *,
    fs: Store,
    year: int,
    names: Mapping[str, str],
) -> None:
    """One incoming multi-agency file: checked, refused whole or sent per agency."""
    file = checked(report)
    sha = sha256(data)
    with st.container(border=True):
        title = f"**{md(name)}** · {tr('data_in.from_' + origin)} · {tr('multi_in.several')}"
        st.markdown(title)
        st.caption(
            tr("report.summary", errors=report.issues.errors, warnings=report.issues.warnings)
            + " · "
            + tr("multi_in.counted", agencies=len(file.agencies), rows=file.rows)
        )
        if not file.ok:
            _refused(n, name, data, file, fs=fs, year=year, sha=sha)
            return
        show_issues(report, key=f"issues_{n}_{sha[:8]}")
        try:
            check_sender(fs, current_actor(), file)
        except NotAllowed as exc:  # which agencies, in Thai and English; nothing kept
            st.error(f"{both('multi_in.not_allowed')}\n\n{md(exc)}", icon=":material/lock:")
            return
        except PAGE_ERRORS as exc:
            show_error(exc)
            return
        sent: dict[str, MultiAgencySubmit] = st.session_state.setdefault(SENT_KEY, {})
        done = sent.get(sha)
        if done is None:
            try:
                again = fs.kept_already(data, year, file.agencies)
            except PAGE_ERRORS as exc:
                show_error(exc)
                return
            if again is not None:  # sent before (this session or another): nothing to send
                done = _already(file, again)
        slot = st.empty()  # the button, gone once the file is sent
        if done is None and slot.button(
            tr("multi_in.send", agencies=len(file.agencies)),
            key=f"send_multi_{n}_{sha[:12]}",
            type="primary",
            icon=":material/call_split:",
            help=tr("multi_in.send_help"),
        ):
            slot.empty()
            try:
                done = submit_multi_agency(fs, data, name, file, user=current_actor(), year=year)
            except PAGE_ERRORS as exc:
                show_error(exc)
                return
            sent[sha] = done
        if done is not None:
            _summary(name, done, names, key=f"agencies_{n}_{sha[:8]}")


def _refused(
    n: int, name: str, data: bytes, file: MultiAgencyFile, *, fs: Store, year: int, sha: str
) -> None:
    """A file with errors: kept whole at once (nothing sent is lost), counted for nobody."""
    report = file.report
    try:
        done = submit_multi_agency(fs, data, name, file, user=current_actor(), year=year)
    except PAGE_ERRORS as exc:  # a viewer's file: refused by the store, not kept
        show_error(exc)
    else:
        said = both("agencies.file_refused", path=md(name), errors=report.issues.errors)
        st.error(said, icon=":material/block:")
        if not done.whole_new:
            st.caption(tr("data_in.already_stored"))
    show_issues(report, key=f"issues_{n}_{sha[:8]}")
    annotated_download(data, name, report, key=f"annotated_multi_{n}_{sha[:12]}")


def _already(file: MultiAgencyFile, again: list) -> MultiAgencySubmit:
    kept = [AgencyKept(code, sub, False, file.rows_by_agency.get(code, 0)) for code, sub in again]
    return MultiAgencySubmit(file, kept)


def _summary(name: str, done: MultiAgencySubmit, names: Mapping[str, str], key: str) -> None:
    """How many agencies and rows, new or already stored (Thai and English), and the agencies."""
    said = both(
        "agencies.file_accepted",
        path=md(name),
        agencies=len(done.kept),
        new=done.new,
        again=done.again,
        rows=done.file.rows,
    )
    st.success(said, icon=":material/task_alt:")
    frame = pd.DataFrame(
        [
            {
                "agency": k.agency,
                "name": names.get(k.agency, ""),
                "rows": k.rows,
                "state": tr(f"state.{k.submission.state}"),
                "sent": tr("multi_in.new" if k.new else "multi_in.again"),
            }
            for k in done.kept
        ]
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            "agency": st.column_config.TextColumn(tr("multi_in.col_agency"), width=110),
            "name": st.column_config.TextColumn(tr("multi_in.col_name"), width=320),
            "rows": st.column_config.NumberColumn(tr("multi_in.col_rows"), width=80),
            "state": st.column_config.TextColumn(tr("data_in.state"), width=110),
            "sent": st.column_config.TextColumn(tr("multi_in.col_sent"), width=160),
        },
        height=table_height(len(frame), 420),
        key=key,
    )
