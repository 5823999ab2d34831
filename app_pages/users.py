"""ผู้ใช้และสิทธิ์ — administrators add people, change their role, remove them. The accounts are
rows of the store, shared by every dashboard on it; each change is an audit event written by the
store with it. (``python -m ita_model users add|role|remove`` does the same.)

Many agencies (more than the default one in the registry): a system admin sees every account,
with its agency and scope, and sets both (a supervisor needs a scope); an agency's administrator
sees and manages its own agency's accounts only. With one agency the page is as it always was."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from app_pages._auth import accounts, current_actor
from app_pages._data import PAGE_ERRORS, store
from app_pages._frame import guarded, header, show_error
from app_pages._text import md
from app_pages._words import be, tr
from ita_model.auth import Role

THAILAND = ZoneInfo("Asia/Bangkok")


def _when(value: datetime) -> str:
    at = value.astimezone(THAILAND)
    return f"{be(at.date())} {at:%H:%M}"


header("users.title")
actor = current_actor()
if not actor.can(Role.ADMIN):
    st.warning(tr("users.admins_only"), icon=":material/lock:")
    st.stop()

with guarded():
    acc = accounts()
    people = acc.listed_for(actor)  # an agency's administrator: its own agency's accounts
    registry = store().agency_registry()
    began = acc.imported()
    where = store().describe()
    old_file = acc.users_json
    left_alone = bool(people) and old_file is not None and old_file.is_file()
many = len(registry) > 1  # agencies beyond the default one: agency and scope are shown
agency_names = {r.code: r.name for r in registry}
st.caption(tr("users.kept", where=md(where)))
if began is not None and began.source:
    st.caption(tr("users.imported", count=began.count, path=md(began.source), at=_when(began.at)))
elif left_alone:
    st.caption(tr("users.not_read", path=md(str(old_file))))

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
                    "added": _when(u["added_at"]),
                    "by": u["added_by"],
                    "changed": _when(u["changed_at"]),
                    "changed_by": u["changed_by"],
                    **(
                        {"agency": agency_names.get(u["agency"], u["agency"]), "scope": u["scope"]}
                        if many
                        else {}
                    ),
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
            "changed": tr("users.col_changed"),
            "changed_by": tr("users.col_changed_by"),
            "agency": tr("tenancy.col_agency"),
            "scope": tr("tenancy.col_scope"),
        },
    )
else:
    st.info(tr("users.none"), icon=":material/person:")
st.caption(tr("users.first_admin"))


ROLES = [r.value for r in Role if r != Role.SUPERVISOR or (many and actor.system_admin)]


def _role_picker(key: str, default: int) -> str:
    return st.selectbox(
        tr("users.role"),
        ROLES,
        index=default,
        format_func=lambda r: tr(f"auth.role_{r}"),
        key=key,
    )


def _agency_and_scope(key: str, *, agency: bool = True) -> tuple[str | None, str | None]:
    """A system admin of many agencies picks the account's agency and types a scope (a
    supervisor's); anyone else adds to their own agency, with no scope (None, None)."""
    if not (many and actor.system_admin):
        return None, None
    code = None
    if agency:
        code = st.selectbox(
            tr("tenancy.col_agency"),
            list(agency_names),
            index=list(agency_names).index(actor.agency) if actor.agency in agency_names else 0,
            format_func=lambda c: f"{agency_names[c]} ({c})",
            key=f"{key}_agency",
        )
    scope = st.text_input(
        tr("tenancy.scope"),
        key=f"{key}_scope",
        placeholder="province:พะเยา",
        help=tr("tenancy.scope_help"),
    )
    return code, scope.strip() or None


def _done(message: str) -> None:
    st.session_state["users_done"] = message
    st.rerun()


st.subheader(tr("users.add"))
with st.form("add_user", clear_on_submit=True, border=True):
    name = st.text_input(tr("users.name"), key="new_user_name")
    role = _role_picker("new_user_role", 1 if people else 2)
    password = st.text_input(tr("users.password"), type="password", key="new_user_password")
    agency, scope = _agency_and_scope("new_user")
    saved = st.form_submit_button(tr("users.save"), type="primary", icon=":material/person_add:")
if saved and name.strip():
    try:
        added = acc.add(name, role, password or None, user=actor, agency=agency, scope=scope)
    except PAGE_ERRORS as exc:
        show_error(exc)
    else:
        _done(tr("users.saved", name=md(added["name"])))

if people:
    names = [u["name"] for u in people]
    st.subheader(tr("users.change_role"))
    cols = st.columns([3, 2, 1], vertical_alignment="bottom")
    who = cols[0].selectbox(tr("users.col_name"), names, key="role_user_name")
    with cols[1]:
        new_role = _role_picker("role_user_role", 0)
    _, new_scope = _agency_and_scope("role_user", agency=False)
    if cols[2].button(tr("users.change_role"), icon=":material/badge:", key="change_role"):
        try:
            changed = acc.set_role(who, new_role, user=actor, scope=new_scope)
        except PAGE_ERRORS as exc:
            show_error(exc)
        else:
            role_words = tr(f"auth.role_{changed['role']}")
            _done(tr("users.role_changed", name=md(changed["name"]), role=role_words))

    st.subheader(tr("users.remove"))
    cols = st.columns([3, 1], vertical_alignment="bottom")
    gone = cols[0].selectbox(tr("users.col_name"), names, key="remove_user_name")
    if cols[1].button(tr("users.remove"), icon=":material/person_remove:", key="remove_user"):
        try:
            acc.remove(gone, user=actor)
        except PAGE_ERRORS as exc:
            show_error(exc)
        else:
            _done(tr("users.removed", name=md(gone)))
