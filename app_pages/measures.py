"""มาตรการ — the integrity measures and their actions, with counts by status."""

import pandas as pd
import streamlit as st

from app_pages._frame import guarded, header, page_data
from app_pages._tables import html_cards, html_table, status_text
from app_pages._text import md
from app_pages._words import lang, tr
from ita_model import charts
from ita_model.html_cards import Card
from ita_model.records import status_label
from ita_model.thai import Period, format_period

loaded = page_data()
header("measures.title", loaded)


def period_text(period: object, text: object) -> str:
    start, end = charts._period_bounds(period)
    if start is not None:
        return format_period(Period(start, end), lang=lang())
    return "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)


if loaded is not None:
    with guarded():
        measures = loaded.dataset.latest("measures")
        if not len(measures):
            st.info(tr("measures.none"), icon=":material/inbox:")
            st.stop()
        status = measures["status"] if "status" in measures else pd.Series([None] * len(measures))
        status = status.where(status.notna(), None)
        counts = {s: int((status == s).sum()) for s in charts.STATUS_ORDER}
        unknown = int(status.isna().sum())
        html_cards(
            [
                [
                    Card(tr("measures.actions"), str(len(measures))),
                    *(Card(status_text(s), str(counts[s])) for s in charts.STATUS_ORDER),
                ]
            ]
        )
        if unknown:
            st.caption(tr("measures.no_status", n=unknown))

        chosen = st.pills(
            tr("oit.filter_status"),
            list(charts.STATUS_ORDER),
            selection_mode="multi",
            format_func=lambda s: f"{charts.STATUS_SYMBOLS[s]} {status_label(s, lang())}",
            key="measures_status",
        )
        frame = measures.assign(status_label=[status_text(s) for s in status])
        if chosen:
            frame = frame[status.isin(chosen).to_numpy()]
        if not len(frame):
            st.info(tr("oit.none_match"), icon=":material/filter_alt_off:")
        frame = frame.assign(
            period_label=[
                period_text(p, t)
                for p, t in zip(
                    frame.get("period", [None] * len(frame)),
                    frame.get("period_text", [None] * len(frame)),
                    strict=True,
                )
            ]
        )
        columns = {
            "action": tr("measures.action"),
            "responsible": tr("measures.responsible"),
            "period_label": tr("measures.period"),
            "result": tr("measures.result"),
            "suggestion": tr("measures.suggestion"),
            "status_label": tr("col.status"),
        }
        # One table per measure, every row, long Thai text wrapped instead of cut.
        for measure, actions in frame.groupby("measure", sort=False):
            st.markdown(f"##### {md(measure)}")
            shown = actions.reindex(columns=list(columns)).rename(columns=columns)
            html_table(shown, "measure", nowrap=(tr("col.status"),))
