"""From many checked workbooks to one picture: the current status of every item, and counts.

The rows are the ones kept when each file arrived (``Store.stored``): nothing here reads a stored
file again, so a setting changed since (a smaller sheet limit) never changes accepted figures.

For each division the latest workbook that speaks for it counts. An item owned by several
divisions is ``done`` only when every owner says done (owners saying "not applicable" are
left out), ``in_progress`` when one has started, ``not_applicable`` when all say so.

A row with no division (a multi-agency sheet's rows; an agency with no divisions set up) is the
agency speaking as a whole:

- for an item with owners in the organisation in force, it speaks for every owner of that item:
  it counts exactly as if each owner had sent that row in that file. So a whole-agency file
  speaks for every division owning an item it lists: it replaces their older files, and a
  division's newer own file replaces it for that division;
- for an item with no owner, the agency as a whole is one more reporter of it (``WHOLE_AGENCY``,
  shown as ``ทั้งหน่วยงาน`` / ``whole agency``), beside any division that reports it; its newest
  file with such rows speaks for it. In an agency with no divisions, an item nobody has reported
  yet waits on the agency as a whole (not started).

``rollup_sql._statuses`` writes the same rules in SQL for many agencies at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd

from ita_model.framework import Framework, load_framework
from ita_model.organisation import WHOLE_AGENCY, Organisation, load_organisation
from ita_model.records import Status
from ita_model.settings import Settings, get_settings

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
STATUS_ORDER = [s.value for s in Status]


class Rows(Protocol):
    """What readiness reads of one checked file: a newly arrived file's ``FileReport``, or a
    stored submission's kept rows (``StoredReport``), alike."""

    @property
    def path(self) -> str: ...

    def frame(self, kind: str) -> pd.DataFrame: ...


def effective_status(statuses: Iterable[str]) -> str:
    """Combine the owners' statuses of one item (a missing owner counts as not started)."""
    statuses = list(statuses)
    if not statuses:
        return Status.NOT_STARTED.value
    applicable = [s for s in statuses if s != Status.NOT_APPLICABLE]
    if not applicable:
        return Status.NOT_APPLICABLE.value
    if all(s == Status.DONE for s in applicable):
        return Status.DONE.value
    if any(s in (Status.DONE, Status.IN_PROGRESS) for s in applicable):
        return Status.IN_PROGRESS.value
    return Status.NOT_STARTED.value


@dataclass
class Dataset:
    """Checked files in the order they came to count (oldest first)."""

    year: int
    reports: Sequence[Rows] = field(default_factory=list)

    def latest(self, kind: str) -> pd.DataFrame:
        """The rows of one kind from the newest file that has any."""
        for rep in reversed(self.reports):
            frame = rep.frame(kind)
            if len(frame):
                return frame.assign(source=rep.path)
        return pd.DataFrame()

    def oit_current(self, owners: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
        """One row per (division, item): from the newest file that speaks for that division.

        ``owners`` (item -> its owners' division ids; the readiness passes them): a row with no
        division is the agency as a whole, read as a row of each owner of its item in its place,
        or of the reporter ``WHOLE_AGENCY`` for an item nobody owns (``as_reporters``). Without
        it, such rows are left as they are (the link check, the consolidated workbook)."""
        frames = []
        claimed: set[str] = set()
        for rep in reversed(self.reports):
            frame = rep.frame("oit")
            if not len(frame):
                continue
            if owners is not None:
                frame = as_reporters(frame, owners)
            frame = frame[~frame["division"].isin(claimed)]
            if len(frame):
                frames.append(frame.assign(source=rep.path))
                claimed.update(frame["division"].dropna().unique())
        if not frames:
            return pd.DataFrame(columns=["division", "item", "status", "url", "updated", "source"])
        allrows = pd.concat(frames, ignore_index=True)
        return allrows.drop_duplicates(subset=["division", "item"], keep="last")


def owners_of(fw: Framework, org: Organisation) -> dict[str, list[str]]:
    """Each item with owners in the organisation: its owners' division ids (``oit_current``)."""
    found = {item.code: [d.id for d in org.owners(item.code, fw.year)] for item in fw.items()}
    return {code: ids for code, ids in found.items() if ids}


def as_reporters(frame: pd.DataFrame, owners: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """One file's OIT rows with each whole-agency row (no division) put in the place of its
    item's owners, one row each, where it stood in the file (so the last row of an item still
    wins); an item nobody owns: a row of the reporter ``WHOLE_AGENCY``."""
    whole = frame["division"].isna()
    if not whole.any():
        return frame
    reporters = [
        list(owners.get(item) or (WHOLE_AGENCY,)) if is_whole else [division]
        for division, item, is_whole in zip(frame["division"], frame["item"], whole, strict=True)
    ]
    out = frame.assign(division=reporters).explode("division", ignore_index=True)
    return out.astype({"division": frame["division"].dtype})


def files_in(folder: Path) -> list[Path]:
    """Spreadsheets in a folder, oldest first (by modification time, then name)."""
    found = [p for p in folder.iterdir() if p.suffix.lower() in SPREADSHEET_SUFFIXES]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


@dataclass(frozen=True)
class Source:
    """A file to read: where it is, the name its sender gave it, and the uploader's division."""

    path: Path
    name: str | None = None
    division: str | None = None


def load_dataset(
    paths: Sequence[Path | Source],
    *,
    year: int | None = None,
    organisation: Organisation | None = None,
    settings: Settings | None = None,
) -> Dataset:
    """Check files given by hand (folders are expanded, oldest first): the command line's
    ``summary FILE…``. What the dashboard shows comes from the store (``from_store``)."""
    from ita_model.validate import validate_file

    settings = settings or get_settings()
    year = year or settings.year
    sources: list[Source] = []
    for p in paths:
        if isinstance(p, Source):
            sources.append(p)
        elif p.is_dir():
            sources.extend(Source(f) for f in files_in(p))
        else:
            sources.append(Source(p))
    org = organisation or load_organisation()
    reports = [
        validate_file(
            s.path, s.name, year=year, division=s.division, organisation=org, settings=settings
        )
        for s in sources
    ]
    return Dataset(year, reports)


@dataclass
class Readiness:
    year: int
    items: pd.DataFrame  # one row per framework item, with its effective status and owners
    by_subindicator: pd.DataFrame
    by_indicator: pd.DataFrame
    by_division: pd.DataFrame

    @property
    def done(self) -> int:
        return int((self.items["status"] == Status.DONE).sum())

    @property
    def total(self) -> int:
        return len(self.items)

    def to_json(self) -> dict:
        return {
            "year": self.year,
            "done": self.done,
            "total": self.total,
            "items": _records(self.items),
            "subindicators": _records(self.by_subindicator),
            "indicators": _records(self.by_indicator),
            "divisions": _records(self.by_division),
        }


def _records(frame: pd.DataFrame) -> list[dict]:
    out = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for row in out:
        for k, v in row.items():
            if hasattr(v, "isoformat"):
                row[k] = v.isoformat()
    return out


def compute_readiness(
    dataset: Dataset,
    framework: Framework | None = None,
    organisation: Organisation | None = None,
) -> Readiness:
    fw = framework or load_framework(dataset.year)
    org = organisation or load_organisation()
    owned = owners_of(fw, org)
    current = dataset.oit_current(owned)
    by_pair = {(r.division, r.item): r for r in current.itertuples(index=False)}
    # until owners are assigned, an item no division owns counts from whichever division reports
    # it: a new agency tracks from its first files (the legal unit's checklist) before the grid;
    # the agency as a whole (``WHOLE_AGENCY``) is one more reporter of it
    reporters: dict[str, list[str]] = {}
    for div_id, code in by_pair:
        if isinstance(div_id, str):
            reporters.setdefault(code, []).append(div_id)
    rows = []
    for item in fw.items():
        owner_ids = owned.get(item.code) or sorted(reporters.get(item.code, []))
        if not owner_ids and not org.divisions:  # reported by nobody: the agency's to do
            owner_ids = [WHOLE_AGENCY]
        owner_status = {}
        urls: list[str] = []
        updated = None
        for div_id in owner_ids:
            r = by_pair.get((div_id, item.code))
            owner_status[div_id] = r.status if r is not None else Status.NOT_STARTED.value
            if r is not None:
                if isinstance(r.url, str) and r.url not in urls:
                    urls.append(r.url)
                if r.updated is not None and not pd.isna(r.updated):
                    updated = r.updated if updated is None else max(updated, r.updated)
        sub = fw.subindicator_of(item.code)
        rows.append(
            {
                "item": item.code,
                "name_th": item.name_th,
                "name_en": item.name_en,
                "subindicator": sub.code,
                "indicator": fw.indicator_of(item.code).number,
                "group_th": _group_of(fw, item.code),
                "status": effective_status(owner_status.values()),
                "owners": owner_ids,
                "owner_status": owner_status,
                "urls": urls,
                "updated": updated,
            }
        )
    items = pd.DataFrame(rows)
    by_sub = _count(items, "subindicator")
    by_sub.insert(1, "name_th", [fw_sub.name_th for fw_sub in _subs(fw, by_sub)])
    by_sub.insert(2, "name_en", [fw_sub.name_en for fw_sub in _subs(fw, by_sub)])
    by_ind = _count(items, "indicator")
    names = {i.number: i for i in fw.indicators}
    by_ind.insert(1, "name_th", [names[n].name_th for n in by_ind["indicator"]])
    by_ind.insert(2, "name_en", [names[n].name_en for n in by_ind["indicator"]])
    divs = []
    for div in org.divisions:
        mine = list(org.items_of(div.id, fw.year))
        if not mine:
            continue
        statuses = [
            items.loc[items["item"] == c, "owner_status"].iloc[0].get(div.id, "not_started")
            for c in mine
        ]
        counts = {s: statuses.count(s) for s in STATUS_ORDER}
        applicable = len(statuses) - counts["not_applicable"]
        divs.append(
            {
                "division": div.id,
                "name_th": div.name_th,
                "name_en": div.name_en,
                **counts,
                "total": len(statuses),
                "pct_done": round(100 * counts["done"] / applicable, 2) if applicable else 100.0,
                "items": mine,
            }
        )
    columns = ["division", "name_th", "name_en", *STATUS_ORDER, "total", "pct_done", "items"]
    return Readiness(fw.year, items, by_sub, by_ind, pd.DataFrame(divs, columns=columns))


def _count(items: pd.DataFrame, key: str) -> pd.DataFrame:
    table = (
        items.groupby([key, "status"]).size().unstack(fill_value=0).reindex(columns=STATUS_ORDER)
    )
    table = table.fillna(0).astype(int)
    table["total"] = table.sum(axis=1)
    applicable = table["total"] - table["not_applicable"]
    table["pct_done"] = (100 * table["done"] / applicable.where(applicable > 0)).round(2)
    table["pct_done"] = table["pct_done"].fillna(100.0)
    return table.reset_index()


def _subs(fw: Framework, table: pd.DataFrame) -> list:
    subs = {s.code: s for ind in fw.indicators for s in ind.subindicators}
    return [subs[c] for c in table["subindicator"]]


def _group_of(fw: Framework, code: str) -> str:
    for group in fw.subindicator_of(code).groups:
        if any(i.code == code for i in group.items):
            return group.name_th
    return ""
