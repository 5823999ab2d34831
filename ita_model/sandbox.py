"""Run one function in a forked child under a memory ceiling, while the caller works beside it.

The spreadsheet library allocates whatever a file's cell positions ask for, and when it cannot it
aborts the whole process (Rust's out-of-memory handler), which no ``except`` can catch. In a
child that abort costs only the child. And the child runs on the other core: the reader loads
the cells there while it checks the same file for what would make loading dangerous, so the
checks cost no wall time (bench/bench_validate.py).

Only a process with a single Python thread forks (the command line, the benchmarks): forking a
threaded server copies locks other threads may hold. ``can_fork`` says which; the caller then
runs the same function in process, after its checks.
"""

from __future__ import annotations

import faulthandler
import mmap
import os
import pickle
import resource
import signal
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

__all__ = ["ChildFailed", "Forked", "can_fork", "reap"]

MB = 1024 * 1024


class ChildFailed(Exception):
    """The child was killed (out of memory, a signal) or could not hand back its result."""

    def __init__(self, message: str, *, killed: bool = False) -> None:
        super().__init__(message)
        self.killed = killed  # by a signal: out of memory, most likely


def can_fork() -> bool:
    """Whether forking is safe here: Linux-like, and no other Python thread running."""
    return hasattr(os, "fork") and hasattr(os, "memfd_create") and threading.active_count() == 1


class Forked:
    """``fn(*args)`` running in a child until ``result()``; use as a context manager so that a
    child whose result is no longer wanted is killed.

    The result comes back pickled through an anonymous in-memory file, so its size is not
    limited by a pipe and the child never waits for the parent to read; one byte on a pipe
    says it is there, so the parent need not wait for the child to finish exiting (unmapping
    a big sheet's memory takes a tenth of a second): the child is reaped later, by ``reap``.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, memory_mb: float) -> None:
        reap(block=False)
        self._fd = os.memfd_create("ita-child", os.MFD_CLOEXEC)
        self._ready, said = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # pragma: no cover - runs in the child, which never returns
            os.close(self._ready)
            _child(self._fd, said, fn, args, memory_mb)
        os.close(said)

    def result(self) -> Any:
        """Wait for the child's result; its return value, or ``ChildFailed``."""
        if not os.read(self._ready, 1):  # closed without a word: the child died
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
            if os.WIFSIGNALED(status):
                name = signal.Signals(os.WTERMSIG(status)).name
                raise ChildFailed(f"stopped by {name}", killed=True)
            raise ChildFailed("it could not hand back its result")
        _EXITING.append(self._pid)
        self._pid = 0
        size = os.fstat(self._fd).st_size
        with mmap.mmap(self._fd, size, prot=mmap.PROT_READ) as view:
            ok, value = pickle.loads(view)
        if not ok:
            raise ChildFailed(value)
        return value

    def cancel(self) -> None:
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            _EXITING.append(self._pid)
            self._pid = 0

    def __enter__(self) -> Forked:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cancel()
        os.close(self._fd)
        os.close(self._ready)
        reap(block=False)


_EXITING: list[int] = []  # children that have handed back their result or were killed


def reap(*, block: bool = True) -> None:
    """Collect children that have ended (all of them, waiting, when ``block``)."""
    for pid in list(_EXITING):
        try:
            done, _ = os.waitpid(pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _EXITING.remove(pid)


def _child(
    fd: int, said: int, fn: Callable[..., Any], args: tuple[Any, ...], memory_mb: float
) -> None:
    code = 1
    try:
        # the library's own last words ("memory allocation of … failed"), and a traceback
        # dump of an abort where Python's fault handler is on (pytest), are not for the user
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        faulthandler.disable()
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        mapped = _address_space()
        ceiling = mapped + int(memory_mb * MB)
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        if mapped and (hard == resource.RLIM_INFINITY or ceiling < hard):  # unknown: no ceiling
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
        try:
            outcome: tuple[bool, Any] = (True, fn(*args))
        except BaseException as exc:  # everything goes back to the parent, as text
            outcome = (False, f"{type(exc).__name__}: {exc}")
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(fd, "wb", closefd=False) as out:
            out.write(payload)
        os.write(said, b"1")
        code = 0
    finally:
        os._exit(code)


def _address_space() -> int:
    """Bytes of address space this process has mapped now (VmSize); 0 when it can't tell."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
