"""Store throughput: 20 submissions from 20 processes at once, against the same 20 submitted one
after another by one process (the baseline, measured in the same run). SQLite, and PostgreSQL
when its binaries are installed (a throwaway server, as in the tests).

Ingest once (``ingest_ratio``): ``submit`` of a realistic 43-row division workbook, its typed rows
stored, against ``validate_file`` alone on the same bytes. Records (``records_growth``): what a
view reads, ``Store.current`` + ``Store.stored`` (every kind's table decoded) for 15 divisions,
now and "as of" the middle of the history, at 100, 1,000 and 10,000 submissions; the ratio to
100 must stay ≤ 1.5.

Views on a growing store (``views``): the store grown to 100, 1,000 and 10,000 submissions of
realistic workbooks (the bundled sample's 14 divisions' and 4 shared ones, sent again and again
with distinct bytes), and at each size the overview computed from the store (first on a newly
opened store, then warm), "as of" the moment half of them had arrived, and the whole
``summary --store`` process: CPU time (this process and its children: what the work costs,
whatever else shares the machine) as a ratio to its cost at 100 (target: ≤ 1.5× at 10,000),
and wall time. At 1,000, the overview page's first run (cold caches) under AppTest against a
one-title page's (target: ≤ 300 ms more).

Run: ``.venv/bin/python bench/bench_store.py [--views-only] [--sizes 100,1000,10000]``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ita_model.organisation import load_organisation  # noqa: E402
from ita_model.store import Store, open_store  # noqa: E402
from ita_model.store.rows import KINDS  # noqa: E402
from ita_model.validate import validate_file  # noqa: E402
from tests.pgserver import PgServer, binaries  # noqa: E402
from tests.test_store import DIVISIONS, workbook  # noqa: E402

N = 20
SIZES = tuple(int(x) for x in os.environ.get("ITA_BENCH_SIZES", "100,1000,10000").split(","))


def files(folder: Path) -> list[tuple[Path, str]]:
    out = []
    for n in range(N):
        division = DIVISIONS[n % len(DIVISIONS)]
        path = folder / f"{division}-{n}.xlsx"
        path.write_bytes(workbook(division, n))
        out.append((path, division))
    return out


def sequential(target: str, jobs: list[tuple[Path, str]]) -> float:
    store = open_store(target)
    start = time.perf_counter()
    for path, division in jobs:
        store.submit(
            path.read_bytes(), path.name, user="bench", year=2565, division=division, accept=True
        )
    took = time.perf_counter() - start
    store.close()
    return took


def concurrent(target: str, jobs: list[tuple[Path, str]], tmp: Path) -> float:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.store_child",
                "submit",
                target,
                str(path),
                division,
                f"u{n}",
                str(tmp / f"ready{n}"),
                str(tmp / "go"),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, (path, division) in enumerate(jobs)
    ]
    while not all((tmp / f"ready{n}").exists() for n in range(len(jobs))):
        time.sleep(0.02)
    start = time.perf_counter()
    (tmp / "go").write_text("go")
    for p in procs:
        p.communicate()
        assert p.returncode == 0
    return time.perf_counter() - start


# --------------------------------------------------------------------------- ingest once

STATUSES = ["ดำเนินการแล้ว", "อยู่ระหว่างดำเนินการ", "ยังไม่ดำเนินการ"]


def division_workbook(division: str, version: int, items: int = 43) -> bytes:
    """A division's OIT sheet as a clerk fills it: every item, status, link, date, owner, note."""
    import openpyxl

    org = load_organisation()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "OIT"
    ws.append([f"ส่วนราชการ: {org.division(division).name_th}"])
    ws.append(["ข้อ", "สถานะ", "ลิงก์", "วันที่ปรับปรุง", "ผู้รับผิดชอบ", "หมายเหตุ"])
    for n in range(1, items + 1):
        day = date(2022, 1, 1) + timedelta(days=(n * 7 + version) % 120)
        ws.append(
            [
                f"o{n:02d}",
                STATUSES[(n + version) % 3],
                f"https://www.pao-phayao.go.th/ita/{division}/o{n:02d}?v={version}",
                f"{day.day}/{day.month}/{day.year + 543}",
                "นักวิชาการคอมพิวเตอร์",
                f"รอบที่ {version}" if n % 5 == 0 else None,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ingest_ratio(name: str, targets: Callable[[], str], runs: int = 15) -> None:
    """``submit`` (check once, keep bytes, rows and event) against ``validate_file`` alone, and
    against the same ``submit`` with the writing of rows switched off (what rows cost)."""
    import ita_model.store.submissions as submissions

    books = [division_workbook("legal", v) for v in range(runs + 1)]
    validate_file(books[-1], "legal.xlsx", year=2565)  # warm: framework, organisation, reader
    store, bare = open_store(targets()), open_store(targets())
    for s in (store, bare):
        s.submit(books[-1], "warm.xlsx", user="bench", year=2565, division=None, accept=True)
    write_rows = submissions.write_rows
    check, submit, no_rows = [], [], []
    try:
        for data in books[:runs]:  # in turns, so that the machine's load falls on each alike
            t0 = time.perf_counter()
            validate_file(data, "legal.xlsx", year=2565)
            check.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store.submit(data, "legal.xlsx", user="bench", year=2565, division=None, accept=True)
            submit.append(time.perf_counter() - t0)
            submissions.write_rows = lambda *_a, **_k: {}  # type: ignore[assignment]
            t0 = time.perf_counter()
            bare.submit(data, "legal.xlsx", user="bench", year=2565, division=None, accept=True)
            no_rows.append(time.perf_counter() - t0)
            submissions.write_rows = write_rows
    finally:
        submissions.write_rows = write_rows
    (last,) = store.stored(store.current(2565))
    assert len(last.frame("oit")) == 43
    store.close()
    bare.close()
    a, b, c = min(check), min(submit), min(no_rows)  # the least disturbed run of each
    print(
        f"{name:<10} 43-row workbook: validate_file {a * 1000:6.1f} ms | submit with its rows "
        f"stored {b * 1000:6.1f} ms (ratio {b / a:4.2f}x) | submit, rows not written "
        f"{c * 1000:6.1f} ms ({c / a:4.2f}x): rows cost {(b - c) * 1000:4.1f} ms"
    )


# --------------------------------------------------------------------------- records growth


def grow(store: Store, upto: int, count: list[int]) -> None:
    """Grow the store to ``upto`` submissions over 15 divisions, each accepted in its turn.

    The first submission of each division goes through ``submit`` (a real workbook, checked,
    its rows stored). The history after it is written in bulk into the same tables the store
    writes (a submission, its ``submitted`` and ``accepted`` events, its rows, the superseded
    one before it): 10,000 real submits would spend an hour in fsync, and the reads measured
    here depend on the tables' sizes, not on how the rows got there.
    """
    from sqlalchemy import func, insert, select, update

    from ita_model.store.schema import (
        current_t,
        events_t,
        oit_rows_t,
        records_t,
        submissions_t,
    )

    divisions = [d.id for d in load_organisation().divisions][:15]
    while count[0] < min(upto, len(divisions)):
        division = divisions[count[0]]
        data = division_workbook(division, 0)
        store.submit(
            data, f"{division}.xlsx", user="bench", year=2565, division=division, accept=True
        )
        count[0] += 1
    if count[0] >= upto:
        return
    with store._write() as conn:
        first = {
            r.division: r._mapping
            for r in conn.execute(select(submissions_t).where(submissions_t.c.year == 2565))
            if r.id.startswith("2")  # the real ones
        }
        payload = {r.submission_id: r._mapping for r in conn.execute(select(records_t))}
        typed: dict[str, list] = {}
        for r in conn.execute(select(oit_rows_t)):
            typed.setdefault(r.submission_id, []).append(dict(r._mapping))
        seq = int(conn.execute(select(func.max(events_t.c.seq))).scalar())
        at = conn.execute(select(func.max(events_t.c.at))).scalar()
        subs, events, records, oit, latest = [], [], [], [], {}
        for n in range(count[0], upto):
            division = divisions[n % len(divisions)]
            base = first[division]
            sid = f"bulk-{n:08d}"
            at = at + timedelta(minutes=1)
            subs.append(
                {
                    **base,
                    "id": sid,
                    "sha256": f"{n:064x}",
                    "submitted_at": at,
                    "state": "superseded",
                }
            )
            common = {"actor": "bench", "role": "editor", "submission_id": sid, "year": 2565,
                      "division": division, "slot": base["slot"]}  # fmt: skip
            events.append(
                {**common, "seq": seq + 1, "at": at, "action": "submitted", "detail": "{}"}
            )
            events.append(
                {**common, "seq": seq + 2, "at": at, "action": "accepted", "detail": "{}"}
            )
            seq += 2
            latest[division] = (sid, seq)
            records.append({**payload[base["id"]], "submission_id": sid})
            oit.extend({**r, "submission_id": sid} for r in typed[base["id"]])
        for table, rows in ((submissions_t, subs), (events_t, events), (records_t, records),
                            (oit_rows_t, oit)):  # fmt: skip
            for i in range(0, len(rows), 2000):
                conn.execute(insert(table), rows[i : i + 2000])
        for division, (sid, event_seq) in latest.items():
            slot = first[division]["slot"]
            conn.execute(
                update(submissions_t)
                .where(submissions_t.c.slot == slot, submissions_t.c.state == "accepted")
                .values(state="superseded")
            )
            conn.execute(
                update(submissions_t).where(submissions_t.c.id == sid).values(state="accepted")
            )
            conn.execute(
                update(current_t)
                .where(current_t.c.year == 2565, current_t.c.slot == slot)
                .values(submission_id=sid, event_seq=event_seq)
            )
    count[0] = upto


def _read_views(store: Store, as_of: object = None) -> int:
    current = store.current(2565, as_of=as_of)  # type: ignore[arg-type]
    rows = 0
    for r in store.stored(current):
        rows += sum(len(r.frame(k)) for k in KINDS)
    return rows


def records_growth(
    name: str, targets: Callable[[], str], sizes: tuple[int, ...] = (100, 1_000, 10_000)
) -> None:
    """``current`` + ``stored`` at each size, now and "as of" the middle of the history.

    One store per size, measured in turns (round after round, the fastest run of each kept), so
    that the load of a shared machine falls on every size alike.
    """
    stores, middles = [], []
    for size in sizes:
        store = open_store(targets())
        t0 = time.perf_counter()
        grow(store, size, [0])
        events = store.events(actions=["accepted"])
        middles.append(events[len(events) // 2].at)
        assert _read_views(store) == 15 * 43
        assert _read_views(store, middles[-1]) == 15 * 43
        stores.append(store)
        print(f"{name:<10} {size:>6,} submissions grown in {time.perf_counter() - t0:5.1f}s")
    best_now = [float("inf")] * len(sizes)
    best_then = [float("inf")] * len(sizes)
    for _round in range(30):
        for i, store in enumerate(stores):
            t0 = time.perf_counter()
            _read_views(store)
            best_now[i] = min(best_now[i], time.perf_counter() - t0)
            t0 = time.perf_counter()
            _read_views(store, middles[i])
            best_then[i] = min(best_then[i], time.perf_counter() - t0)
    for i, size in enumerate(sizes):
        print(
            f"{name:<10} {size:>6,} submissions: current+stored {best_now[i] * 1000:6.1f} ms "
            f"({best_now[i] / best_now[0]:4.2f}x of {sizes[0]:,}) | as of the middle "
            f"{best_then[i] * 1000:6.1f} ms ({best_then[i] / best_then[0]:4.2f}x)"
        )
    for store in stores:
        store.close()


def fresh_target(srv: object, folder: Path) -> Callable[[], str]:
    """A new empty store each call: a folder under ``folder``, or a database on ``srv``."""
    made = iter(range(1_000))

    def make() -> str:
        if srv is None:
            return str(folder / f"store{next(made)}")
        return srv.new_database()  # type: ignore[attr-defined]

    return make


def main() -> None:
    args = _args()
    os.environ["ITA_STORE_DIR"] = tempfile.mkdtemp(prefix="ita-bench-")  # never data/store
    os.environ["ITA_LOAD_SAMPLE"] = "false"
    if args.views_only:
        try:
            return views(args.sizes)
        finally:
            shutil.rmtree(os.environ["ITA_STORE_DIR"], ignore_errors=True)
    targets: list[tuple[str, object]] = [("sqlite", None)]
    server = None
    if binaries() is not None:
        server = PgServer(binaries()).start()
        targets.append(("postgresql", server))
    try:
        for name, srv in targets:
            with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
                jobs = files(Path(a))
                t1 = str(Path(a) / "store") if srv is None else srv.new_database()  # type: ignore[attr-defined]
                t2 = str(Path(b) / "store") if srv is None else srv.new_database()  # type: ignore[attr-defined]
                base = sequential(t1, jobs)
                conc = concurrent(t2, jobs, Path(b))
                print(
                    f"{name:<10} 20 one after another in one process {base:6.2f}s | "
                    f"20 processes at once {conc:6.2f}s (ratio {conc / base:4.2f}x; "
                    f"includes checking each file)"
                )
            with tempfile.TemporaryDirectory() as c:
                ingest_ratio(name, fresh_target(srv, Path(c)))
            with tempfile.TemporaryDirectory() as d:
                records_growth(name, fresh_target(srv, Path(d)), SIZES)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(os.environ["ITA_STORE_DIR"], ignore_errors=True)
    views(args.sizes)


# ------------------------------------------------------------------ views on a growing store

YEAR = 2565


def distinct(data: bytes, n: int) -> bytes:
    """The same workbook with its zip comment set to ``n``: other bytes, the same sheets."""
    import io
    import zipfile

    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a") as z:
        z.comment = f"bench {n}".encode()
    return buf.getvalue()


class Grower:
    """Sends the sample's workbooks again and again: the four shared ones once, then its 14
    divisions' in turn, each checked once and its kept rows reused (the bytes differ)."""

    def __init__(self, target: str) -> None:
        from ita_model.organisation import load_organisation
        from ita_model.validate import validate_file

        org = load_organisation()
        sample = ROOT / "data" / "sample"
        self.target = target
        self.store = open_store(target)
        checked = {
            p: validate_file(p, year=YEAR, organisation=org) for p in sorted(sample.glob("*.xlsx"))
        }
        self.shared = [(p, r) for p, r in checked.items() if not p.name.startswith("oit_")]
        self.divisions = [(p, r) for p, r in checked.items() if p.name.startswith("oit_")]
        assert len(self.divisions) == len(org.reporting_divisions())  # 14 in the sample
        self.sent = 0
        self.times: list[object] = []  # when each submission was accepted

    def grow_to(self, n: int) -> None:
        from datetime import UTC, datetime

        while self.sent < n:
            if self.sent < len(self.shared):
                path, report = self.shared[self.sent]
            else:
                turn = (self.sent - len(self.shared)) % len(self.divisions)
                path, report = self.divisions[turn]
            self.store.submit(
                distinct(path.read_bytes(), self.sent), path.name, user="bench", year=YEAR,
                division=report.division, report=report, accept=True,
            )  # fmt: skip
            self.sent += 1
            self.times.append(datetime.now(UTC))


def overview_figures(store, as_of=None) -> int:
    """What the overview page computes from the store (no drawing)."""
    from datetime import date

    from ita_model import overview, scoring
    from ita_model.current import current_data
    from ita_model.organisation import load_organisation
    from ita_model.readiness import compute_readiness

    counting = current_data(store, YEAR, as_of=as_of)
    ready = compute_readiness(counting.dataset)
    today = date(2022, 3, 27)
    steps = overview.timeline_states(counting.dataset.latest("timeline"), today)
    due = overview.oit_deadline(steps)
    overview.next_deadline(steps, today)
    overview.survey_progress(counting.dataset.latest("survey"), today)
    overview.overdue_by_division(ready, due, today)
    overview.missing_items(ready, load_organisation(), deadline=due, as_of=today)
    scoring.estimate(ready, counting.dataset.latest("scores"))
    return ready.done


def summary_process(target: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ita_model", "summary", "--store", target, "--json"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def best(fn, repeat: int = 5) -> tuple[float, float]:
    """The least CPU time (this process and its children) and the least wall time of
    ``repeat`` runs: the CPU time is what the work costs, whatever else shares the machine."""
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = _cpu(), time.perf_counter()
        fn()
        cpu.append(_cpu() - c)
        wall.append(time.perf_counter() - w)
    return min(cpu), min(wall)


def page_first_run(page: Path, target: str) -> float:
    """One AppTest run of a page with every Streamlit cache emptied first (a cold start)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["ITA_STORE"] = target
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(page), default_timeout=120)
    start = time.perf_counter()
    at.run()
    took = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    return took


def app_overhead(target: str, folder: Path) -> tuple[float, float]:
    """The overview page's first run, and a one-title page's, best of three each."""
    bare = folder / "bare.py"
    bare.write_text('import streamlit as st\n\nst.title("ITA")\n', encoding="utf-8")
    overview = ROOT / "app_pages" / "overview.py"
    page_first_run(overview, target)  # imports (plotly, pandas) paid once, outside the timing
    return (
        min(page_first_run(overview, target) for _ in range(3)),
        min(page_first_run(bare, target) for _ in range(3)),
    )


def views(sizes: list[int]) -> None:
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")
    server = PgServer(binaries()).start() if binaries() is not None else None
    try:
        kinds = [("sqlite", None)] + ([("postgresql", server)] if server else [])
        for name, srv in kinds:
            folder = Path(tempfile.mkdtemp(prefix="ita-views-"))
            target = str(folder / "store") if srv is None else srv.new_database()
            grower = Grower(target)
            base: dict[str, tuple[float, float]] = {}
            for n in sizes:
                start = time.perf_counter()
                grower.grow_to(n)
                grown = time.perf_counter() - start
                middle = grower.times[n // 2]  # the moment half of them had arrived
                cold = best(lambda t=target: overview_figures(open_store(t)))
                warm_store = open_store(target)
                overview_figures(warm_store)
                warm = best(lambda s=warm_store: overview_figures(s))
                as_of = best(lambda s=warm_store, d=middle: overview_figures(s, as_of=d))
                cli = best(lambda t=target: summary_process(t), repeat=3)
                now = {"cold": cold, "warm": warm, "as_of": as_of, "summary": cli}
                base = base or now
                print(
                    f"{name:<10} {n:>6,} submissions (grown in {grown:6.1f} s), CPU ms "
                    "(× at the first size) [wall ms]: "
                    + " | ".join(
                        f"{k} {c * 1000:6.0f} ({c / base[k][0]:4.2f}x) [{w * 1000:6.0f}]"
                        for k, (c, w) in now.items()
                    )
                )
                if n == 1_000:
                    page, bare = app_overhead(target, folder)
                    print(
                        f"{name:<10} {n:>6,} overview page first run {page * 1000:7.1f} ms, "
                        f"one-title page {bare * 1000:7.1f} ms: {1000 * (page - bare):+7.1f} ms "
                        "(target ≤ +300 ms)"
                    )
                    os.environ.pop("ITA_STORE", None)
            grower.store.close()
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        if server is not None:
            server.stop()
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


def _args():  # -> argparse.Namespace
    import argparse

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--views-only", action="store_true", help="only the views on a growing store")
    p.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[100, 1_000, 10_000],
        help="store sizes, comma-separated (default 100,1000,10000)",
    )
    return p.parse_args()


if __name__ == "__main__":
    main()
