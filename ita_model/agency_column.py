"""The agency column of a multi-agency OIT status sheet: each row names a registered agency.

A province's or a ministry's office sends one sheet for all its agencies: ``หน่วยงาน``,
``รหัสหน่วยงาน``, ``ชื่อหน่วยงาน``, ``agency`` or ``agency code`` beside ``ข้อ``, ``สถานะ``,
``ลิงก์``, … (``sheet_kinds.yaml``; the header words are matched exactly, so
``หน่วยงานที่รับผิดชอบ`` stays the division column of the contract). A cell names an agency of the
registry by its code (Thai digits as digits, case ignored) or by its name as a clerk writes it
(``norm_words``; spaces inside the name ignored too); anything else is ``unknown_agency`` with the
nearest name, and a name two agencies share is ``ambiguous_agency`` naming their codes.

Each agency reports as a whole in such a sheet (its rows have no division); a division column
there is not used (a notice says so). Checked without a registry (``validate`` of a file alone),
the cells are kept as written and a notice says the check is made by ``submit``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from ita_model.agencies import DEFAULT_AGENCY, AgencyRecord, norm_words
from ita_model.sheet_columns import _Bad
from ita_model.suggest import hint, nearest

if TYPE_CHECKING:
    from ita_model.sheet_columns import _SheetContext
    from ita_model.validate import _Checker

COLUMN = "agency"
MAX_SUGGESTIONS = 50  # distinct unknown names given a "did you mean": each one scans the registry
_AMBIGUOUS_SHOWN = 5


class AgencyProblem(Exception):
    """A cell that names no single registered agency: its code and template parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _squash(text: str) -> str:
    return norm_words(text).replace(" ", "")


class AgencyMatcher:
    """Registered agencies by code and by name; built on first use (``registry`` may be a
    function, so that a sheet without an agency column never reads the registry)."""

    def __init__(self, registry: Iterable[AgencyRecord] | Callable[[], Iterable[AgencyRecord]]):
        self._source = registry
        self._codes: dict[str, str] | None = None
        self._names: dict[str, list[str]] = {}
        self._records: dict[str, AgencyRecord] = {}
        self._suggested = 0

    def _load(self) -> dict[str, str]:
        if self._codes is None:
            records = self._source() if callable(self._source) else self._source
            self._codes = {}
            for r in records:
                self._records[r.code] = r
                self._codes[r.code.casefold()] = r.code
                self._names.setdefault(_squash(r.name), []).append(r.code)
        return self._codes

    def codes(self) -> set[str]:
        return set(self._load().values())

    def record(self, code: str) -> AgencyRecord:
        self._load()
        return self._records[code]

    def match(self, text: str) -> str:
        """The code of the agency ``text`` names; ``AgencyProblem`` otherwise."""
        from ita_model.agency_sheet import read_code

        codes = self._load()
        code = read_code(text)
        if code is not None and code.casefold() in codes:
            return codes[code.casefold()]
        found = self._names.get(_squash(text))
        if found is None:  # "5001 องค์การบริหารส่วนจังหวัดพะเยา": a code, then its own name
            first, _, rest = text.strip().partition(" ")
            code = read_code(first)
            known = codes.get(code.casefold()) if code else None
            if known and rest and _squash(rest) == _squash(self._records[known].name):
                return known
            raise AgencyProblem("unknown_agency", **hint(self._nearest(text)))
        if len(found) > 1:
            shown = ", ".join(found[:_AMBIGUOUS_SHOWN]) + (
                "…" if len(found) > _AMBIGUOUS_SHOWN else ""
            )
            raise AgencyProblem(
                "ambiguous_agency",
                suggestion="",
                hint_th=f" (รหัส {shown})",
                hint_en=f" (codes {shown})",
            )
        return found[0]

    def _nearest(self, text: str) -> str | None:
        """The registered name closest to ``text``, for the first ``MAX_SUGGESTIONS`` names."""
        if self._suggested >= MAX_SUGGESTIONS:
            return None
        self._suggested += 1
        choices = {key: codes[0] for key, codes in self._names.items()}
        code = nearest(_squash(text), choices)
        return None if code is None else f"{code} {self._records[code].name}"


def read_agency_column(
    checker: _Checker, ctx: _SheetContext
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(agency code per distinct cell, index into it per row, bad mask), as
    ``_Checker._parse_codes`` gives them; the problems are reported on the way."""
    label = ctx.header.labels[COLUMN]
    if "division" in ctx.cols:
        checker.issues.add(
            "agency_division_ignored", sheet=ctx.sheet.name, column=ctx.header.labels["division"]
        )
    matcher: AgencyMatcher | None = checker.agencies
    if matcher is None:
        checker.issues.add("agency_not_checked", sheet=ctx.sheet.name, column=label)
        return checker._parse_codes(ctx, COLUMN, str, required=True)

    def read(text: str) -> str:
        try:
            return matcher.match(text)
        except AgencyProblem as problem:
            raise _Bad(problem.code, **problem.params) from None

    return checker._parse_codes(ctx, COLUMN, read, required=True)


def one_agency(matcher: AgencyMatcher | None) -> bool:
    """A store that holds only its own agency: none of its sheets lists agencies, so a column
    headed หน่วยงาน there is the clerk's own (a division's), read as the contract always did."""
    return matcher is not None and not matcher.codes() - {DEFAULT_AGENCY}
