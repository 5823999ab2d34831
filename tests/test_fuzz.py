"""Property tests: messy-but-plausible workbooks of every sheet kind (``fuzz_books.py``) through
``python -m ita_model validate --json --records`` (in process), and what must hold for any of
them: exit 0, 1 or 2 and no exception; every problem sits on a row and under a header that the
sheet has; every record comes from a row that shows a value in the table; nothing comes from a
blank row or the header repeated; time grows linearly with the rows and with a cell's length.

The default run tries a few hundred workbooks (``ci`` profile); ``make fuzz`` tries tens of
thousands (``fuzz`` profile) and keeps each failure as ``tests/fuzz_regressions/*.json``, which
every run replays (``test_regressions_replay``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ita_model.cli import main
from tests.fuzz_books import KINDS, REGRESSIONS, Book, books

_common = {
    "deadline": None,  # timings on a shared 2-core machine say nothing
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("ci", max_examples=50, **_common)
settings.register_profile("fuzz", max_examples=4000, **_common)
settings.load_profile(os.environ.get("ITA_FUZZ_PROFILE", "ci"))
KEEP = os.environ.get("ITA_FUZZ_KEEP") == "1"  # make fuzz: keep failing examples as files
_PENDING = REGRESSIONS / ".pending.json"


def validate(book: Book, folder: Path) -> tuple[int, dict]:
    """Exit code and the one file of ``validate --json --records``."""
    path = book.write(folder)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["validate", str(path), "--json", "--records"])
    (file,) = json.loads(out.getvalue())["files"]
    return code, file


def check(book: Book, folder: Path) -> None:
    """Every invariant, for one workbook."""
    code, file = validate(book, folder)
    assert code in (0, 1, 2)
    codes = [i["code"] for i in file["issues"]]
    assert "check_failed" not in codes, file["issues"]
    if code == 2:
        return
    grid = book.grid()
    headers = {str(h).strip() for h in grid[book.header_row] if isinstance(h, str)}
    shows = [any(book.shown(r[c]) for c in book.table_cols if c < len(r)) for r in grid]
    data_rows = {
        r + 1
        for r in range(book.header_row + 1, len(grid))
        if shows[r] and r not in book.again_rows
    }
    for issue in file["issues"]:
        if issue["row"] is None:
            continue
        assert issue["row"] in data_rows, (issue, "not a data row of the sheet")
        assert issue["column"] is None or issue["column"] in headers, (issue, headers)
    for kind, records in file["records"].items():
        for record in records:
            assert record["row"] in data_rows, (kind, record, "from a row with nothing in it")
    sheet = file["sheets"][0]
    assert sheet["kind"] == book.kind and sheet["rows"] == len(data_rows), (sheet, data_rows)


def _keep(book: Book) -> None:
    """The last failing example of a run is the shrunk one: make fuzz keeps it."""
    if KEEP:
        REGRESSIONS.mkdir(exist_ok=True)
        _PENDING.write_text(book.to_json(), encoding="utf-8")


@pytest.mark.parametrize("kind", KINDS)
def test_any_messy_workbook_keeps_the_invariants(kind: str, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp(f"fuzz-{kind}")

    @given(books(kind))
    def prop(book: Book) -> None:
        try:
            check(book, folder)
        except BaseException:
            _keep(book)
            raise

    try:
        prop()
    except BaseException:
        if KEEP and _PENDING.exists():
            text = _PENDING.read_text(encoding="utf-8")
            name = f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:12]}.json"
            _PENDING.rename(REGRESSIONS / name)
        raise


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.json")), ids=lambda p: p.stem)
def test_regressions_replay(path: Path, tmp_path: Path) -> None:
    check(Book.from_json(path.read_text(encoding="utf-8")), tmp_path)


# --------------------------------------------------------------------------- linear time


def _cpu(book: Book, folder: Path) -> float:
    """CPU seconds of this process to validate the book: the best of three runs."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        validate(book, folder)
        best = min(best, time.process_time() - start)
    return best


def _taller(book: Book, times: int) -> Book:
    body = book.rows[book.header_row + 1 :] or [[None]]
    rows = book.rows[: book.header_row + 1] + body * times
    return Book(**{**book.__dict__, "rows": rows, "merged": [], "again_rows": []})


@settings(max_examples=3)
@given(sample=st.sampled_from(KINDS).flatmap(books))
def test_time_is_linear_in_the_rows(sample: Book, tmp_path_factory) -> None:
    """n rows against 8n rows of the same workbook, in the same run: a ratio, never a time."""
    folder = tmp_path_factory.mktemp("rows")
    small, big = _taller(sample, 40), _taller(sample, 320)
    _cpu(small, folder)  # warm the caches and imports
    assert _cpu(big, folder) < 8 * 3 * _cpu(small, folder)


COLUMN_TEXT = st.text(
    st.sampled_from(list("o 0-.,:/'ม.ค.๑\u200b2565ถึงวันที่ปีงบ")), min_size=1, max_size=4
)


@settings(max_examples=3)
@given(sample=st.sampled_from(KINDS).flatmap(books), unit=COLUMN_TEXT)
def test_time_is_linear_in_a_cells_length(sample: Book, unit: str, tmp_path_factory) -> None:
    """Every recognised cell of one data row holding ``unit`` repeated: 20,000 against
    160,000 characters (quadratic patterns took seconds at 10,000)."""
    folder = tmp_path_factory.mktemp("cells")

    def filled(n: int) -> Book:
        row: list = [None] * (max(sample.table_cols) + 1)
        for c in sample.table_cols:
            row[c] = (unit * (n // len(unit) + 1))[:n]
        rows = [*sample.rows[: sample.header_row + 1], row]
        return Book(**{**sample.__dict__, "rows": rows, "merged": [], "again_rows": []})

    small, big = filled(20_000), filled(160_000)
    _cpu(small, folder)
    assert _cpu(big, folder) < 8 * 3 * _cpu(small, folder)
