"""What accepting one more workbook would change, shown before the legal unit says yes.

For each division the file speaks for, the latest accepted workbook counts; so the new file
replaces that division's rows wholesale, and an item it leaves out falls back to not started.
The comparison is made the same way the dashboard computes readiness, on both sides: a row with
no division (the agency as a whole: a multi-agency sheet's, or an agency with no divisions)
speaks for each owner of its item, or for the agency as a whole (``WHOLE_AGENCY``, shown as
ทั้งหน่วยงาน) for an item nobody owns (``readiness.as_reporters``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ita_model.framework import Framework, load_framework
from ita_model.organisation import Organisation, load_organisation
from ita_model.readiness import Dataset, Readiness, as_reporters, compute_readiness, owners_of
from ita_model.records import Status
from ita_model.validate import FileReport

OTHER_KINDS = ("measures", "timeline", "survey", "scores")
CHANGE_COLUMNS = [
    "item",
    "name_th",
    "name_en",
    "division",
    "before",
    "after",
    "overall_before",
    "overall_after",
]


@dataclass
class Changes:
    """Item statuses that move, and the other tables the file would replace."""

    items: pd.DataFrame  # CHANGE_COLUMNS, one row per (item, division) whose status moves
    divisions: list[str]  # the divisions the file speaks for
    replaced: pd.DataFrame  # kind, rows_before, rows_after
    done_before: int
    done_after: int
    division_done_before: int = 0  # items the file's divisions have done, before and after
    division_done_after: int = 0
    as_whole: bool = False  # some OIT row names no division: the agency as a whole speaks

    @property
    def empty(self) -> bool:
        return not len(self.items) and not len(self.replaced)

    @property
    def undone(self) -> pd.DataFrame:
        """The (item, division) pairs done now that accepting would make not done: a row that
        had errors (dropped), left out, or reported as not done any more."""
        done = Status.DONE.value
        if not len(self.items):
            return self.items
        return self.items[(self.items["before"] == done) & (self.items["after"] != done)]


def divisions_in(
    report: FileReport, owners: Mapping[str, Sequence[str]] | None = None
) -> list[str]:
    """The divisions whose OIT rows the file carries (its own division first). ``owners`` (item
    -> its owners' ids, ``readiness.owners_of``): a row with no division speaks for them, or for
    the agency as a whole for an item nobody owns, as readiness reads it; without: not counted."""
    found: list[str] = []
    frame = report.frame("oit")
    if len(frame) and "division" in frame:
        if owners is not None:
            frame = as_reporters(frame, owners)
        found = [d for d in frame["division"].dropna().unique().tolist() if isinstance(d, str)]
    if report.division and report.division not in found:
        found.insert(0, report.division)
    return found


def what_would_change(
    dataset: Dataset,
    report: FileReport,
    *,
    before: Readiness | None = None,
    framework: Framework | None = None,
    organisation: Organisation | None = None,
) -> Changes:
    fw = framework or load_framework(dataset.year)
    org = organisation or load_organisation()
    before = before or compute_readiness(dataset, fw, org)
    after_set = Dataset(dataset.year, [*dataset.reports, report])
    after = compute_readiness(after_set, fw, org)
    divisions = divisions_in(report, owners_of(fw, org)) if len(report.frame("oit")) else []

    rows = []
    done = Status.DONE.value
    division_done = [0, 0]
    kept = ["item", "name_th", "name_en", "owners", "owner_status", "status"]
    merged = before.items[kept].merge(
        after.items[["item", "owners", "owner_status", "status"]], on="item", suffixes=("_b", "_a")
    )
    for rec in merged.itertuples(index=False):
        overall_moves = rec.status_b != rec.status_a
        # an item nobody owns has the reporters of its rows: the file may add one
        for div in dict.fromkeys([*rec.owners_b, *rec.owners_a]):
            if div not in divisions:
                continue
            b = rec.owner_status_b.get(div, Status.NOT_STARTED.value)
            a = rec.owner_status_a.get(div, Status.NOT_STARTED.value)
            division_done[0] += b == done
            division_done[1] += a == done
            if a != b or overall_moves:
                rows.append(
                    {
                        "item": rec.item,
                        "name_th": rec.name_th,
                        "name_en": rec.name_en,
                        "division": div,
                        "before": b,
                        "after": a,
                        "overall_before": rec.status_b,
                        "overall_after": rec.status_a,
                    }
                )
    replaced = []
    for kind in OTHER_KINDS:
        new = report.frame(kind)
        if len(new):
            replaced.append(
                {"kind": kind, "rows_before": len(dataset.latest(kind)), "rows_after": len(new)}
            )
    return Changes(
        items=pd.DataFrame(rows, columns=CHANGE_COLUMNS),
        divisions=divisions,
        replaced=pd.DataFrame(replaced, columns=["kind", "rows_before", "rows_after"]),
        done_before=before.done,
        done_after=after.done,
        division_done_before=division_done[0],
        division_done_after=division_done[1],
        as_whole=_as_whole(report),
    )


def _as_whole(report: FileReport) -> bool:
    frame = report.frame("oit")
    return bool(len(frame)) and "division" in frame and bool(frame["division"].isna().any())
