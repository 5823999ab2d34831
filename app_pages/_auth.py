"""Sign-in, for the door (``dashboard.py``) and the pages: who is using the app, and their role.

The accounts are rows of the store (``ita_model/store/accounts.py``), so every dashboard on
one store shares them. Three ways in, in this order:

1. ``[auth]`` in ``.streamlit/secrets.toml``: OpenID Connect through ``st.login``. The role comes
   from the account named by the e-mail (one without a password), else
   ``ITA_OIDC_DEFAULT_ROLE`` (viewer).
2. Accounts with a password (the Users page, ``python -m ita_model users add``): a name +
   password form.
3. No account at all in the store: the single local user, who may do everything; a banner says
   so. Nothing else ever falls back to it: once one account exists, a page without a signed-in
   person stops, and accounts that cannot be read (a database error, a damaged users.json to
   import) let nobody in.

The role is read from the rows again on every run of the script, and the store checks every
write's role from its rows itself; hiding buttons here is for the eye only. Many agencies: an
account acts in its own agency; ``may_write`` says whether the agency shown (a drill-down's, see
``_data.agency_store``) is one it may change, and the sidebar names the agency shown when it is
not the deployment's default one.
"""

from __future__ import annotations

from typing import NoReturn

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from app_pages._data import ACTOR_KEY, PAGE_ERRORS, registry_name, shown_agency, store
from app_pages._text import md
from app_pages._words import LOCAL_USER
from ita_model.agency import DEFAULT_AGENCY
from ita_model.auth import Actor, Role
from ita_model.i18n import t
from ita_model.store.accounts import Accounts


def _lang() -> str:
    value = st.session_state.get("lang")
    return value if value in ("th", "en") else "th"


def _tr(key: str, /, **params: object) -> str:
    return t(key, _lang(), **params)


def accounts() -> Accounts:
    """The accounts of the dashboard's store."""
    return store().accounts


def oidc_configured() -> bool:
    """Whether ``[auth]`` is in the secrets (then ``st.login`` signs people in)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def sign_in() -> Actor:
    """Who is here, their role as the store's rows say now; draws the sign-in screen and stops
    the script until someone is signed in. Call it once in ``dashboard.py``, before
    ``st.navigation``."""
    try:
        acc = accounts()
        count, with_password = acc.count()
        if oidc_configured():
            actor = _oidc(acc)
        elif with_password:
            actor = _password(acc)
        elif count:
            st.error(_tr("auth.no_way_in"), icon=":material/lock:")
            st.stop()
        else:
            actor = Actor.single_user(LOCAL_USER)
    except PAGE_ERRORS as exc:
        _refuse(exc)
    st.session_state[ACTOR_KEY] = actor
    _who(actor)
    _agency_shown(actor)
    return actor


def current_actor() -> Actor:
    """The signed-in actor (``sign_in`` put it there). Nobody signed in: the single local user
    only while the store has no account; otherwise the page stops here."""
    actor = st.session_state.get(ACTOR_KEY)
    if isinstance(actor, Actor) and actor.source != "single":
        return actor
    try:
        alone = not accounts().configured
    except PAGE_ERRORS as exc:
        _refuse(exc)
    if not alone:
        st.session_state.pop(ACTOR_KEY, None)
        st.warning(_tr("auth.sign_in_first"), icon=":material/lock:")
        st.stop()
    return Actor.single_user(LOCAL_USER)


def can(role: Role | str) -> bool:
    return current_actor().can(Role(role))


def may_write(role: Role | str = Role.EDITOR) -> bool:
    """Whether the signed-in account may change the agency shown with ``role``'s rights: its
    own agency only, never a supervisor (the store refuses anyway)."""
    actor = current_actor()
    return actor.may_write(shown_agency(actor), Role(role))


def read_only_notice(role: Role | str = Role.EDITOR) -> bool:
    """On a page of changes: when the account may not make them for the agency shown, say so
    (Thai, then English) and return True; the page then shows nothing to change."""
    if may_write(role):
        return False
    st.warning(_tr("tenancy.read_only"), icon=":material/visibility:")
    return True


def _refuse(exc: BaseException) -> NoReturn:
    """The accounts cannot be read: nobody is let in, and the page says why."""
    st.session_state.pop(ACTOR_KEY, None)
    st.error(f"{_tr('auth.refused')}\n\n{md(exc)}", icon=":material/lock:")
    st.stop()


def _oidc(acc: Accounts) -> Actor:
    if not st.user.is_logged_in:
        st.title(_tr("auth.title"))
        st.write(_tr("auth.oidc_body"))
        st.button(
            _tr("auth.oidc_button"), on_click=st.login, type="primary", icon=":material/login:"
        )
        st.stop()
    info = st.user.to_dict()
    name = str(info.get("email") or info.get("name") or info.get("sub") or "?")
    return acc.actor(name, source="oidc")


def _password(acc: Accounts) -> Actor:
    known = st.session_state.get(ACTOR_KEY)
    if isinstance(known, Actor) and known.source == "local":
        fresh = acc.lookup(known.name, source="local")  # the role as the rows say now
        if fresh is not None:
            return fresh
        st.session_state.pop(ACTOR_KEY, None)  # the account was removed: sign in again
    st.title(_tr("auth.title"))
    with st.form("sign_in", border=True):
        name = st.text_input(_tr("auth.name"), key="sign_in_name")
        password = st.text_input(_tr("auth.password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(_tr("auth.sign_in"), type="primary")
    if submitted:
        actor = acc.authenticate(name, password)
        if actor is not None:
            st.session_state[ACTOR_KEY] = actor
            st.rerun()
        st.error(_tr("auth.wrong"), icon=":material/lock:")
    st.stop()


def _sign_out() -> None:
    st.session_state.pop(ACTOR_KEY, None)
    if oidc_configured():
        st.logout()


def _agency_shown(actor: Actor) -> None:
    """The sidebar names the agency shown (its Thai name) unless it is the default one."""
    code = shown_agency(actor)
    if code == DEFAULT_AGENCY:
        return
    try:
        name = registry_name(code) or code
    except PAGE_ERRORS:
        return
    with st.sidebar:
        st.info(_tr("tenancy.shown", name=md(name)), icon=":material/apartment:")


def _who(actor: Actor) -> None:
    with st.sidebar:
        if actor.source == "single":
            st.info(_tr("auth.single_user"), icon=":material/person:")
            return
        role = _tr(f"auth.role_{actor.role}")
        st.caption(_tr("auth.signed_in", name=md(actor.name), role=role))
        st.button(
            _tr("auth.sign_out"),
            on_click=_sign_out,
            type="tertiary",
            icon=":material/logout:",
            key="sign_out",
        )
