"""The accounts, kept in the store (SQLite and a real PostgreSQL): added, changed and removed by
an administrator as the rows say, each an audit event; an old users.json imported once; names
and passwords checked whatever is typed; and sign-in that fails closed — in the store, the
pages, the dashboard's door and the command line."""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import unicodedata
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ita_model.auth import (
    BCRYPT_MAX_BYTES,
    PASSWORD_MIN_CHARS,
    Actor,
    Role,
    hash_password,
    password_matches,
    valid_name,
)
from ita_model.errors import CODES, AccountError, NotAllowed
from ita_model.i18n import t
from ita_model.scope import Scope
from ita_model.store import Store, open_store
from tests.conftest import ROOT, app_test, run_cli
from tests.test_store import target, workbook  # noqa: F401  (the SQLite/PostgreSQL fixture)

run = partial(run_cli, timeout=120)
HASH = hash_password("pass-word-1", rounds=4)
DASHBOARD = ROOT / "dashboard.py"
USERS_PAGE = ROOT / "app_pages" / "users.py"


def actions(store: Store) -> list[tuple[str, str, dict]]:
    return [(e.action, e.user, e.detail) for e in store.events()]


def users_json(folder: Path, users: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "users.json"
    path.write_text(json.dumps(users, ensure_ascii=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- add, change, remove


def test_add_change_and_remove_are_audit_events(target: str):  # noqa: F811
    store = open_store(target)
    acc = store.accounts
    assert not acc.configured and acc.actor("anyone") == Actor.single_user("anyone")
    with pytest.raises(AccountError) as first:
        acc.add("nit", "editor", None, user="setup")
    assert first.value.code == "first_account_admin"

    acc.add(" Somchai ", "admin", "รหัสผ่านยาวพอ", user="setup", rounds=4)
    acc.add("นิต", "viewer", None, user="somchai")  # an OIDC-only account, a Thai name
    acc.set_role("นิต", "editor", user="somchai")
    acc.add("นิต", "editor", "another-pass", user="somchai", rounds=4)  # a password now
    assert [(u["name"], u["role"], u["password"]) for u in acc.users()] == [
        ("somchai", "admin", True),
        ("นิต", "editor", True),
    ]
    assert acc.authenticate("SOMCHAI", "รหัสผ่านยาวพอ") == Actor(
        "somchai", Role.ADMIN, "local", scope=Scope.all()
    )
    assert acc.authenticate("somchai", "wrong-password") is None
    assert acc.authenticate("ghost", "รหัสผ่านยาวพอ") is None

    with pytest.raises(NotAllowed) as editor:  # an editor (as the rows say) manages nobody
        acc.remove("somchai", user=Actor("นิต", Role.ADMIN))
    assert editor.value.code == "not_allowed"
    for attempt in (
        lambda: acc.remove("somchai", user="somchai"),
        lambda: acc.set_role("somchai", "viewer", user="somchai"),
        lambda: acc.add("somchai", "editor", None, user="somchai"),
    ):
        with pytest.raises(AccountError) as last:
            attempt()
        assert last.value.code == "last_admin"
    with pytest.raises(AccountError) as missing:
        acc.set_role("ghost", "viewer", user="somchai")
    assert missing.value.code == "account_not_found"
    acc.remove("นิต", user="somchai")

    assert actions(store) == [
        ("user_added", "setup", {"name": "somchai", "role": "admin", "password": True}),
        ("user_added", "somchai", {"name": "นิต", "role": "viewer", "password": False}),
        ("user_role_changed", "somchai", {"name": "นิต", "before": "viewer", "after": "editor"}),
        (
            "user_changed",
            "somchai",
            {"name": "นิต", "role": "editor", "password": True, "before": "editor"},
        ),
        ("user_removed", "somchai", {"name": "นิต", "role": "editor"}),
    ]
    store.close()


def test_a_change_in_one_store_object_counts_in_another_at_once(target: str):  # noqa: F811
    """Two dashboards: lowering or removing an account counts from its next action, no restart."""
    one, two = open_store(target), open_store(target)
    one.accounts.add("boss", "admin", None, user="setup")
    one.accounts.add("nit", "admin", None, user="boss")
    assert two.accounts.actor("nit").role == Role.ADMIN  # the other dashboard read it once
    one.accounts.set_role("nit", "viewer", user="boss")
    session = Actor("nit", Role.ADMIN, "local")  # what the other one's session still says
    with pytest.raises(NotAllowed):
        two.set_setting("max_file_mb", 5, user=session)
    one.accounts.remove("nit", user="boss")
    with pytest.raises(NotAllowed) as gone:
        two.submit(workbook("legal"), "a.xlsx", user=session, year=2565, division=None)
    assert gone.value.code == "account_unknown"
    oidc = two.accounts.actor(Actor("new@pao.go.th", Role.ADMIN, "oidc"))
    assert oidc == Actor("new@pao.go.th", Role.VIEWER, "oidc")  # the default role, not the claim
    one.close()
    two.close()


# --------------------------------------------------------------------------- users.json, once


def test_a_users_json_is_imported_once(target: str, tmp_path: Path, monkeypatch):  # noqa: F811
    path = users_json(
        tmp_path / "old",
        {
            "users": {
                "somchai": {"role": "admin", "password": HASH, "added_at": "2024-01-02T03:04:05"},
                "boss@pao.go.th": {"role": "viewer", "password": None},
            }
        },
    )
    monkeypatch.setenv("ITA_USERS_FILE", str(path))
    before = path.read_bytes()
    store = open_store(target)
    assert store.accounts.authenticate("somchai", "pass-word-1") is not None
    assert [u["name"] for u in store.accounts.users()] == ["boss@pao.go.th", "somchai"]
    [(action, user, detail)] = actions(store)
    assert (action, user, detail["count"], detail["file"]) == (
        "users_imported",
        "users.json",
        2,
        str(path),
    )
    assert store.accounts.imported().count == 2 and path.read_bytes() == before  # left as it was

    # never read again: not by another dashboard, nor after every account but one is gone
    store.accounts.remove("boss@pao.go.th", user="somchai")
    users_json(tmp_path / "old", {"users": {"intruder": {"role": "admin", "password": HASH}}})
    again = open_store(target)
    assert [u["name"] for u in again.accounts.users()] == ["somchai"]
    assert [a for a, _, _ in actions(again)] == ["users_imported", "user_removed"]
    store.close()
    again.close()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "Expecting property name"),
        ('{"people": {}}', 'no "users" object'),
        ('{"users": {"somchai": "admin"}}', "not an object"),
        ('{"users": {"somchai": {"role": "boss"}}}', "unknown role 'boss'"),
        ('{"users": {"somchai": {"role": "admin", "password": "plain"}}}', "not a bcrypt hash"),
        ('{"users": {"two words": {"role": "admin"}}}', "not a usable name"),
        ('{"users": {"A": {"role": "admin"}, "a": {"role": "viewer"}}}', "'a' twice"),
    ],
)
def test_a_damaged_users_json_imports_nothing_and_lets_nobody_in(
    tmp_path: Path, monkeypatch, content: str, says: str
):
    path = tmp_path / "users.json"
    path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("ITA_USERS_FILE", str(path))
    store = open_store(tmp_path / "store")
    for attempt in (
        lambda: store.accounts.users(),
        lambda: store.accounts.actor("anyone"),  # not the single local user
        lambda: store.submit(workbook("legal"), "a.xlsx", user="x", year=2565, division=None),
    ):
        with pytest.raises(AccountError) as damaged:
            attempt()
        assert damaged.value.code == "users_json_damaged"
        assert says in str(damaged.value) and "เสียหาย" in str(damaged.value)
    assert store.events() == [] and path.read_text(encoding="utf-8") == content
    store.close()


def test_a_users_json_without_an_admin_is_not_imported_until_it_has_one(
    tmp_path: Path, monkeypatch
):
    """Nobody could manage users after it: the message says how to name one, and then the
    named admin sets their own password from the command line."""
    path = users_json(tmp_path, {"users": {"nit": {"role": "editor", "password": HASH}}})
    monkeypatch.setenv("ITA_USERS_FILE", str(path))
    store = open_store(tmp_path / "store")
    with pytest.raises(AccountError) as no_admin:
        store.accounts.actor("nit")
    assert no_admin.value.code == "users_json_no_admin" and store.events() == []
    users_json(tmp_path, {"users": {"nit": {"role": "editor", "password": HASH},
                                    "somchai": {"role": "admin"}}})  # fmt: skip
    env = {"ITA_USERS_FILE": str(path), "ITA_STORE_DIR": str(tmp_path / "store")}
    own = run("users", "add", "somchai", "--role", "admin", "--password-stdin",
              "--user", "somchai", env=env, input="pass-word-5\n")  # fmt: skip
    assert own.returncode == 0, own.stderr
    assert store.accounts.authenticate("somchai", "pass-word-5") is not None
    assert [e.action for e in store.events()] == ["users_imported", "user_changed"]
    store.close()


def test_an_unreadable_users_json_lets_nobody_in(tmp_path: Path, monkeypatch):
    folder = tmp_path / "users.json"
    folder.mkdir()  # a folder where the file should be: there, but it cannot be read
    monkeypatch.setenv("ITA_USERS_FILE", str(folder))
    with pytest.raises(AccountError) as unreadable:
        open_store(tmp_path / "store").accounts.actor("anyone")
    assert unreadable.value.code == "users_json_unreadable"


# --------------------------------------------------------------------------- names and passwords

THAI = "กขคงจฉชซญดตถทนบปผพฟมยรลวศสหอฮะาิีึืุูเแโใไ่้๊๋ำ์"
NAMES = st.text(alphabet=THAI + "abcXYZ019._@- \t\u200b\x00", max_size=40)
PASSWORDS = st.text(alphabet=THAI + "abcXYZ019 !#", max_size=40)


@given(NAMES)
def test_any_typed_name_is_kept_or_refused_with_its_code(name: str):
    try:
        kept = valid_name(name)
    except AccountError as exc:
        assert exc.code == "account_name_invalid"
        stripped = name.strip()
        assert (
            not stripped
            or any(c.isspace() or c in "\x00\u200b" for c in stripped)
            or len(stripped) > 254
        )
        return
    assert kept == unicodedata.normalize("NFC", name).strip().lower()
    assert kept and not any(c.isspace() for c in kept)
    assert valid_name(kept.upper()) == kept  # the same account, however it is typed
    # Thai marks typed in either order (the keyboard allows both) are one name
    assert valid_name(unicodedata.normalize("NFD", name)) == kept


@settings(max_examples=40, deadline=None)
@given(PASSWORDS)
def test_any_typed_password_works_or_is_refused_with_its_code(password: str):
    size = len(password.encode("utf-8"))
    try:
        hashed = hash_password(password, rounds=4)
    except AccountError as exc:
        if len(password) < PASSWORD_MIN_CHARS:
            assert exc.code == "password_too_short"
        else:
            assert exc.code == "password_too_long" and size > BCRYPT_MAX_BYTES
        return
    assert len(password) >= PASSWORD_MIN_CHARS and size <= BCRYPT_MAX_BYTES
    assert password_matches(password, hashed)
    assert not password_matches(password + "x", hashed)
    assert not password_matches(password[:-1], hashed)


def test_the_72_byte_limit_counts_thai_letters_as_three():
    assert password_matches("ก" * 24, hash_password("ก" * 24, rounds=4))  # 72 bytes
    with pytest.raises(AccountError) as long:
        hash_password("ก" * 24 + "a", rounds=4)  # 73
    assert long.value.code == "password_too_long"
    with pytest.raises(AccountError) as empty:
        hash_password("", rounds=4)
    assert empty.value.code == "password_too_short"
    assert not password_matches("", None) and not password_matches("x" * 80, HASH)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=NAMES, password=PASSWORDS)
def test_an_account_of_any_name_and_password_signs_in_with_them(name: str, password: str):
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "store")
        try:
            store.accounts.add(name, "admin", password, user="setup", rounds=4)
        except AccountError as exc:
            assert exc.code in {
                "account_name_invalid",
                "password_too_short",
                "password_too_long",
            }
            assert store.events() == [] and not store.accounts.configured
            return
        finally:
            store.close()
        assert store.accounts.authenticate(name, password) is not None
        assert store.accounts.authenticate(name, password + "!") is None
        store.close()


# --------------------------------------------------------------------------- the pages fail closed


def _one_admin() -> None:
    open_store().accounts.add("somchai", "admin", "pass-word-1", user="setup", rounds=4)


def test_the_dashboard_with_an_account_shows_only_the_sign_in_form():
    _one_admin()
    at = app_test(DASHBOARD).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [title.value for title in at.title] == [t("auth.title", "th")]
    assert at.text_input(key="sign_in_name") is not None
    assert t("auth.single_user", "th") not in [i.value for i in at.sidebar.info]
    assert not at.dataframe and not at.metric  # no page drawn
    at.text_input(key="sign_in_name").input("somchai")
    at.text_input(key="sign_in_password").input("pass-word-1")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("auth.title", "th") not in [title.value for title in at.title]


def test_a_lowered_or_removed_account_counts_on_the_next_run_of_a_signed_in_session():
    _one_admin()
    accounts = open_store().accounts  # another dashboard, say
    accounts.add("nit", "admin", "pass-word-2", user="somchai", rounds=4)
    at = app_test(DASHBOARD).run()
    at.text_input(key="sign_in_name").input("nit")
    at.text_input(key="sign_in_password").input("pass-word-2")
    at.button[0].click().run()
    admin = t("auth.signed_in", "th", name="nit", role=t("auth.role_admin", "th"))
    assert admin in [c.value for c in at.sidebar.caption]
    accounts.set_role("nit", "viewer", user="somchai")
    at.run()
    viewer = t("auth.signed_in", "th", name="nit", role=t("auth.role_viewer", "th"))
    assert viewer in [c.value for c in at.sidebar.caption]
    accounts.remove("nit", user="somchai")
    at.run()
    assert [title.value for title in at.title] == [t("auth.title", "th")]  # signed out


def test_a_page_without_a_signed_in_person_stops_once_an_account_exists():
    _one_admin()
    at = app_test(USERS_PAGE).run()  # no session: not the single local user any more
    assert t("auth.sign_in_first", "th") in [w.value for w in at.warning]
    assert not at.text_input and not at.dataframe


def test_a_damaged_users_json_or_a_dead_database_lets_nobody_in(monkeypatch, tmp_path: Path):
    path = tmp_path / "users.json"
    path.write_text("{", encoding="utf-8")
    monkeypatch.setenv("ITA_USERS_FILE", str(path))
    at = app_test(DASHBOARD).run()
    assert not at.exception, [e.value for e in at.exception]
    [error] = at.error
    assert t("auth.refused", "th") in error.value and "users.json" in error.value
    assert not at.text_input and not at.title

    monkeypatch.delenv("ITA_USERS_FILE")
    monkeypatch.setenv("ITA_STORE", "postgresql://nobody@127.0.0.1:1/none")  # nothing listens
    at = app_test(DASHBOARD).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(t("auth.refused", "th") in e.value for e in at.error)
    assert not at.text_input and not at.title


def test_the_users_page_changes_roles_and_says_where_accounts_live(tmp_path: Path):
    _one_admin()
    admin = Actor("somchai", Role.ADMIN, "local")
    at = app_test(USERS_PAGE, actor=admin).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(t("users.kept", "th", where="")[:20] in c.value for c in at.caption)
    at.text_input(key="new_user_name").input("นิต")
    at.selectbox(key="new_user_role").set_value("viewer")
    at.button[0].click().run()
    at.selectbox(key="role_user_name").set_value("นิต")
    at.selectbox(key="role_user_role").set_value("editor")
    at.button(key="change_role").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="remove_user_name").set_value("somchai")
    at.button(key="remove_user").click().run()  # the last admin: refused, with its message
    assert any("last admin" in e.value for e in at.error)
    store = open_store()
    assert store.accounts.role_of("นิต") == Role.EDITOR and store.accounts.role_of("somchai")
    users = [e.action for e in store.events() if e.action.startswith("user")]
    assert users == ["user_added", "user_added", "user_role_changed"]


def test_the_users_page_says_the_users_json_was_imported_and_is_not_read_again():
    folder = Path(os.environ["ITA_STORE_DIR"])  # the default place: the store's folder
    users_json(folder, {"users": {"somchai": {"role": "admin", "password": HASH}}})
    at = app_test(USERS_PAGE, actor=Actor("somchai", Role.ADMIN, "local")).run()
    assert not at.exception, [e.value for e in at.exception]
    said = t("users.imported", "th", count=1, path="", at="").split("จากไฟล์")[0]
    assert any(c.value.startswith(said) for c in at.caption), [c.value for c in at.caption]
    users = [e.action for e in open_store().events() if e.action.startswith("user")]
    assert users == ["users_imported"]


# --------------------------------------------------------------------------- the command line


def test_the_cli_manages_accounts_and_refuses_an_unknown_user(tmp_path: Path):
    env = {"ITA_STORE_DIR": str(tmp_path / "store"), "ITA_USER": "ghost"}
    first = run("users", "add", "nit", "--role", "editor", "--no-password", env=env)
    assert first.returncode == 2 and "admin" in first.stderr and "Traceback" not in first.stderr
    added = run(
        "users", "add", "Somchai", "--role", "admin", "--password-stdin",
        env=env, input="รหัสผ่านยาวพอ\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "somchai" in added.stdout
    store = open_store(tmp_path / "store")
    assert store.accounts.authenticate("somchai", "รหัสผ่านยาวพอ") is not None
    db = (tmp_path / "store" / "store.sqlite3").read_bytes()
    assert "รหัสผ่านยาวพอ".encode() not in db and b"$2b$" in db

    # from now on --user (or ITA_USER) must name an account: "ghost" names none
    book = tmp_path / "a.xlsx"
    book.write_bytes(workbook("legal"))
    for args in (
        ("submit", book),
        ("users", "add", "x", "--role", "viewer", "--no-password"),
        ("users", "remove", "somchai"),
    ):
        refused = run(*args, env=env)
        assert refused.returncode == 2, refused.stdout
        assert "'ghost'" in refused.stderr and "--user" in refused.stderr
        assert "Traceback" not in refused.stderr
    assert store.submissions() == []

    as_admin = {**env, "ITA_USER": "somchai"}
    assert run("users", "add", "boss@pao.go.th", "--role", "viewer", "--no-password",
               env=as_admin).returncode == 0  # fmt: skip
    role = run("users", "role", "boss@pao.go.th", "--role", "editor", env=as_admin)
    assert role.returncode == 0, role.stderr
    listed = json.loads(run("users", "list", "--json", env=as_admin).stdout)["users"]
    assert [(u["name"], u["role"], u["password"]) for u in listed] == [
        ("boss@pao.go.th", "editor", False),
        ("somchai", "admin", True),
    ]
    gone = run("users", "remove", "boss@pao.go.th", "--user", "somchai", env=env)
    assert gone.returncode == 0, gone.stderr
    assert run("users", "list", env=env).returncode == 2  # "ghost" may not see the accounts
    [line] = run("users", "list", env=as_admin).stdout.splitlines()
    assert line.split()[:3] == ["somchai", "admin", "password"]
    too_long = run(
        "users", "add", "x", "--role", "admin", "--password-stdin", "--user", "somchai",
        env=env, input="ก" * 25 + "\n",
    )  # fmt: skip
    assert too_long.returncode == 2 and "72" in too_long.stderr
    assert [e.action for e in store.events()] == [
        "user_added",
        "user_added",
        "user_role_changed",
        "user_removed",
    ]
    store.close()


def test_the_cli_asks_for_the_password_twice(tmp_path: Path, monkeypatch, capsys):
    from ita_model import cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["pass-word-1", "pass-word-2", "pass-word-3", "pass-word-3"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    monkeypatch.setattr(sys, "stdin", Terminal())
    add = ["users", "add", "somchai", "--role", "admin", "--store", str(tmp_path / "store")]
    assert cli.main(add) == 2
    assert CODES["passwords_differ"].th in capsys.readouterr().err
    assert cli.main(add) == 0
    store = open_store(tmp_path / "store")
    assert store.accounts.authenticate("somchai", "pass-word-3") is not None

    monkeypatch.setattr(sys, "stdin", io.StringIO())  # a pipe, no flag: nothing to read
    assert cli.main([*add[:2], "nit", *add[3:], "--user", "somchai"]) == 2
    assert CODES["password_missing"].en in capsys.readouterr().err
    with pytest.raises(AccountError) as role:
        store.accounts.add("nit", "boss", None, user="somchai")
    assert role.value.code == "account_role_unknown"
    assert [e.action for e in store.events()] == ["user_added"]
    store.close()


@pytest.mark.parametrize(
    "action", ["user_added", "user_changed", "user_role_changed", "user_removed", "users_imported"]
)
def test_every_account_event_is_worded_in_the_audit_log(action: str):
    for lang in ("th", "en"):
        assert t(f"history.action_{action}", lang) != f"history.action_{action}"


def test_the_sample_loads_into_a_fresh_store_with_accounts_but_its_name_gives_no_rights():
    """The bundled sample's sender has no account and needs none; a look-alike gets nothing."""
    from ita_model.auth import SAMPLE_SENDER
    from ita_model.sample import ensure_sample, is_sample

    store = open_store()
    store.accounts.add("somchai", "admin", None, user="setup")
    loaded = ensure_sample(store)
    assert loaded and all(is_sample(s) and s.state == "accepted" for s in loaded)
    look_alike = Actor(SAMPLE_SENDER.name, SAMPLE_SENDER.role, SAMPLE_SENDER.source)
    with pytest.raises(NotAllowed) as refused:
        store.submit(workbook("legal"), "a.xlsx", user=look_alike, year=2565, division=None)
    assert refused.value.code == "account_unknown"
    store.close()
