"""When links are checked and what a run does: the current records' links (or one workbook's),
checked under the Settings' limits, kept as evidence. On demand (the OIT page, the command
line), after an accepted upload (that division's links), and on the schedule set in Settings
(``links check --if-due`` from cron or a systemd timer: no thread inside the dashboard).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pandas as pd

from ita_model.auth import Actor
from ita_model.links.check import Batch, LinkResult, Target, check_many
from ita_model.links.evidence import Evidence, current
from ita_model.links.safety import Policy, hosts
from ita_model.settings import Settings

if TYPE_CHECKING:
    from ita_model.store import Store

THAILAND = ZoneInfo("Asia/Bangkok")


def policy_of(settings: Settings, allow: Iterable[str] = ()) -> Policy:
    """The run's limits from the settings in force, plus the command line's ``--allow-host``."""
    return Policy(
        allow_hosts=hosts(settings.link_allow_hosts) | hosts(",".join(allow)),
        robots_ignore_hosts=hosts(settings.link_robots_ignore_hosts),
        timeout_s=settings.link_timeout_s,
        max_bytes=int(settings.link_max_mb * 1024 * 1024),
        concurrency=settings.link_concurrency,
        per_host=max(1, settings.link_concurrency // 2),
        ca_file=str(settings.link_ca_file) if settings.link_ca_file else None,
    )


def targets_of(
    oit: pd.DataFrame, *, item: str | None = None, division: str | None = None
) -> list[Target]:
    """Every URL of every record in an OIT table (``Dataset.oit_current()`` or one file's)."""
    out: list[Target] = []
    if not len(oit) or "url" not in oit:
        return out
    for row in oit.itertuples(index=False):
        if item is not None and row.item != item:
            continue
        div = row.division if isinstance(row.division, str) else None
        if division is not None and div != division:
            continue
        every = getattr(row, "urls", None)
        urls = list(every) if isinstance(every, list | tuple) and len(every) else []
        if not urls and isinstance(row.url, str):
            urls = [row.url]
        for url in dict.fromkeys(u.strip() for u in urls if isinstance(u, str) and u.strip()):
            out.append(Target(str(row.item), div, url))
    return out


@dataclass
class Run:
    """One run's results (the links asked for) and where it was kept."""

    results: list[LinkResult]
    run_id: int | None = None

    @property
    def with_problems(self) -> list[LinkResult]:
        return [r for r in self.results if not r.ok]


def check_and_keep(
    evidence: Evidence,
    targets: Sequence[Target],
    *,
    year: int,
    policy: Policy,
    trigger: str,
    user: str | Actor,
    all_targets: Sequence[Target] = (),
) -> Run:
    """Check ``targets`` (conditionally, against what the store kept) and keep the run.

    ``all_targets``: every current link; the last checks of those not checked now still count
    for "the same page as another item".
    """
    started = datetime.now(UTC)
    batch = planned(evidence, targets, year=year, user=user, all_targets=all_targets)
    [(results, bodies)] = check_many([batch], policy)
    return keep(evidence, results, bodies, year=year, started=started, trigger=trigger, user=user)


def planned(
    evidence: Evidence,
    targets: Sequence[Target],
    *,
    year: int,
    user: str | Actor,
    all_targets: Sequence[Target] = (),
) -> Batch:
    """What one agency's run will ask (the first half of ``check_and_keep``): refused before
    any link is fetched unless ``user`` may keep checks for the agency."""
    evidence.writer(user)
    earlier = evidence.earlier(year)
    asked = {(t.item, t.division, t.url.strip()) for t in targets}
    others = [
        r
        for r in current(evidence.latest(year), all_targets)
        if (r.item, r.division, r.url) not in asked
    ]
    return Batch(targets, year, earlier, others)


def keep(
    evidence: Evidence,
    results: list[LinkResult],
    bodies: dict[str, tuple[bytes, str]],
    *,
    year: int,
    started: datetime,
    trigger: str,
    user: str | Actor,
) -> Run:
    """Keep one agency's checked links as its run (the second half of ``check_and_keep``)."""
    run_id = evidence.save(
        results, bodies, year=year, started_at=started, trigger=trigger, user=user
    )
    return Run(results, run_id)


def latest(evidence: Evidence, year: int, targets: Sequence[Target]) -> list[LinkResult]:
    """The last check of every current link (a link never checked is not in the list)."""
    return current(evidence.latest(year), targets)


def due(settings: Settings, last: datetime | None, now: datetime | None = None) -> bool:
    """Whether the schedule set in Settings wants a run now: the latest slot (the set hour,
    Thailand time, every day or every Monday) has passed since the last scheduled run."""
    if settings.link_schedule == "off":
        return False
    now = (now or datetime.now(UTC)).astimezone(THAILAND)
    slot = now.replace(hour=settings.link_schedule_hour, minute=0, second=0, microsecond=0)
    if slot > now:
        slot -= timedelta(days=1)
    if settings.link_schedule == "weekly":
        slot -= timedelta(days=slot.weekday())
    return last is None or last.astimezone(THAILAND) < slot


def after_accept(
    store: Store, division: str | None, *, settings: Settings, year: int, user: str | Actor
) -> Run | None:
    """Check one division's current links once one of its workbooks is accepted (when the
    setting is on); None when there is nothing to check."""
    if not settings.link_check_on_accept or not division:
        return None
    from ita_model.current import current_data

    dataset = current_data(store, year).dataset
    everything = targets_of(dataset.oit_current())
    mine = [t for t in everything if t.division == division]
    if not mine:
        return None
    return check_and_keep(
        Evidence(store),
        mine,
        year=year,
        policy=policy_of(settings),
        trigger="upload",
        user=user,
        all_targets=everything,
    )
