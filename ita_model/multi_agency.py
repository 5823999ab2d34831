"""A multi-agency OIT status sheet, split into each agency's own part.

``validate_file(..., agencies=AgencyMatcher(...))`` reads and checks the file once; ``split``
then gives one ``AgencyPart`` per agency it names: that agency's rows only (the agency column
left out: in the store the agency is the submission's own), and a report of the problems on
those rows plus the file's own notices, as ``FileReport.to_json`` words them. Every agency
reports as a whole (division None).

The rule, all or nothing: a file with any error (an unknown agency, a bad item on one agency's
row, a sheet with no agency column beside the others) counts for nobody. It is kept once, with
its whole report, as a rejected submission of the sender's store, so that nothing sent is lost
and every problem stays listed; no agency's figures change until a corrected file is sent.
"""

from __future__ import annotations

import functools
import itertools
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ita_model.agency_column import COLUMN
from ita_model.agency_parts import FileColumn, file_columns, payloads
from ita_model.auth import Actor, Role
from ita_model.errors import Issue, NotAllowed
from ita_model.issues import IssueBatch, IssueList

if TYPE_CHECKING:
    import pandas as pd

    from ita_model.validate import FileReport, SheetReport

OIT_ROW_COLUMNS = ("row", "division", "item", "status", "url", "urls", "updated", "owner", "note")


def is_multi_agency(report: Any) -> bool:
    """Whether the file has an OIT sheet with an agency column."""
    return any(COLUMN in (getattr(s, "columns", None) or {}) for s in report.sheets)


def check_sheets(report: FileReport) -> None:
    """In a multi-agency file every recognised sheet must be an OIT sheet with an agency
    column: any other sheet (measures, a division's OIT table) belongs to no agency."""
    for s in report.sheets:
        if s.kind and not (s.kind == "oit" and s.columns is not None and COLUMN in s.columns):
            if s.kind == "oit" and s.columns is None:
                continue  # its header lacked a required column: already an error of its own
            report.issues.add("agency_sheet_without_agency", sheet=s.name, kind=s.kind)


@dataclass
class KeptWhole:
    """A refused multi-agency file as the sender's store keeps it: its whole report, none of
    its rows. Its sheets of several agencies are of the kind ``agencies`` (slot
    ``kind:agencies``), so that accepting it by hand later counts nothing for anyone."""

    report: FileReport
    division: None = None

    @property
    def sheets(self) -> list[SheetReport]:
        from ita_model.validate import SheetReport

        return [
            SheetReport(
                s.name, "agencies" if s.columns is not None and COLUMN in s.columns else s.kind
            )
            for s in self.report.sheets
        ]

    @property
    def issues(self) -> IssueList:
        return self.report.issues

    @property
    def unreadable(self) -> bool:
        return self.report.unreadable

    @property
    def path(self) -> str:
        return self.report.path

    def to_json(self) -> dict[str, Any]:
        return self.report.to_json()

    def frame(self, kind: str) -> pd.DataFrame:
        from ita_model.store.rows import empty_frame

        return empty_frame(kind)


@dataclass
class AgencyPart:
    """One agency's share of a multi-agency file."""

    agency: str
    start: int  # its rows are frame[start:stop] of the file's OIT rows sorted by agency
    stop: int
    issues: list[Issue] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.stop - self.start

    @property
    def warnings(self) -> int:
        return sum(i.severity == "warning" for i in self.issues)


@dataclass
class Split:
    """The file's OIT rows sorted by agency, and each agency's part of them."""

    report: FileReport
    parts: list[AgencyPart]
    common: list[Issue]  # problems of the file that are no agency's row (notices)
    order: np.ndarray | None = None  # the file's rows in agency order (None: already in it)

    @property
    def agencies(self) -> list[str]:
        return [p.agency for p in self.parts]

    @functools.cached_property
    def frame(self) -> pd.DataFrame:
        """Every valid OIT row, by agency (stable: each agency's rows in order)."""
        frame = self.report.frame("oit")
        if self.order is None:
            return frame
        return frame.iloc[self.order].reset_index(drop=True)

    def report_json(self, part: AgencyPart) -> dict[str, Any]:
        """What ``FileReport.to_json`` would say of a file holding only this agency's rows."""
        sheets = [
            {"name": s["name"], "kind": s["kind"], "rows": part.rows, "valid_rows": part.rows}
            if s["kind"] == "oit"
            else s
            for s in self._sheets
        ]
        issues = [
            i.model_dump(mode="json", exclude={"value", "message_en"})
            | {"message_en": i.message_en}
            for i in (*self.common, *part.issues)
        ]
        ok = not any(i["severity"] == "error" for i in issues)
        return {"path": self.report.path, "ok": ok, "sheets": sheets, "issues": issues}

    @property
    def _sheets(self) -> list[dict[str, Any]]:
        return [
            {"name": s.name, "kind": s.kind, "rows": s.rows, "valid_rows": s.valid_rows}
            for s in self.report.sheets
        ]

    @functools.cached_property
    def _columns(self) -> dict[str, FileColumn]:
        """Each column's values in agency order, converted once for the payloads and rows."""
        columns = file_columns(self.report, self.report.frame("oit"), self.order)
        return {c.name: c for c in columns}

    def payloads(self) -> list[bytes]:
        """Each part's OIT rows as ``store.rows.encode_frame`` keeps them, encoded column-wise
        once for the whole file and cut per agency (``agency_parts.py``)."""
        columns = [c for name, c in self._columns.items() if name != COLUMN]
        return payloads(columns, [(p.start, p.stop) for p in self.parts])

    def oit_rows(self) -> list[tuple[Any, ...]]:
        """Every row for ``oit_rows`` as (agency, n, row, division, item, status, url, urls,
        updated, owner, note): n counts within the agency's part, as ``rows.oit_rows`` does."""
        return list(zip(*self.oit_columns(), strict=True))

    def oit_columns(self) -> list[list[Any]]:
        """``oit_rows()`` column by column (the store hands them to the driver so)."""
        n = np.zeros(len(self._columns[COLUMN].values), dtype=np.int64)
        for p in self.parts:
            n[p.start : p.stop] = np.arange(p.rows)
        cols = {c: self._columns[c].present() for c in OIT_ROW_COLUMNS}
        urls = [
            None if u is None else json.dumps(list(u), ensure_ascii=False) for u in cols["urls"]
        ]
        return [
            self._columns[COLUMN].values,
            n.tolist(),
            [int(r) for r in cols["row"]],
            *(cols[c] for c in ("division", "item", "status", "url")),
            urls,
            *(cols[c] for c in ("updated", "owner", "note")),
        ]


def split(report: FileReport) -> Split:
    """The file's valid OIT rows and problems, per agency (call on a file without errors)."""
    frame = report.frame("oit")
    agencies = frame[COLUMN].to_numpy(dtype=object)
    keys = agencies.astype(str)
    order = None
    if not (keys[:-1] <= keys[1:]).all():  # a sheet listed agency by agency is in order already
        order = np.argsort(keys, kind="stable")
        agencies = agencies[order]
    starts = np.flatnonzero(np.r_[True, agencies[1:] != agencies[:-1]]) if len(frame) else []
    bounds = [*np.asarray(starts).tolist(), len(frame)]
    parts = [AgencyPart(str(agencies[a]), a, b) for a, b in itertools.pairwise(bounds)]
    index = {p.agency: p for p in parts}
    where = _row_agency(report)
    common: list[Issue] = []
    for batch in report.issues.batches:
        found = where.get(batch.sheet)
        if batch.rows is None or found is None:
            common.extend(batch.issues())
            continue
        owners = _owners(found, batch.rows)
        for code in dict.fromkeys(owners.tolist()):
            sub = _take(batch, owners == code)
            (index[code].issues if code in index else common).extend(sub.issues())
    return Split(report, parts, common, order)


def _row_agency(report: FileReport) -> dict[str | None, tuple[np.ndarray, np.ndarray]]:
    """Per sheet with an agency column: its valid rows' Excel rows, sorted, and their agencies."""
    out: dict[str | None, tuple[np.ndarray, np.ndarray]] = {}
    for s in report.sheets:
        if s.columns is not None and COLUMN in s.columns:
            rows = np.asarray(s.columns["row"], dtype=np.int64)
            order = np.argsort(rows, kind="stable")
            out[s.name] = (rows[order], np.asarray(s.columns[COLUMN], dtype=object)[order])
    return out


def _owners(found: tuple[np.ndarray, np.ndarray], rows: np.ndarray) -> np.ndarray:
    """The agency of each Excel row (None: a row with no valid record, an error's row)."""
    known, agencies = found
    out = np.full(len(rows), None, dtype=object)
    if not len(known):
        return out
    wanted = np.asarray(rows, dtype=np.int64)
    at = np.minimum(np.searchsorted(known, wanted), len(known) - 1)
    hit = known[at] == wanted
    out[hit] = agencies[at[hit]]
    return out


def _take(batch: IssueBatch, mask: np.ndarray) -> IssueBatch:
    return IssueBatch(
        batch.code,
        batch.sheet,
        batch.column,
        None if batch.rows is None else batch.rows[mask],
        None if batch.values is None else batch.values[mask],
        batch.params,
        {k: v[mask] for k, v in batch.row_params.items()},
    )


@dataclass
class PartReport:
    """One agency's part of a multi-agency file, usable where the store takes a ``FileReport``
    (``recheck``: a file stored per agency is checked again as that agency's part)."""

    whole: Split
    part: AgencyPart | None  # None: the file has no valid row of that agency (any more)
    division: None = None
    unreadable: bool = False

    @property
    def path(self) -> str:
        return self.whole.report.path

    @property
    def sheets(self) -> list[SheetReport]:
        from ita_model.validate import SheetReport

        rows = self.part.rows if self.part else 0
        return [
            SheetReport(s.name, s.kind, rows, rows, {}) if s.kind == "oit" else s
            for s in self.whole.report.sheets
        ]

    @property
    def issues(self) -> IssueList:
        out = IssueList()
        for issue in (*self.whole.common, *(self.part.issues if self.part else [])):
            out.add_issue(issue)
        return out

    def frame(self, kind: str) -> pd.DataFrame:
        from ita_model.store.rows import empty_frame

        if kind != "oit" or self.part is None:
            return empty_frame(kind)
        rows = self.whole.frame.iloc[self.part.start : self.part.stop]
        return rows.drop(columns=[COLUMN]).reset_index(drop=True)

    def to_json(self) -> dict[str, Any]:
        return self.whole.report_json(self.part or AgencyPart("", 0, 0))


def agency_share(report: FileReport, kinds: list[str], agency: str | None) -> Any:
    """What a stored submission of a multi-agency file holds when its file is checked again:
    the agency's part (``PartReport``), or nothing for a file kept whole after it was refused
    (``KeptWhole``); any other file's report as it is."""
    if not is_multi_agency(report):
        return report
    if "agencies" in kinds or agency is None:
        return KeptWhole(report)
    check_sheets(report)
    whole = split(report)
    return PartReport(whole, next((p for p in whole.parts if p.agency == agency), None))


# --------------------------------------------------------------------------- who may


def may_submit_for(actor: Actor, agency: str) -> bool:
    """A system administrator (an admin whose scope is everything, or the single local user of
    a store with no accounts), or an editor (or admin) of that very agency; a supervisor's
    scope reads, never writes."""
    return actor.system_admin or actor.may_write(agency, Role.EDITOR)


def require_submit(actor: Actor, agencies: list[str]) -> None:
    """``agency_write_not_allowed`` naming the agencies ``actor`` may not submit for."""
    refused = [a for a in agencies if not may_submit_for(actor, a)]
    if refused:
        more = len(refused) - 10
        shown = ", ".join(refused[:10]) + (f" … (+{more:,})" if more > 0 else "")
        raise NotAllowed(
            "agency_write_not_allowed",
            name=actor.name,
            own=actor.agency,
            agency=shown,
            what_th="ส่งข้อมูล",
            what_en="submit the rows",
        )
