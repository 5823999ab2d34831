"""Many agencies on one store: what an agency's own reads cost, against baselines measured in
the same run. SQLite, and PostgreSQL when its binaries are installed (a throwaway server).

- ``alone_vs_among``: what a page reads (``Store.current`` + ``Store.stored``, every kind
  decoded, and ``revision``) for one agency of 15 accepted division workbooks, in a store where
  it is alone (the baseline) and in one where it sits among ``--agencies`` others of the same
  size (target: ≤ 1.2×). Each pair is measured in turns, the fastest of 21 runs of each (the
  machine is shared: a median drifts with whatever else runs).
- ``bound_vs_plain``: the same reads through ``store.for_agency(code, user=…)`` — which checks the
  account's rows again on every read, so that removing access is immediate — against the plain
  store bound to that agency without a user (the baseline): the price of that check.
- ``for_agency``: binding a store (an account look-up and a registry look-up) against one
  ``revision()`` read (the baseline).

Run: ``.venv/bin/python bench/bench_tenancy.py [--agencies 200]``.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ita_model.agencies import AgencyRecord  # noqa: E402
from ita_model.organisation import load_organisation  # noqa: E402
from ita_model.store import Store, open_store  # noqa: E402
from ita_model.store.rows import KINDS  # noqa: E402
from ita_model.validate import validate_file  # noqa: E402
from tests.pgserver import PgServer, binaries  # noqa: E402
from tests.test_store import workbook  # noqa: E402

YEAR = 2565
PW = "bench-password-1"


def reports() -> list[tuple[bytes, str, object]]:
    """15 divisions' OIT workbooks, each checked once (the same report for every agency)."""
    org = load_organisation()
    out = []
    for d in org.reporting_divisions()[:15]:
        data = workbook(d.id, 1)
        out.append((data, f"{d.id}.xlsx", validate_file(data, f"{d.id}.xlsx", year=YEAR)))
    return out


def fill(store: Store, codes: list[str], books: list[tuple[bytes, str, object]]) -> None:
    """Every agency of ``codes`` gets the 15 workbooks, accepted."""
    store.accounts.add("root", "admin", PW, user="setup", rounds=4)
    store.register_agencies([AgencyRecord(code=c, name=f"agency {c}") for c in codes], user="root")
    for code in codes:
        store.accounts.add(f"ed_{code}", "editor", PW, user="root", agency=code, rounds=4)
        bound = store.for_agency(code, user="root")
        for data, name, report in books:
            bound.submit(
                data, name, user=f"ed_{code}", year=YEAR, division=None, report=report,
                accept=True,
            )  # fmt: skip


def reads(store: Store) -> None:
    subs = store.current(YEAR)
    for r in store.stored(subs):
        for kind in KINDS:
            r.frame(kind)
    store.revision()


def in_turns(subject: Callable[[], object], baseline: Callable[[], object], repeat: int = 21):
    """The fastest of ``repeat`` runs of each, measured in turns (a busy machine slows both)."""
    subject(), baseline()  # warm
    mine: list[float] = []
    base: list[float] = []
    for _ in range(repeat):
        for fn, runs in ((subject, mine), (baseline, base)):
            start = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - start)
    return min(mine), min(base)


def plain(store: Store, code: str) -> Store:
    """The store bound to ``code`` without a user (no per-read check): the baseline."""
    bound = copy.copy(store)
    bound.agency = code
    return bound


def run(label: str, alone_target: str, among_target: str, agencies: int) -> None:
    books = reports()
    alone = open_store(alone_target)
    fill(alone, ["A0"], books)
    among = open_store(among_target)
    fill(among, [f"A{n}" for n in range(agencies)], books)
    try:
        crowd, base = in_turns(lambda: reads(plain(among, "A0")), lambda: reads(plain(alone, "A0")))
        bound = among.for_agency("A0", user="ed_A0")
        checked, unbound = in_turns(lambda: reads(bound), lambda: reads(plain(among, "A0")))
        bind, one_read = in_turns(
            lambda: among.for_agency("A0", user="ed_A0"), lambda: among.revision(), repeat=51
        )
        print(f"{label}: one agency of 15 workbooks, alone and among {agencies}")
        print(f"  alone_vs_among   {crowd * 1000:8.1f} ms / {base * 1000:8.1f} ms = "
              f"{crowd / base:5.2f}x (target <= 1.2)")  # fmt: skip
        print(f"  bound_vs_plain   {checked * 1000:8.1f} ms / {unbound * 1000:8.1f} ms = "
              f"{checked / unbound:5.2f}x")  # fmt: skip
        print(f"  for_agency       {bind * 1000:8.2f} ms / {one_read * 1000:8.2f} ms = "
              f"{bind / one_read:5.2f}x (one revision() read)")  # fmt: skip
    finally:
        alone.close()
        among.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--agencies", type=int, default=200)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", str(Path(tmp) / "alone"), str(Path(tmp) / "among"), args.agencies)
    bindir = binaries()
    if bindir is None:
        print("PostgreSQL: not installed, skipped")
        return
    server = PgServer(bindir).start()
    try:
        run("PostgreSQL", server.new_database(), server.new_database(), args.agencies)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
