"""Collecting problems column-wise: one batch per (code, column), turned into ``Issue`` lines
only when someone reads them. A 356,900-row sheet with a problem on every row stays cheap."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np

from ita_model.errors import CODES, Issue, Severity, make_issue


@dataclass
class IssueBatch:
    code: str
    sheet: str | None
    column: str | None
    rows: np.ndarray | None  # Excel row numbers; None for a sheet- or file-level problem
    values: np.ndarray | None = None  # the cell text per row
    params: dict[str, Any] = field(default_factory=dict)  # shared by every row
    row_params: dict[str, np.ndarray] = field(default_factory=dict)  # one value per row
    prebuilt: Issue | None = None  # an issue already worded (an unreadable file's)

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def __len__(self) -> int:
        return 1 if self.rows is None else len(self.rows)

    def issues(self) -> Iterator[Issue]:
        if self.prebuilt is not None:
            yield self.prebuilt
            return
        if self.rows is None:
            yield make_issue(self.code, sheet=self.sheet, column=self.column, **self.params)
            return
        for i, row in enumerate(self.rows.tolist()):
            params = dict(self.params)
            if self.values is not None:
                params["value"] = self.values[i]
            for name, arr in self.row_params.items():
                params[name] = arr[i]
            yield make_issue(self.code, sheet=self.sheet, row=row, column=self.column, **params)


@dataclass
class IssueList:
    batches: list[IssueBatch] = field(default_factory=list)

    def add(
        self,
        code: str,
        *,
        sheet: str | None = None,
        column: str | None = None,
        rows: np.ndarray | None = None,
        values: np.ndarray | None = None,
        row_params: dict[str, np.ndarray] | None = None,
        **params: Any,
    ) -> None:
        if rows is not None and len(rows) == 0:
            return
        self.batches.append(IssueBatch(code, sheet, column, rows, values, params, row_params or {}))

    def add_issue(self, issue: Issue) -> None:
        self.batches.append(IssueBatch(issue.code, issue.sheet, issue.column, None, prebuilt=issue))

    def count(self, severity: Severity) -> int:
        return sum(len(b) for b in self.batches if b.severity == severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    def __iter__(self) -> Iterator[Issue]:
        """Every problem, in sheet order, then by Excel row."""
        order = {}
        for b in self.batches:
            order.setdefault(b.sheet, len(order))
        everything = [i for b in self.batches for i in b.issues()]
        everything.sort(key=lambda i: (order.get(i.sheet, -1), i.row or 0))
        return iter(everything)

    def __len__(self) -> int:
        return sum(len(b) for b in self.batches)

    def sample(self, per_code: int) -> tuple[list[Issue], dict[str, int]]:
        """At most ``per_code`` problems of each code (in order), and how many were left out.

        Only the problems shown are worded: a sheet with a problem on every row stays cheap.
        """
        shown: list[Issue] = []
        left: dict[str, int] = {}
        taken: dict[str, int] = {}
        for b in self.batches:
            room = per_code - taken.get(b.code, 0)
            batch = list(islice(b.issues(), max(room, 0)))
            taken[b.code] = taken.get(b.code, 0) + len(batch)
            shown.extend(batch)
            if len(b) > len(batch):
                left[b.code] = left.get(b.code, 0) + len(b) - len(batch)
        order = {b.sheet: i for i, b in reversed(list(enumerate(self.batches)))}
        shown.sort(key=lambda i: (order.get(i.sheet, -1), i.row or 0))
        return shown, left
