"""Sheet kinds and their header words (from ``sheet_kinds.yaml``), and header-row detection."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from ita_model.datafile import read_yaml
from ita_model.thai import to_arabic_digits

HEADER_SEARCH_ROWS = 15  # the contract: the header is within the first 15 rows
_KINDS_FILE = Path(__file__).with_name("sheet_kinds.yaml")
_SPACE = re.compile(r"\s+")


class SheetKind(BaseModel):
    name: str
    label_th: str
    label_en: str
    required: list[str]
    columns: dict[str, list[str]]

    def alias_map(self) -> dict[str, str]:
        """Normalised header word -> column name."""
        return {normalise_header(a): col for col, aliases in self.columns.items() for a in aliases}


def load_kinds(path: Path) -> dict[str, SheetKind]:
    """Sheet kinds from a data file: the workbook contract's, or another reader's own."""
    return {name: SheetKind(name=name, **spec) for name, spec in read_yaml(path).items()}


@cache
def sheet_kinds() -> dict[str, SheetKind]:
    return load_kinds(_KINDS_FILE)


def normalise_header(text: str) -> str:
    """Case, white space (line breaks too) and a trailing ':' or '*' do not matter."""
    t = _SPACE.sub("", to_arabic_digits(str(text))).casefold()
    return t.rstrip(":*：").rstrip()


@dataclass(frozen=True)
class Header:
    """Where a sheet's header row is and what each of its columns means."""

    kind: str
    index: int  # position of the header row within the sheet's columns (0-based)
    columns: dict[str, int]  # column name -> position among the sheet's columns
    labels: dict[str, str]  # column name -> the header text as the user wrote it
    unknown: list[tuple[int, str]]  # (position, header text) of columns no kind knows
    duplicates: list[str]  # column names that appear more than once (the first is used)


def detect_header(
    rows: list[list[str | None]], kinds: dict[str, SheetKind] | None = None
) -> Header | None:
    """The first row (of the first 15) with at least two recognised headers of one kind.

    Among kinds, one whose required columns are all present wins, then the most matches.
    ``kinds``: default, the five kinds of the workbook contract.
    """
    kinds = kinds or sheet_kinds()
    maps = {name: kind.alias_map() for name, kind in kinds.items()}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [(pos, text) for pos, text in enumerate(row) if text and str(text).strip()]
        if len(cells) < 2:
            continue
        words = [normalise_header(text) for _, text in cells]  # once per cell, not per kind
        best: tuple[tuple[bool, int], str, dict[str, int]] | None = None
        for kind, amap in maps.items():
            found: dict[str, int] = {}
            for (pos, _), word in zip(cells, words, strict=True):
                col = amap.get(word)
                if col is not None and col not in found:
                    found[col] = pos
            if len(found) < 2:
                continue
            complete = all(c in found for c in kinds[kind].required)
            rank = (complete, len(found))
            if best is None or rank > best[0]:
                best = (rank, kind, found)
        if best is None:
            continue
        _, kind, found = best
        amap = maps[kind]
        seen: set[str] = set()
        unknown: list[tuple[int, str]] = []
        duplicates: list[str] = []
        for (pos, text), word in zip(cells, words, strict=True):
            col = amap.get(word)
            if col is None:
                unknown.append((pos, str(text).strip()))
            elif col in seen and found[col] != pos:
                duplicates.append(col)
            seen.add(col)
        labels = {col: str(row[pos]).strip() for col, pos in found.items()}
        return Header(kind, index, found, labels, unknown, duplicates)
    return None
