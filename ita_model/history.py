"""Readiness through time, replayed from the store's decisions.

Every acceptance or rollback is a step; between steps nothing changes. From the steps come the
readiness as it was on any date, items done per indicator and per division by date, and "what
changed since the last meeting": every item whose status moved, who moved it, and with which file.
Every step reads the rows kept when each file arrived: no stored file is read or checked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from ita_model.fiscal import end_of_day, thai_day
from ita_model.framework import Framework, load_framework
from ita_model.organisation import Organisation, load_organisation
from ita_model.readiness import Dataset, Readiness, Rows, compute_readiness
from ita_model.records import Status
from ita_model.settings import Settings, get_settings
from ita_model.store import DECISIONS, Event, Store, Submission, replay_decision

__all__ = ["History", "Step", "end_of_day", "thai_day"]

MOVE_COLUMNS = [
    "at",
    "item",
    "name_th",
    "name_en",
    "division",
    "before",
    "after",
    "user",
    "action",
    "submission_id",
    "filename",
    "overall_before",
    "overall_after",
]
PROGRESS_COLUMNS = ["at", "day", "by", "key", "name_th", "name_en", "done", "total", "pct_done"]


@dataclass
class Step:
    """The picture after one decision (``event`` None: before any, nothing counts)."""

    event: Event | None
    current: list[Submission]  # in the order they became current
    readiness: Readiness

    @property
    def at(self) -> datetime | None:
        return self.event.at if self.event else None


class History:
    """The steps of one fiscal year, computed once from the rows kept with each submission."""

    def __init__(
        self,
        store: Store,
        *,
        settings: Settings | None = None,
        year: int | None = None,
        framework: Framework | None = None,
        organisation: Organisation | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or get_settings()
        self.year = year or self.settings.year
        self.framework = framework or load_framework(self.year)
        self.organisation = organisation or load_organisation(self.settings.organisation)
        self._steps: list[Step] | None = None

    # ---- building

    def steps(self) -> list[Step]:
        if self._steps is not None:
            return self._steps
        subs = {s.id: s for s in self.store.submissions(year=self.year)}
        decided = [
            (ev, subs[ev.submission_id])
            for ev in self.store.events(actions=DECISIONS)
            if ev.year == self.year and (ev.submission_id or "") in subs
        ]
        used = list({sub.id: sub for _, sub in decided}.values())
        rows: dict[str, Rows] = {
            sub.id: kept for sub, kept in zip(used, self.store.stored(used), strict=True)
        }
        slots: dict[str | None, tuple[int, Submission]] = {}
        steps = [Step(None, [], self._readiness([], rows))]
        for ev, sub in decided:
            replay_decision(slots, ev.slot, ev, (ev.seq, sub))
            current = [s for _, s in sorted(slots.values(), key=lambda p: p[0])]
            steps.append(Step(ev, current, self._readiness(current, rows)))
        self._steps = steps
        return steps

    def _readiness(self, current: list[Submission], rows: dict[str, Rows]) -> Readiness:
        dataset = Dataset(self.year, [rows[s.id] for s in current])
        return compute_readiness(dataset, self.framework, self.organisation)

    # ---- questions

    def at(self, when: date | datetime) -> Step:
        """The picture as it was at ``when`` (a date: the end of that day, Thai time)."""
        limit = end_of_day(when)
        found = self.steps()[0]
        for step in self.steps()[1:]:
            if step.at is not None and step.at <= limit:
                found = step
        return found

    def progress(self) -> pd.DataFrame:
        """Items done per indicator and per division after every step (``PROGRESS_COLUMNS``).

        ``by`` is ``"all"``, ``"indicator"`` or ``"division"``; the first step (``at`` empty)
        is the starting point before any decision.
        """
        rows = []
        for step in self.steps():
            r = step.readiness
            day = thai_day(step.at) if step.at else None
            rows.append(
                {
                    "at": step.at,
                    "day": day,
                    "by": "all",
                    "key": "all",
                    "name_th": "ทั้งหมด",
                    "name_en": "All items",
                    "done": r.done,
                    "total": r.total,
                    "pct_done": round(100 * r.done / r.total, 2) if r.total else 0.0,
                }
            )
            for t in r.by_indicator.itertuples(index=False):
                rows.append(
                    {
                        "at": step.at,
                        "day": day,
                        "by": "indicator",
                        "key": str(t.indicator),
                        "name_th": t.name_th,
                        "name_en": t.name_en,
                        "done": int(t.done),
                        "total": int(t.total),
                        "pct_done": float(t.pct_done),
                    }
                )
            for t in r.by_division.itertuples(index=False):
                rows.append(
                    {
                        "at": step.at,
                        "day": day,
                        "by": "division",
                        "key": t.division,
                        "name_th": t.name_th,
                        "name_en": t.name_en,
                        "done": int(t.done),
                        "total": int(t.total),
                        "pct_done": float(t.pct_done),
                    }
                )
        return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)

    def daily(self, by: str = "indicator") -> pd.DataFrame:
        """``progress`` keeping the last step of each Thai day (the start row has no day)."""
        frame = self.progress()
        frame = frame[frame["by"] == by]
        started = frame[frame["day"].notna()]
        last = started.groupby(["day", "key"], sort=True).tail(1)
        return pd.concat([frame[frame["day"].isna()], last], ignore_index=True)

    def changes_since(self, since: date | datetime) -> pd.DataFrame:
        """Every (item, division) status that moved after ``since``: who, when, with which file.

        ``overall_before`` / ``overall_after``: the item's status at ``since`` and now.
        """
        steps = self.steps()
        start = self.at(since)
        limit = end_of_day(since)
        later = [s for s in steps if s.at is not None and s.at > limit]
        first_items = start.readiness.items.set_index("item")
        last_items = (later[-1] if later else start).readiness.items.set_index("item")
        rows = []
        prev = start
        for step in later:
            before = prev.readiness.items.set_index("item")
            after = step.readiness.items.set_index("item")
            ev = step.event
            assert ev is not None
            for item in after.index:
                b_owner, a_owner = before.at[item, "owner_status"], after.at[item, "owner_status"]
                for div in after.at[item, "owners"]:
                    b = b_owner.get(div, Status.NOT_STARTED.value)
                    a = a_owner.get(div, Status.NOT_STARTED.value)
                    if a == b:
                        continue
                    rows.append(
                        {
                            "at": ev.at,
                            "item": item,
                            "name_th": after.at[item, "name_th"],
                            "name_en": after.at[item, "name_en"],
                            "division": div,
                            "before": b,
                            "after": a,
                            "user": ev.user,
                            "action": ev.action,
                            "submission_id": ev.submission_id,
                            "filename": ev.detail.get("filename"),
                            "overall_before": first_items.at[item, "status"],
                            "overall_after": last_items.at[item, "status"],
                        }
                    )
            prev = step
        return pd.DataFrame(rows, columns=MOVE_COLUMNS)
