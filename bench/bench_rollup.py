"""The national roll-up on PostgreSQL: 8,300 agencies, ratios against same-run baselines.

Generation (a throwaway PostgreSQL server, as in the tests): ``--agencies`` agencies (default
8,300) in 77 provinces, of the agency types, under 20 parent bodies, each set up in the store with
five divisions owning the 43 items of 2565 (each item one division's), and 11 submissions each
over the fiscal year: ten versions of its OIT checklist (43 rows, one per item, as its divisions
reported them; each replaces the one before) and one scores sheet (IIT and EIT). About 3.6
million OIT rows in history. Rows go in by COPY into the store's own tables, exactly as the store
writes them (submissions, events with their decisions, current, slots, records with the
compressed tables, oit_rows, score_rows, the registry, agency_parts); the bytes themselves
(``blobs``) are left out: no roll-up or overview reads them.

Measured (best of a few runs, interleaved with the baselines):

- the first roll-up of every agency now and as of 1 April 2565 (mid-year), in a store whose
  figures were never kept (``agency_figures`` empty: what a freshly upgraded store pays once);
- the roll-up of every agency now and as of mid-year again, the figures kept, against a
  hand-written SQL ``GROUP BY`` of the done items per agency over the same tables (targets:
  ≤ 2 s, ≤ 3×);
- one province (about 100 agencies; target ≤ 200 ms), and its progress over the year (first,
  filling the month ends' figures, then kept);
- what a decision costs more: accepting one file for one agency, with and without the refresh
  of its kept figures;
- one agency's own overview figures (``current_data`` of its bound store, readiness, estimate) in
  the national store against the same agency alone in a store (target ≤ 1.2×).

Run: ``.venv/bin/python bench/bench_rollup.py [--agencies 8300]``.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import psycopg  # noqa: E402

from ita_model.agency import Agency, agency_types  # noqa: E402
from ita_model.fiscal import THAILAND  # noqa: E402
from ita_model.framework import load_framework  # noqa: E402
from ita_model.organisation import Division  # noqa: E402
from ita_model.scope import Scope  # noqa: E402
from ita_model.store import open_store  # noqa: E402
from ita_model.store.rows import encode_frame  # noqa: E402
from ita_model.store.schema import SCHEMA_VERSION, metadata  # noqa: E402
from ita_model.validate import validate_file  # noqa: E402
from tests.pgserver import PgServer, binaries  # noqa: E402

YEAR = 2565
START = date(2021, 10, 1)  # the fiscal year 2565 begins
MID_YEAR = date(2022, 4, 1)
VERSIONS = 10
PROVINCES = 77
PARENTS = 20
DIVISIONS = [
    Division(id="office", name_th="สำนักปลัด", name_en="Office of the Permanent Secretary"),
    Division(id="finance", name_th="กองคลัง", name_en="Finance Division"),
    Division(id="engineering", name_th="กองช่าง", name_en="Engineering Division"),
    Division(id="education", name_th="กองการศึกษา", name_en="Education Division"),
    Division(id="health", name_th="กองสาธารณสุข", name_en="Public Health Division"),
]
PROFILES = 97  # distinct progress patterns: the compressed tables are made once per pattern
BENCH_USER = "bench"


def text(value: Any) -> str:
    """A set-up part as ``AgencyStore._put`` writes it."""
    return json.dumps(value, ensure_ascii=False, default=str)


def province(a: int) -> str:
    return f"จังหวัดทดสอบ {a % PROVINCES + 1:02d}"


def code_of(a: int) -> str:
    return f"A{a + 1:05d}"


# --------------------------------------------------------------------------- the content


class Content:
    """What every agency's files hold, per progress pattern and version."""

    def __init__(self) -> None:
        self.fw = load_framework(YEAR)
        self.items = [i.code for i in self.fw.items()]
        self.owner = {code: DIVISIONS[n % len(DIVISIONS)].id for n, code in enumerate(self.items)}
        oit = validate_file(ROOT / "data" / "sample" / "oit_legal.xlsx", year=YEAR).frame("oit")
        scores = validate_file(ROOT / "data" / "sample" / "scores.xlsx", year=YEAR).frame("scores")
        self.oit_dtypes = oit.dtypes.to_dict()
        self.score_dtypes = scores.dtypes.to_dict()
        self._oit: dict[tuple[int, int], tuple[list[tuple], bytes]] = {}
        self._scores: dict[int, tuple[list[tuple], bytes]] = {}

    def statuses(self, profile: int, version: int) -> list[str]:
        speed = 0.55 + 0.5 * ((profile * 37) % 100) / 100
        progress = speed * (version + 1) / VERSIONS
        out = []
        for n in range(len(self.items)):
            if (n * 7 + profile) % 41 == 0:
                out.append("not_applicable")
                continue
            t = ((n * 53 + profile * 17) % 100) / 100
            out.append(
                "done" if t < progress else "in_progress" if t < progress + 0.2 else "not_started"
            )
        return out

    def oit(self, profile: int, version: int) -> tuple[list[tuple], bytes]:
        """(row, division, item, status, url, updated, owner) per item, and the kept table."""
        key = (profile, version)
        if key not in self._oit:
            day = START + timedelta(days=30 * version)
            rows = [
                (n + 3, self.owner[code], code, status, f"https://ita.example.go.th/{code}",
                 day if status == "done" else None, None)
                for n, (code, status) in enumerate(
                    zip(self.items, self.statuses(profile, version), strict=True)
                )
            ]  # fmt: skip
            frame = pd.DataFrame(
                {
                    "row": [r[0] for r in rows],
                    "item": [r[2] for r in rows],
                    "status": [r[3] for r in rows],
                    "division": [r[1] for r in rows],
                    "url": [r[4] for r in rows],
                    "urls": [[r[4]] for r in rows],
                    "updated": [r[5] for r in rows],
                    "owner": [None] * len(rows),
                    "note": [None] * len(rows),
                }
            ).astype(self.oit_dtypes)
            self._oit[key] = (rows, encode_frame(frame))
        return self._oit[key]

    def scores(self, profile: int) -> tuple[list[tuple], bytes]:
        if profile not in self._scores:
            iit = 70 + (profile * 13) % 30 + 0.25
            eit = 72 + (profile * 7) % 28 + 0.5
            rows = [(4, YEAR, "IIT", iit), (5, YEAR, "EIT", eit)]
            frame = pd.DataFrame(
                {
                    "row": [r[0] for r in rows],
                    "year": [r[1] for r in rows],
                    "indicator": [r[2] for r in rows],
                    "score": [r[3] for r in rows],
                    "tool": [None, None],
                }
            ).astype(self.score_dtypes)
            self._scores[profile] = (rows, encode_frame(frame))
        return self._scores[profile]


# --------------------------------------------------------------------------- generation


@functools.cache
def columns(table: str) -> tuple[str, ...]:
    """The table's columns in this code's schema ([] for a table it does not have)."""
    from ita_model.agency_store import agency_metadata

    for meta in (metadata, agency_metadata):
        if table in meta.tables:
            return tuple(c.name for c in meta.tables[table].columns)
    return ()


def report_blob(filename: str) -> bytes:
    report = {"path": filename, "issues": [], "sheets": []}
    return zlib.compress(json.dumps(report, ensure_ascii=False).encode("utf-8"), 6)


class Rows:
    """The rows of every table, built agency by agency."""

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple]] = {}
        self.seq = 0

    def add(self, table: str, row: dict[str, Any]) -> None:
        cols = columns(table)
        if not cols:
            return
        self.tables.setdefault(table, []).append(tuple(row.get(c) for c in cols))


def agency_rows(out: Rows, content: Content, a: int) -> None:
    code = code_of(a)
    profile = a % PROFILES
    types = sorted(agency_types())
    kind = types[a % len(types)]
    name = f"หน่วยงานทดสอบ {a + 1:05d}"
    out.add(
        "agencies",
        {
            "code": code, "name": name, "type": kind, "province": province(a),
            "parent": f"สังกัดทดสอบ {a % PARENTS + 1:02d}", "added_at": datetime.now(THAILAND),
            "added_by": BENCH_USER,
        },
    )  # fmt: skip
    agency = Agency(name_th=name, short_th=name[:60], agency_type=kind, province=province(a))
    parts = {
        "agency": agency.model_dump(),
        "divisions": [d.model_dump() for d in DIVISIONS],
        "year": YEAR,
        f"framework:{YEAR}": {"how": "shipped", "framework": None},
        f"assignments:{YEAR}": {c: [o] for c, o in sorted(content.owner.items())},
    }
    for part, value in parts.items():
        out.add(
            "agency_parts",
            {
                "agency_id": code, "part": part, "value": text(value),
                "changed_at": datetime.now(THAILAND), "changed_by": BENCH_USER,
            },
        )  # fmt: skip
    files: list[tuple[datetime, str, list[tuple], bytes, str]] = []
    for v in range(VERSIONS):
        at = datetime.combine(
            START + timedelta(days=30 * v + a % 25), datetime.min.time(), THAILAND
        ) + timedelta(hours=8 + a % 9, seconds=a % 60)
        rows, payload = content.oit(profile, v)
        files.append((at, "oit", rows, payload, f"oit_{code}_{v + 1}.xlsx"))
    at = datetime.combine(START + timedelta(days=120 + a % 25), datetime.min.time(), THAILAND)
    rows, payload = content.scores(profile)
    files.append((at + timedelta(hours=10), "scores", rows, payload, f"scores_{code}.xlsx"))
    before: dict[str, str] = {}
    last: dict[str, tuple[str, int]] = {}
    for n, (at, kind_, rows, payload, filename) in enumerate(files):
        sha = hashlib.sha256(f"{code}/{n}".encode()).hexdigest()
        sub_id = f"{at:%Y%m%d%H%M%S%f}-{sha[:8]}"
        slot = f"kind:{kind_}"
        out.seq += 1
        out.add(
            "events",
            {
                "seq": out.seq, "at": at, "actor": BENCH_USER, "role": "editor",
                "action": "submitted", "submission_id": sub_id, "year": YEAR, "division": None,
                "slot": slot, "agency": code,
                "detail": text({"filename": filename, "sha256": sha, "errors": 0, "warnings": 0,
                                "state": "pending"}),
            },
        )  # fmt: skip
        out.seq += 1
        out.add(
            "events",
            {
                "seq": out.seq, "at": at, "actor": BENCH_USER, "role": "editor",
                "action": "accepted", "submission_id": sub_id, "year": YEAR, "division": None,
                "slot": slot, "agency": code, "detail": text({"replaces": before.get(slot)}),
            },
        )  # fmt: skip
        before[slot] = sub_id
        last[slot] = (sub_id, out.seq)
        out.add(
            "submissions",
            {
                "id": sub_id, "sha256": sha, "filename": filename, "suffix": ".xlsx",
                "size": 9000, "division": None, "year": YEAR, "slot": slot,
                "kinds": json.dumps([kind_]), "submitted_by": BENCH_USER, "submitted_at": at,
                "errors": 0, "warnings": 0, "unreadable": False, "state": "superseded",
                "decided_by": BENCH_USER, "decided_at": at, "report": report_blob(filename),
                "validator": "bench", "agency": code,
            },
        )  # fmt: skip
        out.add(
            "records",
            {"submission_id": sub_id, "kind": kind_, "rows": len(rows), "frame": payload},
        )
        if kind_ == "oit":
            for i, (row, division, item, status, url, updated, owner) in enumerate(rows):
                out.add(
                    "oit_rows",
                    {
                        "submission_id": sub_id, "n": i, "row": row, "division": division,
                        "item": item, "status": status, "url": url,
                        "urls": json.dumps([url]), "updated": updated, "owner": owner,
                        "agency": code,
                    },
                )  # fmt: skip
        else:
            for i, (_row, year, indicator, score) in enumerate(rows):
                out.add(
                    "score_rows",
                    {
                        "submission_id": sub_id, "n": i, "year": year, "indicator": indicator,
                        "score": score,
                    },
                )  # fmt: skip
    for slot, (sub_id, seq) in last.items():
        out.add(
            "current",
            {"agency": code, "year": YEAR, "slot": slot, "submission_id": sub_id, "event_seq": seq},
        )
        out.add("slots", {"agency": code, "year": YEAR, "slot": slot})
    accepted = {sub_id for sub_id, _ in last.values()}
    subs = out.tables["submissions"]
    state = columns("submissions").index("state")
    first = columns("submissions").index("id")
    for i in range(len(subs) - len(files), len(subs)):
        if subs[i][first] in accepted:
            subs[i] = (*subs[i][:state], "accepted", *subs[i][state + 1 :])


def copy_into(dsn: str, out: Rows) -> None:
    """Every table's rows by COPY, in one transaction; the sequence of events set after."""
    with psycopg.connect(dsn) as conn:
        for table, rows in out.tables.items():
            cols = columns(table)
            names = ", ".join(f'"{c}"' for c in cols)
            with conn.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as cp:
                for row in rows:
                    cp.write_row(row)
        conn.execute("SELECT setval(pg_get_serial_sequence('events', 'seq'), max(seq)) FROM events")
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def generate(dsn_url: str, agencies: Iterable[int], content: Content) -> tuple[int, float]:
    """A store at ``dsn_url`` holding these agencies; returns (OIT rows, seconds)."""
    from ita_model.agency_store import agency_metadata

    started = time.perf_counter()
    store = open_store(dsn_url)
    with store._write() as conn:
        agency_metadata.create_all(conn)
    store.close()
    out = Rows()
    for a in agencies:
        agency_rows(out, content, a)
    copy_into(dsn_url, out)
    return len(out.tables.get("oit_rows", [])), time.perf_counter() - started


# --------------------------------------------------------------------------- measuring


def best(fn: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


HAND_NOW = """
SELECT c.agency, count(*) FILTER (WHERE o.status = 'done') AS done, count(*) AS n
FROM current c JOIN oit_rows o ON o.submission_id = c.submission_id
WHERE c.year = %(year)s GROUP BY c.agency
"""
HAND_AS_OF = """
WITH d AS (
  SELECT DISTINCT ON (e.agency, e.slot) e.agency, e.submission_id, e.action
  FROM events e
  WHERE e.year = %(year)s AND e.at <= %(at)s AND e.submission_id IS NOT NULL
    AND e.action IN ('accepted', 'rolled_back', 'withdrawn')
  ORDER BY e.agency, e.slot, e.at DESC, e.seq DESC)
SELECT d.agency, count(*) FILTER (WHERE o.status = 'done') AS done, count(*) AS n
FROM d JOIN oit_rows o ON o.submission_id = d.submission_id
WHERE d.action <> 'withdrawn' GROUP BY d.agency
"""


def hand(conn: psycopg.Connection, sql: str, **params: Any) -> Callable[[], int]:
    """The baseline: one hand-written statement on an open connection, every row fetched."""

    def run() -> int:
        return len(conn.execute(sql, {"year": YEAR, **params}).fetchall())

    return run


def own_overview(store: Any, code: str) -> Callable[[], Any]:
    from ita_model.agency_store import AgencyStore
    from ita_model.current import current_data
    from ita_model.readiness import compute_readiness
    from ita_model.scoring import estimate

    def run() -> Any:
        org = AgencyStore(store, code).setup().organisation()
        counting = current_data(store, YEAR)
        fw = load_framework(YEAR)
        ready = compute_readiness(counting.dataset, fw, org)
        return estimate(ready, counting.dataset.latest("scores"), framework=fw)

    return run


def once(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def decision_cost(store: Any, code: str, runs: int = 5) -> None:
    """Accepting one file for one agency in the national store, with the refresh of its kept
    figures and without it (the refresh replaced by nothing), best of ``runs`` each."""
    import ita_model.store.figures as kept_figures
    from tests.test_store import workbook

    store.accounts.add("root", "admin", "pass-word-1", user="root", scope="all", rounds=4)
    store.accounts.add("clerk", "editor", "pass-word-1", user="root", agency=code, rounds=4)
    editor = "clerk"  # the agency's own editor
    bound = store.for_agency(code, user=editor)
    versions = iter(range(100, 100 + 2 * runs))

    def accept_one() -> float:
        sub, _ = bound.submit(
            workbook("legal", next(versions)), "oit_legal.xlsx", user=editor, year=YEAR,
            division=None,
        )  # fmt: skip
        return once(lambda: bound.accept(sub.id, user=editor))

    refreshed = min(accept_one() for _ in range(runs))
    after_decision = kept_figures.after_decision
    kept_figures.after_decision = lambda *_args, **_kw: None
    try:
        plain = min(accept_one() for _ in range(runs))
    finally:
        kept_figures.after_decision = after_decision
    print(f"accepting one file for agency {code} (best of {runs}):")
    line("without the figures refresh", plain)
    line("with the figures refresh", refreshed, plain)


def line(label: str, seconds: float, base: float | None = None, target: str = "") -> None:
    ratio = f"  {seconds / base:5.2f}x the baseline" if base else ""
    print(f"  {label:<58} {seconds * 1000:9.1f} ms{ratio}  {target}")


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--agencies", type=int, default=8300)
    args = p.parse_args(argv)
    from ita_model.rollup import rollup

    bindir = binaries()
    if bindir is None:
        print("PostgreSQL is not installed: nothing measured")
        return
    print(f"load average at the start: {loadavg()}")
    print(f"schema version {SCHEMA_VERSION}; {args.agencies:,} agencies")
    server = PgServer(bindir).start()
    try:
        content = Content()
        national = server.new_database()
        n_rows, took = generate(national, range(args.agencies), content)
        print(f"generated: {n_rows:,} OIT rows in history in {took:.1f} s")
        alone = server.new_database()
        generate(alone, [0], content)
        store = open_store(national)
        conn = psycopg.connect(national, autocommit=True)
        when = datetime.combine(MID_YEAR, datetime.max.time(), THAILAND)
        print("the first roll-up of a store whose figures were never kept (fills the table):")
        first_now = once(lambda: rollup(store, year=YEAR, progress=False))
        first_mid = once(lambda: rollup(store, year=YEAR, as_of=MID_YEAR, progress=False))
        base_now = best(hand(conn, HAND_NOW))
        base_mid = best(hand(conn, HAND_AS_OF, at=when))
        line("rollup(), now, first", first_now, base_now)
        line("rollup(), as of 1 Apr 2565, first", first_mid, base_mid)
        r = rollup(store, year=YEAR, progress=False)
        print(f"roll-up: {len(r.agencies):,} agencies, {int(r.agencies['passed'].sum()):,} pass")
        print("all agencies, now / as of mid-year, figures kept (best of 3):")
        base_now = best(hand(conn, HAND_NOW))
        now = best(lambda: rollup(store, year=YEAR, progress=False))
        base_mid = best(hand(conn, HAND_AS_OF, at=when))
        mid = best(lambda: rollup(store, year=YEAR, as_of=MID_YEAR, progress=False))
        line("hand-written GROUP BY, now", base_now)
        line("rollup(), now", now, base_now, "(target ≤ 2 s, ≤ 3x)")
        line("hand-written GROUP BY, as of 1 Apr 2565", base_mid)
        line("rollup(), as of 1 Apr 2565", mid, base_mid, "(target ≤ 2 s, ≤ 3x)")
        scope = Scope.parse(f"province:{province(0)}")
        one = rollup(store, year=YEAR, scope=scope, progress=False)
        print(f"one province ({len(one.agencies)} agencies):")
        line(
            "rollup(), now",
            best(lambda: rollup(store, year=YEAR, scope=scope, progress=False), 5),
            None,
            "(target ≤ 200 ms)",
        )
        line(
            "rollup() with progress over the year, first (fills the month ends)",
            once(lambda: rollup(store, year=YEAR, scope=scope)),
        )
        line(
            "rollup() with progress over the year, kept",
            best(lambda: rollup(store, year=YEAR, scope=scope), 3),
        )
        code = code_of(0)
        bound = store.for_agency(code, user=store_admin()) if hasattr(store, "for_agency") else None
        solo_store = open_store(alone)
        solo = solo_store.for_agency(code, user=store_admin()) if bound is not None else None
        if bound is None or solo is None:
            print("an agency's own overview: this store has no for_agency (schema before tenancy)")
        else:
            mine = best(own_overview(solo, code), 7)
            there = best(own_overview(bound, code), 7)
            print(f"agency {code}'s own overview figures (best of 7):")
            line("alone in a store", mine)
            line("in the national store", there, mine, "(target ≤ 1.2x)")
        decision_cost(store, code_of(1))  # last: it adds the store's first accounts
        print(f"load average at the end: {loadavg()}")
    finally:
        server.stop()


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def store_admin() -> Any:
    from ita_model.auth import Actor, Role

    return Actor(BENCH_USER, Role.ADMIN)


if __name__ == "__main__":
    main()
