"""The checks of each sheet kind (OIT items, measures, timeline, surveys, scores): every column
of the kind read once per distinct value, the rows kept or refused, each problem located. A mixin
of ``validate._Checker``, which reads the file and finds each sheet's kind and header; the OIT
kind's checks are in ``oit_checks``, the reading of a column's cells in ``column_checks``.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from ita_model import thai
from ita_model.oit_checks import _OitChecks
from ita_model.sheet_columns import (
    Columns,
    _Bad,
    _one,
    _period_dict,
    _phase,
    _read_int,
    _SheetContext,
    _text,
    _tool,
)


class _KindChecks(_OitChecks):
    """What ``_Checker`` does with a sheet once its kind and header are known."""

    # ---- the other four kinds (OIT: ``oit_checks``)

    def _measures(self, ctx: _SheetContext) -> tuple[Columns, np.ndarray]:
        n = len(ctx.rows)
        measure_col = ctx.cols["measure"]
        # a blank measure continues the measure above it (merged cells)
        measure = measure_col.raw.copy()
        for i in range(1, n):
            if measure[i] is None:
                measure[i] = measure[i - 1]
        orphan = np.array([m is None for m in measure], dtype=bool)
        self._report(ctx, "missing_value", ctx.header.labels["measure"], orphan, None)
        action, bad_action = self._parse(ctx, "action", str, required=True)
        periods: list[Any] = []
        col = ctx.cols.get("period")
        period_text = col.raw if col is not None else np.full(n, None, dtype=object)

        def read_period(text: str) -> Any:
            try:
                return thai.parse_period(text)
            except thai.PeriodError as exc:
                raise _Bad("bad_period") from exc

        periods, _bad_period_rows = self._parse(ctx, "period", read_period)
        status, bad_status = self._status(ctx)
        keep = ~(orphan | bad_action | bad_status)
        frame = dict(
            {
                "row": ctx.rows,
                "measure": measure,
                "action": action,
                "responsible": _text(ctx, "responsible"),
                "period": [_period_dict(p) for p in periods],
                "period_text": period_text,
                "result": _text(ctx, "result"),
                "suggestion": _text(ctx, "suggestion"),
                "status": status,
            }
        )
        return frame, keep

    def _timeline(self, ctx: _SheetContext) -> tuple[Columns, np.ndarray]:
        def read_start(text: str) -> tuple[Any, Any]:
            try:
                d = thai.parse_date(text)
                return d, None
            except thai.DateError as exc:
                if exc.kind == "nonexistent":
                    raise _Bad("nonexistent_date") from exc
            try:
                p = thai.parse_period(text)
            except thai.PeriodError as exc:
                raise _Bad("bad_date") from exc
            return p.start, p.end

        def read_end(text: str) -> Any:
            first, last = read_start(text)
            return last or first

        activity, bad_activity = self._parse(ctx, "activity", str, required=True)
        span, bad_start = self._parse(ctx, "start", read_start, required=True)
        start = np.array([s[0] if s else None for s in span], dtype=object)
        implied_end = np.array([s[1] if s else None for s in span], dtype=object)
        end, bad_end = self._parse(ctx, "end", read_end)
        end = np.where(np.array([e is None for e in end], dtype=bool), implied_end, end)
        order = np.array(
            [s is not None and e is not None and e < s for s, e in zip(start, end, strict=True)],
            dtype=bool,
        )
        for i in np.flatnonzero(order & ~bad_start & ~bad_end):
            self._report(
                ctx,
                "end_before_start",
                ctx.header.labels.get("end", ctx.header.labels["start"]),
                _one(len(ctx.rows), i),
                None,
                start=thai.format_date(start[i]),
                end=thai.format_date(end[i]),
            )
        status, bad_status = self._status(ctx, blank_warns=False)
        keep = ~(bad_activity | bad_start | bad_end | order | bad_status)
        frame = dict(
            {
                "row": ctx.rows,
                "activity": activity,
                "start": start,
                "end": end,
                "phase": [_phase(p) for p in _text(ctx, "phase")],
                "status": status,
                "note": _text(ctx, "note"),
            }
        )
        return frame, keep

    def _survey(self, ctx: _SheetContext) -> tuple[Columns, np.ndarray]:
        def read_tool(text: str) -> str:
            tool = _tool(text)
            if tool is None:
                raise _Bad("unknown_tool")
            return tool

        tool, bad_tool = self._parse(ctx, "tool", read_tool, required=True)
        respondents, bad_resp = self._parse(ctx, "respondents", _read_int, required=True)
        target, bad_target = self._parse(ctx, "target", _read_int)
        when, bad_date = self._dates(ctx, "date")
        keep = ~(bad_tool | bad_resp | bad_target | bad_date)
        frame = dict(
            {
                "row": ctx.rows,
                "tool": tool,
                "respondents": respondents,
                "date": when,
                "target": target,
            }
        )
        return frame, keep

    def _scores(self, ctx: _SheetContext) -> tuple[Columns, np.ndarray]:
        def read_year(text: str) -> int:
            t = thai.to_arabic_digits(text).replace("พ.ศ.", "").strip()
            t = re.sub(r"^(ปีงบประมาณ|ปี)\s*", "", t)
            if t.endswith(".0"):
                t = t[:-2]
            if not (t.isdecimal() and len(t) <= 4):  # not isdigit(): int() refuses '²⁵⁶⁵'
                raise _Bad("bad_year")
            y = int(t)
            if y < 100:
                y += 2500
            elif y < 2400:
                y += 543
            if not 2500 <= y <= 2700:
                raise _Bad("bad_year")
            return y

        year, bad_year = self._parse(ctx, "year", read_year, required=True)
        indicator, bad_ind = self._parse(
            ctx, "indicator", lambda t: self._indicator(t), required=True
        )

        def read_score(text: str) -> float:
            t = thai.to_arabic_digits(text).replace(",", "").rstrip("%").strip()
            try:
                v = float(t)
            except ValueError as exc:
                raise _Bad("bad_number") from exc
            if not math.isfinite(v):  # 'nan', 'inf', '1e999'
                raise _Bad("bad_number")
            if not 0 <= v <= 100:
                raise _Bad("score_out_of_range")
            return v

        score, bad_score = self._parse(ctx, "score", read_score, required=True)
        keep = ~(bad_year | bad_ind | bad_score)
        frame = dict(
            {
                "row": ctx.rows,
                "year": year,
                "indicator": indicator,
                "score": score,
                "tool": _text(ctx, "tool"),
            }
        )
        return frame, keep

    def _indicator(self, text: str) -> str:
        t = re.sub(r"\s+", "", thai.to_arabic_digits(text)).casefold()
        t = re.sub(r"^(ตัวชี้วัดที่|ตัวชี้วัด|indicator)", "", t)
        if t in {"รวม", "คะแนนรวม", "total", "ita"}:
            return "total"
        if t.upper() in {"IIT", "EIT", "OIT"}:
            return t.upper()
        m = re.match(r"^(\d{1,2})(\.0)?(\D.*)?$", t)
        if m and 1 <= int(m.group(1)) <= len(self.fw.indicators):
            return str(int(m.group(1)))
        for ind in self.fw.indicators:
            if t in {re.sub(r"\s+", "", ind.name_th), ind.name_en.replace(" ", "").casefold()}:
                return str(ind.number)
        raise _Bad("unknown_indicator")
