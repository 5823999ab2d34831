"""The ratings sheet of a framework workbook: one row per level, checked like any input.

Header (Thai; the English words work too): ``ระดับ | ชื่ออังกฤษ | คะแนนรวมขั้นต่ำ | IIT ขั้นต่ำ |
EIT ขั้นต่ำ | OIT ขั้นต่ำ | ผ่าน``. A blank minimum is no minimum; ผ่าน is ใช่/ไม่ (yes/no). The
levels go from the best down; the last is the floor (minimum 0, no tool minimums). Every problem
is an issue on its row and column (``framework_import`` collects them with the others).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any

from ita_model.ratings import Rating, RatingKind
from ita_model.schema import normalise_header
from ita_model.thai import to_arabic_digits

TOOL_COLUMNS = {"min_iit": "IIT", "min_eit": "EIT", "min_oit": "OIT"}
YES = frozenset(normalise_header(w) for w in ("ใช่", "ผ่าน", "yes", "y", "true", "✓", "✔"))
NO = frozenset(normalise_header(w) for w in ("ไม่", "ไม่ใช่", "ไม่ผ่าน", "no", "n", "false", "✗", "-"))
_LETTER_GRADE = re.compile(r"^[A-F]{1,2}[+-]?$")

Add = Callable[..., None]  # framework_import's _Importer.add(code, sheet=, row=, column=, …)
Row = tuple[int, dict[str, str | None]]  # (Excel row, cells by column name)


def yes_no(text: str) -> bool | None:
    """ใช่/ไม่ (yes/no, ✓/✗) as a bool; None when it is neither."""
    key = normalise_header(text)
    return True if key in YES else False if key in NO else None


def score_cell(text: str) -> float | None:
    """A score 0–100 as typed (Thai digits, a comma); None when it is not one."""
    try:
        value = float(to_arabic_digits(text).replace(",", "").strip())
    except ValueError:
        return None
    return value if 0 <= value <= 100 else None


def kind_of(ratings: Sequence[Rating]) -> RatingKind:
    """Letter grades (AA, A, B…) or levels (ผ่านดีเยี่ยม…), from the names the sheet gives."""
    return "grade" if all(_LETTER_GRADE.match(r.name_th) for r in ratings) else "level"


def read_ratings(
    rows: Sequence[Row], labels: dict[str, str], sheet: str, add: Add
) -> list[Rating] | None:
    """The levels of the sheet, best first; None when any row or the order has an error."""
    out: list[tuple[int, Rating]] = []
    first: dict[str, int] = {}
    bad = False
    for row, cells in rows:
        where: dict[str, Any] = {"sheet": sheet, "row": row}
        got = _row(cells, labels, where, add)
        if got is None:
            bad = True
            continue
        if got.name_th in first:
            add(
                "duplicate_rating",
                column=labels["level"],
                value=got.name_th,
                first_row=first[got.name_th],
                **where,
            )
            bad = True
            continue
        first[got.name_th] = row
        out.append((row, got))
    if bad or not out:
        return None
    return [r for _, r in out] if _order(out, labels, sheet, add) else None


def _row(
    cells: dict[str, str | None], labels: dict[str, str], where: dict[str, Any], add: Add
) -> Rating | None:
    name = " ".join((cells.get("level") or "").split())
    ok = True
    if not name:
        add("missing_value", column=labels["level"], **where)
        ok = False
    minimums: dict[str, float] = {}
    for col in ("min_total", *TOOL_COLUMNS):
        raw = cells.get(col)
        if col not in labels or not raw:
            if col == "min_total":
                add("missing_value", column=labels[col], **where)
                ok = False
            continue
        value = score_cell(raw)
        if value is None:
            add("bad_score", column=labels[col], value=raw, **where)
            ok = False
        else:
            minimums[col] = value
    raw_pass = cells.get("passes")
    passes = yes_no(raw_pass) if raw_pass else None
    if passes is None:
        if raw_pass:
            add("bad_yes_no", column=labels["passes"], value=raw_pass, **where)
        else:
            add("missing_value", column=labels["passes"], **where)
        ok = False
    if not ok:
        return None
    return Rating(
        name_th=name,
        name_en=" ".join((cells.get("name_en") or name).split()),
        min_total=minimums.pop("min_total"),
        min_tools={TOOL_COLUMNS[c]: v for c, v in minimums.items()},
        passes=bool(passes),
    )


def _order(found: list[tuple[int, Rating]], labels: dict[str, str], sheet: str, add: Add) -> bool:
    """Best first, passes above fails, a floor last; each problem on the row that breaks it."""
    ok = True
    for (_, above), (row, r) in itertools.pairwise(found):
        where = {"sheet": sheet, "row": row, "value": r.name_th, "previous": above.name_th}
        if r.min_total > above.min_total:
            add("rating_order", column=labels["min_total"], min_total=r.min_total, **where)
            ok = False
        if r.passes and not above.passes:
            add("rating_pass_order", column=labels["passes"], **where)
            ok = False
    row, floor = found[-1]
    if floor.min_total != 0 or floor.min_tools:
        column = labels["min_total"]
        add("rating_no_floor", sheet=sheet, row=row, column=column, value=floor.name_th)
        ok = False
    if not any(r.passes for _, r in found):
        add("rating_none_pass", sheet=sheet, column=labels["passes"])
        ok = False
    return ok


def ratings_rows(ratings: Sequence[Rating]) -> list[list[Any]]:
    """The sheet's body as ``framework-export`` writes it (blank where there is no minimum)."""
    return [
        [
            r.name_th,
            r.name_en,
            r.min_total,
            *(r.min_tools.get(tool) for tool in TOOL_COLUMNS.values()),
            "ใช่" if r.passes else "ไม่",
        ]
        for r in ratings
    ]
