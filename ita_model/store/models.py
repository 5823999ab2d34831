"""The store's nouns as data: a submission, an audit event, and what a slot is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

State = Literal["pending", "accepted", "rejected", "superseded"]


class Submission(BaseModel):
    id: str
    sha256: str
    filename: str
    suffix: str
    division: str | None
    year: int
    user: str
    submitted_at: datetime
    errors: int
    warnings: int
    state: State = "pending"
    decided_by: str | None = None
    decided_at: datetime | None = None
    slot: str | None = None
    unreadable: bool = False
    size: int | None = None
    kinds: list[str] = Field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The CLI's ``history --json`` shape."""
        return {
            "id": self.id,
            "division": self.division,
            "state": self.state,
            "sha256": self.sha256,
            "submitted_at": self.submitted_at.isoformat(),
            "user": self.user,
            "filename": self.filename,
        }


class Event(BaseModel):
    """One line of the audit log."""

    seq: int
    at: datetime
    user: str
    role: str
    action: str  # submitted, accepted, rolled_back, setting_changed, ingested, rechecked, …
    submission_id: str | None = None
    year: int | None = None
    division: str | None = None
    slot: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


K = TypeVar("K")
V = TypeVar("V")


def replay_decision(slots: dict[K, V], key: K, event: Event, value: V) -> None:
    """One decision of the log replayed: ``value`` stands for its slot from now on, or nothing
    does after a withdrawal."""
    if event.action == "withdrawn":
        slots.pop(key, None)
    else:
        slots[key] = value


def slot_of(division: str | None, kinds: Sequence[str]) -> str:
    """What a submission speaks for: its division, else the kinds of sheets it holds."""
    if division:
        return division
    return "kind:" + "+".join(sorted(kinds)) if kinds else "none"
