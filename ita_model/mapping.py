"""How one fiscal year's OIT items became the next year's: same, renamed, merged, new, dropped.

A mapping is data (``frameworks/mapping_<from>_<to>.yaml``), checked on load against both years'
frameworks, so that starting a new year (``new_year.py``) and the next year's owners can follow
last year's items without anyone retyping them.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ita_model.datafile import read_yaml
from ita_model.errors import InvalidDataFile, MappingNotFound
from ita_model.framework import FRAMEWORKS_DIR, Framework, load_framework
from ita_model.organisation import ALL, Organisation


class LinkKind(StrEnum):
    SAME = "same"
    RENAMED = "renamed"
    MERGED = "merged"
    NEW = "new"
    DROPPED = "dropped"


# how many items each kind takes from the old year, and whether it has one in the new year
_SHAPE: dict[LinkKind, tuple[range, bool]] = {
    LinkKind.SAME: (range(1, 2), True),
    LinkKind.RENAMED: (range(1, 2), True),
    LinkKind.MERGED: (range(2, 100), True),
    LinkKind.NEW: (range(0, 1), True),
    LinkKind.DROPPED: (range(1, 2), False),
}


class Link(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    old: list[str] = Field(alias="from")
    new: str | None = Field(alias="to")
    kind: LinkKind
    guess: bool = False  # a judgement call on the names alone

    @model_validator(mode="after")
    def _shape(self) -> Link:
        olds, has_new = _SHAPE[self.kind]
        if len(self.old) not in olds:
            raise ValueError(f"a {self.kind} link takes {olds.start}+ old items, not {self.old}")
        if (self.new is not None) != has_new:
            raise ValueError(f"a {self.kind} link {'needs' if has_new else 'has no'} new item")
        return self


class YearMapping(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    from_year: int
    to_year: int
    provisional: bool = False
    source: str
    links: list[Link] = Field(min_length=1)

    def check(self, old: Framework, new: Framework) -> None:
        """Every old item exactly once under ``from``, every new item exactly once under ``to``."""
        olds = [c for link in self.links for c in link.old]
        news = [link.new for link in self.links if link.new is not None]
        for label, codes, fw in (("from", olds, old), ("to", news, new)):
            expected = [i.code for i in fw.items()]
            if sorted(codes) != expected:
                missing = sorted(set(expected) - set(codes))
                extra = sorted({c for c in codes if codes.count(c) > 1 or c not in expected})
                raise ValueError(
                    f"'{label}' must name each {fw.year} item once; "
                    f"missing {missing or '-'}, repeated or unknown {extra or '-'}"
                )

    @functools.cached_property
    def _by_new(self) -> dict[str, Link]:
        return {link.new: link for link in self.links if link.new is not None}

    @functools.cached_property
    def _by_old(self) -> dict[str, Link]:
        return {code: link for link in self.links for code in link.old}

    def sources(self, new_code: str) -> list[str]:
        """The old-year items a new-year item carries on ([] for a new item)."""
        return list(self._by_new[new_code].old)

    def link_to(self, new_code: str) -> Link:
        return self._by_new[new_code]

    def target(self, old_code: str) -> str | None:
        """The new-year item an old-year item went into (None when dropped)."""
        return self._by_old[old_code].new

    def of_kind(self, kind: LinkKind) -> list[Link]:
        return [link for link in self.links if link.kind == kind]


def mapping_path(from_year: int, to_year: int) -> Path:
    return FRAMEWORKS_DIR / f"mapping_{from_year}_{to_year}.yaml"


def load_mapping_file(path: Path) -> YearMapping:
    """Read one mapping file and check it against both years' frameworks."""
    try:
        data = read_yaml(path)
        mapping = YearMapping.model_validate(data)
        mapping.check(load_framework(mapping.from_year), load_framework(mapping.to_year))
        return mapping
    except (OSError, yaml.YAMLError, ValidationError, ValueError) as exc:
        raise InvalidDataFile(
            f"ไฟล์การจับคู่ข้อ {path.name} ไม่ถูกต้อง — the item mapping {path.name} is invalid: {exc}"
        ) from exc


@functools.cache
def load_mapping(from_year: int, to_year: int) -> YearMapping:
    """The mapping from ``from_year``'s items to ``to_year``'s, read once per process."""
    path = mapping_path(from_year, to_year)
    if not path.is_file():
        raise MappingNotFound(
            f"ไม่มีตารางจับคู่ข้อ OIT จากปี {from_year} ไปปี {to_year} — "
            f"no OIT item mapping from {from_year} to {to_year} ({path.name})"
        )
    mapping = load_mapping_file(path)
    if (mapping.from_year, mapping.to_year) != (from_year, to_year):
        raise InvalidDataFile(
            f"ไฟล์ {path.name} ระบุปี {mapping.from_year}→{mapping.to_year} — "
            f"{path.name} says {mapping.from_year}→{mapping.to_year}"
        )
    return mapping


def derived_assignments(mapping: YearMapping, org: Organisation) -> dict[str, list[str]]:
    """The new year's owners of every carried-on item: the owners of the items it came from.

    New items are left out: someone has to choose their owners (``data/organisation.yaml``).
    """
    old = org.assignments.get(mapping.from_year, {})
    out: dict[str, list[str]] = {}
    for link in mapping.links:
        if link.new is None or not link.old:
            continue
        owners: list[str] = []
        for code in link.old:
            owners.extend(o for o in old.get(code, []) if o not in owners)
        out[link.new] = [ALL] if ALL in owners else owners
    return dict(sorted(out.items()))
