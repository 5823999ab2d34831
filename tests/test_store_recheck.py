"""``python -m ita_model recheck``: stored rows change only through it; it lists before it
writes, writes nothing without ``--apply``, and every change it writes is in the audit log."""

from __future__ import annotations

import json

import pytest

import ita_model.column_checks as checks_module
import ita_model.validate as validate_module
from ita_model.cli import main
from ita_model.errors import NotAllowed
from ita_model.i18n import t
from ita_model.records import Status
from ita_model.store import Store
from ita_model.store import recheck as recheck_module
from tests import test_store as shared
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "sample"
target, store = shared.target, shared.store  # the store fixtures: SQLite and PostgreSQL
YEAR = 2565
FILES = ("oit_legal.xlsx", "oit_it.xlsx", "timeline.xlsx")


@pytest.fixture(autouse=True)
def filled(store: Store) -> Store:
    """Every test's store (SQLite, PostgreSQL) holds three sample files, accepted."""
    for name in FILES:
        data = (SAMPLE / name).read_bytes()
        store.submit(data, name, user="clerk", year=YEAR, division=None, accept=True)
    return store


def run(store: Store, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    where = store.url if store.dialect == "postgresql" else str(store.root)
    code = main(["recheck", "--store", where, "--year", str(YEAR), "--user", "admin", *args])
    return code, capsys.readouterr().out


def snapshot(store: Store) -> tuple:
    """What the views read: what counts and every stored table."""
    current = store.current(YEAR)
    frames = [
        (r.submission.id, r.validator, r.frame("oit").to_json(), r.frame("timeline").to_json())
        for r in store.stored(store.submissions(year=YEAR))
    ]
    return [c.id for c in current], frames, store.revision()


def test_nothing_to_change_exits_0(store: Store, capsys) -> None:
    code, out = run(store, capsys=capsys)
    assert code == 0
    assert t("recheck.nothing", "en", n=3, version=validate_module.VALIDATOR_VERSION) in out


def test_a_new_validator_version_is_listed_then_stamped(store: Store, capsys, monkeypatch) -> None:
    monkeypatch.setattr(validate_module, "VALIDATOR_VERSION", "2099.1")
    before = snapshot(store)
    code, out = run(store, "--json", capsys=capsys)
    assert code == 1
    listed = json.loads(out)
    assert listed["applied"] is False and len(listed["files"]) == 3
    assert all(f["validator"][1] == "2099.1" and not f["changed"] for f in listed["files"])
    assert snapshot(store) == before  # listed, nothing written

    code, out = run(store, "--apply", capsys=capsys)
    assert code == 0
    assert t("recheck.restamp", "en", n=3, version="2099.1") in out
    assert {r.validator for r in store.stored(store.current(YEAR))} == {"2099.1"}
    events = store.events(actions=["rechecked"])
    assert len(events) == 3 and {e.user for e in events} == {"admin"}
    assert all(e.detail["validator"][1] == "2099.1" for e in events)
    assert run(store, capsys=capsys)[0] == 0  # done: nothing left


def test_a_changed_reading_lists_each_item_then_writes_it(
    store: Store, capsys, monkeypatch
) -> None:
    """A validator that reads "done" as "in progress": each item of every file is listed."""
    real = checks_module.parse_status

    def stricter(text: str) -> Status | None:
        status = real(text)
        return Status.IN_PROGRESS if status == Status.DONE else status

    monkeypatch.setattr(checks_module, "parse_status", stricter)
    monkeypatch.setattr(validate_module, "VALIDATOR_VERSION", "2099.2")
    legal = next(r for r in store.stored(store.current(YEAR)) if r.path == "oit_legal.xlsx")
    done = legal.frame("oit")[legal.frame("oit")["status"] == "done"]
    before = snapshot(store)

    code, out = run(store, capsys=capsys)
    assert code == 1 and snapshot(store) == before
    assert t("recheck.division", "th", division="legal") in out
    for item in done["item"]:
        assert t("recheck.status", "en", item=item, before="done", after="in_progress") in out
    assert t("recheck.dry_run", "en") in out

    code, out = run(store, "--apply", capsys=capsys)
    assert code == 0 and t("recheck.applied", "en", n=3) in out
    after = next(r for r in store.stored(store.current(YEAR)) if r.path == "oit_legal.xlsx")
    assert set(after.frame("oit").loc[done.index, "status"]) == {"in_progress"}
    assert [c.id for c in store.current(YEAR)] == before[0]  # decisions stay
    (event,) = [
        e for e in store.events(actions=["rechecked"]) if e.submission_id == legal.submission.id
    ]
    assert event.detail["items_changed"] == len(done)
    assert event.detail["rows"]["oit"] == [len(legal.frame("oit"))] * 2
    assert store.verify() == []


def test_files_that_would_become_unreadable_exit_2_and_are_listed(store: Store, capsys) -> None:
    """Tiny limits set later change nothing stored; a recheck says what they would do."""
    store.set_setting("max_cells", 100, user="admin")
    before = snapshot(store)
    code, out = run(store, capsys=capsys)
    assert code == 2
    assert out.count(t("recheck.unreadable", "en")) == 3
    assert t("recheck.rows", "en", kind="oit", before=18, after=0) in out
    assert snapshot(store)[:2] == before[:2]
    assert sum(len(r.frame("oit")) for r in store.stored(store.current(YEAR))) == 35


def test_only_an_administrator_applies(store: Store, monkeypatch) -> None:
    from ita_model.auth import Actor, Role

    store.accounts.add("boss", "admin", None, user="setup")
    store.accounts.add("clerk", "editor", None, user="boss")
    monkeypatch.setattr(validate_module, "VALIDATOR_VERSION", "2099.3")
    checks = recheck_module.plan(store, year=YEAR)
    assert len([c for c in checks if c.stale]) == 3
    with pytest.raises(NotAllowed):
        recheck_module.apply(store, checks, user=Actor("clerk", Role.EDITOR))
    assert store.events(actions=["rechecked"]) == []
    assert len(recheck_module.apply(store, checks, user=Actor("boss", Role.ADMIN))) == 3
