"""How fast is reading + validating? Ratios against baselines measured in this same run.

1. A 43-row division workbook, read + validated in process (target: ≤ 20 ms).
2. A national-scale OIT sheet (8,300 agencies × 43 items = 356,900 rows), the whole
   ``python -m ita_model validate`` process, against ``unzip -p`` of the sheet XML
   (target ≤ 5×) and ``pandas.read_excel(engine="openpyxl")`` alone (target ≥ 10× faster),
   and its peak memory (target ≤ 1 GB).

Run: ``make bench`` or ``.venv/bin/python bench/bench_validate.py [--skip-openpyxl]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import pandas as pd
import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ita_model.organisation import load_organisation  # noqa: E402
from ita_model.validate import validate_file  # noqa: E402

AGENCIES = 8_300
ITEMS = 43
STATUSES = ["เสร็จสิ้น", "อยู่ระหว่างดำเนินการ", "ยังไม่ดำเนินการ", "ไม่เกี่ยวข้อง", "done"]


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


def timed(fn, repeat: int = 1) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


_PEAK = """
import os, resource, sys
from ita_model import sandbox
from ita_model.cli import main
code = main(sys.argv[1:])  # then what ita_model/__main__.py does for validate
sys.stdout.flush()
status = open("/proc/self/status").read()
sandbox.reap()
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("VmHWM", status.split("VmHWM:")[1].split()[0], child, file=sys.stderr, flush=True)
os._exit(code)
"""


def run_process(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds of ``python -m ita_model ARGS``, its own peak RSS and that of the child
    it loads cells in, in MB.

    The peak is read inside the process (VmHWM): ru_maxrss would carry this process's peak
    over the fork and exec. The child's ru_maxrss counts the pages it shares with its parent
    too, so their sum over-states the memory used.
    """
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _PEAK, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        cwd=ROOT,
    )
    wall = time.perf_counter() - t
    own_kb, child_kb = proc.stderr.rsplit("VmHWM", 1)[1].split()[:2]
    return wall, int(own_kb) / 1024, int(child_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-openpyxl", action="store_true", help="skip the 40 s baseline")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ita-bench-"))

    small = tmp / "oit_legal.xlsx"
    small_workbook(small)
    validate_file(small)  # warm caches: framework, organisation, imports
    ours = timed(lambda: validate_file(small), repeat=30)
    base = timed(lambda: openpyxl.load_workbook(small, read_only=True).close(), repeat=30)
    print(f"43-row workbook, read + validate in process: {ours * 1000:.1f} ms (target ≤ 20 ms)")
    print(f"  ratio to openpyxl.load_workbook(read_only) alone: {ours / base:.2f}×")

    big = tmp / "national.xlsx"
    t = time.perf_counter()
    national_workbook(big)
    print(
        f"\nnational sheet: {AGENCIES * ITEMS:,} rows, {big.stat().st_size / 1e6:.1f} MB "
        f"(written in {time.perf_counter() - t:.1f} s)"
    )
    unzip = timed(
        lambda: subprocess.run(
            ["unzip", "-p", str(big), "xl/worksheets/sheet1.xml"],
            stdout=subprocess.DEVNULL,
            check=True,
        ),
        repeat=3,
    )
    walls = []
    own = child = 0.0
    for _ in range(5):
        wall, own_mb, child_mb = run_process(["validate", str(big)])
        walls.append(wall)
        own, child = max(own, own_mb), max(child, child_mb)
    ours = statistics.median(walls)
    print(f"unzip -p sheet1.xml: {unzip:.2f} s")
    print(
        f"python -m ita_model validate (whole process): median {ours:.2f} s of "
        f"{', '.join(f'{w:.2f}' for w in walls)}"
    )
    print(f"  ratio to unzip: {ours / unzip:.2f}× (target ≤ 5×)")
    print(
        f"  peak memory: {own + child:.0f} MB (target ≤ 1024 MB) = the process {own:.0f} MB "
        f"+ the child it loads cells in {child:.0f} MB (pages they share counted twice)"
    )
    calamine = timed(lambda: pd.read_excel(big, engine="calamine"))
    print(
        f"pandas.read_excel(engine='calamine'): {calamine:.2f} s → we are "
        f"{calamine / ours:.1f}× faster"
    )
    if not args.skip_openpyxl:
        slow = timed(lambda: pd.read_excel(big, engine="openpyxl"))
        print(
            f"pandas.read_excel(engine='openpyxl'): {slow:.2f} s → we are "
            f"{slow / ours:.1f}× faster (target ≥ 10×)"
        )


if __name__ == "__main__":
    main()
