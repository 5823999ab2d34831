"""A sheet's columns as the checks read them: each column's cells as codes into its distinct
values (a slot per row where nearly all differ), the rows that hold data, and the readers of one
cell's text. The checks of each kind (``sheet_checks``) and the file's (``validate``) use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ita_model import thai
from ita_model.reader import RawSheet
from ita_model.reader.arrow import to_bools, to_codes
from ita_model.schema import Header, SheetKind, normalise_header

_MAX_DIGITS = 12  # a count of respondents or a target: a longer number is a typo, not a count
_COUNT = re.compile(rf"\+?0*(\d{{1,{_MAX_DIGITS}}})(?:\.0*)?")
# A cell that shows nothing is blank: white space (no-break too), zero-width and direction marks
# (from Word and the web), or an Excel error value written out as text (a CSV export of #REF!).
_BLANK = (
    r"^[\s\p{Z}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2064}\x{2066}-\x{2069}\x{FEFF}]*"
    r"(?:#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!|FIELD!))?"
    r"[\s\p{Z}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2064}\x{2066}-\x{2069}\x{FEFF}]*$"
)


class _Bad(Exception):
    """A cell value that does not read: its code and template parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params


Columns = dict[str, np.ndarray]


@dataclass
class _Column:
    """One column's cells as codes into its (stripped) values; -1 is a blank cell. The values
    are distinct, except in a column whose values nearly all differ: one slot per row there."""

    codes: np.ndarray  # int per row
    dictionary: pa.Array  # the distinct values, as Arrow strings

    @cached_property
    def uniques(self) -> list[str]:
        return self.dictionary.to_pylist()

    @property
    def blank(self) -> np.ndarray:
        return self.codes < 0

    @cached_property
    def raw(self) -> np.ndarray:
        """The text per row (None when blank): built only where every row's text is needed."""
        return self.lookup()[self.codes]

    def take(self, rows: np.ndarray) -> _Column:
        """The column at these rows only (the distinct values stay as they are)."""
        return _Column(self.codes[rows], self.dictionary)

    def lookup(self) -> np.ndarray:
        """Distinct values, plus a last None slot that code -1 picks."""
        out = np.empty(len(self.uniques) + 1, dtype=object)
        out[:-1] = self.uniques
        return out


class _Pairs:
    """The kept rows grouped by (division, item): ``order`` the kept rows sorted by pair, in
    the sheet's order within a pair; each pair's run starts at ``starts``. One sort for the
    duplicates and the unassigned items; a radix sort when the pairs are few (as they are)."""

    def __init__(self, codes: np.ndarray, keep: np.ndarray) -> None:
        self.codes = codes
        kept = np.flatnonzero(keep)
        small = len(codes) and codes.max() < np.iinfo(np.int16).max
        keys = codes[kept].astype(np.int16 if small else np.int64)
        self.order = kept[np.argsort(keys, kind="stable")]
        runs = codes[self.order]
        self.starts = np.flatnonzero(np.r_[True, runs[1:] != runs[:-1]]) if len(runs) else runs


@dataclass
class _SheetContext:
    sheet: RawSheet
    header: Header
    cols: dict[str, _Column]
    rows: np.ndarray  # Excel row number per data row (blank rows and repeated headers left out)


# --------------------------------------------------------------------------- small readers


def sheet_height(sheet: RawSheet) -> int:
    return len(sheet.columns[0]) if sheet.columns else 0


def _top_rows(sheet: RawSheet) -> list[list[str | None]]:
    """The first rows as lists of cells, for header detection and metadata lines."""
    h = min(sheet_height(sheet), 15)
    cols = [c.slice(0, h).to_pylist() for c in sheet.columns]
    return [[col[r] for col in cols] for r in range(h)]


def _read_column(arr: pa.Array | pa.ChunkedArray, start: int, n: int) -> _Column:
    """The column's rows as codes into its distinct stripped values, blanks as -1.

    The distinct raw values are found first, so trimming and the blank test run once per
    value, not once per cell. No Python value is handed to pyarrow: the first one makes it
    import pandas (0.2-0.4 s the command line has no use for).
    """
    part = arr.slice(start, n)
    if isinstance(part, pa.ChunkedArray):
        part = part.combine_chunks()
    part = part.cast(pa.string())
    if n >= _MANY_ROWS and _mostly_distinct(part):
        return _one_per_row(part)
    raw = pc.dictionary_encode(part)
    codes = to_codes(raw.indices)
    stripped = pc.utf8_trim_whitespace(raw.dictionary)
    blank = pc.match_substring_regex(stripped, _BLANK)
    trimmed = (
        pc.sum(pc.utf8_length(stripped)).as_py() != pc.sum(pc.utf8_length(raw.dictionary)).as_py()
    )
    if not trimmed and not pc.any(blank).as_py():
        return _Column(codes, stripped)  # the values are distinct already: no second pass
    stripped = pc.if_else(blank, pa.nulls(len(stripped), pa.string()), stripped)
    distinct = pc.dictionary_encode(stripped)  # " a" and "a" are one value
    remap = np.append(to_codes(distinct.indices), -1)  # a blank cell (-1) picks the last slot
    return _Column(remap[codes], distinct.dictionary)


_MANY_ROWS = 8192  # below this, numbering the distinct values costs nothing worth saving
_SAMPLE_ROWS = 1024


def _mostly_distinct(part: pa.Array) -> bool:
    """Whether nearly every one of the column's first rows differs (a link per row)."""
    head = part.slice(0, _SAMPLE_ROWS)
    return bool(pc.count_distinct(head).as_py() > 0.9 * len(head))


def _one_per_row(part: pa.Array) -> _Column:
    """A column whose values nearly all differ, each row its own slot (blanks -1): numbering
    356,900 links that are all different only to find each once cost a tenth of a second."""
    n = len(part)
    stripped = pc.utf8_trim_whitespace(part)
    blank = pc.or_kleene(pc.match_substring_regex(stripped, _BLANK), pc.is_null(stripped))
    codes = np.arange(n, dtype=np.int64)
    codes[to_bools(blank)] = -1
    # a blank row's slot, never picked, holds "" rather than None: each slot is text
    empty = pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(np.zeros(n + 1, dtype=np.int32)), pa.py_buffer(b"")]
    )
    return _Column(codes, pc.coalesce(stripped, empty))


def _data_rows(cols: dict[str, _Column], spec: SheetKind) -> np.ndarray:
    """Positions of the rows that hold data: not blank in every recognised column (a spacer, a
    note beside the table, a row of #REF!), and not the header row again (a second table, a
    header repeated on every printed page): a row whose every filled cell is its column's
    header word, two at least."""
    n = len(next(iter(cols.values())).codes) if cols else 0
    filled = np.zeros(n, dtype=np.int64)
    for col in cols.values():
        filled += ~col.blank
    data = filled > 0
    # candidates first, from one required column's distinct values (a few, on any real sheet)
    first = cols[spec.required[0]]
    words = {normalise_header(a) for a in spec.columns[spec.required[0]]}
    text = pc.utf8_lower(pc.replace_substring_regex(first.dictionary, r"\s+", ""))
    lookup = np.zeros(len(first.dictionary) + 1, dtype=bool)
    lookup[:-1] = [t in words for t in pc.utf8_rtrim(text, characters=":*：").to_pylist()]
    candidates = np.flatnonzero(lookup[first.codes] & data)
    if not len(candidates):
        return np.flatnonzero(data)
    header_words = np.zeros(len(candidates), dtype=np.int64)
    for name, col in cols.items():
        aliases = {normalise_header(a) for a in spec.columns[name]}
        codes = col.codes[candidates]
        hits = [
            k for k in set(codes.tolist()) if k >= 0 and normalise_header(col.uniques[k]) in aliases
        ]
        header_words += np.isin(codes, hits)
    again = candidates[(header_words >= 2) & (header_words == filled[candidates])]
    data[again] = False
    return np.flatnonzero(data)


def _read_date(text: str) -> Any:
    try:
        return thai.parse_date(text)
    except thai.DateError as exc:
        raise _Bad("nonexistent_date" if exc.kind == "nonexistent" else "bad_date") from exc


def _read_int(text: str) -> int:
    """A count: digits only (a whole number cell read as '12.0' too), at most 12 of them."""
    m = _COUNT.fullmatch(thai.to_arabic_digits(text).replace(",", "").strip())
    if m is None:
        raise _Bad("bad_number")
    return int(m[1])


def _text(ctx: _SheetContext, name: str) -> np.ndarray:
    col = ctx.cols.get(name)
    return col.raw if col is not None else np.full(len(ctx.rows), None, dtype=object)


def _tool(text: str) -> str | None:
    t = text.upper()
    for tool in ("IIT", "EIT"):
        if tool in t:
            return tool
    if "ภายใน" in text:
        return "IIT"
    if "ภายนอก" in text:
        return "EIT"
    return None


def _phase(text: str | None) -> str:
    if not text:
        return "general"
    t = text.upper()
    for tool in ("IIT", "EIT", "OIT"):
        if tool in t:
            return tool
    return "general"


def _period_dict(p: Any) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"start": p.start, "end": p.end}


def _array(values: np.ndarray | list[Any]) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _pair_codes(
    div_of: np.ndarray, div_codes: np.ndarray, item_of: np.ndarray, item_codes: np.ndarray
) -> np.ndarray:
    """One integer per (division, item) pair, for fast grouping.

    Distinct cells may read as the same value ('o1', '๐๑'): values, not cells, are numbered.
    """
    div_ids = _intern(div_of)
    item_ids = _intern(item_of)
    return div_ids[div_codes] * (int(item_ids.max()) + 1) + item_ids[item_codes]


def _intern(lookup: np.ndarray) -> np.ndarray:
    """A small integer per distinct value of a (short) lookup table."""
    seen: dict[Any, int] = {}
    return np.array([seen.setdefault(v, len(seen)) for v in lookup.tolist()], dtype=np.int64)


def _empty_lists(n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = []
    return out


def _one(n: int, i: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[i] = True
    return mask
