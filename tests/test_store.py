"""The submission store, on SQLite and on a real PostgreSQL: what must hold.

Twenty processes submitting at once lose nothing; a process killed mid-submission leaves nothing
half-stored; a full disk or an unwritable folder gives one clear message and harms nothing; the
store itself refuses a viewer's writes; states, rollback and the audit log stay consistent.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import openpyxl
import pytest

from ita_model.auth import Actor, Role
from ita_model.errors import InvalidDecision, NotAllowed, StoreError, UnknownSubmission
from ita_model.organisation import load_organisation
from ita_model.settings import Settings
from ita_model.store import Store, kept_files, open_store
from tests.conftest import ROOT
from tests.conftest import run_cli as _run_cli

URL = "https://www.pao-phayao.go.th/ita"
DIVISIONS = ["legal", "it", "personnel", "strategy", "finance"]


# --------------------------------------------------------------------------- helpers


@functools.cache
def workbook(division: str, version: int = 0, *, status: str = "เสร็จสิ้น", bad: int = 0) -> bytes:
    """A division's OIT sheet: every item it owns, distinct bytes per ``version`` (the same
    arguments give the same bytes: openpyxl writes the time into the file)."""
    org = load_organisation()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "OIT"
    ws.append([f"ส่วนราชการ: {org.division(division).name_th}"])
    ws.append(["ข้อ", "สถานะ", "ลิงก์"])
    for code in org.items_of(division, 2565):
        ws.append([code, status, f"{URL}/{division}/{code}?v={version}"])
    for n in range(bad):
        ws.append(["o99", "เสร็จ", f"{URL}/bad/{n}"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store: a folder, or a new database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "store")
    return request.getfixturevalue("pg_server").new_database()


@pytest.fixture
def store(target: str) -> Store:
    s = open_store(target)
    yield s
    s.close()


run_cli = partial(_run_cli, timeout=180)


def states(store: Store) -> dict[str, str]:
    return {s.filename: s.state for s in store.submissions()}


# --------------------------------------------------------------------------- states


def test_submit_accept_supersede_rollback(store: Store):
    a, new = store.submit(workbook("legal", 1), "a.xlsx", user="nit", year=2565, division=None)
    assert new and a.state == "pending" and a.division == "legal" and a.slot == "legal"
    assert store.accepted(2565) == []
    store.accept(a.id, user="nit")
    b, _ = store.submit(
        workbook("legal", 2), "b.xlsx", user="nit", year=2565, division=None, accept=True
    )
    assert states(store) == {"a.xlsx": "superseded", "b.xlsx": "accepted"}
    assert [s.id for s, _ in store.accepted(2565)] == [b.id]

    with pytest.raises(InvalidDecision):
        store.rollback(b.id, user="nit")  # already current
    back = store.rollback(a.id, user="nit")
    assert back.state == "accepted"
    assert states(store) == {"a.xlsx": "accepted", "b.xlsx": "superseded"}
    path = store.accepted(2565)[0][1]
    assert path.read_bytes() == workbook("legal", 1)  # verbatim

    actions = [(e.action, e.submission_id) for e in store.events()]
    assert actions == [
        ("submitted", a.id),
        ("accepted", a.id),
        ("submitted", b.id),
        ("accepted", b.id),
        ("rolled_back", a.id),
    ]
    assert store.events()[-1].detail["replaces"] == b.id
    assert store.verify() == []


def test_withdraw_leaves_the_slot_empty_until_a_rollback(store: Store):
    a, _ = store.submit(workbook("legal", 1), "a.xlsx", user="nit", year=2565, division=None)
    with pytest.raises(InvalidDecision):
        store.withdraw(a.id, user="nit")  # pending: nothing counts yet
    store.accept(a.id, user="nit")
    other, _ = store.submit(
        workbook("finance", 1), "f.xlsx", user="nit", year=2565, division=None, accept=True
    )
    gone = store.withdraw(a.id, user="nit")
    assert gone.state == "superseded"
    assert [s.id for s, _ in store.accepted(2565)] == [other.id]  # other divisions untouched
    with pytest.raises(InvalidDecision):
        store.withdraw(a.id, user="nit")  # already withdrawn
    last = store.events()[-1]
    assert (last.action, last.submission_id, last.slot) == ("withdrawn", a.id, "legal")
    assert store.verify() == []
    assert store.data(gone) == workbook("legal", 1)  # kept, verbatim
    store.rollback(a.id, user="nit")
    assert {s.id for s, _ in store.accepted(2565)} == {a.id, other.id}
    assert store.verify() == []


def test_a_file_of_no_division_does_not_push_out_another_kind(store: Store):
    """Scores and the timeline have no division: accepting one keeps the other."""
    sample = ROOT / "data" / "sample"
    for name in ("scores.xlsx", "timeline.xlsx"):
        store.submit(
            (sample / name).read_bytes(), name, user="nit", year=2565, division=None, accept=True
        )
    assert states(store) == {"scores.xlsx": "accepted", "timeline.xlsx": "accepted"}
    assert {s.slot for s, _ in store.accepted(2565)} == {"kind:scores", "kind:timeline"}


def test_the_same_bytes_are_stored_once(store: Store):
    data = workbook("it", 1)
    first, new1 = store.submit(data, "it.xlsx", user="nit", year=2565, division=None)
    again, new2 = store.submit(data, "renamed.xlsx", user="other", year=2565, division=None)
    assert new1 and not new2 and again.id == first.id
    assert len(store.submissions()) == 1
    assert len([e for e in store.events() if e.action == "submitted"]) == 1
    if not store.kept_in_database:
        assert len(list(store.files.iterdir())) == 1


def test_a_file_with_errors_is_kept_rejected_and_changes_nothing_until_accepted(store: Store):
    good, _ = store.submit(
        workbook("legal", 1), "good.xlsx", user="nit", year=2565, division=None, accept=True
    )
    bad, new = store.submit(
        workbook("legal", 2, bad=2), "bad.xlsx", user="nit", year=2565, division=None, accept=True
    )
    assert new and bad.state == "rejected" and bad.errors == 4  # o99 and its status, twice
    assert [s.id for s, _ in store.accepted(2565)] == [good.id]  # the good data still counts
    report = store.report(bad)
    assert {i["code"] for i in report["issues"]} >= {"unknown_item", "unknown_status"}
    assert all(i["row"] for i in report["issues"] if i["severity"] == "error")

    taken = store.accept(bad.id, user="nit")  # the legal unit says so: its valid rows count
    assert taken.state == "accepted"
    assert states(store) == {"good.xlsx": "superseded", "bad.xlsx": "accepted"}
    last = store.events()[-1]
    assert last.action == "accepted" and last.detail["with_errors"] == 4 and last.user == "nit"


def test_an_unreadable_file_is_kept_but_cannot_be_accepted(store: Store):
    sub, _ = store.submit(b"%PDF-1.4 not a workbook", "x.xlsx", user="n", year=2565, division=None)
    assert sub.state == "rejected" and sub.unreadable
    with pytest.raises(InvalidDecision):
        store.accept(sub.id, user="n")
    with pytest.raises(UnknownSubmission):
        store.get("nope")
    with pytest.raises(KeyError):  # the first API raised KeyError; still does
        store.get("nope")


def test_as_of_replays_the_decisions(store: Store, monkeypatch: pytest.MonkeyPatch):
    import ita_model.store.base as sm
    from ita_model.current import current_data
    from ita_model.history import History

    clock = iter(datetime(2022, 3, d, 3, 0, tzinfo=UTC) for d in (1, 1, 5, 5, 9, 9, 12, 12, 15, 15))
    monkeypatch.setattr(sm, "now", lambda: next(clock))
    a, _ = store.submit(
        workbook("legal", 1, status="ยังไม่ดำเนินการ"), "a.xlsx", user="nit", year=2565,
        division=None, accept=True,
    )  # fmt: skip
    b, _ = store.submit(
        workbook("legal", 2), "b.xlsx", user="somsri", year=2565, division=None, accept=True
    )
    store.rollback(a.id, user="boss-editor")  # 9 March

    assert [s.id for s, _ in store.current_at(datetime(2022, 3, 2, tzinfo=UTC), 2565)] == [a.id]
    assert [s.id for s, _ in store.current_at(datetime(2022, 3, 6, tzinfo=UTC), 2565)] == [b.id]
    assert [s.id for s, _ in store.current_at(datetime(2022, 3, 10, tzinfo=UTC), 2565)] == [a.id]
    assert store.current_at(datetime(2022, 2, 1, tzinfo=UTC), 2565) == []

    settings = Settings()
    then = current_data(store, 2565, as_of=datetime(2022, 3, 6).date())
    assert [s.filename for s in then.submissions] == ["b.xlsx"]

    h = History(store, settings=settings, year=2565)
    assert (
        h.at(datetime(2022, 3, 6).date()).readiness.done
        > h.at(datetime(2022, 3, 2).date()).readiness.done
    )
    moved = h.changes_since(datetime(2022, 3, 2).date())
    legal_items = set(load_organisation().items_of("legal", 2565))
    assert set(moved["item"]) <= legal_items and len(moved)
    assert set(moved["user"]) == {"somsri", "boss-editor"}
    assert set(moved.loc[moved["user"] == "somsri", "after"]) == {"done"}
    assert set(moved.loc[moved["user"] == "boss-editor", "after"]) == {"not_started"}
    daily = h.daily("division")
    legal = daily[daily["key"] == "legal"]
    assert list(legal["done"]) == [0, 0, len(legal_items), 0]


def test_as_of_replays_a_withdrawal(store: Store, monkeypatch: pytest.MonkeyPatch):
    import ita_model.store.base as sm
    from ita_model.history import History

    today = [datetime(2022, 3, 1, 3, 0, tzinfo=UTC)]
    monkeypatch.setattr(sm, "now", lambda: today[0])
    a, _ = store.submit(
        workbook("legal", 1), "a.xlsx", user="nit", year=2565, division=None, accept=True
    )
    today[0] = datetime(2022, 3, 5, 3, 0, tzinfo=UTC)
    store.withdraw(a.id, user="somsri")

    assert [s.id for s, _ in store.current_at(datetime(2022, 3, 2, tzinfo=UTC), 2565)] == [a.id]
    assert store.current_at(datetime(2022, 3, 6, tzinfo=UTC), 2565) == []
    h = History(store, settings=Settings(), year=2565)
    assert h.at(datetime(2022, 3, 2).date()).readiness.done > 0
    assert h.at(datetime(2022, 3, 6).date()).readiness.done == 0
    moved = h.changes_since(datetime(2022, 3, 2).date())
    assert set(moved["user"]) == {"somsri"} and len(moved)


def test_settings_changed_by_an_admin_are_kept_and_logged(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    from ita_model.settings import with_overrides

    monkeypatch.delenv("ITA_YEAR", raising=False)
    monkeypatch.delenv("ITA_MAX_CELLS", raising=False)
    assert store.overrides() == {}
    store.set_setting("year", 2566, user=Actor("boss", Role.ADMIN))
    store.set_setting("max_cells", 50_000, user=Actor("boss", Role.ADMIN))
    store.set_setting("year", "2565", user=Actor("boss", Role.ADMIN))  # text from a form: checked
    assert store.overrides() == {"year": 2565, "max_cells": 50_000}
    changes = [e.detail for e in store.events(actions=["setting_changed"])]
    assert changes == [
        {"setting": "year", "before": 2565, "after": 2566},
        {
            "setting": "max_cells",
            "before": Settings.model_fields["max_cells"].default,
            "after": 50_000,
        },
        {"setting": "year", "before": 2566, "after": 2565},
    ]
    assert store.events()[-1].user == "boss"
    effective = with_overrides(Settings(), store.overrides())
    assert (effective.year, effective.max_cells) == (2565, 50_000)
    monkeypatch.setenv("ITA_MAX_CELLS", "70000")  # the environment wins over the page
    assert with_overrides(Settings(), store.overrides()).max_cells == 70_000

    admin = Actor("boss", Role.ADMIN)
    for name, value, says in [
        ("year", 2599, "no framework for 2599"),
        ("max_file_mb", -1, "not valid for max_file_mb"),
        ("max_cells", "many", "not valid for max_cells"),
        ("store_dir", "/tmp", "cannot be changed here"),
    ]:
        with pytest.raises(InvalidDecision) as refused:
            store.set_setting(name, value, user=admin)
        assert says in str(refused.value)
    assert len(store.events(actions=["setting_changed"])) == 3  # refusals change nothing


# --------------------------------------------------------------------------- roles


def test_the_store_refuses_a_viewers_writes(target: str):
    store = open_store(target)
    store.accounts.add("root", "admin", None, user="setup")
    store.accounts.add("boss", "viewer", None, user="root")
    store.accounts.add("nit", "editor", None, user="root")
    data = workbook("legal", 1)
    # the role is the rows', whatever a page hands in: a forged admin is still the viewer
    for who in ("boss", Actor("boss", Role.VIEWER), Actor("boss", Role.ADMIN, "local")):
        with pytest.raises(NotAllowed) as refused:
            store.submit(data, "a.xlsx", user=who, year=2565, division=None, accept=True)
        assert "viewer" in str(refused.value) and "ไม่มีสิทธิ์" in str(refused.value)
        assert refused.value.code == "not_allowed"
    with pytest.raises(NotAllowed) as unknown:  # no account: refused, never a fallback
        store.submit(data, "a.xlsx", user="someone-unknown", year=2565, division=None)
    assert unknown.value.code == "account_unknown"
    assert store.submissions() == [] and len(store.events()) == 3  # the three user_added

    sub, _ = store.submit(data, "a.xlsx", user="nit", year=2565, division=None)
    with pytest.raises(NotAllowed):
        store.accept(sub.id, user="boss")
    with pytest.raises(NotAllowed):
        store.rollback(sub.id, user="boss")
    with pytest.raises(NotAllowed):
        store.withdraw(sub.id, user="boss")
    with pytest.raises(NotAllowed):
        store.set_setting("year", 2566, user=Actor("nit", Role.ADMIN))  # settings: admins only
    assert store.get(sub.id).state == "pending"
    assert [e.action for e in store.events()][3:] == ["submitted"]
    store.close()


# --------------------------------------------------------------------------- 20 processes


def _start_children(target: str, jobs: list[tuple[Path, str]], tmp: Path) -> list[subprocess.Popen]:
    procs = []
    for n, (path, division) in enumerate(jobs):
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "tests.store_child", "submit", target, str(path),
                 division, f"user{n}", str(tmp / f"ready{n}"), str(tmp / "go")],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )  # fmt: skip
    deadline = time.time() + 240
    while not all((tmp / f"ready{n}").exists() for n in range(len(jobs))):
        assert time.time() < deadline, "the children did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.05)
    return procs


def test_twenty_processes_submitting_at_once_lose_nothing(target: str, tmp_path: Path):
    jobs = []
    for n in range(20):
        division = DIVISIONS[n % len(DIVISIONS)]
        path = tmp_path / f"{division}-{n}.xlsx"
        path.write_bytes(workbook(division, n))
        jobs.append((path, division))
    procs = _start_children(target, jobs, tmp_path)
    go = time.time()
    (tmp_path / "go").write_text("go")
    results = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    wall = max(r["end"] for r in results) - go
    each = sorted(r["end"] - r["start"] for r in results)
    in_store = sorted(r["store"] for r in results)
    backend = "postgresql" if target.startswith("postgresql") else "sqlite"
    print(
        f"\n[20 processes, {backend}, {os.cpu_count()} CPUs] wall {wall:.2f}s from go to the last "
        f"commit; per process (check + store) median {each[10]:.2f}s, max {each[-1]:.2f}s; "
        f"in Store.submit median {in_store[10]:.3f}s, max {in_store[-1]:.3f}s"
    )

    store = open_store(target)
    subs = store.submissions()
    assert len(subs) == 20 and {s.filename for s in subs} == {p.name for p, _ in jobs}
    assert all(store.path(s).read_bytes() == (tmp_path / s.filename).read_bytes() for s in subs)
    current = store.accepted(2565)
    assert sorted(s.division for s, _ in current) == sorted(DIVISIONS)  # one per division
    for division in DIVISIONS:
        mine = [s for s in subs if s.division == division]
        assert sorted(s.state for s in mine) == [
            "accepted",
            "superseded",
            "superseded",
            "superseded",
        ]
    events = store.events()
    assert sorted(e.action for e in events) == ["accepted"] * 20 + ["submitted"] * 20
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    assert store.verify() == []
    store.close()


def test_five_processes_sending_the_same_bytes_store_it_once(target: str, tmp_path: Path):
    path = tmp_path / "same.xlsx"
    path.write_bytes(workbook("legal", 7))
    procs = _start_children(target, [(path, "legal")] * 5, tmp_path)
    (tmp_path / "go").write_text("go")
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
    store = open_store(target)
    assert len(store.submissions()) == 1
    assert [e.action for e in store.events()] == ["submitted", "accepted"]
    assert store.verify() == []
    store.close()


# --------------------------------------------------------------------------- crashes


@pytest.mark.parametrize("point", ["hang-after-file", "hang-in-transaction"])
def test_a_process_killed_mid_submission_leaves_nothing_half_stored(
    target: str, tmp_path: Path, point: str
):
    store = open_store(target)
    kept, _ = store.submit(
        workbook("it", 1), "kept.xlsx", user="nit", year=2565, division=None, accept=True
    )
    before = store.revision()
    path = tmp_path / "legal.xlsx"
    path.write_bytes(workbook("legal", 1))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.store_child", point, target, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline().strip()
        assert line in ("FILE-WRITTEN", "IN-TRANSACTION"), child.stderr.read()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            child.kill()

    fresh = open_store(target)  # another process looks
    assert [s.id for s in fresh.submissions()] == [kept.id]
    assert fresh.revision() == before
    # the bytes were kept before the kill, with no row: verify finds that file (and no more)
    orphans = [f for f in kept_files(fresh.files) if not f.name.startswith(kept.sha256)]
    assert len(orphans) == 1
    assert [i.code for i in fresh.problems()] == ["store_orphan_file"]
    assert fresh.verify() == [
        f"store_orphan_file: ไฟล์ {orphans[0]} ในคลังไม่มีการส่งไฟล์ใดอ้างถึง — "
        f"{orphans[0]}: a stored file that no submission names"
    ]
    # the store is not stuck (a lock held by the dead process) and the same bytes go in whole
    again, new = fresh.submit(
        path.read_bytes(), "legal.xlsx", user="nit", year=2565, division=None, accept=True
    )
    assert new and again.state == "accepted"
    assert fresh.path(again).read_bytes() == path.read_bytes()
    assert fresh.verify() == []
    store.close()
    fresh.close()


# --------------------------------------------------------------------------- full disk, no rights


@contextlib.contextmanager
def tiny_disk(size_kb: int = 2048):
    """A small tmpfs of our own (root only); skips the test when it cannot be mounted."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    where = Path(tempfile.mkdtemp(prefix="ita-full-"))
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
        shutil.rmtree(where, ignore_errors=True)


def _fill(folder: Path) -> Path:
    """Write zeros until the disk says no more."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for block in (65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * block)
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_gives_one_clear_message_and_harms_nothing():
    with tiny_disk() as disk:
        store = open_store(disk / "store")
        kept, _ = store.submit(
            workbook("it", 1), "kept.xlsx", user="nit", year=2565, division=None, accept=True
        )
        filler = _fill(disk)
        with pytest.raises(StoreError) as full:
            store.submit(workbook("legal", 1), "new.xlsx", user="n", year=2565, division=None)
        message = str(full.value)
        assert "ดิสก์เต็ม" in message and "disk is full" in message
        assert "nothing already stored was changed" in message and "Traceback" not in message
        assert "\n" not in message  # one message, one line
        # as the command line says it: one line on stderr, exit 2
        new = disk / "new.xlsx"
        filler.unlink()
        new.write_bytes(workbook("legal", 2))
        filler = _fill(disk)
        proc = run_cli("submit", new, "--store", disk / "store", "--user", "nit")
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "disk is full" in proc.stderr

        check = open_store(disk / "store")
        assert [s.id for s in check.submissions()] == [kept.id]
        assert check.path(kept).read_bytes() == workbook("it", 1)
        assert check.verify() == []
        assert not [p for p in (disk / "store" / "files").iterdir() if p.name.startswith(".")]
        filler.unlink()  # room again: the store works on
        check.submit(workbook("legal", 1), "new.xlsx", user="n", year=2565, division=None)
        assert len(check.submissions()) == 2 and check.verify() == []
        store.close()
        check.close()


def test_a_disk_full_while_writing_the_file_is_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The same path without root: the write itself fails with ENOSPC."""
    import ita_model.store.blobs as sm

    store = open_store(tmp_path / "store")
    kept, _ = store.submit(workbook("it", 1), "kept.xlsx", user="n", year=2565, division=None)

    def no_space(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(sm.os, "fsync", no_space)
    with pytest.raises(StoreError, match="disk is full"):
        store.submit(workbook("legal", 1), "new.xlsx", user="n", year=2565, division=None)
    monkeypatch.undo()
    assert [s.id for s in store.submissions()] == [kept.id] and store.verify() == []
    assert [p.name for p in store.files.iterdir()] == [f"{kept.sha256}.xlsx"]  # no temp left


@contextlib.contextmanager
def read_only(folder: Path):
    """Make ``folder`` unwritable: a read-only bind mount as root (root ignores permissions),
    else taking the write permission away."""
    if os.geteuid() != 0:
        paths = [folder, *folder.rglob("*")]
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p in paths:
                p.chmod(0o755 if p.is_dir() else 0o644)
        return
    bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bind.stderr.decode().strip()}")
    try:
        ro = subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(folder)], capture_output=True, text=True
        )
        if ro.returncode != 0:
            pytest.skip(f"cannot remount read-only here: {ro.stderr.strip()}")
        yield
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)


def test_an_unwritable_store_folder_gives_one_clear_message_and_harms_nothing(tmp_path: Path):
    root = tmp_path / "store"
    store = open_store(root)
    kept, _ = store.submit(
        workbook("it", 1), "kept.xlsx", user="nit", year=2565, division=None, accept=True
    )
    store.close()
    new = tmp_path / "legal.xlsx"
    new.write_bytes(workbook("legal", 1))
    with read_only(root):
        ro = open_store(root)
        with pytest.raises(StoreError) as refused:
            ro.submit(new.read_bytes(), "legal.xlsx", user="nit", year=2565, division=None)
        message = str(refused.value)
        assert str(root) in message and "nothing already stored was changed" in message
        assert "\n" not in message
        proc = run_cli("submit", new, "--store", root, "--user", "nit")
        assert proc.returncode == 2, proc.stdout + proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and str(root) in lines[0] and "Traceback" not in proc.stderr
        assert "read-only" in lines[0] or "permission" in lines[0], lines
        # reading still works: the dashboard keeps showing what was there
        assert [s.id for s in ro.submissions()] == [kept.id]
        assert ro.path(kept).read_bytes() == workbook("it", 1)
        ro.close()
    check = open_store(root)
    assert [s.id for s in check.submissions()] == [kept.id] and check.verify() == []
    check.close()


def test_a_store_that_cannot_be_reached_is_one_message():
    store = open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(StoreError) as down:
        store.submissions()
    assert "secret" not in str(down.value) and "cannot" in str(down.value)
    with pytest.raises(StoreError):
        open_store("mysql://x@y/z")


# --------------------------------------------------------------------------- the first API


def test_the_first_store_api_still_works(tmp_path: Path):
    """submit(errors=, warnings=) / accept / submissions / get / path / accepted."""
    fs = open_store(tmp_path / "fs")
    assert fs.submissions() == [] and fs.accepted(2565) == []
    assert not (tmp_path / "fs").exists()  # reading creates nothing
    sub, new = fs.submit(
        workbook("legal", 1), "legal.xlsx", user="local", year=2565, division="legal",
        errors=0, warnings=0,
    )  # fmt: skip
    assert new and sub.state == "pending"
    fs.accept(sub.id, user="local")
    assert fs.get(sub.id).state == "accepted" and fs.get(sub.id).decided_by == "local"
    assert fs.path(sub) == tmp_path / "fs" / "files" / f"{sub.sha256}.xlsx"
    assert [s.id for s, _ in fs.accepted(2565)] == [sub.id]


def test_the_cli_submit_history_rollback_and_exit_codes(target: str, tmp_path: Path):
    good, newer, bad = tmp_path / "ฝ่ายนิติการ.xlsx", tmp_path / "legal-2.xlsx", tmp_path / "b.xlsx"
    good.write_bytes(workbook("legal", 1))
    newer.write_bytes(workbook("legal", 2))
    bad.write_bytes(workbook("legal", 3, bad=1))
    pdf = tmp_path / "pdf.xlsx"
    pdf.write_bytes(b"%PDF-1.4")
    s = ("--store", target)
    assert run_cli("submit", good, *s, "--user", "nit").returncode == 0
    assert run_cli("submit", newer, *s, "--division", "ฝ่ายนิติการ").returncode == 0
    assert run_cli("submit", bad, *s, "--division", "legal").returncode == 1
    assert run_cli("submit", pdf, *s).returncode == 2
    assert run_cli("submit", good, *s).returncode == 0  # already stored

    hist = run_cli("history", *s, "--json", "--division", "legal")
    assert hist.returncode == 0, hist.stderr
    subs = json.loads(hist.stdout)["submissions"]
    assert [set(x) for x in subs] == [
        {"id", "division", "state", "sha256", "submitted_at", "user", "filename"}
    ] * 3
    first = subs[0]
    assert (first["filename"], first["state"], first["user"]) == (
        "ฝ่ายนิติการ.xlsx",
        "superseded",
        "nit",
    )
    assert [x["state"] for x in subs] == ["superseded", "accepted", "rejected"]

    back = run_cli("rollback", subs[0]["id"], *s, "--user", "nit")
    assert back.returncode == 0, back.stderr
    wrong = run_cli("rollback", subs[2]["id"], *s)
    assert wrong.returncode == 2 and "accept it instead" in wrong.stderr
    after = json.loads(run_cli("history", *s, "--json").stdout)["submissions"]
    assert [x["state"] for x in after] == ["accepted", "superseded", "rejected", "rejected"]
    out = run_cli("withdraw", subs[0]["id"], *s, "--user", "nit")
    assert out.returncode == 0 and "withdrawn" in out.stdout, out.stderr
    again = run_cli("withdraw", subs[0]["id"], *s)
    assert again.returncode == 2 and "cannot be withdrawn" in again.stderr
    assert "Traceback" not in again.stderr
    back = run_cli("rollback", subs[0]["id"], *s, "--user", "nit")
    assert back.returncode == 0, back.stderr

    out = tmp_path / "annotated.xlsx"
    ann = run_cli("annotate", subs[2]["id"], *s, "--out", out)
    assert ann.returncode == 0, ann.stderr
    assert openpyxl.load_workbook(out).sheetnames[0] == "ปัญหาที่พบ"
    audit = run_cli("audit", *s, "--csv")
    assert audit.returncode == 0 and "rolled_back" in audit.stdout
