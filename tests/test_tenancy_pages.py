"""Many agencies through the pages (AppTest on the whole app, the door included).

Agency A's editor signed in sees A's figures only; asking for agency B (``session_state
["agency"]``) shows a clear refusal instead of B; a supervisor drilling into an agency of its
scope sees it read-only (no upload, no decision); the sidebar names the agency shown.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ita_model.auth import Actor, Role
from ita_model.i18n import t
from ita_model.store import open_store
from tests.conftest import ROOT, app_test
from tests.test_store import workbook
from tests.test_tenancy import AGENCIES, PW

APP = ROOT / "dashboard.py"
YEAR = 2565


@pytest.fixture
def two_agencies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A store with agencies A and B (พะเยา), each with one accepted file of its own; an editor
    of A and a พะเยา supervisor. Returns the submission ids by agency."""
    root = tmp_path / "store"
    monkeypatch.setenv("ITA_STORE_DIR", str(root))
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    s = open_store(root)
    s.accounts.add("root", "admin", PW, user="setup", rounds=4)
    s.register_agencies(AGENCIES, user="root")
    s.accounts.add("ed_a", "editor", PW, user="root", agency="A", rounds=4)
    s.accounts.add("ed_b", "editor", PW, user="root", agency="B", rounds=4)
    s.accounts.add("sup", "supervisor", PW, user="root", scope="province:พะเยา", rounds=4)
    ids = {}
    for code, status in (("A", "เสร็จสิ้น"), ("B", "กำลังดำเนินการ")):
        bound = s.for_agency(code, user=f"ed_{code.lower()}")
        sub, _ = bound.submit(
            workbook("legal", 7 if code == "A" else 8, status=status),
            f"file_of_{code}.xlsx", user=f"ed_{code.lower()}", year=YEAR, division=None,
            accept=True,
        )  # fmt: skip
        ids[code] = sub.id
    s.close()
    return ids


def signed_in(name: str, role: Role, agency: str = "default") -> AppTest:
    return app_test(APP, actor=Actor(name, role, "local", agency=agency))


def history_files(at: AppTest) -> list[str]:
    """The file names the History page's picker offers."""
    at.switch_page("app_pages/history.py").run()
    assert not at.exception, [e.value for e in at.exception]
    boxes = [s for s in at.selectbox if s.key and s.key.startswith("history_pick_")]
    return [o.split(" · ")[0] for o in boxes[0].options] if boxes else []


def test_an_agencys_editor_sees_its_own_agency_only(two_agencies):
    at = signed_in("ed_a", Role.EDITOR, "A").run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("tenancy.shown", "th", name="อบต.แม่กา") in [i.value for i in at.sidebar.info]
    assert history_files(at) == ["file_of_A.xlsx"]
    # asking for agency B: a refusal in Thai and English, none of B's data
    at.session_state["agency"] = "B"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    refusals = [e.value for e in at.error]
    assert any(t("tenancy.refused", "th") in r and "agency_not_allowed" not in r for r in refusals)
    assert any("'B'" in r and "may not see" in r for r in refusals)
    assert "file_of_B.xlsx" not in str([s.options for s in at.selectbox])


def test_a_supervisor_drills_into_an_agency_read_only(two_agencies):
    at = signed_in("sup", Role.SUPERVISOR)
    at.session_state["agency"] = "B"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("tenancy.shown", "th", name="อบต.บ้านต๋อม") in [i.value for i in at.sidebar.info]
    assert history_files(at) == ["file_of_B.xlsx"]
    assert not [b for b in at.button if b.key and b.key.startswith(("accept_", "withdraw_"))]
    # the overview's header names the agency shown (no set-up of its own), never the demo's
    at.switch_page("app_pages/overview.py").run()
    header = at.caption[0].value
    assert header.startswith("อบต.บ้านต๋อม · ") and "อบจ.พะเยา" not in header
    with pytest.raises(ValueError):  # the door lists no Data-in page for a supervisor
        at.switch_page("app_pages/data_in.py")
    # and the page itself, reached anyway, changes nothing
    page = app_test(ROOT / "app_pages" / "data_in.py", actor=Actor("sup", Role.SUPERVISOR))
    page.session_state["agency"] = "B"
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert t("tenancy.read_only", "th") in [w.value for w in page.warning]
    assert not page.get("file_uploader")
    # no agency chosen: a supervisor is told to pick one from the roll-up
    del at.session_state["agency"]
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("tenancy.choose_agency", "th") in " ".join(i.value for i in at.info)
    # the supervisor's scope does not cover the default agency
    at.session_state["agency"] = "default"
    at.switch_page("app_pages/overview.py").run()
    assert any(t("tenancy.refused", "th") in e.value for e in at.error)


def test_one_agency_looks_as_before(two_agencies):
    """The default agency's administrator: no agency line in the sidebar, every page there."""
    at = signed_in("root", Role.ADMIN).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any(t("tenancy.shown", "th", name="") in i.value for i in at.sidebar.info)
    assert history_files(at) == []  # A's and B's files are theirs


def add_account(at: AppTest, name: str, role: str, agency: str) -> None:
    """The Users page's form filled in and sent (by a system admin: the agency is a choice)."""
    at.text_input(key="new_user_name").input(name)
    at.selectbox(key="new_user_role").set_value(role)
    at.selectbox(key="new_user_agency").set_value(agency)
    at.text_input(key="new_user_password").input(PW)
    [submit] = [b for b in at.button if b.label == t("users.save", "th")]
    submit.click().run()


def test_the_users_page_sets_agency_and_scope_for_a_system_admin(two_agencies):
    at = signed_in("root", Role.ADMIN)
    at.switch_page("app_pages/users.py").run()
    assert not at.exception, [e.value for e in at.exception]
    [table] = at.dataframe
    assert {"agency", "scope"} <= set(table.value.columns)
    assert set(table.value["name"]) == {"root", "ed_a", "ed_b", "sup"}
    add_account(at, "view_b", "supervisor", "B")
    # a supervisor without a scope: refused, in Thai and English, nothing added
    assert any("--scope" in e.value for e in at.error), [e.value for e in at.error]
    add_account(at, "view_b", "viewer", "B")
    assert not at.exception, [e.value for e in at.exception]
    users = {u["name"]: u for u in open_store().accounts.users()}
    assert users["view_b"]["agency"] == "B" and users["view_b"]["role"] == "viewer"


def test_an_agencys_admin_manages_its_own_agency_only(two_agencies):
    s = open_store()
    s.accounts.add("admin_a", "admin", PW, user="root", agency="A", rounds=4)
    s.close()
    at = signed_in("admin_a", Role.ADMIN, "A")
    at.switch_page("app_pages/users.py").run()
    assert not at.exception, [e.value for e in at.exception]
    [table] = at.dataframe
    assert set(table.value["name"]) == {"ed_a", "admin_a"}
    assert t("auth.role_supervisor", "th") not in at.selectbox(key="new_user_role").options
    assert t("auth.role_editor", "th") in at.selectbox(key="new_user_role").options
    assert not [s for s in at.selectbox if s.key == "new_user_agency"]
