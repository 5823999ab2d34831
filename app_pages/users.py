"""ผู้ใช้และสิทธิ์ — administrators add people, set their role, remove them; every change goes to
the audit log. (``python -m ita_model users add`` does the same from the command line.)"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages._auth import accounts, current_actor
from app_pages._data import PAGE_ERRORS, store
from app_pages._frame import guarded, header, show_error
from app_pages._text import md
from app_pages._words import tr
from ita_model.auth import Role, require
from ita_model.settings import get_settings, users_file

header("users.title")
settings = get_settings()
actor = current_actor()
if not actor.can(Role.ADMIN):
    st.warning(tr("users.admins_only"), icon=":material/lock:")
    st.stop()

acc = accounts()
with guarded():
    fs = store(settings)
    people = acc.users()
st.caption(tr("users.file", path=str(users_file(settings))))

if msg := st.session_state.pop("users_done", None):
    st.success(msg, icon=":material/task_alt:")

if people:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "name": u["name"],
                    "role": tr(f"auth.role_{u['role']}"),
                    "kind": tr("users.kind_password" if u["password"] else "users.kind_oidc"),
                    "added": u["added_at"] or "",
                    "by": u["added_by"] or "",
                }
                for u in people
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "name": tr("users.col_name"),
            "role": tr("users.role"),
            "kind": tr("users.col_kind"),
            "added": tr("users.col_added"),
            "by": tr("users.col_by"),
        },
    )
else:
    st.info(tr("users.none"), icon=":material/person:")
    st.caption(tr("users.first_admin"))

st.subheader(tr("users.add"))
with st.form("add_user", clear_on_submit=True, border=True):
    name = st.text_input(tr("users.name"), key="new_user_name")
    role = st.selectbox(
        tr("users.role"),
        [r.value for r in Role],
        index=1,
        format_func=lambda r: tr(f"auth.role_{r}"),
        key="new_user_role",
    )
    password = st.text_input(tr("users.password"), type="password", key="new_user_password")
    saved = st.form_submit_button(tr("users.save"), type="primary", icon=":material/person_add:")
if saved and name.strip():
    try:
        require(actor, Role.ADMIN, "จัดการผู้ใช้", "manage users")
        added = acc.add(name, role, password or None, by=actor.name)
        fs.record("user_added", user=actor, detail=added)
        st.session_state["users_done"] = tr("users.saved", name=md(added["name"]))
        st.rerun()
    except PAGE_ERRORS as exc:
        show_error(exc)

if people:
    st.subheader(tr("users.remove"))
    cols = st.columns([3, 1], vertical_alignment="bottom")
    gone = cols[0].selectbox(
        tr("users.col_name"), [u["name"] for u in people], key="remove_user_name"
    )
    if cols[1].button(tr("users.remove"), icon=":material/person_remove:", key="remove_user"):
        try:
            require(actor, Role.ADMIN, "จัดการผู้ใช้", "manage users")
            if acc.remove(gone):
                fs.record("user_removed", user=actor, detail={"name": gone})
            st.session_state["users_done"] = tr("users.removed", name=md(gone))
            st.rerun()
        except PAGE_ERRORS as exc:
            show_error(exc)
