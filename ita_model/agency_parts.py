"""A multi-agency file's OIT rows, converted and JSON-encoded once for the whole file, then cut
per agency: each agency's stored payload (what ``store.rows.encode_frame`` keeps for the table
of its rows alone) and its typed rows for ``oit_rows``.

For 8,300 agencies, one ``json.dumps`` and one table per agency cost seconds. Here each value's
JSON is worked out once for the whole file — each distinct value once, as statuses, items,
dates and people repeat down a national sheet; a column of mostly distinct values (links) value
by value in C — and an agency's payload is its slices of them joined: the very text
``json.dumps`` gives for the table of its rows. The values come from the checked sheets' own
arrays (the rows sorted by agency), not from the file's table, whose text columns are Arrow
strings to convert back one by one.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ita_model.store.rows import _tag

if TYPE_CHECKING:
    import pandas as pd

    from ita_model.validate import FileReport

PLAIN = ("str", "int64", "bool")  # dtypes whose values ``encode_frame`` keeps untagged
_NULL = "null"
_encode_text = json.encoder.encode_basestring  # a str's JSON, as json.dumps(ensure_ascii=False)
_PAYLOAD_LEVEL = 1  # zlib level of the payloads: any level decodes alike


@dataclass
class FileColumn:
    """One column of the file's OIT rows, sorted by agency, as ``encode_frame`` reads it: text
    None where missing, any other dtype's values as the table holds them."""

    name: str
    dtype: str
    values: list[Any]
    missing: list[int]  # where pandas sees a missing value (None, NaN, NaT, NA)

    def present(self) -> list[Any]:
        """The values, None for a missing one, as ``rows.present`` says value by value (a
        list, the links of a cell, is one value)."""
        return _none_at(self.values, self.missing)

    def fragments(self) -> list[str]:
        """Each value's JSON, as ``json.dumps`` writes it inside the payload: each distinct
        value encoded once (statuses, items, dates, people repeat down a national sheet), a
        column of values that are mostly distinct (links) value by value in C."""
        values = self.values
        if not values:
            return []
        distinct = _distinct(values) if self.dtype != "int64" else None
        if distinct is not None and len(distinct) * 4 <= len(values):
            memo = {v: _json(v, self.dtype) for v in distinct}
            return list(map(memo.__getitem__, values))
        if self.dtype == "int64":
            return list(map(str, values))
        if self.dtype == "bool":
            return ["true" if v else "false" for v in values]
        if self.dtype == "str":
            return [_NULL if v is None else _encode_text(v) for v in values]
        return [_json(v, self.dtype) for v in values]


def file_columns(
    report: FileReport, frame: pd.DataFrame, order: np.ndarray | None
) -> list[FileColumn]:
    """Every column of ``frame`` (the file's OIT rows, ``report.frame("oit")``), its rows taken
    in ``order`` (None: as they are), from the sheets' own arrays when they hold exactly the
    table's columns, else from the table."""
    arrays = [s.columns for s in report.sheets if s.kind == "oit" and s.columns is not None]
    names = [str(c) for c in frame.columns]
    own = all(list(a) == names for a in arrays) and sum(len(a[names[0]]) for a in arrays) == len(
        frame
    )
    import pandas as pd

    out = []
    for name in names:
        dtype = str(frame[name].dtype)
        if own and dtype in ("str", "object", "int64", "bool"):
            parts = [np.asarray(a[name]) for a in arrays]
            column = parts[0] if len(parts) == 1 else np.concatenate(parts)
        else:
            column = frame[name].to_numpy(dtype=object)
        if order is not None:
            column = column[order]
        values = column.tolist()
        missing = np.flatnonzero(pd.isna(column)).tolist() if dtype not in PLAIN[1:] else []
        if dtype == "str":  # text: None where missing, as encode_frame reads it
            values, missing = _none_at(values, missing), []
        out.append(FileColumn(name, dtype, values, missing))
    return out


def payloads(columns: Sequence[FileColumn], bounds: Sequence[tuple[int, int]]) -> list[bytes]:
    """Each part's rows (``bounds``: start, stop) as ``store.rows.encode_frame`` keeps them:
    ``{"columns": [[name, dtype, values], …]}``, zlib-compressed."""
    heads = [
        f"[{json.dumps(c.name, ensure_ascii=False)}, {json.dumps(c.dtype)}, [" for c in columns
    ]
    frags = [c.fragments() for c in columns]
    pairs = list(zip(heads, frags, strict=True))
    out = []
    for start, stop in bounds:
        body = "]], ".join(head + ", ".join(f[start:stop]) for head, f in pairs)
        text = '{"columns": [' + body + ("]]" if pairs else "") + "]}"
        out.append(zlib.compress(text.encode("utf-8"), _PAYLOAD_LEVEL))
    return out


def _none_at(values: list[Any], missing: list[int]) -> list[Any]:
    if not missing:
        return values
    out = list(values)
    for i in missing:
        out[i] = None
    return out


def _json(value: Any, dtype: str) -> str:
    tagged = value if dtype in PLAIN else _tag(value)
    return json.dumps(tagged, ensure_ascii=False, allow_nan=False)


# the types no value of another type equals: a dict of them keys each value apart (1, 1.0 and
# True are one key; a date and a datetime are two)
_APART = frozenset({type(None), str, dt.date, dt.datetime})
_SAMPLE = 2_000


def _distinct(values: list[Any]) -> dict[Any, None] | None:
    """The distinct values in order, when there are few and a dict can tell them apart (None:
    mostly distinct, or values a dict would take for one)."""
    if not set(map(type, values)) <= _APART:
        return None  # numbers of several types, lists: value by value
    if len(dict.fromkeys(values[:_SAMPLE])) * 4 > min(len(values), _SAMPLE):
        return None  # links: a value each
    return dict.fromkeys(values)
