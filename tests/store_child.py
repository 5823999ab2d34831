"""Child processes for the store tests: ``python -m tests.store_child MODE STORE FILE …``.

``submit``: import everything, say "ready", wait for the go file, then run the CLI's
``submit`` and print its timings as JSON (twenty of these at once test concurrency).
``hang-after-file`` / ``hang-in-transaction``: stop for good at that point of a submission, after
printing a line, so that the test can kill the process there.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import ita_model.store as store_module
import ita_model.validate
from ita_model import cli


def _hang(label: str) -> None:
    print(label, flush=True)
    time.sleep(600)


def main(argv: list[str]) -> int:
    mode, store, file = argv[:3]
    if mode == "submit":
        division, user, ready, go = argv[3:7]
        spent = []
        real_submit = store_module.Store.submit

        def timed(self, *a, **kw):  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            try:
                return real_submit(self, *a, **kw)
            finally:
                spent.append(time.perf_counter() - t0)

        store_module.Store.submit = timed  # type: ignore[method-assign]
        # warm up (framework, organisation, reader, the database connection): the timed part is
        # checking this file and storing it, as in a dashboard process that is already running
        ita_model.validate.validate_file(Path(file))
        store_module.open_store(store).revision()
        Path(ready).write_text("ready")
        while not Path(go).exists():
            time.sleep(0.005)
        start = time.time()
        code = cli.main(["submit", file, "--store", store, "--division", division, "--user", user])
        end = time.time()
        result = {"start": start, "end": end, "code": code, "store": sum(spent)}
        print(json.dumps(result), flush=True)
        return code

    if mode == "hang-after-file":
        real = store_module.Store._put_file

        def put_then_hang(self, sha, suffix, data):  # type: ignore[no-untyped-def]
            path = real(self, sha, suffix, data)
            _hang("FILE-WRITTEN")
            return path

        store_module.Store._put_file = put_then_hang  # type: ignore[method-assign]

    elif mode == "hang-in-transaction":
        real_event = store_module.Store._event

        def event_then_hang(self, conn, actor, action, **kw):  # type: ignore[no-untyped-def]
            seq = real_event(self, conn, actor, action, **kw)
            if action == "submitted":
                conn.exec_driver_sql("SELECT 1")  # the row and the event are written, not committed
                _hang("IN-TRANSACTION")
            return seq

        store_module.Store._event = event_then_hang  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown mode {mode}")
    return cli.main(["submit", file, "--store", store, "--user", "editor"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
