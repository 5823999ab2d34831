"""Docs cannot drift: every problem code and every setting is documented, and tested."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ita_model.errors import CODES
from ita_model.links.problems import LINK_CODES
from ita_model.settings import Settings
from scripts.update_readme import render

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TESTS = "\n".join(
    p.read_text(encoding="utf-8")
    for p in (ROOT / "tests").glob("test_*.py")
    if p.name != Path(__file__).name
)


def test_readme_code_table_is_current():
    assert render(README) == README, "run scripts/update_readme.py"
    assert "<!-- link-codes:start -->" in README


@pytest.mark.parametrize("code", sorted(CODES) + sorted(LINK_CODES))
def test_every_code_is_in_the_readme_and_exercised_by_a_test(code):
    assert f"`{code}`" in README
    assert re.search(rf"[\"']{code}[\"']", TESTS), f"no test produces {code}"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(name):
    assert f"`ITA_{name.upper()}`" in README


def test_the_domain_never_imports_streamlit():
    for path in (ROOT / "ita_model").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+streamlit", text, re.M), path
