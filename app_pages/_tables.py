"""Drawing helpers: charts, status words with their symbol, the problems table."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from app_pages._words import lang, tr
from ita_model.changes import Changes
from ita_model.charts import STATUS_SYMBOLS
from ita_model.errors import Issue, Severity
from ita_model.html_cards import Card, cards
from ita_model.html_charts import esc
from ita_model.html_details import CSS as DETAILS_CSS
from ita_model.html_details import bullets, details
from ita_model.html_table import static_table
from ita_model.i18n import name_of
from ita_model.records import status_label
from ita_model.validate import FileReport


def table_height(rows: int, most: int | None = None) -> int:
    """Pixels for a table to show all its rows (a 38 px header, 35 px a row). With ``most``,
    a longer table is cut to that height and a caption above it says how many rows show."""
    full = 38 + 35 * rows
    if most is None or full <= most:
        return full
    st.caption(tr("common.showing_rows", n=max((most - 38) // 35, 1), total=rows))
    return most


@st.cache_resource(max_entries=64, show_spinner=False)
def _figure(module: str, name: str, args: tuple, kwargs: tuple) -> Any:
    return getattr(importlib.import_module(module), name)(*args, **dict(kwargs))


def figure(builder: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A chart module's figure, built once per distinct input (the inputs are its key): a
    figure takes a quarter of a second to build, every run of a page drew it afresh. Shared
    between sessions, so the figure must not be changed after (``plot`` does not)."""
    return _figure(builder.__module__, builder.__name__, args, tuple(sorted(kwargs.items())))


def plot(fig: object, key: str | None = None) -> None:
    """A Plotly figure, hover kept, no mode bar (its buttons were drawn with every chart; the
    hand-outs are the way to a picture of it)."""
    st.plotly_chart(
        fig,
        width="stretch",
        theme=None,
        key=key,
        config={"displayModeBar": False, "responsive": True, "locale": "th"},
    )


def html_chart(markup: str) -> None:
    """A chart drawn as HTML by a chart module (``ita_model.html_charts``, which escapes every
    text in it): the browser lays it out at once, no chart library to load or run."""
    st.html(markup)


def html_cards(rows: Sequence[Sequence[Card]]) -> None:
    """Figures in cards (``ita_model.html_cards``, every text escaped there), one HTML block."""
    st.html(cards(rows))


def html_table(
    frame: pd.DataFrame,
    name: str,
    nowrap: tuple[str, ...] = (),
    most: int | None = None,
    title: str = "",
) -> None:
    """A static table, every row, long text wrapped (``ita_model.html_table`` escapes every
    cell): what ``st.table`` showed, without a Markdown renderer per cell in the browser. With
    ``most`` (px), a longer one scrolls in a box that high and a caption above says so; a
    ``title`` is written in bold above it, in the same block."""
    # an HTML row is as tall as its wrapped text: counted as two lines, a box that may scroll
    # says so (never a count of rows shown the browser might not match)
    if most is not None and 38 + 57 * len(frame) > most:
        st.caption(tr("common.scroll_rows", total=len(frame)))
    else:
        most = None
    head = f"<p><b>{esc(title)}</b></p>" if title else ""
    st.html(head + static_table(frame, name=name, nowrap=nowrap, max_px=most))


def disclosure(summary: str, lines: list[str], name: str = "") -> None:
    """Lines of text behind a line that opens them (``<details>``, escaped in
    ``ita_model.html_details``): what an ``st.expander`` of Markdown lines showed, opened by the
    browser alone."""
    st.html(DETAILS_CSS + details(esc(summary), bullets(lines), name=name))


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


def _message_rows(messages: pd.Series, width_px: int) -> int:
    """A row height (px) that holds the longest message wrapped in a column ``width_px`` wide:
    Streamlit's table wraps a cell's text only in rows taller than 4 rem (64 px)."""
    longest = int(messages.fillna("").map(len).max() or 0)
    lines = -(-longest // max(width_px // 8, 20))  # about 8 px a character at the table's type
    return 35 if lines <= 1 else min(max(22 * lines + 12, 68), 200)


def show_issues(
    issues: FileReport | Iterable[Mapping[str, Any]], key: str, *, none_text: str | None = None
) -> None:
    """The validation report as a table: errors red, warnings amber; each message whole (long
    ones wrap) in the page's language. The problem codes and the message in the other language
    come with a toggle, for whoever needs them (support, the English page's Thai readers)."""
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
    more = st.toggle(tr("report.show_codes"), key=f"{key}_codes", value=False)
    extra = ["code", "other"] if more else []
    message_w = 330 if more else 440  # with the four narrow columns: a 1280 px page, sidebar open
    row_h = _message_rows(frame["message"], message_w)
    if more:
        row_h = max(row_h, _message_rows(frame["other"], 330))
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        key=key,
        column_order=["severity_label", "sheet", "row", "column", "message", *extra],
        column_config={
            "severity_label": st.column_config.TextColumn(tr("report.severity"), width=85),
            "sheet": st.column_config.TextColumn(tr("report.sheet"), width=85),
            "row": st.column_config.TextColumn(tr("report.row"), width=50, alignment="right"),
            "column": st.column_config.TextColumn(tr("report.column"), width=95),
            "code": st.column_config.TextColumn(tr("report.code"), width=135),
            "message": st.column_config.TextColumn(tr("report.message"), width=message_w),
            "other": st.column_config.TextColumn(tr("report.message_other"), width=330),
        },
        row_height=row_h,
        height=min(38 + row_h * len(frame), 520),
    )


def changes_table(
    changes: Changes, divisions: Mapping[str, Any], key: str, *, whole: bool = False
) -> None:
    """What a decision would change: each (item, division) status that moves, the OIT done
    count before and after (the divisions' own and the agency's), and the other tables it
    replaces. The upload card and History's rollback preview both show it. ``whole``: the
    agency has no divisions (it reports as a whole), so its own status is the item's: one
    status column, one count, no division named."""
    if len(changes.items):
        items = changes.items
        move = zip(items["before"], items["after"], strict=True)
        overall = zip(items["overall_before"], items["overall_after"], strict=True)
        shown = items.assign(
            name=items["name_en" if lang() == "en" else "name_th"],
            div=[name_of(divisions[d], lang()) if d in divisions else d for d in items["division"]],
            move=[f"{status_text(b)} → {status_text(a)}" for b, a in move],
            overall=[f"{status_text(b)} → {status_text(a)}" for b, a in overall],
        )
        many = items["division"].nunique() > 1
        columns = ["move"] if whole else [*(["div"] if many else []), "move", "overall"]
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_order=["item", "name", *columns],
            column_config={
                "item": st.column_config.TextColumn(tr("col.item"), width=45),
                "name": st.column_config.TextColumn(tr("col.name"), width=240),
                "div": st.column_config.TextColumn(tr("col.division"), width=150),
                "move": st.column_config.TextColumn(
                    tr("whole_agency.status" if whole else "data_in.division_status"), width=250
                ),
                "overall": st.column_config.TextColumn(tr("data_in.overall_status"), width=250),
            },
            height=table_height(len(shown), 320),
            key=key,
        )
        done = tr("data_in.done_moves", before=changes.done_before, after=changes.done_after)
        if not whole:  # the agency's own count is the only one
            own = tr(
                "data_in.division_done_moves",
                before=changes.division_done_before,
                after=changes.division_done_after,
            )
            done = f"{own} · {done}"
        st.caption(done)
    for rec in changes.replaced.to_dict("records"):
        st.caption(
            tr(
                "data_in.replaces",
                kind=tr("kind." + rec["kind"]),
                before=rec["rows_before"],
                after=rec["rows_after"],
            )
        )


def annotated_download(
    data: bytes, name: str, report: FileReport, key: str, *, whole: bool = False
) -> None:
    """The file back with every problem cell coloured and explained (when it has problems and
    could be read), for the sender to fix (``whole``: an agency with no divisions sent it)."""
    if not len(report.issues) or report.unreadable:
        return
    from ita_model.annotate import annotate, annotated_name

    st.download_button(
        tr("history.download_annotated"),
        data=lambda: annotate(data, name, report.issues),
        file_name=annotated_name(name),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/edit_note:",
        key=key,
        on_click="ignore",
        help=tr("whole_agency.annotated_help" if whole else "data_in.annotated_help"),
    )
