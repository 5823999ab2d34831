"""ita_model.sandbox: a function run in a forked child under a memory ceiling comes back whole,
or as ``ChildFailed`` — and a crash of the spreadsheet library takes only the child."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import fastexcel
import pyarrow as pa
import pytest

from ita_model import sandbox
from ita_model.sandbox import ChildFailed, Forked

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"


@pytest.fixture(autouse=True)
def _no_child_left() -> None:
    yield
    sandbox.reap()
    with pytest.raises(ChildProcessError):  # every child reaped: no zombies
        os.waitpid(-1, os.WNOHANG)


def _table(n: int) -> pa.Table:
    return pa.table({"code": [f"o{i % 43 + 1:02d}" for i in range(n)], "row": list(range(n))})


def test_a_large_result_comes_back_whole() -> None:
    with Forked(_table, 300_000, memory_mb=512) as child:
        table = child.result()
    assert table.equals(_table(300_000))


def test_the_parent_works_while_the_child_does() -> None:
    start = time.perf_counter()
    with Forked(time.sleep, 0.5, memory_mb=64) as child:
        time.sleep(0.5)
        child.result()
    assert time.perf_counter() - start < 0.9


def test_an_exception_in_the_child_comes_back_as_text() -> None:
    with Forked(int, "สิบ", memory_mb=64) as child, pytest.raises(ChildFailed) as info:
        child.result()
    assert "ValueError" in str(info.value) and not info.value.killed


def test_the_memory_ceiling_holds() -> None:
    with Forked(bytearray, 1 << 30, memory_mb=256) as child, pytest.raises(ChildFailed) as info:
        child.result()
    assert "MemoryError" in str(info.value)


def test_a_library_abort_takes_only_the_child(capfd: pytest.CaptureFixture[str]) -> None:
    """fastexcel, handed a 1.6 KB sheet with cells at A1 and XFD1048576, asks for 550 GB and
    aborts the process; here it is the child's, and its last words are not printed."""
    data = (HOSTILE / "sparse_bomb.xlsx").read_bytes()

    def load() -> object:
        return fastexcel.read_excel(data).load_sheet(0, header_row=None).to_arrow()

    with Forked(load, memory_mb=512) as child, pytest.raises(ChildFailed) as info:
        child.result()
    assert info.value.killed and "SIGABRT" in str(info.value)
    assert "memory allocation" not in capfd.readouterr().err


def test_a_child_no_longer_wanted_is_killed() -> None:
    start = time.perf_counter()
    with Forked(time.sleep, 60, memory_mb=64):
        pass
    sandbox.reap()
    assert time.perf_counter() - start < 5


def test_no_fork_beside_other_threads() -> None:
    assert sandbox.can_fork()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not sandbox.can_fork()
    finally:
        stop.set()
        thread.join()
