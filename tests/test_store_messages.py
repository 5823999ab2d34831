"""The store speaks through coded templates (``errors.CODES``): every refusal and every problem
``verify`` finds has a stable code, and its Thai and its English both name the file or store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete

from ita_model.errors import InvalidDecision, Issue, ItaError, StoreError, UnknownSubmission
from ita_model.store import Store, open_store
from ita_model.store.schema import current_t, oit_rows_t
from tests.test_store import workbook

YEAR = 2565


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "store")
    yield s
    s.close()


def names(issue: Issue | None, *words: object) -> None:
    """The issue has both languages, and each names every one of ``words``."""
    assert issue is not None and issue.message != issue.message_en
    for word in map(str, words):
        assert word in issue.message and word in issue.message_en, (word, issue)


def test_decisions_refused_name_the_file_and_submission(store: Store) -> None:
    a, _ = store.submit(
        workbook("legal", 1), "ก.xlsx", user="n", year=YEAR, division=None, accept=True
    )
    b, _ = store.submit(workbook("legal", 2), "ข.xlsx", user="n", year=YEAR, division=None)
    junk, _ = store.submit(b"%PDF-1.4", "ค.xlsx", user="n", year=YEAR, division="legal")
    cases = [
        (store.rollback, a.id, "store_already_current", "ก.xlsx"),
        (store.rollback, b.id, "store_never_accepted", "ข.xlsx"),
        (store.withdraw, b.id, "store_not_current", "ข.xlsx"),
        (store.accept, junk.id, "store_nothing_to_accept", "ค.xlsx"),
    ]
    for act, sid, code, filename in cases:
        with pytest.raises(InvalidDecision) as caught:
            act(sid, user="n")
        assert caught.value.code == code
        names(caught.value.issue, filename, sid)
        issue = caught.value.issue
        assert str(caught.value) == f"{issue.message} — {issue.message_en}"


def test_an_unknown_submission_names_the_store(store: Store) -> None:
    store.submit(workbook("it", 1), "it.xlsx", user="n", year=YEAR, division=None)
    with pytest.raises(UnknownSubmission) as caught:
        store.get("20990101-nope")
    assert caught.value.code == "store_unknown_submission"
    names(caught.value.issue, "20990101-nope", store.describe())


def test_settings_refused_name_the_setting(store: Store) -> None:
    for name, value, code in [
        ("store", "/elsewhere", "store_setting_fixed"),
        ("max_cells", "many", "store_setting_invalid"),
        ("year", 2690, "store_no_framework"),
    ]:
        with pytest.raises(InvalidDecision) as caught:
            store.set_setting(name, value, user="admin")
        assert caught.value.code == code
        names(caught.value.issue, value if code == "store_no_framework" else name)


def test_addresses_that_are_not_stores() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("mysql://someone@db.example/ita")
    assert caught.value.code == "store_database"
    names(caught.value.issue, "mysql", "db.example")
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://x:y@host:notaport/db")
    assert caught.value.code == "store_address"
    names(caught.value.issue, "host:notaport")


def test_a_folder_that_cannot_be_made_names_the_store(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = open_store(blocker / "store")
    with pytest.raises(StoreError) as caught, store._write():
        pass
    assert caught.value.code == "store_write_failed"
    names(caught.value.issue, blocker / "store")
    assert "nothing already stored was changed" in caught.value.issue.message_en
    with pytest.raises(ItaError) as refused:  # a file sent there: refused, the place named
        store.submit(workbook("it", 1), "it.xlsx", user="n", year=YEAR, division=None)
    assert str(blocker / "store") in str(refused.value)


def test_a_missing_file_is_a_read_failure_and_a_verify_problem(store: Store) -> None:
    sub, _ = store.submit(workbook("it", 1), "it.xlsx", user="n", year=YEAR, division=None)
    store.path(sub).unlink()
    with pytest.raises(StoreError) as caught:
        store.data(sub)
    assert caught.value.code == "store_read_failed"
    names(caught.value.issue, store.path(sub))
    (problem,) = store.problems()
    assert problem.code == "store_file_damaged"
    names(problem, sub.id, "it.xlsx", store.path(sub))


def test_verify_names_rows_and_states_that_disagree(store: Store) -> None:
    sub, _ = store.submit(
        workbook("it", 1), "it.xlsx", user="n", year=YEAR, division=None, accept=True
    )
    assert store.problems() == []
    with store._write() as conn:
        conn.execute(delete(oit_rows_t).where(oit_rows_t.c.submission_id == sub.id))
        conn.execute(delete(current_t))
    codes = {p.code: p for p in store.problems()}
    assert set(codes) == {"store_rows_mismatch", "store_state_mismatch"}
    names(codes["store_rows_mismatch"], sub.id, "it.xlsx")
    names(codes["store_state_mismatch"], store.describe())
    assert len(store.verify()) == 3  # the table differs from the log; accepted but not current
