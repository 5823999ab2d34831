"""Each file's typed rows, kept by the store when it arrives: the same tables ``validate_file``
gives, read once, never rewritten by a settings change; "as of" a time from an index, equal to
the replay of the log; a store made by the code before rows were kept opens and is filled in."""

from __future__ import annotations

import contextlib
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ita_model.store.base as store_base
import ita_model.validate as validate_module
from ita_model.settings import Settings
from ita_model.store import Store, open_store
from ita_model.store.rows import decode_frame, empty_frame, encode_frame, kinds_present
from ita_model.validate import KINDS, validate_file
from tests import test_store as shared
from tests.conftest import ROOT
from tests.fuzz_books import books
from tests.test_store import workbook

SAMPLE = ROOT / "data" / "sample"
target, store = shared.target, shared.store  # the store fixtures: SQLite and PostgreSQL
V1_STORE = ROOT / "tests" / "data" / "store_v1"  # made by the store of commit 434149e (schema 1)
YEAR = 2565


def same_frames(stored: object, checked: object) -> None:
    """Every kind's table equal, dtypes, missing values and Python types included."""
    for kind in KINDS:
        a, b = checked.frame(kind), stored.frame(kind)  # type: ignore[attr-defined]
        pd.testing.assert_frame_equal(b, a, check_exact=True)
        assert repr(b.to_dict("records")) == repr(a.to_dict("records")), kind
        assert stored.records(kind) == checked.records(kind), kind  # type: ignore[attr-defined]


def test_the_stored_rows_are_what_validate_file_gives_for_every_sample_file(store: Store) -> None:
    files = sorted(SAMPLE.iterdir())
    for f in files:
        store.submit(f.read_bytes(), f.name, user="clerk", year=YEAR, division=None, accept=True)
    current = store.current(YEAR)
    assert sorted(s.filename for s in current) == sorted(f.name for f in files)
    reports = store.stored(current)
    assert [r.submission.id for r in reports] == [s.id for s in current]
    for r in reports:
        checked = validate_file(SAMPLE / r.path, r.path, year=YEAR)
        assert r.path == checked.path == r.submission.filename
        assert r.validator == validate_module.VALIDATOR_VERSION
        same_frames(r, checked)
        assert list(r.issues) == list(checked.issues)
        assert (r.issues.errors, r.issues.warnings) == (
            checked.issues.errors,
            checked.issues.warnings,
        )
    assert store.verify() == []


def test_test_workbooks_round_trip_too(store: Store, book) -> None:
    """Two sheets of one kind, a sheet with no valid row, errors, several links in one cell."""
    path = book(
        "mixed.xlsx",
        {
            "OIT": [
                ["ส่วนราชการ: ฝ่ายนิติการ"],
                ["ข้อ", "สถานะ", "ลิงก์", "หมายเหตุ"],
                ["o06", "เสร็จสิ้น", "https://a.example/1 https://a.example/2", "สองลิงก์"],
                ["o99", "เสร็จสิ้น", "https://a.example/3", None],
                ["o13", "", None, None],
            ],
            "OIT2": [["ข้อ", "สถานะ", "ส่วนราชการ"], ["o14", "กำลังดำเนินการ", "ฝ่ายนิติการ"]],
            "สำรวจ": [["แบบวัด", "จำนวนผู้ตอบ"], ["IIT", "xx"]],
            "ไทม์ไลน์": [["กิจกรรม", "วันเริ่ม", "วันสิ้นสุด"], ["ลงทะเบียน", "1/1/2565", ""]],
        },
    )
    data = path.read_bytes()
    sub, _ = store.submit(data, path.name, user="clerk", year=YEAR, division="legal")
    (stored,) = store.stored([sub])
    same_frames(stored, validate_file(data, path.name, year=YEAR, division="legal"))
    assert len(stored.frame("oit")) == 3  # two sheets, one table
    assert stored.frame("oit")["urls"].map(len).max() == 2
    assert len(stored.frame("survey")) == 0  # its one row had an error
    assert stored.submission.errors == 2


def test_one_submit_reads_the_file_once(
    store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[str] = []
    real = validate_module.read_workbook

    def counted(*args, **kwargs):
        calls.append(str(args[1] if len(args) > 1 else kwargs.get("name")))
        return real(*args, **kwargs)

    monkeypatch.setattr(validate_module, "read_workbook", counted)
    store.submit(
        workbook("legal"), "legal.xlsx", user="clerk", year=YEAR, division="legal", accept=True
    )
    (stored,) = store.stored(store.current(YEAR))
    assert len(stored.frame("oit")) > 0
    assert calls == ["legal.xlsx"]


def test_tiny_limits_set_later_change_nothing_stored(store: Store) -> None:
    for name in ("oit_legal.xlsx", "oit_it.xlsx", "timeline.xlsx"):
        data = (SAMPLE / name).read_bytes()
        store.submit(data, name, user="clerk", year=YEAR, division=None, accept=True)
    before = [(s.id, s.state) for s in store.current(YEAR)]
    frames = {r.path: r.frame("oit") for r in store.stored(store.current(YEAR))}
    store.set_setting("max_cells", 100, user="admin")
    store.set_setting("max_file_mb", 0.001, user="admin")
    reopened = open_store(store.url if store.dialect == "postgresql" else store.root)
    try:
        for s in (store, reopened):
            assert [(c.id, c.state) for c in s.current(YEAR)] == before
            for r in s.stored(s.current(YEAR)):
                pd.testing.assert_frame_equal(r.frame("oit"), frames[r.path])
    finally:
        reopened.close()
    # a file arriving now is checked with the new limits: it is kept, but has nothing to count
    limited = Settings(max_cells=100, max_file_mb=0.001)
    new, _ = store.submit(
        (SAMPLE / "oit_finance.xlsx").read_bytes(),
        "oit_finance.xlsx",
        user="clerk",
        year=YEAR,
        division=None,
        settings=limited,
    )
    assert new.unreadable and new.state == "rejected"
    assert [(c.id, c.state) for c in store.current(YEAR)] == before


@pytest.mark.parametrize("kind", KINDS)
def test_any_messy_workbook_round_trips_exactly(kind: str, tmp_path_factory) -> None:
    """What a clerk may send (tests/fuzz_books.py): the stored form gives the same tables."""
    folder = tmp_path_factory.mktemp(f"rows-{kind}")

    @given(books(kind))
    @settings(max_examples=40, deadline=None)
    def prop(book) -> None:
        path = book.write(folder)
        report = validate_file(path, path.name, year=YEAR)
        present = kinds_present(report)
        for k in KINDS:
            frame = report.frame(k)
            back = decode_frame(encode_frame(frame)) if k in present else empty_frame(k)
            pd.testing.assert_frame_equal(back, frame, check_exact=True)
            assert repr(back.to_dict("records")) == repr(frame.to_dict("records"))

    prop()


# --------------------------------------------------------------------------- "as of"

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["submit", "accept", "rollback", "withdraw"]),
        st.sampled_from(["legal", "it", "finance"]),
        st.integers(0, 3),  # which of the division's files
        st.integers(1, 120),  # minutes since the last step
    ),
    min_size=1,
    max_size=25,
)


@given(steps=ACTIONS, probes=st.lists(st.integers(0, 3000), min_size=1, max_size=6))
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_as_of_equals_the_replay_of_the_log(tmp_path_factory, monkeypatch, steps, probes) -> None:
    """``current(as_of=…)`` (an index per slot) gives what replaying every decision gives."""
    from ita_model.errors import InvalidDecision

    clock = [datetime(2026, 1, 5, 3, 0, tzinfo=UTC)]
    monkeypatch.setattr(store_base, "now", lambda: clock[0])
    s = open_store(tmp_path_factory.mktemp("asof") / "store")
    try:
        for action, division, n, minutes in steps:
            clock[0] += timedelta(minutes=minutes)
            data = workbook(division, n)
            sub = s._find(_sha(data), YEAR)
            if action == "submit" or sub is None:
                s.submit(data, f"{division}.xlsx", user="clerk", year=YEAR, division=division)
                continue
            act = {"accept": s.accept, "rollback": s.rollback, "withdraw": s.withdraw}[action]
            with contextlib.suppress(InvalidDecision):  # not allowed in that state: no change
                act(sub.id, user="clerk")
        start = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
        for minutes in [*probes, 10**6]:
            when = start + timedelta(minutes=minutes)
            old = [sub.id for sub, _path in s.current_at(when, YEAR)]
            assert [c.id for c in s.current(YEAR, as_of=when)] == old
        assert [c.id for c in s.current(YEAR)] == [sub.id for sub, _ in s.accepted(YEAR)]
        # a naive time is Thai time: seven hours ahead of UTC
        later = clock[0] + timedelta(minutes=1)
        naive_thai = (later + timedelta(hours=7)).replace(tzinfo=None)
        assert s.current(YEAR, as_of=naive_thai) == s.current(YEAR, as_of=later)
    finally:
        s.close()


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- older stores


def upgraded_and_filled(s: Store) -> None:
    """The fixture's three accepted workbooks count, with the rows validate_file gives them,
    filled in by one ``ingested`` event (three workbooks and the unreadable file)."""
    current = s.current(YEAR)
    assert [c.filename for c in current] == ["oit_legal.xlsx", "oit_it.xlsx", "timeline.xlsx"]
    for r in s.stored(current):
        same_frames(r, validate_file(SAMPLE / r.path, r.path, year=YEAR))
        assert r.validator == validate_module.VALIDATOR_VERSION
    assert [e.detail["count"] for e in s.events(actions=["ingested"])] == [4]


def test_a_store_made_before_rows_were_kept_is_upgraded_and_filled_once(tmp_path: Path) -> None:
    root = tmp_path / "store"
    shutil.copytree(V1_STORE, root)
    s = open_store(root)
    try:
        upgraded_and_filled(s)
        (ingested,) = s.events(actions=["ingested"])
        assert ingested.detail["missing"] == []
        assert s.overrides() == {"use_sample": False}
        assert s.verify() == []
    finally:
        s.close()
    again = open_store(root)
    try:
        assert len(again.events(actions=["ingested"])) == 1  # once
        assert again.verify() == []
    finally:
        again.close()
    assert (V1_STORE / "store.sqlite3").stat().st_size > 0  # the fixture itself is untouched


def test_a_file_kept_meanwhile_by_older_code_gets_its_rows_when_read(store: Store) -> None:
    """Another dashboard still on the code before rows were kept submits into this store: its
    submission has no rows and no validator version; the first read here fills them in."""
    from sqlalchemy import delete, update

    from ita_model.store.schema import oit_rows_t, records_t, submissions_t

    data = (SAMPLE / "oit_it.xlsx").read_bytes()
    sub, _ = store.submit(data, "oit_it.xlsx", user="n", year=YEAR, division=None, accept=True)
    with store._write() as conn:  # what the older code leaves
        conn.execute(delete(records_t).where(records_t.c.submission_id == sub.id))
        conn.execute(delete(oit_rows_t).where(oit_rows_t.c.submission_id == sub.id))
        conn.execute(update(submissions_t).values(validator=None))
    assert "store_rows_mismatch" in {p.code for p in store.problems()}
    (stored,) = store.stored(store.current(YEAR))
    same_frames(stored, validate_file(data, "oit_it.xlsx", year=YEAR))
    assert [e.detail["count"] for e in store.events(actions=["ingested"])] == [1]
    assert store.verify() == []


def test_a_postgresql_store_made_before_rows_were_kept_is_upgraded_too(pg_server) -> None:
    """The fixture's schema-1 rows put into a PostgreSQL database laid out as schema 1 was."""
    import sqlite3

    from sqlalchemy import create_engine, insert, text

    from ita_model.store.schema import (
        EVENTS_BY_SLOT,
        blobs_t,
        current_t,
        events_t,
        meta_t,
        metadata,
        submissions_t,
    )

    url = pg_server.new_database()
    engine = create_engine("postgresql+psycopg://" + url.split("://", 1)[1])
    old = sqlite3.connect(V1_STORE / "store.sqlite3")
    old.row_factory = sqlite3.Row
    with engine.begin() as conn:
        metadata.create_all(conn, tables=[submissions_t, events_t, current_t, blobs_t, meta_t])
        conn.execute(text(f"DROP INDEX {EVENTS_BY_SLOT.name}"))
        conn.execute(text("ALTER TABLE submissions DROP COLUMN validator"))
        for table in (submissions_t, events_t, current_t, meta_t):
            rows = [dict(r) for r in old.execute(f"SELECT * FROM {table.name}")]
            if table is meta_t:
                rows = [r for r in rows if r["key"] != "schema"] + [{"key": "schema", "value": "1"}]
            for r in rows:
                if "unreadable" in r:  # SQLite kept 0/1
                    r["unreadable"] = bool(r["unreadable"])
            conn.execute(insert(table), rows)
        for f in (V1_STORE / "files").iterdir():
            conn.execute(insert(blobs_t).values(sha256=f.name.split(".")[0], data=f.read_bytes()))
        conn.execute(text("SELECT setval('events_seq_seq', (SELECT max(seq) FROM events))"))
    old.close()
    engine.dispose()
    s = open_store(url)
    try:
        upgraded_and_filled(s)
        mid = s.events(actions=["accepted"])[1].at
        assert [c.id for c in s.current(YEAR, as_of=mid)] == [
            sub.id for sub, _ in s.current_at(mid, YEAR)
        ]
        assert s.verify() == []
    finally:
        s.close()


def test_as_of_a_thai_time_is_that_moment_whatever_the_database(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Accepted at 01:00 on 2 March in Thailand (18:00 UTC on 1 March): it did not count at the
    end of 1 March, Thai time. (SQLite keeps times without their zone: the bound time is made
    UTC first; ``current_at`` compared the Thai wall clock with UTC and counted it.)"""
    thai = timezone(timedelta(hours=7))
    monkeypatch.setattr(store_base, "now", lambda: datetime(2022, 3, 1, 18, 0, tzinfo=UTC))
    store.submit(workbook("legal", 1), "a.xlsx", user="n", year=YEAR, division=None, accept=True)
    assert store.current(YEAR, as_of=datetime(2022, 3, 1, 23, 59, 59, tzinfo=thai)) == []
    assert len(store.current(YEAR, as_of=datetime(2022, 3, 2, 1, 0, tzinfo=thai))) == 1
