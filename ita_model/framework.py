"""The ITA framework of a fiscal year: tools, indicators, OIT sub-indicators, groups and items.

Each year is a data file, ``ita_model/frameworks/<year>.yaml``, so a new fiscal year is a new
file and not new code. The weights live in the data because they are an estimate.
"""

from __future__ import annotations

import functools
import re
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ita_model.datafile import read_yaml
from ita_model.errors import FrameworkNotFound, InvalidDataFile
from ita_model.ratings import Rating, RatingKind, check_ratings, pass_mark, rating_for
from ita_model.thai import to_arabic_digits

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"

RequirementKind = Literal["first_half", "report_of_year", "in_force", "within_year"]

# Everything a person types for "item 1": o1, O 01, o.1, ๐๑, 01, 1, 1.0, ๐๑., ข้อ ๐๑, o1 โครงสร้าง,
# and the seed's ๐๑๐ (= o10). Digits are Arabic by the time this runs; the text is casefolded.
# After the number: an optional ".0" (a number cell read as text) or a trailing dot, then the
# end or anything that is not a digit, an ASCII letter or a dot ("9.1" is a sub-indicator).
# Possessive quantifiers (*+): "o" and 20,000 spaces took 12 s with backtracking, now linear.
_ITEM_CODE = re.compile(
    r"""^\s*+
    (?:ข้อ(?:ที่)?\s*+)?         # ข้อ / ข้อที่
    (?:o\s*+[.\-_]?\s*+)?        # o, o., o-, o_
    0*+(\d{1,3})                 # the number, leading zeros dropped
    (?:\.0+)?\.?                 # 1.0 or 01.
    (?=$|[^0-9a-z.])""",
    re.VERBOSE,
)


def parse_item_code(raw: str | int | float) -> int | None:
    """Read an item number from whatever a division typed; None when there is no code."""
    m = _ITEM_CODE.match(to_arabic_digits(str(raw)).casefold())
    if m is None:
        return None
    number = int(m.group(1))
    return number or None


def item_code(number: int) -> str:
    """The canonical code of item ``number``: 1 -> 'o01'."""
    if number < 1:
        raise ValueError(f"item numbers start at 1, not {number}")
    return f"o{number:02d}"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tool(_Model):
    code: str
    name_th: str
    name_en: str
    weight: float = Field(gt=0)


class Requirement(_Model):
    """When the published data must date from: what an assessor checks first."""

    kind: RequirementKind
    year: int
    text_th: str


class Item(_Model):
    code: str = Field(pattern=r"^o\d{2}$")
    name_th: str
    name_en: str
    components: list[str] = Field(min_length=1)
    requirement: Requirement | None = None
    notes: list[str] = []
    provisional: bool = False  # the components are our guess: the source names the item only

    @property
    def number(self) -> int:
        return int(self.code[1:])


class Group(_Model):
    name_th: str
    name_en: str
    items: list[Item] = Field(min_length=1)
    notes: list[str] = []
    provisional: bool = False  # the grouping is our guess, not the source's


class SubIndicator(_Model):
    code: str = Field(pattern=r"^\d+\.\d+$")
    name_th: str
    name_en: str
    weight: float = Field(gt=0)
    groups: list[Group] = Field(min_length=1)
    provisional: bool = False  # which items belong here is our guess, not the source's

    def items(self) -> list[Item]:
        return [item for group in self.groups for item in group.items]


class Indicator(_Model):
    number: int
    name_th: str
    name_en: str
    tool: str
    weight: float = Field(gt=0)
    subindicators: list[SubIndicator] = []

    def items(self) -> list[Item]:
        return [item for sub in self.subindicators for item in sub.items()]


class OitWindow(_Model):
    start: date
    end: date


class Framework(_Model):
    year: int
    agency_type: str = Field(pattern=r"^[a-z][a-z_]*$")  # agency_types.yaml: who it is for
    provisional: bool = False
    source: str
    oit_window: OitWindow | None = None  # when agencies answer OIT in the NACC's system
    scoring_note_th: str
    scoring_note_en: str
    rating_kind: RatingKind  # "grade": AA…F on the total; "level": ผ่านดีเยี่ยม … with tool minimums
    ratings_provisional: bool = False  # the rules come from secondary sources
    ratings: list[Rating] = Field(min_length=1)
    tools: list[Tool] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        """Catch a mistyped data file at load time rather than as a wrong score later."""
        tools = {t.code: t for t in self.tools}
        if abs(sum(t.weight for t in self.tools) - 100) > 1e-9:
            raise ValueError("tool weights must add up to 100")
        for ind in self.indicators:
            if ind.tool not in tools:
                raise ValueError(f"indicator {ind.number}: unknown tool {ind.tool!r}")
        for code, tool in tools.items():
            total = sum(i.weight for i in self.indicators if i.tool == code)
            if abs(total - tool.weight) > 1e-9:
                raise ValueError(f"{code}'s indicator weights add up to {total}, not {tool.weight}")
        numbers = [i.number for i in self.indicators]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"indicators must be numbered 1, 2, … in order, got {numbers}")
        for ind in self.indicators:
            for sub in ind.subindicators:
                if not sub.code.startswith(f"{ind.number}."):
                    raise ValueError(f"sub-indicator {sub.code} is not in indicator {ind.number}")
        codes = [item.code for item in self.items()]
        expected = [item_code(n) for n in range(1, len(codes) + 1)]
        if codes != expected:
            raise ValueError("items must be o01, o02, … in order without gaps or repeats")
        check_ratings(self.ratings, set(tools))
        from ita_model.agency import agency_types  # agency.py reads organisations, which need us

        if self.agency_type not in agency_types():
            raise ValueError(f"unknown agency type {self.agency_type!r}")
        for item in self.items():
            req = item.requirement
            if req is not None and req.text_th not in item.components:
                raise ValueError(f"{item.code}: requirement text is not one of its components")
        return self

    def items(self) -> list[Item]:
        """Every OIT item, o01 … oN, in order."""
        return [item for ind in self.indicators for item in ind.items()]

    @functools.cached_property
    def _by_code(self) -> dict[str, tuple[Indicator, SubIndicator, Item]]:
        return {
            item.code: (ind, sub, item)
            for ind in self.indicators
            for sub in ind.subindicators
            for item in sub.items()
        }

    def _find(self, code: str) -> tuple[Indicator, SubIndicator, Item]:
        number = parse_item_code(code)
        found = self._by_code.get(item_code(number)) if number else None
        if found is None:
            raise KeyError(f"no item {code!r} in the {self.year} framework")
        return found

    def item(self, code: str) -> Item:
        """The item for any spelling of its code (o1, ๐๑, ข้อ 1…); KeyError if there is none."""
        return self._find(code)[2]

    def has_item(self, code: str) -> bool:
        try:
            self._find(code)
        except KeyError:
            return False
        return True

    def subindicator_of(self, code: str) -> SubIndicator:
        return self._find(code)[1]

    def indicator_of(self, code: str) -> Indicator:
        return self._find(code)[0]

    def oit_indicators(self) -> list[Indicator]:
        """The indicators scored from published items (9 and 10 in 2565)."""
        return [ind for ind in self.indicators if ind.subindicators]

    def tool(self, code: str) -> Tool:
        for t in self.tools:
            if t.code == code:
                return t
        raise KeyError(f"no tool {code!r} in the {self.year} framework")

    @property
    def last_item_number(self) -> int:
        return len(self._by_code)

    @property
    def pass_mark(self) -> float:
        """The lowest total that can pass (85 in every year we know)."""
        return pass_mark(self.ratings)

    @property
    def graded(self) -> bool:
        """Whether results are letter grades (to 2566) rather than levels (2567 on)."""
        return self.rating_kind == "grade"

    def rating(self, total: float, tools: dict[str, float | None] | None = None) -> Rating:
        """The result of a total (0–100) and its tools' scores; a tool not given is 0 for its
        minimum, so a rating with tool minimums is only reached with the tools known."""
        if not 0 <= total <= 100:
            raise ValueError(f"a score is between 0 and 100, not {total}")
        return rating_for(self.ratings, total, tools or {})

    def grade_for(self, score: float) -> str:
        """The result's name for a total alone (the letter grade in graded years)."""
        return self.rating(score).name_th

    def outline(self, lang: str = "th") -> str:
        """An indented text tree, for ``python -m ita_model framework``."""
        if lang not in ("th", "en"):
            raise ValueError(f"lang is 'th' or 'en', not {lang!r}")

        def name(x: Tool | Indicator | SubIndicator | Group | Item) -> str:
            return x.name_th if lang == "th" else x.name_en

        title = "กรอบการประเมิน ITA ปี" if lang == "th" else "ITA framework"
        lines = [f"{title} {self.year}" + (" (provisional)" if self.provisional else "")]
        for tool in self.tools:
            lines.append(f"{tool.code} {name(tool)} [{tool.weight:g}]")
            for ind in (i for i in self.indicators if i.tool == tool.code):
                lines.append(f"  {ind.number} {name(ind)} [{ind.weight:g}]")
                for sub in ind.subindicators:
                    lines.append(f"    {sub.code} {name(sub)}")
                    for group in sub.groups:
                        lines.append(f"      {name(group)}")
                        for item in group.items:
                            lines.append(f"        {item.code} {name(item)}")
                            lines.extend(f"          - {c}" for c in item.components)
                            lines.extend(f"          * {n}" for n in item.notes)
        return "\n".join(lines)


def load_framework_file(path: Path) -> Framework:
    """Read and check one framework file (uncached: for tests and for drafting a new year)."""
    try:
        data = read_yaml(path)
        return Framework.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise InvalidDataFile(
            f"ไฟล์กรอบการประเมิน {path.name} ไม่ถูกต้อง — "
            f"the framework file {path.name} is invalid: {exc}"
        ) from exc


# The frameworks the agency set up in the store keeps (imported or copied), by year; set by
# ``in_force.activate`` so that every ``load_framework(year)`` — pages, commands, the checker —
# sees the one in force. A context variable: each thread (one browser session's script run, a
# command) sees the agency it activated, so two sessions on two agencies never mix.
_AGENCY_FRAMEWORKS: ContextVar[dict[int, Framework] | None] = ContextVar(
    "ita_agency_frameworks", default=None
)


def _agency_frameworks() -> dict[int, Framework]:
    return _AGENCY_FRAMEWORKS.get() or {}


def use_agency_frameworks(frameworks: dict[int, Framework]) -> None:
    """The store's frameworks win over the shipped file of the same year; {} = shipped only."""
    _AGENCY_FRAMEWORKS.set(dict(frameworks))


def available_years() -> list[int]:
    """The fiscal years that have a framework (a shipped file, or the agency's), oldest first."""
    shipped = {int(p.stem) for p in FRAMEWORKS_DIR.glob("*.yaml") if p.stem.isdigit()}
    return sorted(shipped | set(_agency_frameworks()))


def shipped_frameworks(agency_type: str | None = None) -> list[int]:
    """The years of the package's own framework files (for one agency type, if given)."""
    years = sorted(int(p.stem) for p in FRAMEWORKS_DIR.glob("*.yaml") if p.stem.isdigit())
    return [y for y in years if agency_type is None or _shipped(y).agency_type == agency_type]


def load_framework(year: int) -> Framework:
    """The framework of fiscal ``year`` (Buddhist Era): the agency's, else the shipped file."""
    found = _agency_frameworks().get(year)
    return found if found is not None else _shipped(year)


def base_framework(year: int) -> Framework:
    """The framework an agency with no framework of its own is assessed on, whoever asks: the
    package's file of the year when it ships one (never the framework activated for the
    caller's own agency), else the one in force here."""
    if (FRAMEWORKS_DIR / f"{year}.yaml").is_file():
        return _shipped(year)
    return load_framework(year)


@functools.cache
def _shipped(year: int) -> Framework:
    """The package's framework file of a year, read once per process."""
    path = FRAMEWORKS_DIR / f"{year}.yaml"
    if not path.is_file():
        years = ", ".join(str(y) for y in available_years()) or "-"
        raise FrameworkNotFound(
            f"ไม่มีกรอบการประเมินของปีงบประมาณ {year} (มีปี: {years}) — "
            f"no ITA framework for fiscal year {year} (available: {years})"
        )
    framework = load_framework_file(path)
    if framework.year != year:
        raise InvalidDataFile(
            f"ไฟล์ {path.name} ระบุปี {framework.year} — {path.name} says year {framework.year}"
        )
    return framework
