"""Shared fixtures: small workbooks written on the fly, and an isolated store per test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"

Rows = list[list[Any]]


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test writes into the real data/store (nor a store or accounts named in the env)."""
    monkeypatch.setenv("ITA_STORE_DIR", str(tmp_path_factory.mktemp("store")))
    monkeypatch.delenv("ITA_STORE", raising=False)
    monkeypatch.delenv("ITA_USERS_FILE", raising=False)
    monkeypatch.delenv("ITA_USER", raising=False)


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server on 127.0.0.1 for the whole session (see tests/pgserver.py)."""
    from tests.pgserver import PgServer, binaries

    bindir = binaries()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)")
    server = PgServer(bindir).start()
    yield server
    server.stop()


@pytest.fixture
def book(tmp_path: Path) -> Callable[..., Path]:
    """book("name.xlsx", {"Sheet": rows}, links={("Sheet", "C4"): url}) -> path."""

    def make(
        name: str,
        sheets: dict[str, Rows],
        *,
        links: dict[tuple[str, str], str] | None = None,
        hidden: tuple[str, ...] = (),
    ) -> Path:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
            if title in hidden:
                ws.sheet_state = "hidden"
        for (title, cell), url in (links or {}).items():
            wb[title][cell].hyperlink = url
        path = tmp_path / name
        wb.save(path)
        return path

    return make


def flat(report: Any, *fields: str) -> list[tuple]:
    """The report's issues as compact tuples, the way frictionless flattens a report."""
    fields = fields or ("row", "column", "code")
    return [tuple(getattr(i, f) for f in fields) for i in report.issues]
