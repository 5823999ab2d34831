"""การตั้งค่า — administrators change the fiscal year shown and the size limits, and remove the
sample data (one action, confirmed; the files stay in the store, withdrawn, as any other).

The values are kept in the store, so every dashboard on one store agrees, and each change goes to
the audit log with its value before. A setting the environment sets (``ITA_YEAR``…) wins and is
shown locked. The rest (where the store and the data are) is listed, read-only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages._auth import current_actor, read_only_notice
from app_pages._data import PAGE_ERRORS, agency_store, app_settings, in_force
from app_pages._frame import guarded, header, show_error
from app_pages._text import md
from app_pages._words import tr
from ita_model import sample
from ita_model.auth import Role
from ita_model.framework import available_years
from ita_model.settings import EDITABLE, Settings, env_var, from_environment, get_settings

header("settings.title")
actor = current_actor()
if not actor.can(Role.ADMIN):
    st.warning(tr("users.admins_only"), icon=":material/lock:")
    st.stop()
if read_only_notice(Role.ADMIN):  # another agency's, shown read-only
    st.stop()

with guarded():
    fs = agency_store(get_settings())
    now = app_settings()
    kept = fs.overrides()
st.caption(tr("settings.intro"))

if done := st.session_state.pop("settings_done", None):
    st.success(tr("settings.saved", names=done), icon=":material/task_alt:")


LABELS = {  # settings whose words live with the link check's
    "link_allow_hosts": "links.allow_hosts",
    "link_robots_ignore_hosts": "links.robots_ignore",
    "link_schedule": "links.schedule",
    "link_schedule_hour": "links.schedule_hour",
}
NUMBERS = {"max_file_mb": (1.0, 200.0, 1.0), "max_cells": (10_000, 20_000_000, 100_000)}


def _locked(name: str) -> str | None:
    return tr("settings.locked", var=env_var(name)) if from_environment(name) else None


with st.form("settings_form", border=True):
    years = available_years()
    set_up = in_force().agency_ready  # the year is the set-up's (ตั้งค่าหน่วยงาน)
    chosen: dict[str, Any] = {
        "year": st.selectbox(
            tr("settings.year"),
            years,
            index=years.index(now.year) if now.year in years else 0,
            format_func=lambda y: tr("common.fiscal_year", year=y),
            disabled=from_environment("year") or set_up,
            help=_locked("year")
            or (tr("setup.year_in_settings") if set_up else None)
            or tr("settings.year_help"),
            key="setting_year",
        ),
    }
    for name, (low, high, step) in NUMBERS.items():
        chosen[name] = st.number_input(
            tr(f"settings.{name}"),
            min_value=low,
            max_value=high,
            value=type(low)(getattr(now, name)),
            step=step,
            disabled=from_environment(name),
            help=_locked(name),
            key=f"setting_{name}",
        )
    st.markdown(f"**{tr('links.settings_heading')}**")
    for name, label in (
        ("link_allow_hosts", "links.allow_hosts"),
        ("link_robots_ignore_hosts", "links.robots_ignore"),
    ):
        chosen[name] = st.text_input(
            tr(label),
            value=getattr(now, name),
            placeholder="www.example.go.th, 10.0.0.5",
            disabled=from_environment(name),
            help=_locked(name) or tr(f"{label}_help"),
            key=f"setting_{name}",
        ).strip()
    when_col, hour_col = st.columns(2)
    chosen["link_schedule"] = when_col.selectbox(
        tr("links.schedule"),
        ["off", "daily", "weekly"],
        index=["off", "daily", "weekly"].index(now.link_schedule),
        format_func=lambda v: tr(f"links.schedule_{v}"),
        disabled=from_environment("link_schedule"),
        help=_locked("link_schedule") or tr("links.schedule_help"),
        key="setting_link_schedule",
    )
    chosen["link_schedule_hour"] = hour_col.number_input(
        tr("links.schedule_hour"),
        min_value=0,
        max_value=23,
        value=now.link_schedule_hour,
        step=1,
        disabled=from_environment("link_schedule_hour"),
        help=_locked("link_schedule_hour"),
        key="setting_link_schedule_hour",
    )
    save = st.form_submit_button(tr("settings.save"), type="primary", icon=":material/save:")

if save:
    changed = [
        name
        for name in EDITABLE
        if not from_environment(name) and chosen[name] != getattr(now, name)
    ]
    try:
        for name in changed:
            fs.set_setting(name, chosen[name], user=actor)
    except PAGE_ERRORS as exc:
        show_error(exc)
    else:
        if changed:
            st.session_state["settings_done"] = ", ".join(
                tr(LABELS.get(n, f"settings.{n}")) for n in changed
            )
            st.rerun()
        st.info(tr("settings.nothing_changed"), icon=":material/info:")


def _remove_sample() -> None:
    try:
        gone = sample.remove(fs, user=actor)
    except PAGE_ERRORS as exc:
        st.session_state["sample_error"] = str(exc)
    else:
        st.session_state["sample_done"] = len(gone)


st.subheader(tr("sample.heading"))
if msg := st.session_state.pop("sample_error", None):
    st.error(md(msg), icon=":material/database:")
if (n := st.session_state.pop("sample_done", None)) is not None:
    st.success(tr("sample.removed", n=n), icon=":material/task_alt:")
with guarded():
    counting = sample.current_sample(fs)
if counting:
    st.caption(tr("sample.counts", n=len(counting)))
    sure = st.checkbox(tr("sample.confirm"), key="sample_confirm", help=tr("sample.confirm_help"))
    st.button(
        tr("sample.remove"),
        key="sample_remove",
        disabled=not sure,
        on_click=_remove_sample,
        icon=":material/delete_sweep:",
    )
else:
    st.caption(tr("sample.none"))


def _source(name: str) -> str:
    if from_environment(name):
        return tr("settings.from_env", var=env_var(name))
    if name in kept:
        return tr("settings.from_page")
    return tr("settings.from_default")


st.subheader(tr("settings.all"))
st.dataframe(
    pd.DataFrame(
        [
            {
                "variable": env_var(name),
                "value": str(getattr(now, name)),
                "source": _source(name),
                "what": field.description or "",
            }
            for name, field in Settings.model_fields.items()
        ]
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "variable": tr("settings.col_variable"),
        "value": tr("settings.col_value"),
        "source": tr("settings.col_source"),
        "what": st.column_config.TextColumn(tr("settings.col_what"), width="large"),
    },
)
