"""The bundled sample (data/sample): every file validates, every division is there, and the
generator gives the same data each time it runs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ita_model.organisation import load_organisation
from ita_model.validate import KINDS, FileReport, validate_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
SCRIPT = ROOT / "scripts" / "make_sample_data.py"
YEAR = 2565
FILES = sorted(SAMPLE.glob("*.xlsx"))


def _generator() -> ModuleType:
    """The script as a module (scripts/ is not a package)."""
    name = "make_sample_data"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the script loads
    spec.loader.exec_module(module)
    return module


def _records(report: FileReport) -> dict[str, list[dict]]:
    return {kind: [r.model_dump() for r in report.records(kind)] for kind in KINDS}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_sample_file_validates_without_errors(path: Path) -> None:
    report = validate_file(path, year=YEAR)
    assert report.ok, [(i.sheet, i.row, i.column, i.code, i.message) for i in report.issues]
    assert any(s.kind for s in report.sheets)


def test_the_sample_has_every_kind_and_every_division_that_owns_items() -> None:
    org = load_organisation()
    owners = {d.id for d in org.reporting_divisions() if org.items_of(d.id, YEAR)}
    seen: dict[str, set[str]] = {}
    kinds: set[str] = set()
    for path in FILES:
        report = validate_file(path, year=YEAR)
        kinds |= {s.kind for s in report.sheets if s.kind}
        for rec in report.records("oit"):
            seen.setdefault(rec.division, set()).add(rec.item)
    assert kinds == set(KINDS)
    assert set(seen) == owners
    for division, items in seen.items():  # each workbook covers exactly its division's items
        assert sorted(items) == org.items_of(division, YEAR), division


def test_the_sample_matches_the_seed() -> None:
    by_item: dict[str, set[str]] = {}
    for path in SAMPLE.glob("oit_*.xlsx"):
        for rec in validate_file(path, year=YEAR).records("oit"):
            by_item.setdefault(rec.item, set()).add(rec.status)
    for code in ("o22", "o30", "o32", "o36", "o37", "o42"):  # published, says the seed
        assert by_item[code] == {"done"}, code
    for code in ("o11", "o19", "o23", "o40"):  # six-month reports: the half ends 31 มี.ค.
        assert by_item[code] == {"in_progress"}, code
    measures = validate_file(SAMPLE / "measures.xlsx", year=YEAR).records("measures")
    assert len(measures) == 9 and len({m.measure for m in measures}) == 4
    assert sum(m.measure.startswith("(๑)") for m in measures) == 6


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    gen = _generator()
    first = gen.generate(tmp_path / "a")
    second = gen.generate(tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    assert sorted(p.name for p in first) == [p.name for p in FILES]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    # and the committed sample is what the generator writes today (records, not bytes, so an
    # openpyxl upgrade does not fail this test)
    for path in first:
        assert _records(validate_file(path, year=YEAR)) == _records(
            validate_file(SAMPLE / path.name, year=YEAR)
        ), path.name


def test_the_script_takes_an_out_folder(tmp_path: Path) -> None:
    assert _generator().main(["--out", str(tmp_path)]) == 0
    assert {p.name for p in tmp_path.iterdir()} == {p.name for p in FILES}
