"""ไทม์ไลน์ — the ITA steps in lanes, today's line, meetings, and the measures' periods."""

import streamlit as st

from app_pages._as_of import as_of
from app_pages._frame import guarded, header, page_data
from app_pages._tables import plot, table_height
from app_pages._words import be, lang, tr
from ita_model import charts, overview

loaded = page_data()
header("timeline.title", loaded)

if loaded is not None:
    with guarded():
        today = as_of()
        steps = loaded.dataset.latest("timeline")
        measures = loaded.dataset.latest("measures")
        if not len(steps) and not len(measures):
            st.info(tr("timeline.no_steps"), icon=":material/event_busy:")
            st.stop()
        states = overview.timeline_states(steps, today)
        plot(charts.timeline_figure(steps, measures, today, lang()), key="timeline")
        st.caption(tr("timeline.legend_note"))

        if len(states):
            st.subheader(tr("timeline.steps_table"))
            table = states.sort_values(["start_date", "end_date"], kind="stable")
            shown = table.assign(
                lane=[
                    tr("lane.general") if p == "general" else p
                    for p in table["phase"].fillna("general")
                ],
                when=[
                    be(s) if e is None or e == s else f"{be(s)} – {be(e)}"
                    for s, e in zip(table["start_date"], table["end_date"], strict=True)
                ],
                state_label=[
                    f"{'◆ ' if ev else ''}{tr(f'step.{s}')}"
                    for s, ev in zip(table["state"], table["is_event"], strict=True)
                ],
            )
            st.dataframe(
                shown,
                hide_index=True,
                width="stretch",
                column_order=["lane", "activity", "when", "state_label"],
                column_config={
                    "lane": st.column_config.TextColumn(tr("timeline.lane"), width=90),
                    "activity": st.column_config.TextColumn(tr("timeline.activity"), width="large"),
                    "when": st.column_config.TextColumn(tr("timeline.when"), width=220),
                    "state_label": st.column_config.TextColumn(tr("col.status"), width=130),
                },
                height=table_height(len(shown), 560),
            )
