"""The door: page config, the language and the "as of" date, and the list of pages.

Run with ``streamlit run dashboard.py``. Every page lives in ``app_pages/``, one thin file
each; not ``pages/``: a folder of that name next to this file switches Streamlit to its legacy
page discovery, which runs a page without this door (no language, no "as of" date).
"""

import streamlit as st

from app_pages._as_of import as_of_picker
from app_pages._auth import may_write, sign_in
from app_pages._data import page_running, upload_limit_mb
from app_pages._frame import tab_title
from app_pages._rollup import (
    ROLLUP_PAGE,
    back_to_rollup,
    may_see_rollup,
    open_pending,
)
from app_pages._words import chrome_words, language_switch
from ita_model.auth import Role
from ita_model.i18n import t

st.set_page_config(
    page_title="ITA",
    page_icon=":material/fact_check:",
    layout="wide",
    initial_sidebar_state="expanded",
)

with st.sidebar:
    lang = language_switch()
    as_of_picker()
chrome_words(upload_limit_mb())
actor = sign_in()  # stops at the sign-in screen until someone is signed in
st.set_page_config(page_title=tab_title())  # the agency shown, not always the demo's

PAGES = [
    ("app_pages/overview.py", "nav.overview", ":material/dashboard:", "overview"),
    ("app_pages/oit.py", "nav.oit", ":material/checklist:", "oit"),
    ("app_pages/divisions.py", "nav.divisions", ":material/apartment:", "divisions"),
    ("app_pages/timeline.py", "nav.timeline", ":material/calendar_month:", "timeline"),
    ("app_pages/measures.py", "nav.measures", ":material/gavel:", "measures"),
    ("app_pages/score.py", "nav.score", ":material/speed:", "score"),
    ("app_pages/meeting.py", "meeting.nav", ":material/co_present:", "meeting"),
    ("app_pages/data_in.py", "nav.data_in", ":material/upload_file:", "data-in"),
    ("app_pages/history.py", "nav.history", ":material/history:", "history"),
]
rollup = may_see_rollup(actor)  # supervisors and system admins: the picture across agencies
if rollup:
    PAGES.insert(1, (ROLLUP_PAGE, "rollup_page.nav", ":material/account_tree:", "rollup"))
# a supervisor has no agency of its own: it starts on the roll-up
HOME = "rollup" if actor.role == Role.SUPERVISOR else "overview"
if not may_write(Role.EDITOR):  # a viewer, a supervisor, another agency shown: no uploads
    PAGES = [p for p in PAGES if p[3] != "data-in"]
if actor.can(Role.ADMIN):
    PAGES.append(("app_pages/users.py", "nav.users", ":material/manage_accounts:", "users"))
if may_write(Role.ADMIN):  # the agency shown is the administrator's own
    PAGES.append(("app_pages/settings.py", "nav.settings", ":material/settings:", "settings"))
    PAGES.append(("app_pages/setup.py", "setup.nav", ":material/domain_add:", "setup"))


def _overview_by_name() -> None:
    """``/overview`` opens the overview (which lives at ``/`` when it is the default page), not
    "Page not found"."""
    st.switch_page("app_pages/overview.py")


page = st.navigation(
    [
        *(
            st.Page(
                path,
                title=t(key, lang),
                icon=icon,
                # the default page is served at "/" but reserves its own name: "home", so that
                # "/overview" is free for the alias below
                url_path="home" if url == "overview" else url,
                default=url == HOME,
            )
            for path, key, icon, url in PAGES
        ),
        *(
            [
                st.Page(
                    _overview_by_name,
                    title=t("nav.overview", lang),
                    url_path="overview",
                    visibility="hidden",
                )
            ]
            if HOME == "overview"
            else []
        ),
    ],
    position="sidebar",
)
if rollup:
    open_pending()  # after a drill-down or the way back: the page asked for
    if page.url_path != "rollup":
        back_to_rollup(actor)  # while an agency is drilled into: whose it is, and the way back
with page_running():
    page.run()
