"""An agency set up in the dashboard: who it is, its divisions, its year, who owns which item.

The configuration lives in the store (``agency_store.py``), keyed by an agency id, so that a
second agency is a second key and nothing is written into the package. ``organisation()`` turns
it into the same ``Organisation`` the bundled demo (``data/organisation.yaml``) gives, so every
page and command reads either one the same way.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from ita_model.datafile import read_yaml
from ita_model.fiscal import today_in_thailand
from ita_model.organisation import SPECIAL_OWNERS, Division, Organisation
from ita_model.thai import to_arabic_digits

_TYPES_FILE = Path(__file__).with_name("agency_types.yaml")
_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AGENCY = "default"  # one agency today; the tenant issue makes this a real key


class AgencyType(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z_]*$")
    name_th: str
    name_en: str
    usual_owners: str | None = None  # an organisation file (from the project root) to pre-fill
    abbreviations: tuple[str, ...] = ()  # what clerks write for this very type (อปท.)

    def usual_organisation(self) -> Organisation | None:
        """The organisation whose assignments are this type's usual owners, if one ships."""
        if self.usual_owners is None:
            return None
        path = _ROOT / self.usual_owners
        return Organisation.model_validate(read_yaml(path)) if path.is_file() else None


@functools.cache
def agency_types() -> dict[str, AgencyType]:
    found = TypeAdapter(list[AgencyType]).validate_python(read_yaml(_TYPES_FILE))
    return {t.code: t for t in found}


class Agency(BaseModel):
    """The agency itself: the names shown on every page and hand-out, its kind and province."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name_th: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    short_th: str = Field(min_length=1, max_length=60)
    agency_type: str
    province: str = Field("", max_length=60)


class CalendarEntry(BaseModel):
    """One line of the year's calendar: a NACC step or one of the agency's own meetings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    activity: str = Field(min_length=1)
    start: date
    end: date | None = None
    phase: str = ""  # the tool (IIT/EIT/OIT) or "ประชุม" for the agency's own
    note: str = ""


class Setup(BaseModel):
    """Everything the set-up has saved so far (a step not done yet is empty)."""

    model_config = ConfigDict(frozen=True)

    agency: Agency | None = None
    divisions: list[Division] = []
    year: int | None = None
    framework_how: str | None = None  # shipped, imported, copied
    assignments: dict[int, dict[str, list[str]]] = {}
    calendar: dict[int, list[CalendarEntry]] = {}
    finished: bool = False

    @property
    def ready(self) -> bool:
        """Enough to run the dashboard on: the agency, a division, a year and its framework."""
        return (
            self.agency is not None
            and bool(self.divisions)
            and self.year is not None
            and self.framework_how is not None
        )

    def organisation(self) -> Organisation:
        """The agency as the ``Organisation`` every page reads (only when ``ready``)."""
        if self.agency is None:
            raise ValueError("the agency is not set up yet")
        known = {d.id for d in self.divisions} | set(SPECIAL_OWNERS)
        assignments = {
            year: {code: [o for o in owners if o in known] for code, owners in table.items()}
            for year, table in self.assignments.items()
        }
        return Organisation(
            name_th=self.agency.name_th,
            short_th=self.agency.short_th,
            name_en=self.agency.name_en or self.agency.name_th,
            report_date=today_in_thailand(),
            divisions=self.divisions,
            assignments={y: {c: o for c, o in t.items() if o} for y, t in assignments.items()},
        )


# --------------------------------------------------------------------------- divisions typed in

_ID_CHARS = re.compile(r"[^a-z0-9]+")
_LIST_SPLIT = re.compile(r"[\n\r]+")
_ALIAS_SPLIT = re.compile(r"\s*[;|]\s*")


def division_id(name_en: str, name_th: str, taken: set[str]) -> str:
    """A stable ascii id (file names, the store, assignments): from the English name, else
    ``div_<n>``; never one already taken or reserved."""
    base = _ID_CHARS.sub("_", name_en.casefold()).strip("_")[:40]
    if not base or not base[0].isalpha():
        base = "div"
    candidate, n = base, 1
    while candidate in taken or candidate in SPECIAL_OWNERS:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


def parse_division_lines(text: str) -> list[dict[str, str | bool | list[str]]]:
    """Divisions pasted from a column: one a line; ``ชื่อไทย | English | alias; alias`` when a
    line has more. Bullets, numbering and blank lines are dropped; repeats kept once."""
    out: list[dict[str, str | bool | list[str]]] = []
    seen: set[str] = set()
    for raw in _LIST_SPLIT.split(text or ""):
        line = to_arabic_digits(raw).strip()
        line = re.sub(r"^(?:[-–•○●▪*·]|\d{1,3}[.)])\s*", "", line).strip()
        if not line:
            continue
        parts = [p.strip() for p in re.split(r"\t|\s\|\s|\|", line)]
        name_th = " ".join(parts[0].split())
        if not name_th or name_th.casefold() in seen:
            continue
        seen.add(name_th.casefold())
        name_en = " ".join(parts[1].split()) if len(parts) > 1 else ""
        aliases = [a for a in _ALIAS_SPLIT.split(parts[2])] if len(parts) > 2 else []
        out.append({"name_th": name_th, "name_en": name_en, "aliases": [a for a in aliases if a]})
    return out


_HEADER_WORDS = {"ส่วนราชการ", "กอง/ฝ่าย", "ชื่อ", "ชื่อส่วนราชการ", "division", "name", "หน่วยงาน"}


def division_text_from_sheet(columns: list[list[object]]) -> str:
    """A sheet's first three columns (Thai name, English name, aliases) as the lines
    ``parse_division_lines`` reads; a header row of the usual words is skipped."""
    height = max((len(c) for c in columns[:3]), default=0)
    lines = []
    for r in range(height):
        cells = [str(c[r]).strip() if r < len(c) and c[r] is not None else "" for c in columns[:3]]
        if not cells or not cells[0]:
            continue
        if r == 0 and cells[0].casefold() in _HEADER_WORDS:
            continue
        lines.append(" | ".join(cells).rstrip(" |"))
    return "\n".join(lines)
