"""The checks of the OIT kind: each row's item, status, division (or, in a sheet of several
agencies, agency), links and date; the same item twice for one reporter; an item a division
does not own. A mixin of ``sheet_checks._KindChecks``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pyarrow.compute as pc

from ita_model.agency_column import COLUMN, AgencyMatcher, one_agency, read_agency_column
from ita_model.column_checks import _ColumnChecks
from ita_model.framework import Framework, item_code, parse_item_code
from ita_model.organisation import Organisation
from ita_model.reader.arrow import to_bools
from ita_model.records import Status
from ita_model.sheet_columns import (
    Columns,
    _Bad,
    _empty_lists,
    _pair_codes,
    _Pairs,
    _SheetContext,
    _text,
)
from ita_model.suggest import hint

if TYPE_CHECKING:
    from ita_model.validate import FileReport

_URL = re.compile(r"https?://[^\s,]+", re.IGNORECASE)
_ONE_URL = r"^(?i:https?://[^\s,]+)$"


class _OitChecks(_ColumnChecks):
    """What ``_Checker`` does with an OIT sheet once its header is known."""

    report: FileReport
    fw: Framework
    org: Organisation
    agencies: AgencyMatcher | None

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
