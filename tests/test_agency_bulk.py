"""A multi-agency file written in bulk reads back, for each agency, exactly what ``split`` gave:
its table (values and dtypes), its typed ``oit_rows``, its report and its audit events, on
SQLite and PostgreSQL, whatever the text in the cells (quotes, tabs, newlines, backslashes,
COPY's own ``\\N`` and ``\\.``, Thai, nothing at all).

The payloads and rows are encoded column by column for the whole file (``agency_parts.py``,
``store/bulk_sql.py``); these tests compare them with what the one-file path keeps
(``store.rows.encode_frame`` and ``store.rows.oit_rows``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import zlib
from contextlib import closing
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ita_model.agencies import AgencyRecord
from ita_model.current import current_data
from ita_model.multi_agency import split
from ita_model.store import Store, open_store
from ita_model.store.rows import decode_frame, encode_frame, oit_rows
from ita_model.store.schema import events_t, oit_rows_t
from ita_model.validate import FileReport, SheetReport
from tests import test_store

target = test_store.target  # the fixture: a fresh SQLite or PostgreSQL store

CODES = ["5601", "5602", "A-3", "ข04", "60005", "x"]
SHEET = "OIT"
# what a cell can hold that a COPY line, a JSON text or a CSV line must not take for its own
AWKWARD = ['"', "'", "\t", "\n", "\r", "\r\n", "\\", "\\N", "\\.", "\\t", ",", ";", "ไทย", " ", ""]
text = st.lists(
    st.sampled_from(AWKWARD)
    | st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=6),
    max_size=4,
).map("".join)
maybe_text = st.none() | text
short = st.lists(st.sampled_from(AWKWARD) | st.sampled_from(["o01", "ก", "done"]), max_size=3)


def fitting(limit: int) -> st.SearchStrategy[str]:
    """Text that fits a column of ``limit`` characters (item, status)."""
    return short.map("".join).filter(lambda s: len(s) <= limit)


row = st.fixed_dictionaries(
    {
        "agency": st.sampled_from(CODES),
        "item": fitting(8),
        "status": fitting(16),
        "division": maybe_text,
        "url": maybe_text,
        "urls": st.none() | st.lists(text, min_size=1, max_size=3),
        "updated": st.none() | st.dates(),
        "owner": maybe_text,
        "note": maybe_text,
    }
)
files = st.tuples(
    st.lists(row, min_size=1, max_size=25),
    st.sets(st.integers(0, 24), max_size=5),  # rows with a warning of their own
    st.sets(st.sampled_from(CODES), max_size=3),  # agencies sent these bytes before
)


def report_of(rows: list[dict[str, Any]], warned: set[int]) -> FileReport:
    """A checked multi-agency sheet of these rows, as ``validate_file`` hands it over."""
    columns: dict[str, np.ndarray] = {"row": np.arange(2, len(rows) + 2, dtype=np.int64)}
    for name in ("item", "status", "division", "url", "urls", "updated", "owner", "note"):
        values = np.empty(len(rows), dtype=object)
        values[:] = [r[name] for r in rows]
        columns[name] = values
    columns["agency"] = np.array([r["agency"] for r in rows], dtype=object)
    sheet = SheetReport(SHEET, "oit", len(rows), len(rows), build=lambda: columns)
    report = FileReport(path="national.xlsx", year=2565, sheets=[sheet])
    marked = np.array(sorted(i + 2 for i in warned if i < len(rows)), dtype=np.int64)
    report.issues.add("blank_status", sheet=SHEET, column="สถานะ", rows=marked)
    return report


def only(report: FileReport, agency: str) -> pd.DataFrame:
    """The agency's rows as a file of its own would give them (the whole file's dtypes)."""
    frame = report.frame("oit")
    mine = frame[frame["agency"] == agency].drop(columns=["agency"])
    return mine.reset_index(drop=True)


def register(store: Store, codes: list[str]) -> None:
    store.register_agencies(
        [AgencyRecord(code=c, name=f"หน่วยงาน {c}") for c in codes], user="local"
    )


def stored_oit_rows(store: Store, sub_id: str) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        q = select(oit_rows_t).where(oit_rows_t.c.submission_id == sub_id)
        return [dict(r._mapping) for r in conn.execute(q.order_by(oit_rows_t.c.n))]


def test_each_payload_is_the_one_file_encoding_of_its_part() -> None:
    """No database: the text of every payload is ``encode_frame``'s for the agency's rows."""

    @given(files)
    @settings(max_examples=150, deadline=None)
    def check(file: tuple) -> None:
        rows, warned, _ = file
        report = report_of(rows, warned)
        parts = split(report)
        assert sorted(parts.agencies) == sorted({r["agency"] for r in rows})
        for part, payload in zip(parts.parts, parts.payloads(), strict=True):
            expected = only(report, part.agency)
            assert zlib.decompress(payload) == zlib.decompress(encode_frame(expected))
            pd.testing.assert_frame_equal(decode_frame(payload), expected)

    check()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(file=files)
def test_every_agency_reads_back_what_split_gave(target: str, file: tuple) -> None:
    with closing(open_store(target)) as store:
        reads_back(store, file)


def reads_back(store: Store, file: tuple) -> None:
    rows, warned, before = file
    register(store, CODES)
    year = next(YEARS)
    report = report_of(rows, warned)
    whole = split(report)
    data = json.dumps(rows, default=str).encode()  # the bytes: any, the same for both sends
    earlier = [p for p in whole.parts if p.agency in before]
    if earlier:  # some agencies were sent these very bytes before: they are left as they are
        first = split(report)
        first.parts = [p for p in first.parts if p.agency in before]
        store.submit_agencies(data, "national.xlsx", first, user="local", year=year)
    kept = store.submit_agencies(data, "national.xlsx", whole, user="local", year=year)
    assert [(c, new) for c, _, new in kept] == [(p.agency, p not in earlier) for p in whole.parts]
    for part, (code, sub, _) in zip(whole.parts, kept, strict=True):
        bound = store.for_agency(code, user="local")
        now = current_data(bound, year)
        assert [s.id for s in now.submissions] == [sub.id]
        (got,) = now.dataset.reports
        expected = only(report, code)
        pd.testing.assert_frame_equal(got.frame("oit"), expected)
        assert stored_oit_rows(store, sub.id) == oit_rows(sub.id, expected, agency=code)
        assert sub.state == "accepted" and sub.warnings == len(part.issues)
        assert [i.code for i in got.issues] == ["blank_status"] * len(part.issues)
        assert [i.row for i in got.issues] == [i.row for i in part.issues]
        actions = [e.action for e in bound.events() if e.submission_id == sub.id]
        assert actions == ["submitted", "accepted"]
    again = store.submit_agencies(data, "national.xlsx", whole, user="local", year=year)
    assert [(c, s.id, new) for c, s, new in again] == [(c, s.id, False) for c, s, _ in kept]


YEARS = itertools.count(2600)


def test_a_second_file_supersedes_each_agencys_first(target: str) -> None:
    """The accepted event names the submission it replaces; the first is superseded."""
    store = open_store(target)
    register(store, CODES)
    rows = [
        {"agency": c, "item": "o01", "status": "done", "division": None, "url": None}
        | {"urls": None, "updated": dt.date(2022, 1, 2), "owner": "ก", "note": None}
        for c in CODES[:3]
    ]
    first = store.submit_agencies(
        b"v1", "v1.xlsx", split(report_of(rows, set())), user="local", year=2565
    )
    second = store.submit_agencies(
        b"v2", "v2.xlsx", split(report_of(rows[:2], set())), user="local", year=2565
    )
    old = {c: s.id for c, s, _ in first}
    for code, sub, new in second:
        bound = store.for_agency(code, user="local")
        assert new and [s.id for s in bound.current(2565)] == [sub.id]
        assert bound.get(old[code]).state == "superseded"
        (accepted,) = [
            e for e in bound.events() if e.submission_id == sub.id and e.action == "accepted"
        ]
        assert accepted.detail["replaces"] == old[code]
    third = store.for_agency(CODES[2], user="local")
    assert [s.id for s in third.current(2565)] == [old[CODES[2]]]  # not in the second file
    with store.engine.connect() as conn:
        seqs = conn.execute(select(events_t.c.seq).order_by(events_t.c.seq)).scalars().all()
    assert seqs == sorted(set(seqs))
    store.close()


def test_a_cell_postgresql_cannot_hold_is_a_worded_refusal(target: str) -> None:
    """A NUL character in a cell: PostgreSQL's text cannot hold one, and the store says so
    (``store_write_failed``), nothing written; SQLite keeps it."""
    from ita_model.errors import StoreError

    store = open_store(target)
    register(store, ["5601"])
    rows = [
        {"agency": "5601", "item": "o01", "status": "done", "division": None, "url": None}
        | {"urls": None, "updated": None, "owner": None, "note": "ไทย\x00x"}
    ]
    revision = store.revision()
    parts = split(report_of(rows, set()))
    if store.dialect == "sqlite":
        (kept,) = store.submit_agencies(b"x", "x.xlsx", parts, user="local", year=2565)
        assert kept[2] and kept[1].state == "accepted"
    else:
        with pytest.raises(StoreError) as refused:
            store.submit_agencies(b"x", "x.xlsx", parts, user="local", year=2565)
        assert refused.value.code == "store_write_failed"
        assert open_store(target).revision() == revision
    store.close()
