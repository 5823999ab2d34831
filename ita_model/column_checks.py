"""A sheet's columns checked cell by cell, each distinct value once: the value read or refused
(``_Bad``), every refused cell reported where it is (sheet, row, column), the status and date
columns every kind has. The base of the checks of each kind (``oit_checks``, ``sheet_checks``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ita_model.issues import IssueList
from ita_model.records import Status, allowed_status_words, parse_status, suggest_status
from ita_model.sheet_columns import _Bad, _Column, _read_date, _SheetContext
from ita_model.suggest import hint

_PER_VALUE = ("suggestion", "hint_th", "hint_en")  # parameters that differ cell by cell


class _ColumnChecks:
    """What every kind's checks do with a column: read it, report what it refuses."""

    issues: IssueList

    def _parse(
        self, ctx: _SheetContext, name: str, fn: Callable[[str], Any], **options: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """Apply ``fn`` once per distinct value of a column; report the cells it refuses.

        Returns (values per row, bad mask); ``options`` as for ``_parse_codes``.
        """
        lookup, codes, bad = self._parse_codes(ctx, name, fn, **options)
        return lookup[codes], bad

    def _parse_codes(
        self,
        ctx: _SheetContext,
        name: str,
        fn: Callable[[str], Any],
        *,
        required: bool = False,
        blank_value: Any = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(value per distinct cell, code per row, bad mask). A blank cell of a ``required``
        column is an error; blank cells take ``blank_value``."""
        n = len(ctx.rows)
        col = ctx.cols.get(name)
        if col is None:
            lookup = np.empty(1, dtype=object)
            lookup[0] = blank_value
            return lookup, np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=bool)
        values = np.empty(len(col.uniques) + 1, dtype=object)
        values[-1] = blank_value
        codes: dict[str, list[int]] = {}
        params: dict[str, dict[str, Any]] = {}
        hints: dict[str, dict[str, np.ndarray]] = {}  # per code: a "did you mean" per value
        for k, text in enumerate(col.uniques):
            try:
                values[k] = fn(text)
            except _Bad as bad:
                values[k] = blank_value
                codes.setdefault(bad.code, []).append(k)
                own = {p: bad.params.pop(p) for p in _PER_VALUE if p in bad.params}
                params[bad.code] = bad.params
                for p, v in own.items():
                    arr = hints.setdefault(bad.code, {}).get(p)
                    if arr is None:
                        arr = hints[bad.code][p] = np.full(len(col.uniques) + 1, "", dtype=object)
                    arr[k] = v
        bad = np.zeros(n, dtype=bool)
        label = ctx.header.labels[name]
        for code, ks in codes.items():
            mask = np.isin(col.codes, ks)
            bad |= mask
            self._report(ctx, code, label, mask, col, per_value=hints.get(code), **params[code])
        if required:
            mask = col.blank
            self._report(ctx, "missing_value", label, mask, None)
            bad |= mask
        return values, col.codes, bad

    def _report(
        self,
        ctx: _SheetContext,
        code: str,
        column: str | None,
        mask: np.ndarray,
        raw: _Column | np.ndarray | None,
        per_value: dict[str, np.ndarray] | None = None,
        **params: Any,
    ) -> None:
        idx = np.flatnonzero(mask)
        if len(idx) == 0:
            return
        if isinstance(raw, _Column):
            values = raw.lookup()[raw.codes[idx]]
        else:
            values = raw[idx] if raw is not None else None
        params.pop("value", None)
        row_params = None
        if per_value and isinstance(raw, _Column):  # one "did you mean" per cell's value
            row_params = {n: arr[raw.codes[idx]] for n, arr in per_value.items()}
        self.issues.add(
            code,
            sheet=ctx.sheet.name,
            column=column,
            rows=ctx.rows[idx],
            values=values,
            row_params=row_params,
            **params,
        )

    def _status(self, ctx: _SheetContext, *, blank_warns: bool = True) -> tuple[np.ndarray, Any]:
        def read(text: str) -> str:
            s = parse_status(text)
            if s is None:
                raise _Bad(
                    "unknown_status", allowed=allowed_status_words(), **hint(suggest_status(text))
                )
            return s.value

        values, bad = self._parse(ctx, "status", read, blank_value=None)
        col = ctx.cols.get("status")
        if col is not None and blank_warns:
            blank = col.blank
            self._report(ctx, "blank_status", ctx.header.labels["status"], blank, None)
            values = np.where(blank, Status.NOT_STARTED.value, values)
        return values, bad

    def _dates(self, ctx: _SheetContext, name: str, *, required: bool = False) -> tuple[Any, Any]:
        return self._parse(ctx, name, _read_date, required=required)
