"""The history, users and sign-in pages through AppTest: they open, they act, roles hold."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from ita_model.auth import Actor, Role
from ita_model.i18n import t
from ita_model.store import open_store
from tests.conftest import app_test
from tests.test_store import workbook

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "app_pages" / "history.py"
USERS = ROOT / "app_pages" / "users.py"


@pytest.fixture(autouse=True)
def _no_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """These pages start from an empty store: the sample is not loaded into it."""
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")


@pytest.fixture
def filled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A store with a superseded, an accepted and a rejected submission of ฝ่ายนิติการ."""
    root = tmp_path / "store"
    monkeypatch.setenv("ITA_STORE_DIR", str(root))
    monkeypatch.setenv("ITA_LOAD_SAMPLE", "false")
    store = open_store(root)
    a, _ = store.submit(workbook("legal", 1), "a.xlsx", user="nit", year=2565, division=None)
    store.accept(a.id, user="nit")
    b, _ = store.submit(
        workbook("legal", 2, status="กำลังดำเนินการ"), "b.xlsx", user="nit", year=2565,
        division=None, accept=True,
    )  # fmt: skip
    c, _ = store.submit(
        workbook("legal", 3, bad=1), "c.xlsx", user="nit", year=2565, division=None, accept=True
    )
    store.close()
    return root, {"a": a.id, "b": b.id, "c": c.id}


def pick(at: AppTest):
    """The submission picker (keyed by the store's revision, so its labels follow decisions)."""
    [box] = [s for s in at.selectbox if s.key and s.key.startswith("history_pick_")]
    return box


def open_page(path: Path, actor: Actor | None = None) -> AppTest:
    return app_test(path, actor=actor).run()


def open_tab(at: AppTest, name: str) -> AppTest:
    """Click one of History's tabs (each is built only once opened)."""
    at.session_state["history_tab"] = t(f"history.tab_{name}", "th")
    return at.run()


def test_the_history_page_opens_on_an_empty_store():
    at = open_page(HISTORY)
    assert not at.exception, [e.value for e in at.exception]
    assert t("history.empty", "th") in [i.value for i in at.info]


def test_rollback_and_accept_from_the_history_page(filled):
    root, ids = filled
    at = open_page(HISTORY)
    assert not at.exception, [e.value for e in at.exception]
    picker = pick(at)
    assert picker.value == ids["c"]  # newest first
    assert [b.label for b in at.get("download_button")][:2] == [
        t("history.download_original", "th"),
        t("history.download_annotated", "th"),
    ]
    at.checkbox(key=f"sure_{ids['c']}").check().run()
    at.button(key=f"accept_{ids['c']}").click().run()
    assert not at.exception
    assert open_store(root).get(ids["c"]).state == "accepted"

    pick(at).set_value(ids["a"]).run()
    assert at.button(key=f"rollback_{ids['a']}").disabled  # not before it is confirmed
    # the preview: a.xlsx (all done) in place of c.xlsx moves legal's items
    assert t("history.rollback_preview", "th") in [m.value.strip("*") for m in at.markdown]
    at.checkbox(key=f"rollback_sure_{ids['a']}").check().run()
    at.button(key=f"rollback_{ids['a']}").click().run()
    assert not at.exception
    # the picker says what the card says: a.xlsx is accepted now
    assert pick(at).value == ids["a"]
    assert t("state.accepted", "th") in pick(at).format_func(ids["a"])
    store = open_store(root)
    assert {s.id: s.state for s in store.submissions()} == {
        ids["a"]: "accepted",
        ids["b"]: "superseded",
        ids["c"]: "superseded",
    }
    assert [e.action for e in store.events()][-2:] == ["accepted", "rolled_back"]
    assert store.events()[-1].user == "local"


def test_withdraw_from_the_history_page_only_when_sure(filled):
    """A file sent for the wrong division: withdrawn, none in its place, back by a rollback."""
    root, ids = filled
    at = open_page(HISTORY)
    pick(at).set_value(ids["b"]).run()
    button = at.button(key=f"withdraw_{ids['b']}")
    assert button.disabled  # not before the box is ticked
    at.checkbox(key=f"withdraw_sure_{ids['b']}").check().run()
    at.button(key=f"withdraw_{ids['b']}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("history.done_withdraw", "th") in [m.value for m in at.success]
    store = open_store(root)
    assert store.accepted(2565) == []
    assert store.get(ids["b"]).state == "superseded"
    assert [e.action for e in store.events()][-1] == "withdrawn" and store.verify() == []
    pick(at).set_value(ids["b"]).run()
    at.checkbox(key=f"rollback_sure_{ids['b']}").check().run()
    at.button(key=f"rollback_{ids['b']}").click().run()  # changed our mind
    assert [s.id for s, _ in open_store(root).accepted(2565)] == [ids["b"]]


@pytest.mark.usefixtures("filled")
def test_a_viewer_sees_no_decision_buttons():
    at = open_page(HISTORY, Actor("boss", Role.VIEWER, "local"))
    assert not at.exception
    decisions = ("accept_", "rollback_", "withdraw_")
    assert not [b for b in at.button if b.key and b.key.startswith(decisions)]
    assert t("history.viewer_note", "th") in [c.value for c in at.caption]


@pytest.mark.parametrize("by", ["indicator", "division", "all"])
def test_progress_and_changes_tabs_draw(filled, by):
    at = open_page(HISTORY)
    assert not at.get("plotly_chart") and not at.metric  # closed tabs are not built
    open_tab(at, "progress")
    at.segmented_control(key="history_by").set_value(by).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("plotly_chart")
    open_tab(at, "changes")
    assert not at.get("plotly_chart")
    assert [m.label for m in at.metric] == [
        t("history.then_done", "th"),
        t("history.now_done", "th"),
        t("history.moved_items", "th"),
    ]


def test_the_annotated_download_is_a_workbook_with_comments(filled):
    import io

    from app_pages.history import _annotated  # noqa: F401  (imports without a running app)
    from ita_model.annotate import annotate

    root, ids = filled
    store = open_store(root)
    sub = store.get(ids["c"])
    data = annotate(store.data(sub), sub.filename, store.report(sub)["issues"])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["ปัญหาที่พบ", "OIT"]
    assert sum(1 for row in wb["OIT"].iter_rows() for c in row if c.comment) == 2


def test_the_users_page_adds_a_user_and_refuses_non_admins(tmp_path: Path):
    at = open_page(USERS)
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="new_user_name").input("Somchai")
    at.selectbox(key="new_user_role").set_value("admin")
    at.text_input(key="new_user_password").input("long-enough-1")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    store = open_store()
    assert store.accounts.role_of("somchai") == Role.ADMIN
    assert [e.action for e in store.events()] == ["user_added"]

    editor = open_page(USERS, Actor("nit", Role.EDITOR, "local"))
    assert t("users.admins_only", "th") in [w.value for w in editor.warning]
    assert not editor.text_input


def _signed_in_app() -> None:
    import streamlit as st

    from app_pages._auth import sign_in

    actor = sign_in()
    st.write(f"hello {actor.name} {actor.role.value} {actor.source}")


def test_sign_in_single_user_then_local_accounts():
    at = AppTest.from_function(_signed_in_app, default_timeout=30)
    at.secrets["ita"] = {"note": "no [auth]"}
    at.run()
    assert "hello local admin single" in [m.value for m in at.markdown]
    assert t("auth.single_user", "th") in [i.value for i in at.sidebar.info]

    accounts = open_store().accounts
    accounts.add("boss", "admin", "pass-word-8", user="test", rounds=4)
    accounts.add("nit", "editor", "pass-word-9", user="boss", rounds=4)
    at = AppTest.from_function(_signed_in_app, default_timeout=30)
    at.secrets["ita"] = {"note": "no [auth]"}
    at.run()
    assert not [m for m in at.markdown if m.value.startswith("hello")]  # stopped at the form
    at.text_input(key="sign_in_name").input("nit")
    at.text_input(key="sign_in_password").input("wrong-password")
    at.button[0].click().run()
    assert t("auth.wrong", "th") in [e.value for e in at.error]
    at.text_input(key="sign_in_password").input("pass-word-9")
    at.button[0].click().run()
    assert "hello nit editor local" in [m.value for m in at.markdown]
