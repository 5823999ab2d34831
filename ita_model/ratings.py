"""How scores become a result: AA…F on the total up to 2566, levels with per-tool minimums after.

A year's rules are data (the framework file's ``ratings``; the defaults per year in
``ratings.yaml``), so a new rule is a data change. The first rating, from the top, whose
minimums are all met is the result; the last rating is the floor (minimum 0, no tool minimums),
so every score has one.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from ita_model.datafile import read_yaml
from ita_model.i18n import t

RatingKind = Literal["grade", "level"]
_RULES_FILE = Path(__file__).with_name("ratings.yaml")


class Rating(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name_th: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    min_total: float = Field(ge=0, le=100)
    min_tools: dict[str, float] = {}  # tool code -> minimum score of that tool (0–100)
    passes: bool

    def met_by(self, total: float, tools: Mapping[str, float | None]) -> bool:
        if total < self.min_total:
            return False
        return all((tools.get(c) or 0.0) >= m for c, m in self.min_tools.items())


class RuleSet(BaseModel):
    """One entry of ``ratings.yaml``: the rules in force from a fiscal year on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    from_: int = Field(alias="from")
    kind: RatingKind
    provisional: bool = False
    source: str
    scoring_note_th: str
    scoring_note_en: str
    ratings: list[Rating] = Field(min_length=1)


def check_ratings(ratings: Sequence[Rating], tools: set[str]) -> None:
    """Refuse rules that leave a score without a result or rank a pass below a fail.

    Raises ``ValueError`` with the first problem (the framework's validator reports it)."""
    if not ratings:
        raise ValueError("a framework needs at least one rating")
    floor = ratings[-1]
    if floor.min_total != 0 or floor.min_tools:
        raise ValueError("the last rating must be the floor: minimum total 0, no tool minimums")
    mins = [r.min_total for r in ratings]
    if mins != sorted(mins, reverse=True):
        raise ValueError("ratings must go from the highest minimum total down to 0")
    passes = [r.passes for r in ratings]
    if True not in passes:
        raise ValueError("at least one rating must pass")
    if passes != sorted(passes, reverse=True):
        raise ValueError("every passing rating must come before every failing one")
    names = [r.name_th for r in ratings]
    if len(set(names)) != len(names):
        raise ValueError("two ratings have the same name")
    for r in ratings:
        unknown = set(r.min_tools) - tools
        if unknown:
            raise ValueError(f"rating {r.name_th}: unknown tool {sorted(unknown)[0]!r}")
        if any(not 0 <= m <= 100 for m in r.min_tools.values()):
            raise ValueError(f"rating {r.name_th}: a tool minimum is outside 0–100")


def rating_for(
    ratings: Sequence[Rating], total: float, tools: Mapping[str, float | None]
) -> Rating:
    """The result of a total and its tools' scores (rounded as shown: 84.995 is 85.00)."""
    shown = round(total, 2)
    tools = {c: None if v is None else round(v, 2) for c, v in tools.items()}
    for r in ratings:
        if r.met_by(shown, tools):
            return r
    return ratings[-1]


def pass_mark(ratings: Sequence[Rating]) -> float:
    """The lowest total that can pass: the minimum of the last passing rating."""
    return min(r.min_total for r in ratings if r.passes)


@dataclass(frozen=True)
class Shortfall:
    """What one part (a tool, or ``total``) lacks for a better rating."""

    part: str  # "IIT", "EIT", "OIT" or "total"
    have: float
    need: float

    @property
    def gap(self) -> float:
        return round(self.need - self.have, 2)


@dataclass(frozen=True)
class NextStep:
    """The next better rating and what stands between an estimate and it."""

    rating: Rating
    shortfalls: tuple[Shortfall, ...]

    def text(self, lang: str = "th") -> str:
        """One sentence for the score page and the command line."""
        parts = [
            t(
                "rating.part_total" if s.part == "total" else "rating.part_tool",
                lang,
                part=s.part,
                need=s.need,
                have=s.have,
                gap=s.gap,
            )
            for s in self.shortfalls
        ]
        name = self.rating.name_en if lang == "en" else self.rating.name_th
        return t("rating.next_step", lang, rating=name, parts="; ".join(parts))


def next_rating(ratings: Sequence[Rating], current: Rating) -> Rating | None:
    """The rating just above ``current``; None at the top."""
    at = list(ratings).index(current)
    return ratings[at - 1] if at > 0 else None


def shortfalls(target: Rating, total: float, tools: Mapping[str, float | None]) -> list[Shortfall]:
    """What stands between these scores and ``target``: each tool below its minimum (the
    largest gap first), then the total. A tool minimum is named even when the total is met:
    94 with EIT 84 is short of ผ่านดี by EIT alone."""
    out = [
        Shortfall(code, round(tools.get(code) or 0.0, 2), need)
        for code, need in target.min_tools.items()
        if round(tools.get(code) or 0.0, 2) < need
    ]
    out.sort(key=lambda s: (-s.gap, s.part))
    if round(total, 2) < target.min_total:
        out.append(Shortfall("total", round(total, 2), target.min_total))
    return out


@functools.cache
def rule_sets() -> tuple[RuleSet, ...]:
    """Every rule set of ``ratings.yaml``, oldest first."""
    found = TypeAdapter(list[RuleSet]).validate_python(read_yaml(_RULES_FILE))
    return tuple(sorted(found, key=lambda s: s.from_))


def rules_for_year(year: int) -> RuleSet:
    """The rules in force in a fiscal year (the earliest set for a year before them all)."""
    sets = rule_sets()
    earlier = [s for s in sets if s.from_ <= year]
    return earlier[-1] if earlier else sets[0]
