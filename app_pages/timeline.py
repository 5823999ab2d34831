"""ไทม์ไลน์ — the ITA steps in lanes, today's line, meetings, and the measures' periods."""

import pandas as pd
import streamlit as st

from app_pages._as_of import as_of
from app_pages._frame import guarded, header, page_data
from app_pages._tables import html_chart, html_table
from app_pages._words import be, lang, tr
from ita_model import overview
from ita_model.timeline_html import timeline_chart

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
        html_chart(timeline_chart(steps, measures, today, lang()))
        st.caption(tr("timeline.legend_note"))

        if len(states):
            st.subheader(tr("timeline.steps_table"))
            # what is next first: late, current, upcoming (by start), then what is done
            order = {"late": 0, "current": 1, "upcoming": 2, "done": 3}
            table = states.assign(_rank=states["state"].map(order).fillna(2)).sort_values(
                ["_rank", "start_date", "end_date"], kind="stable"
            )
            lanes = [
                tr("lane.general") if p == "general" else p
                for p in table["phase"].fillna("general")
            ]
            # a static table: every step, long activity names wrapped, nothing hidden
            html_table(
                pd.DataFrame(
                    {
                        tr("timeline.lane"): lanes,
                        tr("timeline.activity"): table["activity"],
                        tr("timeline.when"): [
                            be(s) if e is None or e == s else f"{be(s)} – {be(e)}"
                            for s, e in zip(table["start_date"], table["end_date"], strict=True)
                        ],
                        tr("col.status"): [
                            f"{'◆ ' if ev else ''}{tr(f'step.{s}')}"
                            for s, ev in zip(table["state"], table["is_event"], strict=True)
                        ],
                    }
                ),
                "steps",
                nowrap=(tr("timeline.lane"),),
            )
