"""Sending a multi-agency OIT sheet: who may, all or nothing, kept whole when refused, the same
file again. One function for the command line (``agencies_cli.submit_multi`` prints its result)
and the Data-in page (which draws it); it never prints.

The rule (``multi_agency.py``): a file with any error counts for nobody and is kept once, whole,
as a rejected submission of the sender's own agency, with every problem listed; a good file
becomes one accepted submission per agency it names, in one transaction
(``store/agency_bulk.py``); the same bytes again change nothing. Only a system administrator, or
an editor of every agency the file names, may send it: anyone else is refused
(``agency_write_not_allowed`` naming the agencies) before anything is kept for anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ita_model.agency_column import COLUMN
from ita_model.auth import Actor
from ita_model.multi_agency import KeptWhole, check_sheets, require_submit, split

if TYPE_CHECKING:
    from ita_model.store import Store, Submission
    from ita_model.validate import FileReport


@dataclass
class MultiAgencyFile:
    """A checked multi-agency file: its report (the sheet checks of such a file added once) and
    the agencies its valid rows name, with how many rows each."""

    report: FileReport
    rows_by_agency: dict[str, int] = field(default_factory=dict)

    @property
    def agencies(self) -> list[str]:
        return sorted(self.rows_by_agency)

    @property
    def rows(self) -> int:
        return sum(self.rows_by_agency.values())

    @property
    def ok(self) -> bool:
        return self.report.ok


def checked(report: FileReport) -> MultiAgencyFile:
    """The file's sheets checked as a multi-agency file's (``multi_agency.check_sheets``: every
    recognised sheet an OIT sheet with an agency column) and its agencies counted."""
    check_sheets(report)
    return MultiAgencyFile(report, _rows_by_agency(report))


def _rows_by_agency(report: FileReport) -> dict[str, int]:
    """How many valid rows name each agency, counted on the sheets' own column arrays (the
    whole table of a national sheet, 356,900 rows, is never built for it)."""
    import numpy as np
    import pandas as pd

    named = [
        np.asarray(s.columns[COLUMN], dtype=object)
        for s in report.sheets
        if s.kind == "oit" and s.columns is not None and COLUMN in s.columns
    ]
    if not named:
        return {}
    counts = pd.Series(np.concatenate(named), dtype=object).dropna().astype(str).value_counts()
    return {str(code): int(n) for code, n in sorted(counts.items())}


def check_sender(store: Store, user: str | Actor, file: MultiAgencyFile) -> None:
    """``NotAllowed`` (``agency_write_not_allowed``, naming them) unless ``user``, as the store's
    rows say now, may send rows for every agency the file names."""
    require_submit(store.accounts.actor(user), file.agencies)


@dataclass
class AgencyKept:
    """One agency's part of the file as the store keeps it."""

    agency: str
    submission: Submission
    new: bool
    rows: int


@dataclass
class MultiAgencySubmit:
    """What sending the file did: each agency's submission, or the whole file kept refused."""

    file: MultiAgencyFile
    kept: list[AgencyKept]  # empty when the file was refused
    whole: Submission | None = None  # the file kept whole (it had errors), counted for nobody
    whole_new: bool = False

    @property
    def refused(self) -> bool:
        return self.whole is not None

    @property
    def new(self) -> int:
        return sum(k.new for k in self.kept)

    @property
    def again(self) -> int:
        return len(self.kept) - self.new

    @property
    def exit_code(self) -> int:
        """The command line's: 0 kept per agency (or already), 1 refused, 2 unreadable."""
        if not self.refused:
            return 0
        return 2 if self.file.report.unreadable else 1

    def summaries(self) -> list[dict[str, Any]]:
        """Each submission as ``submit --json`` lists it."""
        if self.whole is not None:
            w = self.whole
            return [{**w.summary(), "agency": None, "new": self.whole_new, "errors": w.errors}]
        return [
            {
                **k.submission.summary(),
                "agency": k.agency,
                "new": k.new,
                "errors": k.submission.errors,
                "warnings": k.submission.warnings,
            }
            for k in self.kept
        ]


def submit_multi_agency(
    store: Store,
    data: bytes,
    filename: str,
    file: MultiAgencyFile,
    *,
    user: str | Actor,
    year: int,
) -> MultiAgencySubmit:
    """Keep a checked multi-agency file (``checked``) for everyone it names, or refuse it whole.

    ``NotAllowed`` (``agency_write_not_allowed``) when ``user`` may not send for one of its
    agencies: nothing is kept at all then, not even the file."""
    report = file.report
    check_sender(store, user, file)  # before anything is kept
    actor = store.accounts.actor(user)
    if not report.ok:  # kept whole in the sender's own agency, counted for nobody
        own = store.for_agency(actor.agency, user=user)
        sub, new = own.submit(
            data,
            filename,
            user=user,
            year=year,
            division=None,
            report=KeptWhole(report),
            accept=False,
        )
        return MultiAgencySubmit(file, [], sub, new)
    again = store.kept_already(data, year, file.agencies)
    if again is not None:  # the same file again: nothing to split, nothing changes
        kept = [(code, sub, False) for code, sub in again]
    else:
        kept = store.submit_agencies(data, filename, split(report), user=user, year=year)
    return MultiAgencySubmit(
        file,
        [AgencyKept(code, sub, new, file.rows_by_agency.get(code, 0)) for code, sub, new in kept],
    )
