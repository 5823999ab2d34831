"""Store throughput: 20 submissions from 20 processes at once, against the same 20 submitted one
after another by one process (the baseline, measured in the same run). SQLite, and PostgreSQL
when its binaries are installed (a throwaway server, as in the tests).

Run: ``.venv/bin/python bench/bench_store.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ita_model.store import open_store  # noqa: E402
from tests.pgserver import PgServer, binaries  # noqa: E402
from tests.test_store import DIVISIONS, workbook  # noqa: E402

N = 20


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


def main() -> None:
    os.environ["ITA_STORE_DIR"] = tempfile.mkdtemp(prefix="ita-bench-")  # never data/store
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
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(os.environ["ITA_STORE_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
