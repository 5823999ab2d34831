"""The checks of each sheet kind (OIT items, measures, timeline, surveys, scores): every column
of the kind read once per distinct value, the rows kept or refused, each problem located. A mixin
of ``validate._Checker``, which reads the file and finds each sheet's kind and header.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow.compute as pc

from ita_model import thai
from ita_model.agency_column import COLUMN, one_agency, read_agency_column
from ita_model.framework import Framework, item_code, parse_item_code
from ita_model.issues import IssueList
from ita_model.organisation import Organisation
from ita_model.reader.arrow import to_bools
from ita_model.records import Status, allowed_status_words, parse_status, suggest_status
from ita_model.sheet_columns import (
    Columns,
    _Bad,
    _Column,
    _empty_lists,
    _one,
    _pair_codes,
    _Pairs,
    _period_dict,
    _phase,
    _read_date,
    _read_int,
    _SheetContext,
    _text,
    _tool,
)
from ita_model.suggest import hint

if TYPE_CHECKING:
    from ita_model.validate import FileReport

_URL = re.compile(r"https?://[^\s,]+", re.IGNORECASE)
_ONE_URL = r"^(?i:https?://[^\s,]+)$"
_PER_VALUE = ("suggestion", "hint_th", "hint_en")  # parameters that differ cell by cell


class _KindChecks:
    """What ``_Checker`` does with a sheet once its kind and header are known."""

    report: FileReport
    fw: Framework
    org: Organisation
    issues: IssueList

    # ---- helpers for the kinds

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

    # ---- the five kinds

    def _oit(self, ctx: _SheetContext) -> tuple[Columns, np.ndarray]:
        last = self.fw.last_item_number

        def read_item(text: str) -> str:
            number = parse_item_code(text)
            if number is None:
                raise _Bad("bad_item_code")
            code = item_code(number)
            if not self.fw.has_item(code):
                raise _Bad("unknown_item", year=self.fw.year, last=last)
            return code

        item_of, item_codes, bad_item = self._parse_codes(ctx, "item", read_item, required=True)
        items = item_of[item_codes]
        status, bad_status = self._status(ctx)

        def read_division(text: str) -> str:
            div = self.org.match_division(text)
            if div is None:
                near = self.org.nearest_division(text)
                raise _Bad("unknown_division", **hint(near.name_th if near else None))
            return self.org.reporting_division(div.id).id

        fallback = self.report.division  # for blank cells, or when there is no such column
        if COLUMN in ctx.cols and one_agency(self.agencies):
            label = ctx.header.labels[COLUMN]
            self.issues.add("agency_column_ignored", sheet=ctx.sheet.name, column=label)
            del ctx.cols[COLUMN]
        multi = COLUMN in ctx.cols  # a sheet of several agencies, each as a whole
        if not self.org.divisions and not multi and "division" in ctx.cols:
            # an agency with no divisions set up reports as a whole: its rows name no division
            label = ctx.header.labels["division"]
            self.issues.add("whole_agency_division_ignored", sheet=ctx.sheet.name, column=label)
            del ctx.cols["division"]
        if multi:  # div_of/div_codes: the agencies, for the duplicate check below
            div_of, div_codes, bad_div = read_agency_column(self, ctx)
            divisions = np.full(len(ctx.rows), None, dtype=object)
        else:
            div_of, div_codes, bad_div = self._parse_codes(
                ctx, "division", read_division, blank_value=fallback
            )
            divisions = div_of[div_codes]
        # an agency with no divisions (no set-up of its own) reports as a whole: a row naming no
        # division is the agency's own, not a row whose division is missing
        if fallback is None and not multi and self.org.divisions:
            no_div = np.array([d is None for d in div_of], dtype=bool)[div_codes] & ~bad_div
            self._report(ctx, "no_division", None, no_div, None)
            bad_div = bad_div | no_div
        has_url, links = self._urls(ctx)
        updated, bad_date = self._dates(ctx, "updated")
        keep = ~(bad_item | bad_status | bad_div | bad_date)
        frame = dict(
            {
                "row": ctx.rows,
                "item": items,
                "status": status,
                "division": divisions,
                "url": lambda: links()[0],
                "urls": lambda: links()[1],
                "updated": updated,
                "owner": _text(ctx, "owner"),
                "note": _text(ctx, "note"),
            }
        )
        if multi:
            frame[COLUMN] = div_of[div_codes]
        label_item = ctx.header.labels["item"]
        done_no_url = keep & (status == Status.DONE.value) & ~has_url
        self._report(ctx, "done_without_url", ctx.header.labels.get("url"), done_no_url, items)
        pairs = _Pairs(_pair_codes(div_of, div_codes, item_of, item_codes), keep)
        self._duplicates(ctx, pairs, items, label_item)
        if not multi and self.org.divisions:  # no divisions: nothing is anyone's to warn about
            self._unassigned(ctx, pairs, items, divisions, label_item)
        return frame, keep

    def _duplicates(self, ctx: _SheetContext, pairs: _Pairs, items: np.ndarray, label: str) -> None:
        """The same item twice for one division: warn on the later rows (the last one counts)."""
        if len(pairs.starts) == len(pairs.order):
            return
        later = np.ones(len(pairs.order), dtype=bool)
        later[pairs.starts] = False
        idx = np.sort(pairs.order[later])  # in the sheet's order, as the rows are reported
        first_row = np.zeros(int(pairs.codes.max()) + 1, dtype=np.int64)
        first_row[pairs.codes[pairs.order[pairs.starts]]] = ctx.rows[pairs.order[pairs.starts]]
        self.issues.add(
            "duplicate_item",
            sheet=ctx.sheet.name,
            column=label,
            rows=ctx.rows[idx],
            values=items[idx],
            row_params={"first_row": first_row[pairs.codes[idx]]},
        )

    def _unassigned(
        self,
        ctx: _SheetContext,
        pairs: _Pairs,
        items: np.ndarray,
        divisions: np.ndarray,
        label: str,
    ) -> None:
        """An item the division does not own: kept, with a warning naming its owners."""
        order, starts = pairs.order, pairs.starts
        if not len(order):
            return
        ends = [*starts[1:].tolist(), len(order)]
        mine: dict[str, tuple[set[str], str]] = {}  # per division: its items, its name
        owners_of: dict[str, str] = {}  # per item, not per (division, item) pair
        for start, end in zip(starts.tolist(), ends, strict=True):
            at = order[start]
            div, item = divisions[at], items[at]
            if div not in mine:
                own = set(self.org.items_of(div, self.fw.year))
                mine[div] = own, self.org.division(div).name_th
            if item not in owners_of:
                owned_by = self.org.owners(item, self.fw.year)
                owners_of[item] = ", ".join(d.name_th for d in owned_by)
            if item in mine[div][0] or not owners_of[item]:
                continue  # an item nobody owns yet counts from whoever reports it: no warning
            rows = order[start:end]
            self.issues.add(
                "item_not_assigned",
                sheet=ctx.sheet.name,
                column=label,
                rows=ctx.rows[rows],
                values=items[rows],
                division=mine[div][1],
                owners=owners_of[item],
            )

    def _urls(
        self, ctx: _SheetContext
    ) -> tuple[np.ndarray, Callable[[], tuple[np.ndarray, np.ndarray]]]:
        """Whether each row has a URL (a hyperlink counts when the text is not a URL), and a
        function giving the first URL per row and all of them, called when the rows are."""
        n = len(ctx.rows)
        col = ctx.cols.get("url")
        if col is None:
            return np.zeros(n, dtype=bool), lambda: (
                np.full(n, None, dtype=object),
                _empty_lists(n),
            )
        pos = ctx.header.columns["url"]
        abs_col = ctx.sheet.first_col + pos
        links = {r: target for (r, c), target in ctx.sheet.hyperlinks.items() if c == abs_col}
        # most cells hold exactly one URL: those are taken as they are, without Python
        single = np.zeros(len(col.dictionary) + 1, dtype=bool)
        if len(col.dictionary):
            single[:-1] = to_bools(pc.match_substring_regex(col.dictionary, _ONE_URL))
        has_url = single.copy()
        found_in: dict[int, list[str]] = {}  # the other values: the URLs in their text
        for k in np.flatnonzero(~single[:-1]).tolist():
            found_in[k] = _URL.findall(col.uniques[k])
            has_url[k] = bool(found_in[k])
        found = has_url[col.codes]  # a blank cell (-1) picks the last slot: False
        no_url = ~found & ~col.blank
        linked: dict[int, str] = {}  # row -> the hyperlink standing for its text
        if links:
            row_index = {int(r): i for i, r in enumerate(ctx.rows.tolist())}
            for r, target in links.items():
                i = row_index.get(r)
                if i is not None and not found[i] and _URL.match(target or ""):
                    linked[i] = target
                    no_url[i], found[i] = False, True
        self._report(ctx, "bad_url", ctx.header.labels["url"], no_url, col)

        @cache
        def rows() -> tuple[np.ndarray, np.ndarray]:
            lookup = col.lookup()
            first_of = np.where(single, lookup, None)
            every_of = np.empty(len(lookup), dtype=object)
            every_of[-1] = []
            for k, urls in found_in.items():
                first_of[k] = urls[0] if urls else None
                every_of[k] = urls
            first = first_of[col.codes]
            every = every_of[col.codes]  # None where the cell holds exactly one URL: OitRecord
            for i, target in linked.items():
                first[i], every[i] = target, [target]
            return first, every

        return found, rows

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
