"""The bundled sample data, as ordinary submissions of a sender named ``sample``.

A fresh store (no submission ever, the sample never removed) gets the workbooks of
``data/sample/`` submitted and accepted by ``sample``, with a ``sample_loaded`` event; from then
on they are files like any other: shown, replayed "as of" a date, replaced by a division's own
file. ``remove`` withdraws every current sample submission (the bytes stay, as for any withdrawn
file) and records ``sample_removed``: the sample is not loaded again by itself; ``load`` puts it
back. ``ITA_LOAD_SAMPLE=false`` keeps a fresh store empty (tests, CI).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from ita_model.agency import DEFAULT_AGENCY
from ita_model.auth import SAMPLE_SENDER, Actor, Role
from ita_model.datafile import read_yaml
from ita_model.fiscal import THAILAND
from ita_model.i18n import both
from ita_model.organisation import Organisation
from ita_model.settings import Settings, get_settings
from ita_model.thai import fiscal_year_of

if TYPE_CHECKING:  # the store and the checks load only when a sample is loaded: not for `validate`
    from ita_model.store import Store, Submission

SENDER = SAMPLE_SENDER.name  # the name the sample's submissions are sent and accepted by
LOADED = "sample_loaded"
REMOVED = "sample_removed"
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
_SENDER = SAMPLE_SENDER


def is_sample(sub: Submission) -> bool:
    """Whether a submission is the bundled sample's."""
    return sub.user == SENDER


def sample_files(settings: Settings | None = None) -> list[Path]:
    """The bundled workbooks, by name (a division's file after the shared ones it sorts after)."""
    folder = (settings or get_settings()).data_dir / "sample"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)


def sample_organisation(settings: Settings | None = None) -> Organisation:
    """The organisation the sample was made for: its file itself, even while an agency set up
    in a store stands in for it (the sample's workbooks name the file's divisions)."""
    settings = settings or get_settings()
    return Organisation.model_validate(read_yaml(settings.organisation))


def sample_day(settings: Settings | None = None) -> date:
    """The day the sample describes: its organisation's report date."""
    return sample_organisation(settings).report_date


def sample_year(settings: Settings | None = None) -> int:
    """The fiscal year the sample describes: that of its report date."""
    return fiscal_year_of(sample_day(settings))


def fresh(store: Store, year: int) -> bool:
    """No submission was ever made and the sample was never loaded nor removed."""
    if store.revision() == 0:
        return True
    if store.current(year):  # cheap, and the usual answer on a store in use
        return False
    return not store.submissions() and not store.events(actions=[LOADED, REMOVED])


def ensure_sample(store: Store, settings: Settings | None = None) -> list[Submission]:
    """Load the sample into a fresh store (unless ``ITA_LOAD_SAMPLE`` is off); else nothing."""
    settings = settings or get_settings()
    if store.agency != DEFAULT_AGENCY:  # the sample is the embedded agency's demo, nobody else's
        return []
    if not settings.load_sample or not sample_files(settings):
        return []
    if not fresh(store, sample_year(settings)):
        return []
    return load(store, settings, user=_SENDER)


def load(store: Store, settings: Settings | None = None, *, user: str | Actor) -> list[Submission]:
    """Submit and accept every sample workbook as ``sample``; the ``sample_loaded`` event names
    who asked (an administrator, or ``sample`` itself on a fresh store) and the files.

    Into a year where nothing counts yet, a workbook never stored before is dated on the
    sample's report day (what it describes: "as of" that day the dashboard shows it); beside
    data that counts, it is dated now (the latest decision, now and in any replay). One stored
    before (loaded, then removed) counts again from now, so the log still says when it was out."""
    from ita_model.validate import validate_file

    settings = settings or get_settings()
    files = sample_files(settings)
    year = sample_year(settings)
    org = sample_organisation(settings)
    alone = not store.current(year)
    dated = datetime.combine(org.report_date, time(9), THAILAND) if alone else None
    needed = Role.EDITOR if user == _SENDER else Role.ADMIN
    store.record(
        LOADED, user=user, detail={"year": year, "files": [p.name for p in files]}, needed=needed
    )
    out = []
    for path in files:
        data = path.read_bytes()
        report = validate_file(data, path.name, year=year, organisation=org, settings=settings)
        sub, _new = store.submit(
            data, path.name, user=_SENDER, year=year, division=report.division, report=report,
            accept=True, at=dated,
        )  # fmt: skip
        if sub.state != "accepted" and not sub.unreadable and not sub.errors:
            sub = store.accept(sub.id, user=_SENDER)
        out.append(sub)
    return out


def current_sample(store: Store, year: int | None = None) -> list[Submission]:
    """The sample submissions that count now (of one year, or of every year)."""
    years = [year] if year is not None else sorted({s.year for s in store.submissions()})
    return [s for y in years for s in store.current(y) if is_sample(s)]


def remove(store: Store, *, user: str | Actor) -> list[Submission]:
    """Withdraw every current sample submission, after a ``sample_removed`` event (an
    administrator's: refused before anything changes otherwise). Nothing else is touched."""
    gone = current_sample(store)
    store.record(REMOVED, user=user, detail={"submissions": [s.id for s in gone]})
    return [store.withdraw(s.id, user=user) for s in gone]


# --------------------------------------------------------------------------- command line


def add_commands(sub: argparse._SubParsersAction) -> None:
    """``python -m ita_model sample load|remove [--store S]``."""
    p = sub.add_parser("sample", help="the bundled sample data: load it back, or remove it")
    actions = p.add_subparsers(required=True, metavar="ACTION")
    for name, text in (
        ("load", "submit and accept the sample workbooks again (sender: sample)"),
        ("remove", "withdraw every current sample submission (the files stay in the store)"),
    ):
        a = actions.add_parser(name, help=text)
        a.add_argument("--store", metavar="DIR_OR_URL", help="default: ITA_STORE, else data/store")
        a.add_argument("--user", help="who is acting (default: ITA_USER, else the login name)")
        a.set_defaults(run=_run, action=name)


def _run(args: argparse.Namespace) -> int:
    import getpass
    import os

    from ita_model.store import open_store

    store = open_store(args.store or None)
    user = args.user or os.environ.get("ITA_USER") or getpass.getuser()
    done = load(store, user=user) if args.action == "load" else remove(store, user=user)
    print(both({"load": "sample.loaded", "remove": "sample.removed"}[args.action], n=len(done)))
    return 0
