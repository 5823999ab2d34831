"""What the set-up page does with what an administrator typed, kept out of the page to be tested:
divisions from rows, the owners grid both ways, last year's framework copied, the templates zip.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ita_model.agency import division_id
from ita_model.errors import ItaError
from ita_model.framework import Framework
from ita_model.mapping import load_mapping
from ita_model.organisation import ALL, SERVES_PUBLIC, Division, Organisation
from ita_model.ratings import rules_for_year
from ita_model.template import build_template, workbook_bytes


def divisions_from_rows(
    rows: Iterable[Mapping[str, Any]], before: list[Division]
) -> list[Division]:
    """Division models from the editor's rows; a division keeps its id when its Thai name (or
    an earlier name's id) is unchanged, so assignments and stored files keep pointing at it."""
    known = {d.name_th: d.id for d in before}
    taken: set[str] = set()
    out = []
    for row in rows:
        name_th = " ".join(str(row.get("name_th") or "").split())
        if not name_th:
            continue
        name_en = " ".join(str(row.get("name_en") or "").split())
        raw_aliases = row.get("aliases") or ""
        if isinstance(raw_aliases, str):
            aliases = [a.strip() for a in raw_aliases.split(";") if a.strip()]
        else:
            aliases = [str(a).strip() for a in raw_aliases if str(a).strip()]
        ident = known.get(name_th)
        if ident is None or ident in taken:
            ident = division_id(name_en, name_th, taken | set(known.values()))
        taken.add(ident)
        out.append(
            Division(
                id=ident,
                name_th=name_th,
                name_en=name_en or name_th,
                aliases=[a for a in dict.fromkeys(aliases) if a != name_th],
                serves_public=bool(row.get("serves_public")),
            )
        )
    return out


def owners_grid(
    fw: Framework, divisions: list[Division], table: Mapping[str, list[str]]
) -> list[dict[str, Any]]:
    """One row per item: code, names, a tick per division and the two shortcuts."""
    rows = []
    for item in fw.items():
        owners = set(table.get(item.code, []))
        row: dict[str, Any] = {"item": item.code, "name_th": item.name_th, "name_en": item.name_en}
        row[ALL] = ALL in owners
        row[SERVES_PUBLIC] = SERVES_PUBLIC in owners
        for d in divisions:
            row[d.id] = d.id in owners
        rows.append(row)
    return rows


def assignments_from_grid(
    rows: Iterable[Mapping[str, Any]], divisions: list[Division]
) -> dict[str, list[str]]:
    """The grid back as {item: owners}; "all" makes the other ticks of its row redundant."""
    out: dict[str, list[str]] = {}
    for row in rows:
        if row.get(ALL):
            out[str(row["item"])] = [ALL]
            continue
        owners = [SERVES_PUBLIC] if row.get(SERVES_PUBLIC) else []
        owners += [d.id for d in divisions if row.get(d.id)]
        if owners:
            out[str(row["item"])] = owners
    return out


def prefill(
    fw: Framework,
    saved: Mapping[int, Mapping[str, list[str]]],
    divisions: list[Division],
    usual: Organisation | None = None,
) -> tuple[dict[str, list[str]], int | None]:
    """The owners to show: this year's saved ones, else last year's carried over by the
    year-to-year mapping when there is one (``mapping_<from>_<to>.yaml``: renamed and merged
    items keep their owners) or by item code (owners still among the divisions); the year they
    come from (None: nothing)."""
    ids = {d.id for d in divisions} | {ALL, SERVES_PUBLIC}
    for year in (fw.year, fw.year - 1):
        table = dict(saved.get(year) or {})
        if year != fw.year and table:
            table = _carried(table, year, fw.year)
        found = {
            code: [o for o in owners if o in ids]
            for code, owners in table.items()
            if fw.has_item(code)
        }
        found = {c: o for c, o in found.items() if o}
        if found:
            return found, year
    if usual is not None:  # the type's usual owners, matched to these divisions by name
        found = usual_owners(fw, usual, divisions)
        if found:
            return found, 0
    return {}, None


def usual_owners(
    fw: Framework, usual: Organisation, divisions: list[Division]
) -> dict[str, list[str]]:
    """The owners ``usual`` gives this year's items (same year, same codes), each division
    found among ours by its name or aliases; those we do not have are left out."""
    table = usual.assignments.get(fw.year, {})
    mine = Organisation(
        name_th=usual.name_th,
        short_th=usual.short_th,
        name_en=usual.name_en,
        report_date=usual.report_date,
        divisions=divisions,
    )
    out: dict[str, list[str]] = {}
    for code, owners in table.items():
        if not fw.has_item(code):
            continue
        ours: list[str] = []
        for owner in owners:
            if owner in (ALL, SERVES_PUBLIC):
                ours.append(owner)
                continue
            theirs = usual.division(owner)
            found = None
            for name in (theirs.name_th, *theirs.aliases):
                found = found or mine.match_division(name)
            if found is not None and found.id not in ours:
                ours.append(found.id)
        if ours:
            out[code] = ours
    return out


def _carried(table: dict[str, list[str]], old: int, new: int) -> dict[str, list[str]]:
    """Last year's owners under this year's codes, through the mapping when one ships."""
    try:
        mapping = load_mapping(old, new)
    except ItaError:  # no mapping (or one that does not fit): same code, same item
        return table
    out: dict[str, list[str]] = {}
    for link in mapping.links:
        if link.new is None:
            continue
        owners: list[str] = []
        for code in link.old:
            owners.extend(o for o in table.get(code, []) if o not in owners)
        if owners:
            out[link.new] = [ALL] if ALL in owners else owners
    return out


def copy_framework(previous: Framework, year: int) -> Framework:
    """Last year's items for a new year: marked provisional, with the new year's rating rules
    (``ratings.yaml``), to be checked against the NACC's list."""
    rules = rules_for_year(year)
    data = previous.model_dump()
    data.update(
        year=year,
        provisional=True,
        oit_window=None,
        source=f"คัดลอกจากกรอบการประเมินปี {previous.year} — copied from {previous.year}",
        scoring_note_th=rules.scoring_note_th,
        scoring_note_en=rules.scoring_note_en,
        rating_kind=rules.kind,
        ratings_provisional=rules.provisional,
        ratings=[r.model_dump() for r in rules.ratings],
    )
    return Framework.model_validate(data)


def templates_zip(org: Organisation, year: int) -> bytes:
    """Every reporting division's blank workbook, ``oit_<year>_<id>.xlsx``, in one zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for d in org.reporting_divisions():
            wb = build_template(d.id, year=year, organisation=org)
            zf.writestr(f"oit_{year}_{d.id}.xlsx", workbook_bytes(wb, _STAMP))
    return out.getvalue()


_STAMP = datetime(2000, 1, 1)  # fixed, so the same set-up gives the same bytes
