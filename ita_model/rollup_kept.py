"""Each agency's roll-up figures read from the store where kept, computed where not.

The figures of an agency after a decision are a pure function of the store (its decisions up to
then, its set-up) and of the shipped data and rules (``figures_version``), so they are computed
once, by ``rollup._compute`` (set-based, all the agencies that need it in one call), and kept in
``agency_figures`` (``store/figures.py``): after every decision for the decided agencies
(``refresh``), and by any roll-up that finds a row missing or stale. A roll-up of 8,300 agencies
is then one statement and a few microseconds of Python per agency.

"Now" is the state after an agency's newest decision in (time, number) order, that is as of any
moment after it: the ``current`` table whenever no file was dated before a later decision of its
own slot (``submit(at=…)``), which is how every page and command decides.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import text

from ita_model import rollup as arithmetic
from ita_model.agencies import AgencyRecord
from ita_model.errors import StoreError
from ita_model.framework import FRAMEWORKS_DIR, Framework, base_framework
from ita_model.rollup import AGENCY_COLUMNS, INDICATOR_COLUMNS, MISSING_COLUMNS, listed
from ita_model.settings import Settings, get_settings
from ita_model.store import Store
from ita_model.store import figures as kept_rows

_log = logging.getLogger(__name__)

MANY = 1000  # agencies decided at once: a file that grows the tables by orders (``_analyse``)
_GROWN = ("events", "current", "slots", "submissions", "oit_rows", "score_rows", "agency_figures")
RULES = "1"  # bump when how figures are computed changes (rollup.py, rollup_sql.py)
ALWAYS = datetime(3000, 1, 1, tzinfo=UTC)  # after every decision: "now" in (time, number) order
_PACKAGE = Path(__file__).parent
_SHIPPED = ("ratings.yaml", "statuses.yaml")
_JSON = {"separators": (",", ":"), "ensure_ascii": False, "allow_nan": False}


@dataclass(frozen=True)
class Kept:
    """Many agencies' figures, one tuple an agency in the records' order: (agency, framework
    fingerprint, oit_done, oit_total, oit, iit, eit, total, rating, passed, indicators JSON,
    missing JSON), and each fingerprint's framework."""

    rows: list[tuple[Any, ...]]
    frameworks: dict[str, Framework]

    def agencies(self, records: Mapping[str, AgencyRecord]) -> pd.DataFrame:
        """``Rollup.agencies``: one line an agency, built column by column."""
        cols: list[Sequence[Any]] = [list(c) for c in zip(*self.rows, strict=True)] or [[]] * 12
        recs = [records[code] for code in cols[0]]
        scores = ("oit", "iit", "eit", "total")
        data = {
            "agency": cols[0],
            "name": [r.name for r in recs],
            "province": [r.province or "" for r in recs],
            "type": [r.type or "" for r in recs],
            "parent": [r.parent or "" for r in recs],
            "oit_done": cols[2],
            "oit_total": cols[3],
            **{k: cols[n] for n, k in enumerate(scores, 4)},  # None: NaN
            "rating": [v or "" for v in cols[8]],
            "passed": [bool(v) for v in cols[9]],
        }
        return pd.DataFrame(data, columns=AGENCY_COLUMNS).astype(
            {"oit_done": "int64", "oit_total": "int64", "passed": "bool"}
            | dict.fromkeys(scores, "float64")
        )

    def indicators(self) -> pd.DataFrame:
        """``Rollup.indicators``: each agency's indicators, named by its framework."""
        names_of = {
            fp: {i.number: i.name_th for i in fw.indicators} for fp, fw in self.frameworks.items()
        }
        parsed = [(row[0], names_of[row[1]], json.loads(row[10])) for row in self.rows]
        frame = pd.DataFrame(
            {
                "agency": [code for code, _, pairs in parsed for _ in pairs],
                "indicator": [n for _, _, pairs in parsed for n, _ in pairs],
                "name": [named[n] for _, named, pairs in parsed for n, _ in pairs],
                "score": [v for _, _, pairs in parsed for _, v in pairs],  # None: NaN
            },
            columns=INDICATOR_COLUMNS,
        )
        return frame.astype({"indicator": "int64", "score": "float64"})

    def missing(self) -> pd.DataFrame:
        """``Rollup.missing``: per item its name, the agencies missing it, and their share of
        the agencies whose framework has it (the most agencies' framework names an item)."""
        per_fw = Counter(row[1] for row in self.rows)
        missing: Counter[str] = Counter()
        for row in self.rows:
            missing.update(json.loads(row[11]))
        items: dict[str, tuple[str, int]] = {}
        for fp, n in sorted(per_fw.items(), key=lambda kv: -kv[1]):
            for item in self.frameworks[fp].items():
                name, counted = items.get(item.code, (item.name_th, 0))
                items[item.code] = (name, counted + n)
        frame = pd.DataFrame(
            [
                (code, name, missing[code], missing[code] / counted if counted else 0.0)
                for code, (name, counted) in items.items()
                if missing[code]
            ],
            columns=MISSING_COLUMNS,
        ).astype({"agencies_missing": "int64", "share": "float64"})
        return frame.sort_values(
            ["agencies_missing", "item"], ascending=[False, True], ignore_index=True
        )


# --------------------------------------------------------------------------- versions


@functools.cache
def _shipped_digest() -> str:
    """The bundled frameworks, ratings and statuses, read once per process."""
    h = hashlib.sha256(RULES.encode())
    for path in sorted(FRAMEWORKS_DIR.glob("*.yaml")) + [_PACKAGE / n for n in _SHIPPED]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=16)
def _file_digest(path: str, _mtime: int, _size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


_PRINTS: dict[int, tuple[Framework, str]] = {}


def fingerprint(fw: Framework) -> str:
    """A framework's content in 32 characters (computed once per framework object)."""
    found = _PRINTS.get(id(fw))
    if found is not None and found[0] is fw:
        return found[1]
    if len(_PRINTS) > 64:
        _PRINTS.clear()
    digest = hashlib.md5(fw.model_dump_json().encode(), usedforsecurity=False).hexdigest()
    _PRINTS[id(fw)] = (fw, digest)
    return digest


def figures_version(settings: Settings, year: int) -> str:
    """What kept figures were made with besides the store: the shipped frameworks, ratings and
    statuses, the bundled organisation file (the agencies not set up) and the year's framework
    of the agencies with none of their own (``base_framework``), and ``RULES``."""
    org = settings.organisation
    try:
        st = org.stat()
        org_digest = _file_digest(str(org), st.st_mtime_ns, st.st_size)
    except OSError:
        org_digest = "-"
    base = fingerprint(base_framework(year))
    return hashlib.sha256(f"{_shipped_digest()}/{org_digest}/{base}".encode()).hexdigest()[:32]


# --------------------------------------------------------------------------- reading


def kept(
    store: Store,
    year: int,
    records: Sequence[AgencyRecord],
    when: datetime | None,
    settings: Settings,
    everything: bool,
) -> Kept:
    """The figures of ``records`` (``everything``: the whole registry) as of ``when`` (None:
    now): read in one statement, the missing or stale ones computed in one ``_compute`` call and
    kept. The embedded default agency with nothing ever decided in the year is left out."""
    version = figures_version(settings, year)
    base = base_framework(year)
    frameworks = {fingerprint(base): base}
    with store._read() as conn:
        if conn is None:
            return Kept([], frameworks)
        records = listed(conn, year, records)
        codes = [r.code for r in records]
        read = kept_rows.read(conn, year, None if everything else codes, when, version)
    by_code = {row[0]: row for row in read}
    stale = [code for code in codes if code in by_code and not by_code[code][5]]
    unknown = {row[6] for row in read if row[5] and row[6] not in frameworks}
    if unknown:
        stale += _unresolved(store, year, read, unknown, base, frameworks)
    rows = {code: (code, *row[6:]) for code, row in by_code.items() if row[5]}
    if stale:
        picked = {code: by_code[code][1:5] for code in stale}
        fresh = _computed(store, year, records, stale, picked, when, settings, everything, version)
        for fw in fresh.frameworks.values():
            frameworks.setdefault(fingerprint(fw), fw)
        rows.update({row[0]: row for row in fresh.rows})
    return Kept([rows[c] for c in codes if c in rows], frameworks)


def _unresolved(
    store: Store,
    year: int,
    read: list[tuple[Any, ...]],
    prints: set[str],
    base: Framework,
    frameworks: dict[str, Framework],
) -> list[str]:
    """Each agency framework named by a kept row, read from one agency holding it; the agencies
    whose framework is no longer the one their rows name, to be computed again."""
    from ita_model.agency_store import AgencyStore

    holders: dict[str, list[str]] = {}
    for row in read:
        if row[5] and row[6] in prints:
            holders.setdefault(row[6], []).append(row[0])
    again: list[str] = []
    for fp, codes in holders.items():
        fw = AgencyStore(store, codes[0]).frameworks().get(year) or base
        if fingerprint(fw) == fp:
            frameworks[fp] = fw
        else:
            again += codes
    return again


def _computed(
    store: Store,
    year: int,
    records: Sequence[AgencyRecord],
    codes: list[str],
    picked: dict[str, tuple[Any, ...]],
    when: datetime | None,
    settings: Settings,
    everything: bool,
    version: str,
) -> Kept:
    """``_compute`` for the agencies ``codes`` (all of ``records`` and ``everything``: the
    whole registry, without lists of codes), their rows kept as it goes."""
    with store._read() as conn:
        since = 0 if conn is None else kept_rows.noted(conn)
    wanted = set(codes)
    some = [r for r in records if r.code in wanted]
    whole = everything and len(some) == len(records)
    found, _items = arithmetic._compute(
        store, year, some, whole, when or ALWAYS, settings, each_item=True
    )
    out: list[tuple[Any, ...]] = []
    frameworks: dict[str, Framework] = {}
    stored: list[dict[str, Any]] = []
    for record, f, fw in found:
        fp = fingerprint(fw)
        frameworks[fp] = fw
        seq, at, basis, replaces = picked[record.code]
        row = {
            "replaces": replaces,
            "agency": record.code,
            "seq": seq,
            "at": at,
            "basis": basis,
            "version": version,
            "framework": fp,
            "oit_done": f.oit_done,
            "oit_total": f.oit_total,
            "oit": f.oit,
            "iit": f.tools.get("IIT"),
            "eit": f.tools.get("EIT"),
            "total": f.total,
            "rating": None if f.rating is None else f.rating.name_th,
            "passed": bool(f.rating is not None and f.rating.passes),
            "indicators": json.dumps(sorted(f.indicators.items()), **_JSON),
            "missing": json.dumps(list(f.missing), **_JSON),
        }
        stored.append(row)
        out.append((record.code, *(row[n] for n in kept_rows.FIGURES)))
    _keep(store, year, stored, since)
    return Kept(out, frameworks)


def _keep(store: Store, year: int, rows: list[dict[str, Any]], since: int) -> None:
    """Store computed rows, best-effort: a store that cannot be written now (a read-only
    folder, a busy database) is read correctly all the same, only not faster next time."""
    if not rows or store._read_only_folder():
        return
    try:
        with store._write() as conn:
            kept_rows.put(conn, year, rows, since)
    except StoreError:
        _log.warning("roll-up figures not kept in %s", store.describe(), exc_info=True)


# --------------------------------------------------------------------------- after a decision


def refresh(store: Store, year: int, codes: Sequence[str]) -> None:
    """Compute and keep the figures of agencies just decided (one ``_compute`` for them all).
    It never fails the decision: whatever goes wrong is logged, and the next roll-up computes
    what is not kept."""
    try:
        if len(codes) >= MANY:
            _analyse(store)
        records = [AgencyRecord.model_construct(code=c, name=c) for c in dict.fromkeys(codes)]
        kept(store, year, records, None, get_settings(), everything=False)
    except Exception:  # the decision is committed: nothing here may undo or hide it
        _log.exception("roll-up figures of %d agencies not refreshed after a decision", len(codes))


def _analyse(store: Store) -> None:
    """PostgreSQL plans the roll-up's statements from its statistics of the tables, which a file
    of thousands of agencies has just grown by orders (a fresh national store: from nothing);
    before autovacuum catches up, the plans would be for the tables as they were."""
    if store.dialect != "postgresql":
        return
    with store._write() as conn:
        conn.execute(text(f"ANALYZE {', '.join(_GROWN)}"))
