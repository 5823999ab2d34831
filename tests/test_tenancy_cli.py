"""The command line for one user on a store of many agencies (SQLite and PostgreSQL): ``users
list --user`` shows the accounts that user may manage, ``rollup --user`` the agencies that user
may read, as the Users and roll-up pages do; an unknown or lesser account is a coded refusal."""

from __future__ import annotations

import json

import pytest

from ita_model.store import Store
from tests.conftest import run_cli
from tests.test_store import target  # noqa: F401  (the SQLite/PostgreSQL fixture)
from tests.test_tenancy import PW, YEAR, send, store  # noqa: F401  (the store fixture)

ENV = {"ITA_LOAD_SAMPLE": "false"}


def listed(target: str, *user: str) -> set[str]:  # noqa: F811
    done = run_cli("users", "list", "--store", target, "--json", *user, env=ENV)
    assert done.returncode == 0, done.stderr
    return {u["name"] for u in json.loads(done.stdout)["users"]}


def test_users_list_shows_whom_the_user_may_manage(store: Store, target: str) -> None:  # noqa: F811
    everyone = {"root", "ed_a", "view_a", "admin_a", "ed_b", "sup"}
    assert listed(target, "--user", "root") == everyone  # a system admin
    assert listed(target, "--user", "admin_a") == {"ed_a", "view_a", "admin_a"}  # its agency's
    for user in ("ed_a", "sup", "ghost"):  # an editor, a supervisor, no account at all
        refused = run_cli("users", "list", "--store", target, "--user", user, env=ENV)
        assert refused.returncode == 2 and not refused.stdout
        assert "Traceback" not in refused.stderr and user in refused.stderr
        assert "ไม่" in refused.stderr  # Thai first, English beside
    refused = run_cli("users", "list", "--store", target, "--user", "sup", env=ENV)
    assert "list the accounts" in refused.stderr and "admin" in refused.stderr


@pytest.fixture
def three_sent(store: Store) -> Store:  # noqa: F811
    """Agencies A and B (พะเยา) and C (เชียงราย) each with an accepted file."""
    store.accounts.add("ed_c", "editor", PW, user="root", agency="C", rounds=4)
    for code in ("A", "B", "C"):
        user = f"ed_{code.lower()}"
        send(store.for_agency(code, user=user), user)
    return store


def rolled_up(target: str, *args: str) -> list[str]:  # noqa: F811
    done = run_cli("rollup", "--store", target, "--year", str(YEAR), "--json", *args, env=ENV)
    assert done.returncode == 0, done.stderr
    return [a["agency"] for a in json.loads(done.stdout)["agencies"]]


def test_rollup_for_a_user_rolls_up_what_they_may_read(three_sent: Store, target: str) -> None:  # noqa: F811
    assert rolled_up(target) == ["A", "B", "C"]  # no user: the whole store, as before
    assert rolled_up(target, "--user", "root") == ["A", "B", "C"]  # a system admin
    assert rolled_up(target, "--user", "sup") == ["A", "B"]  # its scope, province:พะเยา
    assert rolled_up(target, "--user", "sup", "--scope", "province:เชียงราย") == []
    assert rolled_up(target, "--user", "view_a") == ["A"]  # an agency's own people: their own
    assert rolled_up(target, "--user", "ed_b", "--scope", "all") == ["B"]
    done = run_cli("rollup", "--store", target, "--json", env={**ENV, "ITA_USER": "ed_b"})
    assert [a["agency"] for a in json.loads(done.stdout)["agencies"]] == ["B"]
    unknown = run_cli("rollup", "--store", target, "--user", "ghost", env=ENV)
    assert unknown.returncode == 2 and not unknown.stdout
    assert "'ghost'" in unknown.stderr and "Traceback" not in unknown.stderr
    assert "ไม่มีบัญชีผู้ใช้" in unknown.stderr and "no account" in unknown.stderr


def test_a_supervisor_whose_scope_covers_no_agency_gets_an_empty_rollup(
    three_sent: Store,
    target: str,  # noqa: F811
) -> None:
    three_sent.accounts.add("sup_n", "supervisor", PW, user="root", scope="province:น่าน", rounds=4)
    done = run_cli("rollup", "--store", target, "--user", "sup_n", "--year", str(YEAR), env=ENV)
    assert done.returncode == 0, done.stderr
    assert "น่าน" in done.stdout and "อบต." not in done.stdout
