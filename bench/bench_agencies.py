"""Agencies in bulk: ratios against ``unzip -p`` of the same workbook, measured in this run.

1. ``python -m ita_model agencies import`` of an 8,300-row sheet of agencies into a fresh store.
2. ``python -m ita_model submit`` of the national multi-agency OIT status sheet (8,300 agencies
   × 43 items = 356,900 rows, eight columns as Excel saves it: ``bench_validate``'s generator,
   its first column the agency's code) into a fresh store holding the 8,300 agencies: read and
   checked once, then one accepted submission per agency, in one transaction (target ≤ 5×).
3. The same file again (nothing changes), and ``validate`` of it alone (no store), for scale.
4. The floor: the typed rows the submit kept, written alone into a table with no secondary
   index (SQLite ``executemany``; PostgreSQL ``COPY`` from this process), in one transaction,
   nothing read or checked. ``validate`` + this floor is the least any import that keeps the
   rows in the store can cost on this machine.

Each on SQLite (a folder) and on PostgreSQL (a throwaway server, ``tests/pgserver.py``; skipped
when PostgreSQL is not installed). Wall times are medians of ``--runs`` fresh stores; CPU is the
child's own (user + system: the database server's is not in it).

Run: ``.venv/bin/python bench/bench_agencies.py [--runs 3] [--skip-postgresql]``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_validate import AGENCIES, ITEMS, children_cpu, excel_like_workbook, unzip_all  # noqa: E402

LOCAL = "องค์กรปกครองส่วนท้องถิ่น"
COLUMNS = 'submission_id, n, agency, "row", division, item, status, url, urls, updated, owner, note'


def code(a: int) -> str:
    return f"{60000 + a}"


def agencies_workbook(path: Path) -> None:
    """8,300 agencies: code, name, type, province, parent (synthetic names, one type word)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("หน่วยงาน")
    ws.write_row(0, 0, ["ทะเบียนหน่วยงาน (ชุดทดสอบความเร็ว)"])
    ws.write_row(1, 0, ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ประเภท", "จังหวัด", "สังกัด"])
    for a in range(AGENCIES):
        ws.write_row(
            a + 2, 0, [code(a), f"หน่วยงานทดสอบที่ {a + 1}", LOCAL, f"จังหวัดทดสอบ {a % 77 + 1}", "สถ."]
        )
    wb.close()


def cli(args: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Wall and CPU seconds of ``python -m ita_model ARGS``, its exit code and last output line."""
    t, c = time.perf_counter(), children_cpu()
    proc = subprocess.run(
        [sys.executable, "-m", "ita_model", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    wall, cpu = time.perf_counter() - t, children_cpu() - c
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    return wall, cpu, proc.returncode, lines[-1] if lines else ""


def ratio_line(
    label: str,
    walls: list[float],
    cpus: list[float],
    base: float,
    base_cpu: float,
    against: str = "unzip",
) -> None:
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(
        f"  {label}: median {wall:.2f} s of {', '.join(f'{w:.2f}' for w in walls)} = "
        f"{wall / base:.2f}× {against}; CPU {cpu:.2f} s = {cpu / base_cpu:.2f}×"
    )


def kept_rows(folder: Path) -> tuple[str, list[tuple]]:
    """The ``oit_rows`` table's definition and every row a SQLite store kept."""
    with closing(sqlite3.connect(folder / "store.sqlite3")) as db:
        ddl = db.execute("SELECT sql FROM sqlite_master WHERE name = 'oit_rows'").fetchone()[0]
        return ddl, db.execute(f"SELECT {COLUMNS} FROM oit_rows").fetchall()


def sqlite_floor(ddl: str, rows: list[tuple], folder: Path) -> float:
    """Seconds to write ``rows`` into a fresh table (its primary key, no other index)."""
    folder.mkdir()
    with closing(sqlite3.connect(folder / "floor.sqlite3")) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(ddl)
        t = time.perf_counter()
        db.executemany(f"INSERT INTO oit_rows VALUES ({', '.join('?' * len(rows[0]))})", rows)
        db.commit()
        return time.perf_counter() - t


def postgresql_floor(url: str, rows: list[tuple]) -> float:
    """Seconds to COPY ``rows`` from this process into a fresh table with no index at all."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as db:
        db.execute(
            'CREATE TABLE oit_rows (submission_id text, n int, agency text, "row" int, '
            "division text, item text, status text, url text, urls text, updated date, "
            "owner text, note text)"
        )
        db.commit()
        t = time.perf_counter()
        with db.cursor() as cur, cur.copy(f"COPY oit_rows ({COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        db.commit()
        return time.perf_counter() - t


def floor_line(label: str, writes: list[float], validate: float, base: float) -> None:
    write = statistics.median(writes)
    print(
        f"  floor, {label}: the rows alone {write:.2f} s = {write / base:.2f}× unzip; "
        f"validate + the rows = {(validate + write) / base:.2f}× (target ≤ 5×)"
    )


def backend(name: str, new_store, files: dict[str, Path], bases, env, runs: int) -> None:
    print(f"\n{name}:")
    walls: dict[str, list[float]] = {k: [] for k in ("import", "submit", "again")}
    cpus: dict[str, list[float]] = {k: [] for k in walls}
    for _ in range(runs):
        target = new_store()
        for key, args in (
            ("import", ["agencies", "import", "--store", target, str(files["agencies"])]),
            ("submit", ["submit", "--store", target, str(files["national"])]),
            ("again", ["submit", "--store", target, str(files["national"])]),
        ):
            wall, cpu, rc, last = cli(args, env)
            if rc != 0:
                raise SystemExit(f"{key} failed ({rc}): {last}")
            walls[key].append(wall)
            cpus[key].append(cpu)
    ratio_line("agencies import, 8,300 rows", walls["import"], cpus["import"], *bases["agencies"])
    ratio_line("  the same", walls["import"], cpus["import"], *bases["start"], against="start-up")
    ratio_line(
        f"submit, {AGENCIES * ITEMS:,} rows → {AGENCIES:,} submissions (target ≤ 5×)",
        walls["submit"],
        cpus["submit"],
        *bases["national"],
    )
    ratio_line(
        "the same file again (nothing changes)", walls["again"], cpus["again"], *bases["national"]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-postgresql", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ita-bench-agencies-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITA_")}
    env["ITA_STORE_DIR"] = str(tmp / "cache")
    env["ITA_LINK_CHECK_ON_ACCEPT"] = "false"
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    files = {"agencies": tmp / "agencies.xlsx", "national": tmp / "national_agencies.xlsx"}
    agencies_workbook(files["agencies"])
    excel_like_workbook(files["national"], ("รหัสหน่วยงาน", code))
    bases = {k: unzip_all(p) for k, p in files.items()}
    for k, (wall, cpu) in bases.items():
        size = files[k].stat().st_size / 1e6
        print(f"unzip -p {files[k].name} ({size:.1f} MB): {wall:.2f} s, CPU {cpu:.2f} s")
    walls, cpus = [], []
    starts, start_cpus = [], []
    for _ in range(args.runs):
        wall, cpu, _, _ = cli(["validate", str(files["national"])], env)
        walls.append(wall)
        cpus.append(cpu)
        wall, cpu, _, _ = cli(["agencies", "--help"], env)
        starts.append(wall)
        start_cpus.append(cpu)
    print("\nno store:")
    ratio_line("validate alone (agency column unchecked)", walls, cpus, *bases["national"])
    start, start_cpu = statistics.median(starts), statistics.median(start_cpus)
    print(f"  python -m ita_model agencies --help (start-up): {start:.2f} s, CPU {start_cpu:.2f} s")
    bases["start"] = (start, start_cpu)
    n = iter(range(1000))
    backend("SQLite", lambda: str(tmp / f"store{next(n)}"), files, bases, env, args.runs)
    ddl, rows = kept_rows(tmp / "store0")
    validate = statistics.median(walls)
    floors = [sqlite_floor(ddl, rows, tmp / f"floor{k}") for k in range(args.runs)]
    floor_line("SQLite", floors, validate, bases["national"][0])
    if not args.skip_postgresql:
        from tests.pgserver import PgServer, binaries

        bindir = binaries()
        if bindir is None:
            print("\nPostgreSQL: not installed, skipped")
        else:
            server = PgServer(bindir).start()
            try:
                backend("PostgreSQL", server.new_database, files, bases, env, args.runs)
                floors = [postgresql_floor(server.new_database(), rows) for _ in range(args.runs)]
                floor_line("PostgreSQL", floors, validate, bases["national"][0])
            finally:
                server.stop()
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
