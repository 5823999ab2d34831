"""ประวัติและการเปลี่ยนแปลง — every submission and its state (accept, roll back, the original and
the annotated workbook), what changed since a date and who moved it, items done over time, and
the audit log (viewable and downloadable)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from app_pages._auth import current_actor, may_write
from app_pages._data import (
    PAGE_ERRORS,
    agency_store,
    app_settings,
    load,
    organisation,
    sent_by,
)
from app_pages._frame import guarded, header
from app_pages._tables import (
    changes_table,
    figure,
    html_table,
    plot,
    show_issues,
    status_text,
    table_height,
)
from app_pages._text import md
from app_pages._words import be, lang, tr
from ita_model.annotate import annotate, annotated_name
from ita_model.auth import Role
from ita_model.cells import frame_csv
from ita_model.changes import what_would_change
from ita_model.fiscal import today_in_thailand
from ita_model.history import History, thai_day
from ita_model.history_charts import progress_figure
from ita_model.i18n import name_of
from ita_model.settings import Settings, store_target
from ita_model.store import Store, Submission

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATES = ["accepted", "pending", "rejected", "superseded"]
TAB_KEY = "history_tab"  # the open tab
PICKED = "history_picked"  # the submission picked, across revisions
STORE_KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}  # the kind, never a server path


@st.cache_resource(max_entries=8, show_spinner=False)
def _history(target: str, agency: str, revision: int, settings_json: str, _fs: Store) -> History:
    """The year's steps of one agency, rebuilt only when its rows change (``revision``)."""
    settings = Settings.model_validate_json(settings_json)
    h = History(_fs, settings=settings)
    h.steps()
    return h


@st.cache_data(max_entries=8, show_spinner=False)
def _annotated(data: bytes, filename: str, issues: tuple[tuple, ...]) -> bytes:
    keys = ("severity", "code", "message", "message_en", "sheet", "row", "column")
    return annotate(data, filename, [dict(zip(keys, i, strict=True)) for i in issues])


def _when(sub_at) -> str:
    local = pd.Timestamp(sub_at).tz_convert("Asia/Bangkok")
    return f"{be(local.date())} {local:%H:%M}"


def _thai_date(at: object) -> date:
    return pd.Timestamp(at).tz_convert("Asia/Bangkok").date()


def _division_name(div: str | None, divisions: dict) -> str:
    return name_of(divisions[div], lang()) if div in divisions else (div or "—")


header("history.title")
actor = current_actor()
with guarded():
    settings = app_settings()
    org = organisation(settings)
    fs: Store = agency_store(settings)
    subs = fs.submissions(year=settings.year)
    revision = fs.revision()
divisions = org.reporters()  # the divisions, and the agency as a whole (its moves are named)
# no divisions: it reports as a whole, every file and move is its own, none to filter or name
whole = not org.divisions
st.caption(tr("history.store_at", where=STORE_KINDS.get(fs.dialect, fs.dialect)))


# ---------------------------------------------------------------- submissions


def _decide(kind: str, submission_id: str) -> None:
    """``accept``, ``rollback`` or ``withdraw``: the store's method of that name."""
    try:
        getattr(fs, kind)(submission_id, user=current_actor())
        st.session_state["history_done"] = kind
    except PAGE_ERRORS as exc:
        st.session_state["history_error"] = str(exc)


def _rollback_preview(sub: Submission) -> None:
    """What making this file current again would change, before anyone confirms it."""
    with guarded():
        now = load(today_in_thailand())
        report = fs.stored([sub])[0]  # its rows as kept when it arrived
        changes = what_would_change(
            now.dataset,
            report,
            before=now.readiness,
            framework=now.framework,
            organisation=now.organisation,
        )
    st.markdown(f"**{tr('history.rollback_preview')}**")
    if changes.empty:
        st.caption(tr("history.rollback_no_change"))
        return
    changes_table(changes, divisions, key=f"rollback_changes_{sub.id}", whole=whole)


def _submissions_tab() -> None:
    if msg := st.session_state.pop("history_error", None):
        st.error(md(msg), icon=":material/block:")
    if done := st.session_state.pop("history_done", None):
        st.success(tr(f"history.done_{done}"), icon=":material/task_alt:")
    if not subs:
        st.info(tr("history.empty"), icon=":material/inbox:")
    else:
        left, right = st.columns(2)
        present = sorted({s.division for s in subs if s.division}, key=str)
        pick_div = None
        if not whole:
            pick_div = left.selectbox(
                tr("history.filter_division"),
                [None, *present],
                format_func=lambda d: (
                    tr("history.all_divisions") if d is None else _division_name(d, divisions)
                ),
                key="history_division",
            )
        pick_states = right.multiselect(
            tr("history.filter_state"),
            STATES,
            default=STATES,
            format_func=lambda s: tr(f"state.{s}"),
            key="history_states",
        )
        shown = [
            s
            for s in reversed(subs)
            if (pick_div is None or s.division == pick_div) and s.state in pick_states
        ]
        table = pd.DataFrame(
            [
                {
                    "when": _when(s.submitted_at),
                    "file": s.filename,
                    "division": _division_name(s.division, divisions),
                    "user": sent_by(s.user),
                    "state": tr(f"state.{s.state}"),
                    "problems": tr("report.summary", errors=s.errors, warnings=s.warnings),
                }
                for s in shown
            ],
            columns=["when", "file", "division", "user", "state", "problems"],
        )
        # a static table (no data grid to load and draw): every text escaped, long names wrapped
        html_table(
            table.drop(columns=["division"] if whole else []).rename(
                columns={
                    "when": tr("history.when"),
                    "file": tr("history.file"),
                    "division": tr("col.division"),
                    "user": tr("history.user"),
                    "state": tr("history.state"),
                    "problems": tr("history.problems"),
                }
            ),
            "submissions",
            nowrap=(tr("history.when"), tr("history.state")),
            most=360,
        )
        by_id = {s.id: s for s in shown}
        # keyed by the store's revision: after a decision the labels (the states) are redrawn,
        # and the submission picked before stays picked
        pick_key = f"history_pick_{revision}"
        if st.session_state.get(PICKED) in by_id and pick_key not in st.session_state:
            st.session_state[pick_key] = st.session_state[PICKED]
        chosen = st.selectbox(
            tr("history.pick"),
            list(by_id),
            format_func=lambda i: (
                f"{by_id[i].filename} · {_when(by_id[i].submitted_at)} · "
                f"{tr('state.' + by_id[i].state)}"
            ),
            key=pick_key,
        )
        st.session_state[PICKED] = chosen
        sub: Submission | None = by_id.get(chosen) if chosen else None
        if sub is not None:
            with st.container(border=True):
                who = tr("whole_agency.name") if whole else _division_name(sub.division, divisions)
                st.markdown(f"**{md(sub.filename)}** · {md(who)} · {tr('state.' + sub.state)}")
                if sub.decided_by and sub.decided_at:
                    st.caption(
                        tr(
                            "history.decided",
                            user=md(sent_by(sub.decided_by)),
                            when=_when(sub.decided_at),
                        )
                    )
                with guarded():
                    report = fs.report(sub, settings=settings)
                issues = report.get("issues", [])
                show_issues(
                    issues, key=f"kept_issues_{sub.id}", none_text=tr("history.no_problems")
                )

                buttons = st.columns(3)
                buttons[0].download_button(
                    tr("history.download_original"),
                    data=lambda s=sub: fs.data(s),
                    file_name=sub.filename,
                    icon=":material/download:",
                    key=f"original_{sub.id}",
                    on_click="ignore",
                )
                if issues and not sub.unreadable:
                    packed = tuple(
                        tuple(i.get(k) for k in ("severity", "code", "message", "message_en",
                                                 "sheet", "row", "column"))
                        for i in issues
                    )  # fmt: skip
                    buttons[1].download_button(
                        tr("history.download_annotated"),
                        data=lambda s=sub, p=packed: _annotated(fs.data(s), s.filename, p),
                        file_name=annotated_name(sub.filename),
                        mime=XLSX_MIME,
                        icon=":material/edit_note:",
                        key=f"annotated_{sub.id}",
                        on_click="ignore",
                        type="primary",
                    )
                if not may_write(Role.EDITOR):
                    st.caption(tr("history.viewer_note"))
                elif sub.unreadable:
                    st.warning(tr("history.unreadable"), icon=":material/block:")
                elif sub.state == "accepted":
                    sure = st.checkbox(tr("history.withdraw_sure"), key=f"withdraw_sure_{sub.id}")
                    buttons[2].button(
                        tr("history.withdraw"),
                        help=tr("whole_agency.withdraw_help" if whole else "history.withdraw_help"),
                        on_click=_decide,
                        args=("withdraw", sub.id),
                        disabled=not sure,
                        icon=":material/remove_circle:",
                        key=f"withdraw_{sub.id}",
                    )
                elif sub.state == "superseded":
                    _rollback_preview(sub)
                    sure = st.checkbox(tr("history.rollback_sure"), key=f"rollback_sure_{sub.id}")
                    buttons[2].button(
                        tr("history.rollback"),
                        help=tr("whole_agency.rollback_help" if whole else "history.rollback_help"),
                        on_click=_decide,
                        args=("rollback", sub.id),
                        disabled=not sure,
                        icon=":material/undo:",
                        key=f"rollback_{sub.id}",
                    )
                elif sub.state in ("pending", "rejected"):
                    sure = True
                    if sub.state == "rejected":
                        sure = st.checkbox(tr("history.accept_errors"), key=f"sure_{sub.id}")
                    buttons[2].button(
                        tr("history.accept"),
                        on_click=_decide,
                        args=("accept", sub.id),
                        disabled=not sure,
                        type="primary",
                        icon=":material/check:",
                        key=f"accept_{sub.id}",
                    )


# ---------------------------------------------------------------- what changed since


def _history_now() -> History:
    return _history(
        str(store_target(settings)), fs.agency, revision, settings.model_dump_json(), fs
    )


def _changes_tab() -> None:
    # a list of days in the Buddhist Era (st.date_input can only show the Christian year)
    today = today_in_thailand()
    first = min([_thai_date(x.submitted_at) for x in subs] + [today - timedelta(days=30)])
    days = [today - timedelta(days=n) for n in range((today - first).days + 1)]
    since = st.selectbox(
        tr("history.since"),
        days,
        index=min(7, len(days) - 1),
        format_func=lambda d: be(d, style="long"),
        key="history_since",
    )
    with guarded():
        h = _history_now()
        moves = h.changes_since(since)
        then, now = h.at(since).readiness, h.steps()[-1].readiness
    cols = st.columns(3, border=True)
    cols[0].metric(tr("history.then_done"), f"{then.done} / {then.total}")
    cols[1].metric(tr("history.now_done"), f"{now.done} / {now.total}", delta=now.done - then.done)
    cols[2].metric(tr("history.moved_items"), moves["item"].nunique() if len(moves) else 0)
    if not len(moves):
        st.info(tr("history.no_changes"), icon=":material/event_available:")
    else:
        shown = moves.assign(
            name=moves["name_en" if lang() == "en" else "name_th"],
            div=[_division_name(d, divisions) for d in moves["division"]],
            move=[
                f"{status_text(b)} → {status_text(a)}"
                for b, a in zip(moves["before"], moves["after"], strict=True)
            ],
            overall=[
                f"{status_text(b)} → {status_text(a)}"
                for b, a in zip(moves["overall_before"], moves["overall_after"], strict=True)
            ],
            when=[_when(a) for a in moves["at"]],
            user=[sent_by(u) for u in moves["user"]],
        )  # fmt: skip
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_order=[
                "item",
                "name",
                *([] if whole else ["div"]),  # every move is the agency's own
                "move",
                "overall",
                "user",
                "when",
                "filename",
            ],
            column_config={
                "item": st.column_config.TextColumn(tr("col.item"), width=60),
                "name": st.column_config.TextColumn(tr("col.name"), width="large"),
                "div": tr("col.division"),
                "move": tr("col.status" if whole else "history.col_move"),
                "overall": tr("history.col_overall"),
                "user": tr("history.col_by"),
                "when": tr("history.col_when"),
                "filename": tr("history.file"),
            },
            height=table_height(len(shown), 420),
        )
        csv = frame_csv(shown.drop(columns=["name", "div", "move", "overall", "when"]))
        st.download_button(
            tr("history.download_changes"),
            data=csv,
            file_name=f"changes-since-{since.isoformat()}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )


# ---------------------------------------------------------------- progress over time


def _progress_tab() -> None:
    by = st.segmented_control(
        tr("history.by"),
        ["indicator", "all"] if whole else ["indicator", "division", "all"],
        format_func=lambda b: tr(f"history.by_{b}"),
        default="indicator",
        required=True,
        key="history_by",
    )
    with guarded():
        h = _history_now()
        frame = h.daily(by or "indicator")
    if len(h.steps()) <= 1:
        st.info(tr("history.no_steps"), icon=":material/timeline:")
    else:
        start_day = thai_day(h.steps()[1].at) - timedelta(days=1)  # type: ignore[arg-type]
        frame = frame.assign(
            day=[d if d is not None else start_day for d in frame["day"]],
            name=frame["name_en" if lang() == "en" else "name_th"],
        )
        plot(figure(progress_figure, frame, lang()), key="history_chart")
        wide = frame.pivot_table(index="name", columns="day", values="done", aggfunc="last")
        wide.columns = [be(c) for c in wide.columns]
        wide.index.name = tr(f"history.by_{by or 'indicator'}")
        st.dataframe(wide, width="stretch", height=table_height(len(wide)))


# ---------------------------------------------------------------- audit log


def _what(detail: dict) -> str:
    if "setting" in detail:
        return f"{detail['setting']}: {detail.get('before')} → {detail.get('after')}"
    if "part" in detail:  # the agency set-up (agency_store.py)
        return f"{detail['part']}: {detail.get('before')} → {detail.get('after')}"
    return detail.get("filename") or detail.get("name") or ""


def _audit_tab() -> None:
    with guarded():
        events = fs.events()
    if not events:
        st.info(tr("history.empty"), icon=":material/inbox:")
    else:
        log = pd.DataFrame(
            [
                {
                    "seq": e.seq,
                    "when": _when(e.at),
                    "user": sent_by(e.user),
                    "role": tr(f"auth.role_{e.role}"),
                    "action": tr(f"history.action_{e.action}"),
                    "division": _division_name(e.division, divisions) if e.division else "",
                    "what": _what(e.detail),
                }
                for e in reversed(events)
            ]
        )  # fmt: skip
        st.dataframe(
            log.drop(columns=["division"]) if whole else log,
            hide_index=True,
            width="stretch",
            height=table_height(len(log), 480),
            column_config={
                "seq": tr("history.col_seq"),
                "when": tr("history.col_when"),
                "user": tr("history.user"),
                "role": tr("history.col_role"),
                "action": tr("history.col_action"),
                "division": tr("col.division"),
                "what": tr("history.col_what"),
            },
        )
        st.download_button(
            tr("history.download_audit"),
            data=lambda: fs.audit_csv(),
            file_name="ita-audit-log.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key="audit_csv",
        )


# Lazy tabs: only the open one is built and sent (the progress chart, the audit grid and the
# history's replays were drawn on every visit, behind tabs nobody had opened).
TABS = {
    "submissions": _submissions_tab,
    "changes": _changes_tab,
    "progress": _progress_tab,
    "audit": _audit_tab,
}
tabs = st.tabs([tr(f"history.tab_{name}") for name in TABS], key=TAB_KEY, on_change="rerun")
for tab, draw in zip(tabs, TABS.values(), strict=True):
    if tab.open is not False:
        with tab:
            draw()
