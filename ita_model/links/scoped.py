"""The links of every agency of a scope checked in one run (``links check --scope``), each agency's
results kept as its own run, as ``links check --agency`` keeps one.

Who may: someone who may write every agency of the scope (its editor or admin, a system
administrator; anyone while the store has no accounts), all or nothing: one agency refused and
nothing is fetched or kept (``agency_write_not_allowed`` naming them). Every agency's links are
fetched together through one fetcher (``check.check_many``: the run's concurrency and the
per-site limit hold across agencies), then judged and kept per agency. Agencies whose own link
settings differ (another timeout, other allowed hosts) are fetched in one group per setting.
An agency that cannot be checked (its set-up unreadable, its run not kept) is reported and the
others are checked and kept all the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ita_model.errors import CodedError, ItaError, NotAllowed, make_issue
from ita_model.links.check import Batch, check_many
from ita_model.links.evidence import KEEP_CHECKS, Evidence
from ita_model.links.runs import Run, due, keep, planned, policy_of, targets_of
from ita_model.links.safety import Policy
from ita_model.scope import Scope
from ita_model.settings import Settings, with_overrides

if TYPE_CHECKING:
    from ita_model.agencies import AgencyRecord
    from ita_model.auth import Actor
    from ita_model.store import Store

SHOWN = 10  # agencies named in a refusal; the rest are counted
# links fetched together before their agencies' runs are kept and their bodies let go: enough
# to keep the fetcher's 32 connections busy, few enough that a province or the whole country
# never holds more than this many pages in memory at once
CHUNK_LINKS = 1_000


@dataclass
class AgencyRun:
    """One agency's part of the run: its kept run, or why it could not be checked."""

    record: AgencyRecord
    run: Run | None = None
    failed: tuple[str, str] | None = None  # Thai, English

    def to_json(self) -> dict[str, Any]:
        results = self.run.results if self.run is not None else []
        out: dict[str, Any] = {
            "agency": self.record.code,
            "name": self.record.name,
            "links": [r.to_json() for r in results],
            "with_problems": sum(not r.ok for r in results),
        }
        if self.failed is not None:
            out["failed"] = {"message": self.failed[0], "message_en": self.failed[1]}
        return out


@dataclass
class ScopeRun:
    """What ``check_scope`` did: each agency checked (or failed), those not due."""

    agencies: list[AgencyRun] = field(default_factory=list)
    skipped_not_due: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[AgencyRun]:
        return [a for a in self.agencies if a.failed is not None]

    @property
    def exit_code(self) -> int:
        """0: no link with problems; 1: some link has; 2: some agency could not be checked."""
        if self.failed:
            return 2
        return 1 if any(a.run and a.run.with_problems for a in self.agencies) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "agencies": [a.to_json() for a in self.agencies],
            "skipped_not_due": list(self.skipped_not_due),
        }


@dataclass
class _Planned:
    """One agency ready to fetch: where its run is kept and what it asks."""

    entry: AgencyRun
    evidence: Evidence
    batch: Batch
    policy: Policy
    started: datetime


def agencies_of(store: Store, scope: Scope) -> list[AgencyRecord]:
    """The registry's agencies the scope covers, by code. A code listed (``agencies:``) that the
    registry lacks: ``agency_unknown``; none at all: ``link_scope_empty``."""
    records = store.agency_registry()
    known = {r.code for r in records}
    for part in scope.parts:
        if part.kind == "agencies":
            unknown = [c for c in part.values if c not in known]
            if unknown:
                raise CodedError("agency_unknown", value=", ".join(unknown[:SHOWN]))
    covered = scope.covered(records)
    if not covered:
        raise CodedError("link_scope_empty", scope=scope.text())
    return covered


def require_writer(actor: Actor, records: Sequence[AgencyRecord]) -> None:
    """``agency_write_not_allowed`` naming the agencies of the scope ``actor`` may not keep link
    checks for (the rule of a multi-agency submission: a system administrator, or an editor or
    admin of the agency itself)."""
    from ita_model.multi_agency import may_submit_for

    refused = [r.code for r in records if not may_submit_for(actor, r.code)]
    if refused:
        more = len(refused) - SHOWN
        shown = ", ".join(refused[:SHOWN]) + (f" … (+{more:,})" if more > 0 else "")
        raise NotAllowed(
            "agency_write_not_allowed",
            name=actor.name,
            own=actor.agency,
            agency=shown,
            what_th=KEEP_CHECKS[0],
            what_en=KEEP_CHECKS[1],
        )


def check_scope(
    store: Store,
    scope: Scope,
    *,
    user: str,
    settings: Settings,
    year: int | None = None,
    item: str | None = None,
    if_due: bool = False,
    allow_hosts: Sequence[str] = (),
) -> ScopeRun:
    """Check and keep the current links of every agency of ``scope`` (see the module's text).

    ``settings``: the deployment's, each agency's own overrides added to them; ``year``: every
    agency's year, else each one's setting; ``if_due``: each agency's own schedule decides."""
    records = agencies_of(store, scope)
    require_writer(store.accounts.actor(user), records)  # before anything is fetched
    out = ScopeRun()
    ready: list[_Planned] = []
    for record in records:
        entry = AgencyRun(record)
        try:
            plan = _plan(store, entry, user, settings, year, item, if_due, allow_hosts)
        except ItaError as exc:
            entry.failed = _failed(record, exc)
            out.agencies.append(entry)
            continue
        if plan is None:
            out.skipped_not_due.append(record.code)
            continue
        out.agencies.append(entry)
        ready.append(plan)
    groups: dict[Policy, list[_Planned]] = defaultdict(list)
    for plan in ready:
        groups[plan.policy].append(plan)
    for policy, group in groups.items():
        for chunk in chunks(group, CHUNK_LINKS):
            _check_and_keep(chunk, policy, if_due, user)
    return out


def chunks(group: Sequence[_Planned], most: int) -> list[list[_Planned]]:
    """Agencies in turn, as many together as fit in ``most`` links (always at least one)."""
    out: list[list[_Planned]] = []
    size = 0
    for plan in group:
        n = len(plan.batch.targets)
        if out and size + n <= most:
            out[-1].append(plan)
            size += n
        else:
            out.append([plan])
            size = n
    return out


def _check_and_keep(chunk: Sequence[_Planned], policy: Policy, if_due: bool, user: str) -> None:
    """One chunk's links fetched together, then each agency's run kept."""
    checked = check_many([p.batch for p in chunk], policy)
    for plan, (results, bodies) in zip(chunk, checked, strict=True):
        try:
            plan.entry.run = keep(
                plan.evidence,
                results,
                bodies,
                year=plan.batch.year,
                started=plan.started,
                trigger="schedule" if if_due else "cli",
                user=user,
            )
        except ItaError as exc:
            plan.entry.failed = _failed(plan.entry.record, exc)


def _plan(
    store: Store,
    entry: AgencyRun,
    user: str,
    base: Settings,
    year: int | None,
    item: str | None,
    if_due: bool,
    allow_hosts: Sequence[str],
) -> _Planned | None:
    """One agency's run as ``links check --agency`` would start it; None when not due."""
    from ita_model.current import current_data

    bound = store.for_agency(entry.record.code, user=user)
    settings = with_overrides(base, bound.overrides())
    year = year or settings.year
    evidence = Evidence(bound)
    if if_due and not due(settings, evidence.last_run(year, "schedule")):
        return None
    started = datetime.now(UTC)
    oit = current_data(bound, year).dataset.oit_current()
    batch = planned(
        evidence, targets_of(oit, item=item), year=year, user=user, all_targets=targets_of(oit)
    )
    return _Planned(entry, evidence, batch, policy_of(settings, allow_hosts), started)


def _failed(record: AgencyRecord, exc: ItaError) -> tuple[str, str]:
    issue = getattr(exc, "issue", None)
    why, why_en = (issue.message, issue.message_en) if issue is not None else (str(exc),) * 2
    said = make_issue("link_scope_agency_failed", agency=record.code, why=why, why_en=why_en)
    return said.message, said.message_en
