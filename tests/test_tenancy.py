"""Many agencies on one store, enforced in the store itself (SQLite and a real PostgreSQL).

Agency A's people cannot read or write agency B; a province supervisor reads its agencies and
writes nothing; removing an account or changing its role or scope counts from the very next
store call; a version-2 store is upgraded in place, every row becoming the default agency's.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ita_model.agencies import AgencyRecord
from ita_model.agency import Agency
from ita_model.agency_store import AgencyStore
from ita_model.errors import AccountError, CodedError, NotAllowed, UnknownSubmission
from ita_model.store import Store, open_store
from tests.conftest import ROOT
from tests.test_store import target, workbook  # noqa: F401  (the SQLite/PostgreSQL fixture)

V2_STORE = ROOT / "tests" / "data" / "store_v2"  # made by the store of commit 80ba018 (schema 2)
YEAR = 2565
PW = "pass-word-1"

AGENCIES = [
    AgencyRecord(code="A", name="อบต.แม่กา", type="local_government", province="พะเยา"),
    AgencyRecord(code="B", name="อบต.บ้านต๋อม", type="local_government", province="พะเยา"),
    AgencyRecord(code="C", name="อบต.ป่าแดด", type="local_government", province="เชียงราย"),
]


@pytest.fixture
def store(target: str) -> Store:  # noqa: F811
    """A store with a system admin, agencies A, B (พะเยา) and C (เชียงราย), an editor and a
    viewer of A, an editor of B and a พะเยา supervisor."""
    s = open_store(target)
    s.accounts.add("root", "admin", PW, user="setup", rounds=4)
    s.register_agencies(AGENCIES, user="root")
    for name, role, agency, scope in [
        ("ed_a", "editor", "A", None),
        ("view_a", "viewer", "A", None),
        ("admin_a", "admin", "A", None),
        ("ed_b", "editor", "B", None),
        ("sup", "supervisor", "default", "province:พะเยา"),
    ]:
        s.accounts.add(name, role, PW, user="root", agency=agency, scope=scope, rounds=4)
    yield s
    s.close()


def send(store: Store, user: str, division: str = "legal", version: int = 0):
    sub, _ = store.submit(
        workbook(division, version), f"{division}.xlsx", user=user, year=YEAR, division=division,
        accept=True,
    )  # fmt: skip
    return sub


# --------------------------------------------------------------------------- the registry


def test_the_registry_always_has_the_default_agency_and_imports_in_one_event(store: Store):
    assert [r.code for r in store.agency_registry()] == ["A", "B", "C", "default"]
    assert store.agency_record("B").province == "พะเยา"
    assert store.agency_record("nope") is None
    changed = [AGENCIES[0].model_copy(update={"name": "อบต.แม่กา (ใหม่)"}), *AGENCIES[1:]]
    new = AgencyRecord(code="D", name="เทศบาลตำบลแม่ใจ", province="พะเยา")
    assert store.register_agencies([*changed, new], user="root") == {
        "added": 1,
        "updated": 1,
        "unchanged": 2,
    }
    assert store.agency_record("A").name == "อบต.แม่กา (ใหม่)"
    imports = store.events(actions=["agencies_imported"])
    assert [e.detail["added"] for e in imports] == [3, 1]


@pytest.mark.parametrize("who", ["admin_a", "sup", "ed_a"])
def test_only_a_system_admin_imports_agencies(store: Store, who: str):
    with pytest.raises(NotAllowed):
        store.register_agencies([AgencyRecord(code="X", name="x")], user=who)
    assert store.agency_record("X") is None


# --------------------------------------------------------------------------- isolation


def test_two_agencies_sending_the_same_file_at_the_same_moment_both_keep_it(store: Store):
    """The sample's report day, or two clerks at once: ids must not clash across agencies."""
    at = datetime(2022, 3, 1, 9, 0, tzinfo=UTC)
    data = workbook("legal", 0)
    subs = [
        store.for_agency(code, user=user).submit(
            data, "legal.xlsx", user=user, year=YEAR, division="legal", accept=True, at=at
        )[0]
        for code, user in [("A", "ed_a"), ("B", "ed_b")]
    ]
    assert subs[0].id != subs[1].id
    assert [s.id for s in store.for_agency("B", user="ed_b").current(YEAR)] == [subs[1].id]


def test_an_agencys_rows_are_its_own(store: Store):
    a = store.for_agency("A", user="ed_a")
    sub = send(a, "ed_a")
    assert [s.id for s in a.current(YEAR)] == [sub.id]
    b = store.for_agency("B", user="ed_b")
    assert b.current(YEAR) == [] and b.submissions() == [] and b.accepted() == []
    assert store.current(YEAR) == []  # the default agency's store sees none of it
    with pytest.raises(UnknownSubmission):
        b.get(sub.id)
    with pytest.raises(UnknownSubmission):
        b.stored([sub])
    # the same bytes in another agency are that agency's own submission
    again = send(b, "ed_b")
    assert again.id != sub.id and again.sha256 == sub.sha256
    assert [e.action for e in b.events(actions=["submitted", "accepted"])] == [
        "submitted",
        "accepted",
    ]
    assert {e.submission_id for e in a.events() if e.submission_id} == {sub.id}
    assert a.verify() == [] and b.verify() == [] and store.verify() == []
    assert b.revision() != a.revision()


def test_settings_and_set_up_are_per_agency(store: Store):
    a = store.for_agency("A", user="admin_a")
    a.set_setting("max_file_mb", 5, user="admin_a")
    assert a.overrides() == {"max_file_mb": 5.0}
    assert store.overrides() == {}
    AgencyStore(a).save_agency(
        Agency(name_th="อบต.แม่กา", short_th="อบต.แม่กา", agency_type="local_government"),
        user="admin_a",
    )
    assert AgencyStore(a).setup().agency.name_th == "อบต.แม่กา"
    assert AgencyStore(store).setup().agency is None
    assert AgencyStore(store.for_agency("B", user="root")).setup().agency is None


def test_agency_as_editor_cannot_read_or_write_agency_b(store: Store):
    with pytest.raises(NotAllowed) as refused:
        store.for_agency("B", user="ed_a")
    assert refused.value.issue.code == "agency_not_allowed"
    with pytest.raises(CodedError) as unknown:
        store.for_agency("Z", user="root")
    assert unknown.value.issue.code == "agency_unknown"
    b = store.for_agency("B", user="ed_b")
    sub = send(b, "ed_b")
    b_root = store.for_agency("B", user="root")  # a system admin reads B
    for write in (
        lambda: send(b_root, "ed_a", "it"),
        lambda: b_root.accept(sub.id, user="ed_a"),
        lambda: b_root.withdraw(sub.id, user="ed_a"),
        lambda: b_root.rollback(sub.id, user="ed_a"),
        lambda: b_root.set_setting("max_file_mb", 5, user="admin_a"),
        lambda: AgencyStore(b_root).save_year(YEAR, user="admin_a"),
    ):
        with pytest.raises(NotAllowed) as no:
            write()
        assert no.value.issue.code == "agency_write_not_allowed"
    assert [s.state for s in b.submissions()] == ["accepted"]
    assert b.overrides() == {} and AgencyStore(b).parts() == {}


def test_a_province_supervisor_reads_its_agencies_and_writes_nothing(store: Store):
    a = store.for_agency("A", user="ed_a")
    sub = send(a, "ed_a")
    seen = store.for_agency("A", user="sup")
    assert [s.id for s in seen.current(YEAR)] == [sub.id]
    store.for_agency("B", user="sup").current(YEAR)
    with pytest.raises(NotAllowed):
        store.for_agency("C", user="sup")  # เชียงราย
    with pytest.raises(NotAllowed):
        store.for_agency("default", user="sup")
    for write in (
        lambda: send(seen, "sup", "it"),
        lambda: seen.withdraw(sub.id, user="sup"),
        lambda: seen.set_setting("max_file_mb", 5, user="sup"),
        lambda: AgencyStore(seen).save_year(YEAR, user="sup"),
        lambda: store.accounts.add("x", "viewer", PW, user="sup", rounds=4),
    ):
        with pytest.raises(NotAllowed):
            write()
    assert not seen.may_write("sup") and a.may_write("ed_a") and not a.may_write("view_a")
    assert [s.state for s in a.submissions()] == ["accepted"]


def test_removing_access_counts_from_the_very_next_call(store: Store):
    a = store.for_agency("A", user="view_a")
    sup_b = store.for_agency("B", user="sup")
    assert a.current(YEAR) == [] and sup_b.current(YEAR) == []
    store.accounts.remove("view_a", user="root")
    with pytest.raises(NotAllowed) as gone:
        a.current(YEAR)
    assert gone.value.issue.code == "account_unknown"
    store.accounts.set_role("sup", "supervisor", scope="province:เชียงราย", user="root")
    with pytest.raises(NotAllowed) as moved:
        sup_b.current(YEAR)
    assert moved.value.issue.code == "agency_not_allowed"
    store.for_agency("C", user="sup").current(YEAR)
    writer = store.for_agency("A", user="ed_a")
    send(writer, "ed_a")
    store.accounts.set_role("ed_a", "viewer", user="root")
    with pytest.raises(NotAllowed):
        send(writer, "ed_a", "it")


# --------------------------------------------------------------------------- accounts


def test_account_rules_for_agencies_and_scopes(store: Store):
    def code(call) -> str:
        with pytest.raises((AccountError, NotAllowed, CodedError)) as exc:
            call()
        return exc.value.issue.code

    add = store.accounts.add
    assert code(lambda: add("s2", "supervisor", PW, user="root", rounds=4)) == (
        "supervisor_needs_scope"
    )
    assert code(lambda: add("e2", "editor", PW, user="root", scope="all", rounds=4)) == (
        "scope_not_for_role"
    )
    assert code(lambda: add("e3", "editor", PW, user="root", agency="Z", rounds=4)) == (
        "agency_unknown"
    )
    # an agency's admin manages its own agency's accounts only, and gives no scopes
    assert code(lambda: add("e4", "editor", PW, user="admin_a", agency="B", rounds=4)) == (
        "system_admin_only"
    )
    assert code(lambda: store.accounts.remove("ed_b", user="admin_a")) == "system_admin_only"
    assert code(
        lambda: add("s3", "supervisor", PW, user="admin_a", scope="agencies:A", rounds=4)
    ) == ("system_admin_only")
    made = add("e5", "editor", PW, user="admin_a", rounds=4)
    assert made["agency"] == "A" and made["scope"] is None
    users = {u["name"]: u for u in store.accounts.users()}
    assert users["root"]["scope"] == "all" and users["sup"]["scope"] == "province:พะเยา"
    assert users["e5"]["agency"] == "A"
    # the last system admin stays one
    assert code(lambda: store.accounts.set_role("root", "viewer", user="root")) == "last_admin"
    # an account event is in its agency's log
    a = store.for_agency("A", user="admin_a")
    assert "user_added" in {e.action for e in a.events()}


# --------------------------------------------------------------------------- upgrade


def test_a_version_2_store_is_upgraded_in_place(tmp_path: Path):
    root = tmp_path / "store"
    shutil.copytree(V2_STORE, root)
    s = open_store(root)
    try:
        assert [x.state for x in s.submissions()] == ["accepted", "accepted", "superseded"]
        assert [c.filename for c in s.current(YEAR)] == ["oit_legal.xlsx", "oit_it.xlsx"]
        mid = s.events(actions=["accepted"])[2].at
        assert [c.filename for c in s.current(YEAR, as_of=mid)] == [
            "oit_legal.xlsx",
            "oit_it.xlsx",
            "timeline.xlsx",
        ]
        assert s.overrides() == {"max_file_mb": 15.0}
        assert s.verify() == []
        users = {u["name"]: u for u in s.accounts.users()}
        assert users["boss"]["scope"] == "all" and users["clerk"]["agency"] == "default"
        assert s.accounts.actor("boss").system_admin
        assert [r.code for r in s.agency_registry()] == ["default"]
        s.register_agencies([AGENCIES[0]], user="boss")
        a = s.for_agency("A", user="boss")
        assert a.current(YEAR) == []
        s.accounts.add("ed_a", "editor", PW, user="boss", agency="A", rounds=4)
        data = (ROOT / "data" / "sample" / "oit_legal.xlsx").read_bytes()
        sub, new = a.submit(data, "oit_legal.xlsx", user="ed_a", year=YEAR, division=None)
        assert new and sub.state == "pending"  # the same bytes, another agency's own file
    finally:
        s.close()
    assert (V2_STORE / "store.sqlite3").stat().st_size > 0


def test_a_postgresql_store_of_version_2_is_upgraded_in_place(pg_server) -> None:
    """The fixture's version-2 rows put into a PostgreSQL database laid out as version 2 was
    (no agency columns; the keys without it); PostgreSQL changes the keys in place."""
    import sqlite3

    from sqlalchemy import create_engine, insert, text

    import ita_model.store.schema as v3
    from ita_model.store.accounts import account_imports_t, accounts_metadata, accounts_t
    from ita_model.store.base import pg_url

    tables = [getattr(v3, f"{n}_t") for n in ("submissions", "events", "current", "slots")]
    tables += [v3.meta_t, v3.records_t, v3.oit_rows_t]
    engine = create_engine(pg_url(pg_server.new_database()))
    url = engine.url.render_as_string(hide_password=False)
    old = sqlite3.connect(V2_STORE / "store.sqlite3")
    old.row_factory = sqlite3.Row
    with engine.begin() as conn:
        v3.metadata.create_all(conn, tables=[*tables, v3.blobs_t])
        accounts_metadata.create_all(conn)
        for name in ("submissions", "events", "current", "slots", "oit_rows", "accounts"):
            conn.execute(text(f"ALTER TABLE {name} DROP COLUMN agency"))
        conn.execute(text("ALTER TABLE accounts DROP COLUMN scope"))
        conn.execute(text("ALTER TABLE current ADD PRIMARY KEY (year, slot)"))
        conn.execute(text("ALTER TABLE slots ADD PRIMARY KEY (year, slot)"))
        conn.execute(
            text("ALTER TABLE submissions ADD CONSTRAINT uq_submission_bytes UNIQUE (sha256, year)")
        )
        conn.execute(text("CREATE INDEX ix_events_slot_at ON events (year, slot, at, seq)"))
        for table in [*tables, accounts_t, account_imports_t]:
            rows = [dict(r) for r in old.execute(f"SELECT * FROM {table.name}")]
            for r in rows:
                if "unreadable" in r:  # SQLite kept 0/1
                    r["unreadable"] = bool(r["unreadable"])
            if rows:
                names = list(rows[0])
                columns, values = ", ".join(names), ", ".join(f":{n}" for n in names)
                conn.execute(text(f"INSERT INTO {table.name} ({columns}) VALUES ({values})"), rows)
        for f in (V2_STORE / "files").iterdir():
            row = {"sha256": f.name.split(".")[0], "data": f.read_bytes()}
            conn.execute(insert(v3.blobs_t).values(**row))
        conn.execute(text("SELECT setval('events_seq_seq', (SELECT max(seq) FROM events))"))
        assert v3.agencies_t.name not in {
            r[0] for r in conn.execute(text("SELECT tablename FROM pg_tables"))
        }
    old.close()
    engine.dispose()
    s = open_store(url)
    try:
        assert [c.filename for c in s.current(YEAR)] == ["oit_legal.xlsx", "oit_it.xlsx"]
        assert s.verify() == []
        assert s.accounts.actor("boss").system_admin
        s.register_agencies([AGENCIES[0]], user="boss")
        s.accounts.add("ed_a", "editor", PW, user="boss", agency="A", rounds=4)
        a = s.for_agency("A", user="ed_a")
        data = (ROOT / "data" / "sample" / "oit_legal.xlsx").read_bytes()
        sub, new = a.submit(data, "oit_legal.xlsx", user="ed_a", year=YEAR, division=None)
        assert new and a.accept(sub.id, user="ed_a").state == "accepted"
        assert [c.filename for c in s.current(YEAR)] == ["oit_legal.xlsx", "oit_it.xlsx"]
    finally:
        s.close()


# --------------------------------------------------------------------------- what is in force


def test_two_sessions_on_two_agencies_never_see_each_others_set_up(store: Store):
    """Two threads of one process (two browser sessions of one server), one showing agency A
    (a vocational college, its own framework of 2570), one the default agency (the demo), at
    the same time: each sees only its own organisation, framework and year."""
    import threading

    from ita_model.framework import available_years, load_framework
    from ita_model.in_force import in_force
    from ita_model.organisation import load_organisation
    from ita_model.settings import Settings
    from tests.test_agency import DIVISIONS
    from tests.test_agency import set_up as set_up_agency

    # tests.test_agency's set-up acts as an account named "admin": here, A's administrator
    store.accounts.add("admin", "admin", PW, user="root", agency="A", rounds=4)
    a = store.for_agency("A", user="admin")
    set_up_agency(AgencyStore(a))
    both_ready = threading.Barrier(2, timeout=30)
    seen: dict[str, tuple] = {}

    def session(name: str, bound: Store) -> None:
        _force, settings = in_force(bound, Settings())
        both_ready.wait()  # the other session has activated its own agency meanwhile
        org = load_organisation()
        seen[name] = (
            settings.year,
            [d.id for d in org.divisions][:2],
            load_framework(settings.year).year,
            2570 in available_years(),
        )

    threads = [
        threading.Thread(target=session, args=("A", a)),
        threading.Thread(target=session, args=("default", store)),
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert seen["A"] == (2570, [d.id for d in DIVISIONS][:2], 2570, True)
    year, divisions, _, has_2570 = seen["default"]
    assert year == Settings().year and divisions != seen["A"][1] and not has_2570
    # and this thread, which activated nothing, still sees the demo
    assert 2570 not in available_years()


# --------------------------------------------------------------------------- command line


def test_the_command_line_reads_and_writes_one_agency(tmp_path: Path):
    from tests.conftest import run_cli

    root = tmp_path / "store"
    s = open_store(root)
    s.accounts.add("root", "admin", PW, user="setup", rounds=4)
    s.register_agencies(AGENCIES, user="root")
    s.accounts.add("ed_a", "editor", PW, user="root", agency="A", rounds=4)
    s.accounts.add("sup", "supervisor", PW, user="root", scope="agencies:A", rounds=4)
    s.close()
    book = tmp_path / "legal.xlsx"
    book.write_bytes(workbook("legal", 3))
    env = {"ITA_LOAD_SAMPLE": "false"}
    sent = run_cli("submit", book, "--store", root, "--agency", "A", "--user", "ed_a", env=env)
    assert sent.returncode == 0, sent.stderr
    mine = run_cli("summary", "--store", root, "--agency", "A", "--user", "sup", "--json", env=env)
    assert mine.returncode == 0, mine.stderr
    theirs = run_cli("summary", "--store", root, "--json", "--user", "root", env=env)
    assert mine.stdout != theirs.stdout  # A's file counts for A only
    for args in (
        ("history", "--agency", "B", "--user", "ed_a"),
        ("submit", book, "--agency", "B", "--user", "sup"),
        ("summary", "--agency", "Z", "--user", "root"),
    ):
        refused = run_cli(*args, "--store", root, env=env)
        assert refused.returncode == 2, refused.stdout
        assert "Traceback" not in refused.stderr
        assert "agency" in refused.stderr and "หน่วยงาน" in refused.stderr
    listed = run_cli("users", "list", "--store", root, "--user", "root", env=env).stdout
    assert "sup" in listed and "agencies:A" in listed
    bad = run_cli(
        "users", "add", "s2", "--role", "supervisor", "--no-password", "--store", root,
        "--user", "root", env=env,
    )  # fmt: skip
    assert bad.returncode == 2 and "--scope" in bad.stderr
