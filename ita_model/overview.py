"""The executives' questions, answered from the loaded data: what is due next, how many
people have answered the surveys, which items are still missing and whose they are.

Pure pandas: the overview page, the meeting slides and the hand-outs all ask the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ita_model.charts import step_states
from ita_model.organisation import Organisation
from ita_model.readiness import Readiness

NOT_DONE = ("not_started", "in_progress")
_STATUS_RANK = {"not_started": 0, "in_progress": 1}


@dataclass(frozen=True)
class Deadline:
    activity: str
    phase: str
    due: date
    days_left: int


def timeline_states(steps: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The timeline's rows with start_date, end_date, state and is_event (empty-safe)."""
    if not len(steps) or "start" not in steps:
        cols = ["activity", "phase", "start_date", "end_date", "state", "is_event"]
        return pd.DataFrame(columns=cols)
    out = step_states(steps, as_of)
    out["phase"] = out["phase"].fillna("general") if "phase" in out else "general"
    return out


def next_deadline(states: pd.DataFrame, as_of: date) -> Deadline | None:
    """The nearest end of a step window on or after ``as_of`` (meetings are not deadlines)."""
    if not len(states):
        return None
    windows = states[~states["is_event"].astype(bool)]
    pool = windows if len(windows) else states
    ahead = pool[[d is not None and d >= as_of for d in pool["end_date"]]]
    if not len(ahead):
        return None
    row = ahead.sort_values(["end_date", "start_date"], kind="stable").iloc[0]
    return Deadline(
        str(row["activity"]), str(row["phase"]), row["end_date"], (row["end_date"] - as_of).days
    )


def oit_deadline(states: pd.DataFrame) -> date | None:
    """When the agency's OIT answers are due: the end of the first OIT window of the timeline."""
    if not len(states):
        return None
    oit = states[(states["phase"] == "OIT") & ~states["is_event"].astype(bool)]
    if not len(oit):
        return None
    return oit.sort_values("start_date", kind="stable").iloc[0]["end_date"]


def survey_progress(survey: pd.DataFrame, as_of: date | None = None) -> pd.DataFrame:
    """The latest count of respondents per tool (IIT, EIT), on or before ``as_of``, vs target."""
    cols = ["tool", "respondents", "target", "date", "pct"]
    if not len(survey) or "tool" not in survey:
        return pd.DataFrame(columns=cols)
    frame = survey.copy()
    if "date" not in frame:
        frame["date"] = None
    if "target" not in frame:
        frame["target"] = None
    dates = pd.to_datetime(frame["date"], errors="coerce")
    if as_of is not None:
        frame = frame[dates.isna() | (dates <= pd.Timestamp(as_of))]
        dates = dates.loc[frame.index]
    frame = frame.assign(_when=dates, _order=range(len(frame)))
    rows = []
    for tool in ("IIT", "EIT"):
        mine = frame[frame["tool"] == tool].sort_values(["_when", "_order"], na_position="first")
        if not len(mine):
            continue
        last = mine.iloc[-1]
        target = last["target"]
        if target is None or pd.isna(target):
            known = mine["target"].dropna()
            target = known.iloc[-1] if len(known) else None
        respondents = int(last["respondents"])
        pct = round(100 * respondents / target, 1) if target else None
        when = None if pd.isna(last["_when"]) else last["_when"].date()
        rows.append(
            {
                "tool": tool,
                "respondents": respondents,
                "target": None if target is None else int(target),
                "date": when,
                "pct": pct,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def missing_items(
    readiness: Readiness,
    organisation: Organisation,
    *,
    deadline: date | None = None,
    as_of: date | None = None,
) -> pd.DataFrame:
    """Items not done, most urgent first: not started before in progress, then the ones
    waiting on the most divisions, then in framework order.

    Columns: item, name_th, name_en, subindicator, status, waiting_on (ids of owners not done),
    not_started_on (those of them that have not started it), waiting_th, waiting_en (their
    names), days_left (to ``deadline``; negative: overdue).
    """
    items = readiness.items
    todo = items[items["status"].isin(NOT_DONE)].copy()
    names = organisation.reporters()  # the divisions, and the agency as a whole
    waiting = [
        [div for div in owners if status_of.get(div, "not_started") in NOT_DONE]
        for owners, status_of in zip(todo["owners"], todo["owner_status"], strict=True)
    ]
    todo["waiting_on"] = waiting
    todo["not_started_on"] = [
        [div for div in w if status_of.get(div, "not_started") == "not_started"]
        for w, status_of in zip(waiting, todo["owner_status"], strict=True)
    ]
    todo["waiting_th"] = [", ".join(names[d].name_th for d in w if d in names) for w in waiting]
    todo["waiting_en"] = [", ".join(names[d].name_en for d in w if d in names) for w in waiting]
    days = (deadline - as_of).days if deadline and as_of else None
    todo["days_left"] = days
    todo["_rank"] = todo["status"].map(_STATUS_RANK)
    todo["_n"] = [-len(w) for w in waiting]
    todo["_order"] = range(len(todo))
    todo = todo.sort_values(["_rank", "_n", "_order"], kind="stable")
    cols = [
        "item",
        "name_th",
        "name_en",
        "subindicator",
        "status",
        "waiting_on",
        "not_started_on",
        "waiting_th",
        "waiting_en",
        "days_left",
    ]
    return todo[cols].reset_index(drop=True)


def not_started_by_division(readiness: Readiness) -> pd.DataFrame:
    """The divisions with items they have not started (by their own status, which an item
    "in progress" overall hides), most first. Columns: division, name_th, name_en, not_started
    (how many), total, nothing_started (not one of its items done or in progress)."""
    cols = ["division", "name_th", "name_en", "not_started", "total", "nothing_started"]
    by = readiness.by_division
    if not len(by):
        return pd.DataFrame(columns=cols)
    late = by[by["not_started"] > 0].copy()
    late["nothing_started"] = (late["done"] == 0) & (late["in_progress"] == 0)
    late = late.sort_values(["nothing_started", "not_started"], ascending=False, kind="stable")
    return late[cols].reset_index(drop=True)


def overdue_by_division(readiness: Readiness, deadline: date | None, as_of: date) -> dict[str, int]:
    """Per division, its items not done once the OIT deadline has passed (else none)."""
    if deadline is None or as_of <= deadline:
        return {}
    out: dict[str, int] = {}
    for status_of in readiness.items["owner_status"]:
        for div, status in status_of.items():
            if status in NOT_DONE:
                out[div] = out.get(div, 0) + 1
    return out
