"""How fast is reading + validating? Ratios against baselines measured in this same run.

1. A 43-row division workbook, read + validated in process (target: ≤ 20 ms).
2. Two national-scale OIT sheets (8,300 agencies × 43 items = 356,900 rows), each through the
   whole ``python -m ita_model validate`` process, against ``unzip -p`` of all its XML parts
   (target ≤ 5×), and its peak memory (target ≤ 1 GB):
   - the five-column sheet written with inline strings (xlsxwriter's ``constant_memory``);
   - the sheet as Excel saves it: eight columns (division, item, name, status, link, date,
     person, note), every text in the shared-string table, dates as numbers with a date style.
   Then ``pandas.read_excel`` with calamine, and with openpyxl (target ≥ 10× slower than us).
3. ``--against REF`` (a git commit, e.g. one that still had the forked reader): the same
   workbooks through that version too, on the command line and in process (with a second
   thread running, as in the dashboard's server), side by side with this one.

Each national sheet also prints where its command line's time goes (wall and CPU seconds of
one run: start-up, the checks of the file before the library sees it, the library loading the
cells, the contract's checks and the report), for the README's paragraph on it.

Run: ``make bench``, or
``.venv/bin/python bench/bench_validate.py [--skip-openpyxl] [--against REF]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ita_model.organisation import load_organisation  # noqa: E402
from ita_model.settings import Settings  # noqa: E402
from ita_model.validate import validate_file  # noqa: E402

AGENCIES = 8_300
ITEMS = 43
STATUSES = ["เสร็จสิ้น", "อยู่ระหว่างดำเนินการ", "ยังไม่ดำเนินการ", "ไม่เกี่ยวข้อง", "done"]
EXCEL_HEADER = ["ส่วนราชการ", "ข้อ", "ข้อมูล", "สถานะ", "ลิงก์", "วันที่ปรับปรุง", "ผู้รับผิดชอบ", "หมายเหตุ"]


def small_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "OIT"
    ws.append(["องค์การบริหารส่วนจังหวัดพะเยา"])
    ws.append(["ส่วนราชการ: ฝ่ายนิติการ"])
    ws.append(["ข้อ", "สถานะ", "ลิงก์", "วันที่ปรับปรุง", "หมายเหตุ"])
    for i in range(1, ITEMS + 1):
        ws.append([f"o{i:02d}", "ดำเนินการแล้ว", f"https://example.go.th/o{i}", "26/01/2565", ""])
    wb.save(path)


def national_workbook(path: Path) -> None:
    """Each agency is given one of the organisation's division names, so rows are valid."""
    names = [d.name_th for d in load_organisation().divisions]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("OIT")
    ws.write_row(0, 0, ["ส่วนราชการ", "ข้อ", "สถานะ", "ลิงก์", "วันที่ปรับปรุง"])
    r = 1
    for a in range(AGENCIES):
        for i in range(1, ITEMS + 1):
            ws.write_string(r, 0, names[a % len(names)])
            ws.write_string(r, 1, f"o{i:02d}")
            ws.write_string(r, 2, STATUSES[(a + i) % len(STATUSES)])
            ws.write_string(r, 3, f"https://agency{a}.go.th/ita/o{i:02d}")
            ws.write_string(r, 4, f"{1 + (a + i) % 28}/{1 + i % 12}/2565")
            r += 1
    wb.close()


def excel_like_workbook(
    path: Path, first_column: tuple[str, Callable[[int], str]] | None = None
) -> None:
    """The national sheet laid out as Excel saves it: every text in xl/sharedStrings.xml (no
    ``constant_memory``), the dates real dates (numbers with a d/m/yyyy style), a note on
    one row in seven, the item names and the people repeated as they are in a real table.
    ``first_column``: another first column (its header, and its text for agency number a) in
    place of the division (bench_agencies.py: the agency's code)."""
    names = [d.name_th for d in load_organisation().divisions]
    head, value = first_column or (EXCEL_HEADER[0], lambda a: names[a % len(names)])
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("OIT")
    date = wb.add_format({"num_format": "d/m/yyyy"})
    ws.write_row(0, 0, [head, *EXCEL_HEADER[1:]])
    first = dt.datetime(2022, 1, 1)
    r = 1
    for a in range(AGENCIES):
        first_cell = value(a)
        for i in range(1, ITEMS + 1):
            ws.write_string(r, 0, first_cell)
            ws.write_string(r, 1, f"o{i:02d}")
            ws.write_string(r, 2, f"ข้อมูลรายการที่ {i}")
            ws.write_string(r, 3, STATUSES[(a + i) % len(STATUSES)])
            ws.write_string(r, 4, f"https://agency{a}.go.th/ita/o{i:02d}")
            ws.write_datetime(r, 5, first + dt.timedelta(days=(a + i) % 120), date)
            ws.write_string(r, 6, f"นางสาวผู้ประสานงาน {a % 500}")
            if (a + i) % 7 == 0:
                ws.write_string(r, 7, "ปรับปรุงข้อมูลแล้ว")
            r += 1
    wb.close()


def timed(fn, repeat: int = 1) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process ended so far, their threads and
    their own children included: unlike wall time, it does not grow with the machine's load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def unzip_all(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds to inflate every part of the workbook, as ``unzip -p`` does
    (medians of 5)."""
    walls, cpus = [], []
    for _ in range(5):
        t, c = time.perf_counter(), children_cpu()
        subprocess.run(["unzip", "-p", str(path)], stdout=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - t)
        cpus.append(children_cpu() - c)
    return statistics.median(walls), statistics.median(cpus)


# The command line as ita_model/__main__.py runs it, then its peak memory (VmHWM: ru_maxrss
# would carry this process's peak over the fork and exec). A version with a forked reader
# (--against) also reports the largest child it reaped.
_PEAK = """
import os, resource, sys
sys.path.insert(0, os.getcwd())
from ita_model.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
status = open("/proc/self/status").read()
try:
    from ita_model import sandbox
    sandbox.reap()
except ImportError:
    pass
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("VmHWM", status.split("VmHWM:")[1].split()[0], child, file=sys.stderr, flush=True)
os._exit(code)
"""


def _python(
    root: Path, script: str, args: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """``script`` run with ``args`` in a fresh interpreter in the tree ``root``: what it
    prints on standard error, its output thrown away."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        cwd=root,
        env=env,
    )


def run_cli(root: Path, args: list[str], env: dict[str, str]) -> tuple[float, float, float, float]:
    """Wall seconds of ``python -m ita_model ARGS`` in the tree ``root``, its own peak RSS and
    the largest child's, in MB, and its CPU seconds (a forked reader's included)."""
    t, c = time.perf_counter(), children_cpu()
    proc = _python(root, _PEAK, args, env)
    wall, cpu = time.perf_counter() - t, children_cpu() - c
    own_kb, child_kb = proc.stderr.rsplit("VmHWM", 1)[1].split()[:2]
    return wall, int(own_kb) / 1024, int(child_kb) / 1024, cpu


# In process as the dashboard reads an upload: a second thread is running (a forking reader
# then loads in process, as it must in a threaded server), imports and caches warm.
_IN_PROCESS = """
import json, os, statistics, sys, threading, time
sys.path.insert(0, os.getcwd())
threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
from ita_model.validate import validate_file
path, repeat = sys.argv[1], int(sys.argv[2])
validate_file(path)
runs = []
for _ in range(repeat):
    t = time.perf_counter()
    validate_file(path)
    runs.append(time.perf_counter() - t)
print(json.dumps(statistics.median(runs)))
os._exit(0)
"""


def in_process(root: Path, path: Path, repeat: int, env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _IN_PROCESS, str(path), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env=env,
    )
    return float(json.loads(out.stdout))


# One command line run, timed at the seams: start-up, the checks of the file before the library
# reads it (zip, XML and cell positions, the book opened beside them), the library loading the
# cells into Arrow, then the contract's checks and the printed report.
_STAGES = """
import os, sys, time
marks = [("start", time.perf_counter(), time.process_time())]
def mark(label):
    marks.append((label, time.perf_counter(), time.process_time()))
sys.path.insert(0, os.getcwd())
from ita_model.cli import main
from ita_model.reader import xlsx
mark("start-up")
def after(name, label):
    inner = getattr(xlsx, name)
    def timed(*args, **kwargs):
        out = inner(*args, **kwargs)
        mark(label)
        return out
    setattr(xlsx, name, timed)
after("_scan_worksheet", "guards")  # the book opens beside it, on another thread
after("load_sheets", "load")
main(sys.argv[1:])
sys.stdout.flush()
mark("checks and report")
marks = [m for i, m in enumerate(marks) if m[0] != "guards" or marks[i + 1][0] == "load"]
for (_, w0, c0), (label, w1, c1) in zip(marks, marks[1:]):
    print(f"{label}={w1 - w0:.3f}/{c1 - c0:.3f}", file=sys.stderr)
os._exit(0)
"""


def stages(path: Path, env: dict[str, str]) -> str:
    """Wall/CPU seconds of each stage of one ``validate`` run (the median run of three)."""
    runs = []
    for _ in range(3):
        proc = _python(ROOT, _STAGES, ["validate", str(path)], env)
        parts = dict(line.split("=") for line in proc.stderr.splitlines())
        runs.append((sum(float(v.split("/")[0]) for v in parts.values()), parts))
    _, parts = sorted(runs, key=lambda run: run[0])[1]
    return ", ".join(f"{label} {value} s" for label, value in parts.items())


def national(label: str, path: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    print(f"\n{label}: {AGENCIES * ITEMS:,} rows, {path.stat().st_size / 1e6:.1f} MB")
    unzip, unzip_cpu = unzip_all(path)
    walls, cpus, peak = [], [], 0.0
    for _ in range(5):
        wall, own_mb, _, cpu = run_cli(ROOT, ["validate", str(path)], env)
        walls.append(wall)
        cpus.append(cpu)
        peak = max(peak, own_mb)
    ours, ours_cpu = statistics.median(walls), statistics.median(cpus)
    print(f"  unzip -p (all its XML parts): {unzip:.2f} s, CPU {unzip_cpu:.2f} s")
    print(
        f"  python -m ita_model validate (whole process): median {ours:.2f} s of "
        f"{', '.join(f'{w:.2f}' for w in walls)}; CPU {ours_cpu:.2f} s"
    )
    print(
        f"  ratio to unzip: {ours / unzip:.2f}× (target ≤ 5×); in CPU time "
        f"{ours_cpu / unzip_cpu:.2f}× (the same work, whatever the load)"
    )
    print(f"  peak memory: {peak:.0f} MB (target ≤ 1024 MB)")
    print(f"  where the time goes (wall/CPU): {stages(path, env)}")
    calamine = timed(lambda: pd.read_excel(path, engine="calamine"))
    print(f"  pandas.read_excel(engine='calamine'): {calamine:.2f} s → {calamine / ours:.1f}×")
    if not args.skip_openpyxl:
        slow = timed(lambda: pd.read_excel(path, engine="openpyxl"))
        print(
            f"  pandas.read_excel(engine='openpyxl'): {slow:.2f} s → we are "
            f"{slow / ours:.1f}× faster (target ≥ 10×)"
        )


def against(ref: str, files: dict[str, Path], env: dict[str, str], tmp: Path) -> None:
    """This tree and ``ref`` side by side: the command line (median of 5) and in process."""
    other = tmp / "against"
    other.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(other)], input=archive.stdout, check=True)
    print(f"\nthis tree against {ref} (seconds; ratio = this / {ref}):")
    for label, path in files.items():
        small = path.stat().st_size < 1_000_000
        cpu: dict[Path, float] = {}
        for how in ("command line", "in process"):
            pair = []
            for root in (ROOT, other):
                if how == "in process":
                    pair.append(in_process(root, path, 30 if small else 3, env))
                else:
                    runs = [run_cli(root, ["validate", str(path)], env) for _ in range(5)]
                    pair.append(statistics.median(r[0] for r in runs))
                    cpu[root] = statistics.median(r[3] for r in runs)
            ours, theirs = pair
            print(
                f"  {label}, {how}: {ours * 1000:.0f} ms against {theirs * 1000:.0f} ms "
                f"({ours / theirs:.2f}×, {(ours - theirs) * 1000:+.0f} ms)"
            )
            if how == "command line":
                print(f"    CPU: {cpu[ROOT] * 1000:.0f} ms against {cpu[other] * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-openpyxl", action="store_true", help="skip the 40 s baselines")
    parser.add_argument("--against", metavar="REF", help="also time this git commit's reader")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ita-bench-"))
    # the defaults, whatever this shell sets: the sheet must pass the default cell limit
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITA_")}
    print(f"load average at start: {os.getloadavg()[0]:.2f}")

    small = tmp / "oit_legal.xlsx"
    small_workbook(small)
    validate_file(small)  # warm caches: framework, organisation, imports
    ours = timed(lambda: validate_file(small), repeat=30)
    base = timed(lambda: openpyxl.load_workbook(small, read_only=True).close(), repeat=30)
    print(f"43-row workbook, read + validate in process: {ours * 1000:.1f} ms (target ≤ 20 ms)")
    print(f"  ratio to openpyxl.load_workbook(read_only) alone: {ours / base:.2f}×")

    five, excel = tmp / "national.xlsx", tmp / "national_excel.xlsx"
    t = time.perf_counter()
    national_workbook(five)
    excel_like_workbook(excel)
    print(f"\n(national workbooks written in {time.perf_counter() - t:.1f} s)")
    cells = (AGENCIES * ITEMS + 1) * len(EXCEL_HEADER)
    limit = Settings.model_fields["max_cells"].default
    print(
        f"the Excel-like sheet holds {cells:,} cells: {cells / limit:.0%} of the default "
        f"largest sheet (ITA_MAX_CELLS {limit:,}), read with the defaults"
    )
    national("five columns, inline strings", five, env, args)
    national("as Excel saves it: eight columns, shared strings, date cells", excel, env, args)
    if args.against:
        files = {"43-row workbook": small, "five-column national": five, "Excel-like": excel}
        older = {**env, "ITA_MAX_CELLS": str(2 * cells)}  # an older default may be lower
        against(args.against, files, older, tmp)
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
