"""Many agencies at once: each one's readiness, estimated score and rating, for a scope.

An agency's figures here are its own overview's: the same rules (``rollup_sql.py`` says how each
is written in SQL), the same framework and organisation (its own set-up; else, for the default
agency, the bundled demo's, and for any other agency one with no divisions and no owners: it
reports as a whole, ``in_force.py``), the same arithmetic (``scoring``'s weighted means and
rating rules on the same counts). The database groups; Python only weighs a few numbers per agency.

"As of" follows ``Store.current(as_of=…)``: per slot the latest decision at or before the moment.
``rollup()`` reads each agency's figures kept in the store per decision and computes here only
those not kept yet (``rollup_kept.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy.engine import Connection

from ita_model import rollup_links
from ita_model.agencies import DEFAULT_AGENCY, AgencyRecord
from ita_model.datafile import read_yaml
from ita_model.fiscal import end_of_day, today_in_thailand
from ita_model.framework import Framework, Indicator, base_framework
from ita_model.i18n import t
from ita_model.organisation import Organisation, whole_agency
from ita_model.ratings import Rating
from ita_model.readiness import owners_of
from ita_model.rollup_sql import (
    Group,
    analytic,
    has_slots,
    oit_counts,
    score_rows,
    setup_groups,
)
from ita_model.scope import Scope
from ita_model.scoring import _weighted
from ita_model.settings import Settings, get_settings
from ita_model.store import Store
from ita_model.store.figures import SCORES
from ita_model.thai import fiscal_year_range

AGENCY_COLUMNS = ["agency", "name", "province", "type", "parent", *SCORES]
INDICATOR_COLUMNS = ["agency", "indicator", "name", "score"]
MISSING_COLUMNS = ["item", "name", "agencies_missing", "share"]
PROGRESS_COLUMNS = ["day", "agencies_passing", "mean_oit_done_share"]


@dataclass(frozen=True)
class Rollup:
    """The agencies of a scope in one year, now or as of a moment."""

    year: int
    as_of: datetime | None  # None: now
    agencies: pd.DataFrame
    indicators: pd.DataFrame
    missing: pd.DataFrame
    progress: pd.DataFrame
    scope: str = "all"
    pass_mark: float | None = field(default=None)
    links: pd.DataFrame = field(default_factory=rollup_links.empty)  # ``rollup_links``

    @property
    def empty(self) -> bool:
        return not len(self.agencies)

    def heading(self, lang: str = "th") -> str:
        """The year, how many agencies and how many pass, in one line."""
        n, passing = len(self.agencies), int(self.agencies["passed"].sum())
        return t("rollup.heading", lang, year=self.year, n=n, passing=passing)

    def message(self, lang: str = "th") -> str | None:
        """What to say instead of a table when there is nothing to show (Thai first)."""
        if not self.empty:
            return None
        if self.scope == "all":
            return t("rollup.empty_store", lang, year=self.year)
        return t("rollup.empty_scope", lang, scope=self.scope, year=self.year)


@dataclass(frozen=True)
class _InForce:
    organisation: Organisation
    framework: Framework


@dataclass
class _Figures:
    oit_done: int
    oit_total: int
    oit: float | None
    tools: dict[str, float | None]
    total: float | None
    rating: Rating | None
    indicators: dict[int, float | None]
    missing: tuple[str, ...] = ()  # the items neither done nor not applicable (``each_item``)


# --------------------------------------------------------------------------- the registry


def registry(store: Store) -> tuple[list[AgencyRecord], bool]:
    """The agencies of the registry that whoever the store is bound for may read (a supervisor:
    its scope; an agency's own people: their agency; a store opened without a viewer: all), and
    whether that is every agency."""
    records = store.agency_registry()
    viewer = getattr(store, "_viewer", None)
    if viewer is None:
        return records, True
    readable = [r for r in records if viewer.may_read(r)]
    return readable, len(readable) == len(records)


def in_scope(records: Sequence[AgencyRecord], scope: Scope | None) -> list[AgencyRecord]:
    return list(records) if scope is None else scope.covered(records)


def _demo(settings: Settings) -> Organisation:
    """The bundled organisation itself (not an agency activated in this process)."""
    return Organisation.model_validate(read_yaml(settings.organisation))


def _forces(
    store: Store, codes: Sequence[str], year: int, settings: Settings, everything: bool
) -> tuple[_InForce, list[tuple[_InForce, list[str]]]]:
    """The organisation and framework of the agencies with no set-up of their own (the base
    group: no divisions, no owners, as a whole), and the other groups, each read once: the
    agencies set up in the store, grouped by identical set-ups (divisions, owners, framework),
    and the default agency when it is not set up (the bundled demo's organisation)."""
    from ita_model.agency_store import AgencyStore, agency_parts_t

    fw = base_framework(year)  # the same for every caller (a session's own is not theirs)
    base = _InForce(whole_agency(t("whole_agency.name")), fw)
    out = []
    with store._read() as conn:
        ready = conn is not None and conn.dialect.has_table(conn, agency_parts_t.name)
        keys = (
            setup_groups(conn, year, agency_parts_t, None if everything else codes) if ready else {}
        )
    wanted = set(codes)
    members: dict[tuple[str, ...], list[str]] = {}
    for code, key in keys.items():
        if code in wanted:
            members.setdefault(key, []).append(code)
    for group in members.values():
        agency = AgencyStore(store, min(group))
        setup = agency.setup()
        if not setup.ready:
            continue
        own_fw = agency.frameworks().get(year) or fw
        out.append((_InForce(setup.organisation(), own_fw), sorted(group)))
    if DEFAULT_AGENCY in wanted and not any(DEFAULT_AGENCY in group for _, group in out):
        out.append((_InForce(_demo(settings), fw), [DEFAULT_AGENCY]))
    return base, out


def _group(force: _InForce, codes: Sequence[str] | None, others: Sequence[str]) -> Group:
    fw, org = force.framework, force.organisation
    # the owners readiness reads (one rule): an agency's own overview and its roll-up agree
    owners = {item: frozenset(ids) for item, ids in owners_of(fw, org).items()}
    subs = {item.code: fw.subindicator_of(item.code).code for item in fw.items()}
    return Group(codes, others, owners, subs)


# --------------------------------------------------------------------------- the figures


def _tools(fw: Framework, rows: Sequence[tuple[Any, Any, Any]]) -> dict[str, float | None]:
    """IIT and EIT from a scores sheet's rows, as ``scoring.tool_scores`` reads them."""
    table: dict[tuple[int, str], float] = {}
    for year, indicator, value in rows:
        if year is None or indicator is None or value is None:
            continue
        key = (int(year), str(indicator))
        table.pop(key, None)
        table[key] = float(value)
    years = sorted({y for y, _ in table}, reverse=True)
    oit_tools = {ind.tool for ind in fw.oit_indicators()}
    out: dict[str, float | None] = {}
    for tool in (x.code for x in fw.tools if x.code not in oit_tools):
        out[tool] = None
        for year in (y for y in years if y <= fw.year):
            got = {ind: v for (y, ind), v in table.items() if y == year}
            if tool in got:
                out[tool] = float(got[tool])
                break
            inds = [i for i in fw.indicators if i.tool == tool]
            if inds and all(str(i.number) in got for i in inds):
                out[tool] = _weighted((i.weight, float(got[str(i.number)])) for i in inds)
                break
    return out


@dataclass(frozen=True)
class _Plan:
    """A framework's shape, read once per roll-up: what ``scoring.score`` walks per agency."""

    indicators: tuple[tuple[int, float, tuple[tuple[str, float, int], ...]], ...]
    tools: tuple[tuple[str, float, bool], ...]  # code, weight, an OIT tool
    oit_tools: frozenset[str]
    others: tuple[int, ...]  # the indicators not scored from items (IIT, EIT)
    items: int

    @classmethod
    def of(cls, fw: Framework) -> _Plan:
        oit = fw.oit_indicators()
        oit_tools = frozenset(ind.tool for ind in oit)
        return cls(
            tuple(
                (
                    ind.number,
                    ind.weight,
                    tuple((s.code, s.weight, len(s.items())) for s in ind.subindicators),
                )
                for ind in oit
            ),
            tuple((t.code, t.weight, t.code in oit_tools) for t in fw.tools),
            oit_tools,
            tuple(i.number for i in fw.indicators if not i.subindicators),
            len(fw.items()),
        )


def _subs(ind: Indicator) -> tuple[tuple[str, float, int], ...]:
    return tuple((s.code, s.weight, len(s.items())) for s in ind.subindicators)


def _figures(
    fw: Framework,
    plan: _Plan,
    counts: Mapping[str, tuple[int, int]],
    tools: dict[str, float | None],
    this_year: Mapping[str, float],
) -> _Figures:
    """``scoring.score`` on counts (per sub-indicator: done, not applicable), the same sums in
    the same order, so the same floats."""
    indicators: dict[int, float | None] = {}
    done_all = 0
    for number, _weight, subs in plan.indicators:
        parts = []
        for code, weight, n_items in subs:
            done, na = counts.get(code, (0, 0))
            done_all += done
            applicable = n_items - na
            parts.append((weight, 100 * done / applicable if applicable else None))
        indicators[number] = _weighted(parts)
    oit = _weighted((weight, indicators[number]) for number, weight, _ in plan.indicators)
    parts = [(weight, oit if is_oit else tools.get(code)) for code, weight, is_oit in plan.tools]
    total = None if any(s is None for _, s in parts) else _weighted(parts)
    rating = None
    if total is not None:
        values = dict(tools) | dict.fromkeys(plan.oit_tools, oit)
        rating = fw.rating(min(max(total, 0.0), 100.0), values)
    for number in plan.others:
        indicators[number] = this_year.get(str(number))
    return _Figures(done_all, plan.items, oit, tools, total, rating, indicators)


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _moment(as_of: date | datetime | None) -> datetime | None:
    return None if as_of is None else end_of_day(as_of)


def listed(conn: Connection, year: int, records: Sequence[AgencyRecord]) -> Sequence[AgencyRecord]:
    """The agencies to list: all of ``records`` but the embedded default agency of a store
    where nothing was ever decided for it in ``year`` (a store that never had one)."""
    if any(r.code == DEFAULT_AGENCY for r in records) and not has_slots(conn, year, DEFAULT_AGENCY):
        return [r for r in records if r.code != DEFAULT_AGENCY]
    return records


def _compute(
    store: Store,
    year: int,
    records: Sequence[AgencyRecord],
    everything: bool,
    when: datetime | None,
    settings: Settings,
    *,
    each_item: bool = False,
) -> tuple[list[tuple[AgencyRecord, _Figures, Framework]], dict[str, tuple[str, int, int]]]:
    """Each agency's figures, and per item (name, agencies not done, agencies counted);
    ``each_item``: each agency's missing items too (in the same statement)."""
    with store._read() as conn:
        if conn is None:
            return [], {}
        records = listed(conn, year, records)
    codes = [r.code for r in records]
    base, set_up = _forces(store, codes, year, settings, everything)
    own = {code for _, group in set_up for code in group}
    by_code = {r.code: r for r in records}
    members = [(base, [r for r in records if r.code not in own])]
    members += [(force, [by_code[c] for c in group]) for force, group in set_up]
    members = [(force, agencies) for force, agencies in members if agencies]
    members.sort(key=lambda m: -len(m[1]))
    groups: list[tuple[_InForce, list[AgencyRecord], Group]] = []
    for n, (force, agencies) in enumerate(members):
        mine = [r.code for r in agencies]
        if n == 0 and everything:  # the largest group: every agency but the other groups'
            others = [r.code for _, rest in members[1:] for r in rest]
            groups.append((force, agencies, _group(force, None, others)))
        else:
            groups.append((force, agencies, _group(force, mine, [])))
    out: list[tuple[AgencyRecord, _Figures, Framework]] = []
    items: dict[str, tuple[str, int, int]] = {}
    with store._read() as conn:
        if conn is None:
            return [], {}
        analytic(conn)
        scores: dict[str, list[tuple[Any, Any, Any]]] = {}
        for agency, y, indicator, value in score_rows(
            conn, year, None if everything else codes, when
        ):
            scores.setdefault(agency, []).append((y, indicator, value))
        for force, agencies, group in groups:
            counts, per_item, settled = oit_counts(conn, year, group, when, each_item)
            fw = force.framework
            plan = _Plan.of(fw)
            codes_of_fw = [item.code for item in fw.items()]
            for record in agencies:
                rows = scores.get(record.code, [])
                this_year = {
                    str(i): float(v) for y, i, v in rows if y == fw.year and i and v is not None
                }
                figures = _figures(
                    fw, plan, counts.get(record.code, {}), _tools(fw, rows), this_year
                )
                if each_item:
                    done = settled.get(record.code, set())
                    figures.missing = tuple(c for c in codes_of_fw if c not in done)
                out.append((record, figures, fw))
            by_item = {item: (done, na) for item, done, na in per_item}
            for item in fw.items():
                done, na = by_item.get(item.code, (0, 0))
                name, missing, counted = items.get(item.code, (item.name_th, 0, 0))
                n = len(agencies)
                items[item.code] = (name, missing + max(n - done - na, 0), counted + n)
    order = {code: n for n, code in enumerate(codes)}
    return sorted(out, key=lambda found: order[found[0].code]), items


def rollup(
    store: Store,
    *,
    year: int,
    scope: Scope | None = None,
    as_of: date | datetime | None = None,
    progress: bool = True,
    settings: Settings | None = None,
) -> Rollup:
    """Every agency of ``scope`` (None: all) in ``year``, now or as of a moment (a date: the
    end of that day in Thailand). ``progress=False`` skips the figures over the year."""
    settings = settings or get_settings()
    readable, complete = registry(store)
    records = in_scope(readable, scope)
    everything = complete and (scope is None or scope.everything)
    when = _moment(as_of)
    from ita_model.rollup_kept import kept

    found = kept(store, year, records, when, settings, everything)
    days = None
    if progress and records:
        days = _progress(
            year,
            when.date() if when is not None else today_in_thailand(),
            lambda moment: kept(store, year, records, moment, settings, everything).rows,
        )
    fw = found.frameworks[found.rows[0][1]] if found.rows else None
    codes = None if everything else [r.code for r in records]
    return Rollup(
        year=year,
        as_of=when,
        agencies=found.agencies({r.code: r for r in records}),
        indicators=found.indicators(),
        missing=found.missing(),
        progress=days if days is not None else pd.DataFrame(columns=PROGRESS_COLUMNS),
        scope="all" if scope is None else scope.text(),
        pass_mark=None if fw is None else fw.pass_mark,
        links=rollup_links.link_figures(store, year, codes, when),
    )


def progress_days(year: int, until: date) -> list[date]:
    """The month ends of the fiscal year up to ``until``, and ``until`` itself."""
    first, last = fiscal_year_range(year)
    until = min(until, last)
    days = []
    d = first
    while d <= until:
        nxt = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
        end = nxt - timedelta(days=1)
        days.append(min(end, until))
        d = nxt
    return list(dict.fromkeys(days))


def _progress(
    year: int, until: date, compute: Callable[[datetime], list[tuple[Any, ...]]]
) -> pd.DataFrame:
    """Agencies passing and the mean share of OIT done at the month ends up to ``until``
    (``compute``: the kept figures' rows as of a moment, see ``rollup_kept.Kept``)."""
    rows = []
    for day in progress_days(year, until):
        found = compute(end_of_day(day))
        shares = [r[2] / r[3] for r in found if r[3]]
        passing = sum(1 for r in found if r[9])
        rows.append((day, passing, sum(shares) / len(shares) if shares else 0.0))
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS).astype(
        {"agencies_passing": "int64", "mean_oit_done_share": "float64"}
    )


# --------------------------------------------------------------------------- JSON


def _json_number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 2)


def rollup_json(r: Rollup) -> dict[str, Any]:
    """The issue's shape: ``{"year", "agencies": [...], "summary": {...}}`` (NaN: null); each
    agency's latest kept link check too (null: never checked)."""
    checked = {
        row.agency: (int(row.links_checked), int(row.links_with_problems))
        for row in r.links.itertuples(index=False)
    }
    agencies = [
        {
            "agency": row.agency,
            "name": row.name,
            "province": row.province or None,
            "type": row.type or None,
            "oit_done": int(row.oit_done),
            "oit_total": int(row.oit_total),
            "oit": _json_number(row.oit),
            "total": _json_number(row.total),
            "rating": row.rating or None,
            "pass": bool(row.passed),
            "links_checked": checked.get(row.agency, (None, None))[0],
            "links_with_problems": checked.get(row.agency, (None, None))[1],
        }
        for row in r.agencies.itertuples(index=False)
    ]
    totals = r.agencies["total"].dropna()
    return {
        "year": r.year,
        "agencies": agencies,
        "summary": {
            "agencies": len(agencies),
            "passing": int(r.agencies["passed"].sum()),
            "mean_total": _json_number(totals.mean()) if len(totals) else None,
        },
    }
