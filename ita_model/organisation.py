"""The organisation: its divisions (ส่วนราชการ) and which division owns which OIT item.

Read from ``data/organisation.yaml`` so that another agency, or a reorganisation, is a data change.
Division names arrive spelt many ways (spaces, "สำนักปลัด อบจ. พะเยา" suffixes, Thai digits), so
matching compares normalised keys rather than the text as typed.

An organisation may have no division at all: an agency of the registry with no set-up of its own
reports as a whole (``whole_agency``). Its rows carry no division; they are the agency speaking as
a whole, whose reporter key is ``WHOLE_AGENCY`` (never a division id) and whose name on the pages
is ``ทั้งหน่วยงาน`` / ``whole agency`` (``reporters``).
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from datetime import date
from pathlib import Path

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from ita_model.datafile import read_yaml
from ita_model.errors import InvalidDataFile
from ita_model.fiscal import today_in_thailand
from ita_model.framework import item_code as canonical_code
from ita_model.framework import parse_item_code
from ita_model.i18n import t
from ita_model.settings import get_settings
from ita_model.thai import to_arabic_digits

ALL = "all"  # ทุกส่วนราชการ
SERVES_PUBLIC = "serves_public"  # ทุกส่วนราชการที่ให้บริการประชาชน
SPECIAL_OWNERS = (ALL, SERVES_PUBLIC)

OFFICE_WORD = "สำนักปลัด"
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_LEADING = re.compile(r"^(?:ส่วนราชการ(?:ที่รับผิดชอบ)?:?|[-–•○●▪*·/,:])+")
_TRAILING = "-–•○●▪*·/,:."  # stripped, not searched for: "[…]+$" is quadratic on "....x"
_ASCII = re.compile(r"^[a-z0-9_.\-]+$")
# the reporter "the agency as a whole" (its rows carry no division): not a division id, which
# starts with a letter, so it can never be one
WHOLE_AGENCY = "_agency"


def _squash(text: str) -> str:
    """Casefolded, Arabic digits, no whitespace at all (Thai text often has stray spaces)."""
    return _SPACES.sub("", to_arabic_digits(text).casefold())


class Division(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_th: str
    name_en: str
    parent: str | None = None
    aliases: list[str] = []
    serves_public: bool = False
    reports: bool = Field(True, description="Fills in its own workbook (else its parent does).")


class Reporter(BaseModel):
    """A reporter that is not a division: the agency as a whole (``WHOLE_AGENCY``)."""

    model_config = ConfigDict(frozen=True)

    id: str
    name_th: str
    name_en: str


class Organisation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name_th: str
    short_th: str
    name_en: str
    report_date: date
    divisions: list[Division] = []  # none: the agency reports as a whole
    assignments: dict[int, dict[str, list[str]]] = {}

    _by_id: dict[str, Division] = PrivateAttr(default_factory=dict)
    _keys: dict[str, Division] = PrivateAttr(default_factory=dict)
    _org_words: re.Pattern[str] = PrivateAttr(default=re.compile(r"(?!)"))

    @field_validator("assignments")
    @classmethod
    def _canonical_codes(cls, value: dict[int, dict[str, list[str]]]) -> dict:
        """Accept any item-code spelling in the file; store o01 … so lookups are exact."""
        out: dict[int, dict[str, list[str]]] = {}
        for year, table in value.items():
            out[year] = {}
            for raw, owners in table.items():
                number = parse_item_code(raw)
                if number is None:
                    raise ValueError(f"{year}: cannot read item code {raw!r}")
                code = canonical_code(number)
                if code in out[year]:
                    raise ValueError(f"{year}: item {code} is assigned twice")
                if not owners:
                    raise ValueError(f"{year}: item {code} has no owner")
                out[year][code] = list(owners)
        return out

    @model_validator(mode="after")
    def _consistent(self) -> Organisation:
        by_id: dict[str, Division] = {}
        for d in self.divisions:
            if d.id in by_id or d.id in SPECIAL_OWNERS:
                raise ValueError(f"division id {d.id!r} is repeated or reserved")
            by_id[d.id] = d
        for d in self.divisions:
            if d.parent is not None and (d.parent not in by_id or d.parent == d.id):
                raise ValueError(f"division {d.id}: unknown parent {d.parent!r}")
            if not d.reports and self._reporting_of(d, by_id) is None:
                raise ValueError(f"division {d.id} does not report and has no reporting parent")
        for year, table in self.assignments.items():
            for code, owners in table.items():
                for owner in owners:
                    if owner in SPECIAL_OWNERS:
                        continue
                    if owner not in by_id:
                        raise ValueError(f"{year} {code}: unknown division {owner!r}")
                    if not by_id[owner].reports:
                        raise ValueError(f"{year} {code}: {owner} does not report on its own")
        self._index(by_id)
        return self

    @staticmethod
    def _reporting_of(d: Division, by_id: dict[str, Division]) -> Division | None:
        seen: set[str] = set()
        while not d.reports:
            if d.parent is None or d.id in seen:
                return None
            seen.add(d.id)
            d = by_id[d.parent]
        return d

    def _index(self, by_id: dict[str, Division]) -> None:
        """Build the lookup keys once; two divisions sharing a key is an error in the file."""
        self._by_id = by_id
        province = self.name_th.removeprefix("องค์การบริหารส่วนจังหวัด")
        province_re = f"(?:{re.escape(_squash(province))})?" if province != self.name_th else ""
        self._org_words = re.compile(rf"(?:องค์(?:การ|กร)บริหารส่วนจังหวัด|อบจ\.?){province_re}")
        keys: dict[str, Division] = {}
        for d in self.divisions:
            for spelling in (d.id, d.name_th, d.name_en, *d.aliases):
                key = self._key(spelling)
                if not key:
                    raise ValueError(f"division {d.id}: {spelling!r} names only the organisation")
                other = keys.setdefault(key, d)
                if other.id != d.id:
                    raise ValueError(f"{spelling!r} names both {other.id} and {d.id}")
        self._keys = keys

    def _strip(self, text: str) -> str:
        """Squashed text without labels, bullets and the organisation's own name."""
        s = _squash(text)
        s = _LEADING.sub("", s)
        s = self._org_words.sub("", s)
        return s.rstrip(_TRAILING)

    def _key(self, name: str) -> str:
        s = self._strip(name)
        # "ฝ่ายนิติการ สำนักปลัด" is ฝ่ายนิติการ, but "สำนักปลัด" alone is the office itself
        without = s.replace(OFFICE_WORD, "")
        return without or s

    # --- look-ups ---

    def reporters(self) -> dict[str, Division | Reporter]:
        """Who may report an item, by key: the divisions, and the agency as a whole (its rows
        with no division), named ``ทั้งหน่วยงาน`` / ``whole agency``."""
        whole = Reporter(
            id=WHOLE_AGENCY,
            name_th=t("whole_agency.name", "th"),
            name_en=t("whole_agency.name", "en"),
        )
        return {d.id: d for d in self.divisions} | {WHOLE_AGENCY: whole}

    def division(self, division_id: str) -> Division:
        """The division with this id; KeyError if there is none."""
        try:
            return self._by_id[division_id]
        except KeyError:
            raise KeyError(f"no division {division_id!r} in {self.short_th}") from None

    def reporting_divisions(self) -> list[Division]:
        """The divisions that fill in their own workbook: what ``all`` expands to."""
        return [d for d in self.divisions if d.reports]

    def reporting_division(self, division_id: str) -> Division:
        """The division whose workbook covers this one: itself, or the parent it reports through."""
        found = self._reporting_of(self.division(division_id), self._by_id)
        assert found is not None  # checked when the file was loaded
        return found

    def match_division(self, name: str) -> Division | None:
        """The division a cell or a "ส่วนราชการ:" line names, however it is spelt."""
        key = self._key(name)
        return self._keys.get(key) if key else None

    def nearest_division(self, name: str) -> Division | None:
        """The division whose name or alias is closest to ``name`` (a likely typo), if any."""
        from ita_model.suggest import nearest

        return nearest(self._key(name), self._keys)

    def match_division_in_text(self, text: str) -> Division | None:
        """The division named somewhere in free text such as a file name; the longest name wins."""
        s = self._strip(text)
        if not s:
            return None
        best: tuple[int, Division] | None = None
        for key, division in self._keys.items():
            if best is not None and len(key) <= best[0]:
                continue
            if _ASCII.match(key):
                found = re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", s) is not None
            else:
                found = key in s
            if found:
                best = (len(key), division)
        return best[1] if best else None

    def _expand(self, owners: list[str]) -> list[Division]:
        out: dict[str, Division] = {}
        for owner in owners:
            if owner == ALL:
                found = self.reporting_divisions()
            elif owner == SERVES_PUBLIC:
                found = [d for d in self.reporting_divisions() if d.serves_public]
            else:
                found = [self._by_id[owner]]
            for d in found:
                out.setdefault(d.id, d)
        return list(out.values())

    def owners(self, item_code: str, year: int) -> list[Division]:
        """The divisions responsible for an item in a year; [] if the year or item is unassigned."""
        number = parse_item_code(item_code)
        if number is None:
            return []
        return self._expand(self.assignments.get(year, {}).get(canonical_code(number), []))

    def items_of(self, division_id: str, year: int) -> list[str]:
        """The item codes a division owns in a year, in order (KeyError for an unknown id)."""
        self.division(division_id)
        return [
            code
            for code in sorted(self.assignments.get(year, {}))
            if any(d.id == division_id for d in self.owners(code, year))
        ]


def whole_agency(name: str, report_date: date | None = None) -> Organisation:
    """An agency of the registry with no set-up of its own: named from its registry record, no
    divisions and no owners, so that every item counts from whoever reports it — the agency as
    a whole (its rows with no division), beside any division that reports it."""
    return Organisation(
        name_th=name,
        short_th=name,
        name_en=name,
        report_date=report_date or today_in_thailand(),
        divisions=[],
    )


# The agency set up in the store, when there is one (``in_force.activate``): it stands in for
# the ``organisation`` setting's file (the bundled demo) wherever that file is asked for. A
# context variable, not a process-wide global: each thread (a browser session's script run, a
# command) sees the agency it activated itself, never another session's.
_AGENCY: ContextVar[Organisation | None] = ContextVar("ita_agency_organisation", default=None)


def use_agency_organisation(org: Organisation | None) -> None:
    _AGENCY.set(org)


def load_organisation(path: Path | None = None) -> Organisation:
    """Read the organisation file (default: the ``organisation`` setting, or the agency set up
    in the store in its place)."""
    configured = get_settings().organisation
    path = path or configured
    agency = _AGENCY.get()
    if agency is not None and Path(path) == configured:
        return agency
    try:
        data = read_yaml(path)
        return Organisation.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError, ValueError) as exc:
        raise InvalidDataFile(
            f"ไฟล์ข้อมูลหน่วยงาน {path} ไม่ถูกต้อง — the organisation file {path} is invalid: {exc}"
        ) from exc
