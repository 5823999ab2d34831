"""How a file's typed rows are kept: written once, with its submission, when it arrives.

Each (submission, kind) is one row of ``records``: the valid rows as ``FileReport.frame(kind)``
gave them, column by column (dtype and values) in zlib-compressed JSON, so that
``StoredReport.frame(kind)`` returns the very same table, dtypes included, without reading the
file again. Values JSON has no word for (dates, NaN, lists, NumPy scalars) are tagged, and a
value of any other type is a programming error, not silently turned into text.

The OIT rows are written a second time into ``oit_rows`` with typed columns, one SQL row per
item, for roll-ups across divisions and agencies computed in the database. The other kinds are
only read whole, per file, so one payload each is enough: at 43 rows it is about 1 KB, and
reading it back is one indexed look-up instead of one row per item.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import zlib
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ita_model.records import RECORD_MODELS
from ita_model.store.schema import oit_rows_t, records_t, score_rows_t

if TYPE_CHECKING:
    import pandas as pd

KINDS = tuple(RECORD_MODELS)  # oit, measures, timeline, survey, scores


def validator_version() -> str:
    """The version of the checks that produced rows written now (``validate.VALIDATOR_VERSION``)."""
    from ita_model.validate import VALIDATOR_VERSION

    return VALIDATOR_VERSION


class HasFrames(Protocol):
    """What rows are written from: a ``FileReport`` (or a ``StoredReport``)."""

    def frame(self, kind: str) -> pd.DataFrame: ...


# --------------------------------------------------------------------------- the payload


def kinds_present(report: Any) -> list[str]:
    """The kinds the report has a table for (a sheet of that kind, even one with no valid row)."""
    sheets = getattr(report, "sheets", None)
    if sheets is None:  # a StoredReport
        return list(report.kinds_stored)
    return [k for k in KINDS if any(s.kind == k and s.columns is not None for s in sheets)]


def encode_frame(frame: pd.DataFrame) -> bytes:
    """The table as compressed JSON: ``{"columns": [[name, dtype, values], …]}``."""
    columns = []
    for name in frame.columns:
        col = frame[name]
        dtype = str(col.dtype)
        if dtype == "str":  # text, NaN where missing: JSON's null is enough
            values = col.to_numpy(dtype=object, na_value=None).tolist()
        elif dtype in ("int64", "bool"):
            values = col.tolist()
        else:
            values = [_tag(v) for v in col.tolist()]
        columns.append([str(name), dtype, values])
    text = json.dumps({"columns": columns}, ensure_ascii=False, allow_nan=False)
    return zlib.compress(text.encode("utf-8"), 6)


def decode_frame(payload: bytes) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    data = json.loads(zlib.decompress(payload))
    out: dict[str, Any] = {}
    for name, dtype, values in data["columns"]:
        if dtype == "str":
            out[name] = pd.array(values, dtype="str")
        elif dtype in ("int64", "bool"):
            out[name] = np.array(values, dtype=dtype)
        else:
            arr = np.empty(len(values), dtype=object)
            for i, v in enumerate(values):  # one by one: a list value must stay one cell
                arr[i] = _untag(v)
            # a Series of that dtype: an object column of text must not be inferred as str
            out[name] = pd.Series(arr, dtype=dtype, copy=False)
    return pd.DataFrame(out, copy=False)


@cache
def _empty(kind: str) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=[*RECORD_MODELS[kind].model_fields])


def empty_frame(kind: str) -> pd.DataFrame:
    """What ``FileReport.frame(kind)`` gives for a file with no sheet of that kind (a copy)."""
    return _empty(kind).copy()


def _tag(v: Any) -> Any:
    import numpy as np
    import pandas as pd

    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, np.generic):
        return {"$np": v.dtype.str, "v": _tag(v.item())}
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else {"$f": repr(v)}
    if v is pd.NaT:
        return {"$": "NaT"}
    if v is pd.NA:
        return {"$": "NA"}
    if isinstance(v, dt.datetime):
        return {"$t": v.isoformat()}
    if isinstance(v, dt.date):
        return {"$d": v.isoformat()}
    if isinstance(v, list):
        return {"$l": [_tag(x) for x in v]}
    if isinstance(v, tuple):
        return {"$u": [_tag(x) for x in v]}
    if isinstance(v, dict):
        return {"$m": [[_tag(k), _tag(x)] for k, x in v.items()]}
    raise TypeError(f"no stored form for a {type(v).__name__} value in a record")


def _untag(v: Any) -> Any:
    if not isinstance(v, dict):
        return v
    import numpy as np
    import pandas as pd

    if "$np" in v:
        return np.dtype(v["$np"]).type(_untag(v["v"]))
    ((tag, x),) = v.items()
    if tag == "$f":
        return float(x)
    if tag == "$":
        return pd.NaT if x == "NaT" else pd.NA
    if tag == "$t":
        return dt.datetime.fromisoformat(x)
    if tag == "$d":
        return dt.date.fromisoformat(x)
    if tag == "$l":
        return [_untag(y) for y in x]
    if tag == "$u":
        return tuple(_untag(y) for y in x)
    return {_untag(k): _untag(y) for k, y in x}


# --------------------------------------------------------------------------- writing


def write_rows(
    conn: Connection, submission_id: str, report: HasFrames, *, agency: str
) -> dict[str, int]:
    """Every kind's rows of one file of ``agency``, in the caller's transaction; returns rows
    per kind."""
    counts: dict[str, int] = {}
    for kind in kinds_present(report):
        frame = report.frame(kind)
        counts[kind] = len(frame)
        conn.execute(
            insert(records_t).values(
                submission_id=submission_id,
                kind=kind,
                rows=len(frame),
                frame=encode_frame(frame),
            )
        )
        if kind == "oit" and len(frame):
            conn.execute(insert(oit_rows_t), oit_rows(submission_id, frame, agency=agency))
        if kind == "scores" and len(frame):
            conn.execute(insert(score_rows_t), score_rows(submission_id, frame))
    return counts


def score_rows(submission_id: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The scores table's rows as typed SQL rows (a missing cell stays NULL)."""
    out = []
    for n, r in enumerate(frame.to_dict("records")):
        year, score = present(r.get("year")), present(r.get("score"))
        indicator = present(r.get("indicator"))
        out.append(
            {
                "submission_id": submission_id,
                "n": n,
                "year": None if year is None else int(year),
                "indicator": None if indicator is None else str(indicator),
                "score": None if score is None else float(score),
            }
        )
    return out


def backfill_score_rows(conn: Connection) -> None:
    """A store made before ``score_rows`` existed: its kept scores tables typed once (upgrade)."""
    kept = conn.execute(
        select(records_t.c.submission_id, records_t.c.frame).where(
            records_t.c.kind == "scores", records_t.c.rows > 0
        )
    ).all()
    for r in kept:
        rows = score_rows(r.submission_id, decode_frame(bytes(r.frame)))
        if rows:
            conn.execute(insert(score_rows_t), rows)


def oit_rows(submission_id: str, frame: pd.DataFrame, *, agency: str) -> list[dict[str, Any]]:
    """The OIT table's rows as typed SQL rows (with their agency, for roll-ups)."""
    out = []
    for n, r in enumerate(frame.to_dict("records")):
        urls = present(r.get("urls"))
        out.append(
            {
                "submission_id": submission_id,
                "agency": agency,
                "n": n,
                "row": int(r["row"]),
                "division": present(r.get("division")),
                "item": r["item"],
                "status": r["status"],
                "url": present(r.get("url")),
                "urls": None if urls is None else json.dumps(list(urls), ensure_ascii=False),
                "updated": present(r.get("updated")),
                "owner": present(r.get("owner")),
                "note": present(r.get("note")),
            }
        )
    return out


def present(v: Any) -> Any:
    """``None`` for a missing cell (None, NaN, NaT), else the value."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    try:
        import pandas as pd

        return None if v is pd.NaT or v is pd.NA else v
    except ImportError:  # pragma: no cover - pandas is a requirement
        return v
