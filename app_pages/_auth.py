"""Sign-in, for the door (``dashboard.py``) and the pages: who is using the app, and their role.

Three ways, in this order:

1. ``[auth]`` in ``.streamlit/secrets.toml``: OpenID Connect through ``st.login``. The role comes
   from the users file (an entry without a password, named by e-mail), else
   ``ITA_OIDC_DEFAULT_ROLE`` (viewer).
2. Local accounts (``python -m ita_model users add NAME --role ROLE``): a name + password form.
3. No accounts at all: the single local user, who may do everything; a banner says so.

The store checks every write's role again; hiding buttons here is for the eye only.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from app_pages._text import md
from ita_model.auth import Accounts, Actor, Role
from ita_model.errors import AccountError
from ita_model.i18n import t
from ita_model.settings import get_settings, users_file

ACTOR_KEY = "ita_actor"


def _lang() -> str:
    value = st.session_state.get("lang")
    return value if value in ("th", "en") else "th"


def _tr(key: str, /, **params: object) -> str:
    return t(key, _lang(), **params)


def accounts() -> Accounts:
    settings = get_settings()
    return Accounts(users_file(settings), default_role=settings.oidc_default_role)


def oidc_configured() -> bool:
    """Whether ``[auth]`` is in the secrets (then ``st.login`` signs people in)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def sign_in() -> Actor:
    """Who is here; draws the sign-in screen and stops the script until someone signs in.

    Call it once in ``dashboard.py``, before ``st.navigation``.
    """
    acc = accounts()
    try:
        if oidc_configured():
            actor = _oidc(acc)
        elif acc.has_passwords:
            actor = _password(acc)
        elif acc.configured:
            st.error(_tr("auth.no_way_in"), icon=":material/lock:")
            st.stop()
        else:
            actor = Actor.single_user(_local_name())
    except AccountError as exc:
        st.error(md(exc), icon=":material/lock:")
        st.stop()
    st.session_state[ACTOR_KEY] = actor
    _who(actor)
    return actor


def current_actor() -> Actor:
    """The signed-in actor (``sign_in`` put it there); the single local user otherwise."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else Actor.single_user(_local_name())


def can(role: Role | str) -> bool:
    return current_actor().can(Role(role))


def _local_name() -> str:
    return LOCAL_USER


LOCAL_USER = "local"  # what the store records for the single local user


def shown_user(name: str | None) -> str:
    """A user as people read it: the single local user in words, not the store's "local"."""
    if not name:
        return "—"
    return _tr("auth.local_user") if name == LOCAL_USER else name


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
        return acc.actor(known.name, source="local")  # the role as the file says now
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
