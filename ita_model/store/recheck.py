"""Re-check stored files with the current validator (``python -m ita_model recheck``).

Rows are written once, when a file arrives; neither a settings change nor a new validator
rewrites them by itself. After ``VALIDATOR_VERSION`` changes, ``plan`` reads every stored file
of a year again and lists, per division, what would change: items whose status, link or date
would differ, rows gained or lost per kind, errors and warnings before and after, files that
would become unreadable. Nothing is written until ``apply``, which stores the new rows, report
and validator version of each file that differs, each with a ``rechecked`` audit event carrying
the before and after counts. States (accepted, rejected, …) are decisions and stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ita_model.auth import Actor, Role
from ita_model.i18n import both
from ita_model.settings import Settings, get_settings, with_overrides
from ita_model.store import figures
from ita_model.store.models import Event, Submission
from ita_model.store.rows import KINDS, present, validator_version

if TYPE_CHECKING:
    import pandas as pd

    from ita_model.store import Store
    from ita_model.validate import FileReport

_COMPARED = ("status", "url", "updated")  # what an OIT item's change is made of


@dataclass
class ItemChange:
    division: str | None
    item: str
    field: str  # status, url, updated; "row" when the item appears or disappears
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {
            "division": self.division,
            "item": self.item,
            "field": self.field,
            "before": None if self.before is None else str(self.before),
            "after": None if self.after is None else str(self.after),
        }


@dataclass
class FileCheck:
    """One stored file: what it gave then, what the current validator gives now."""

    submission: Submission
    validator_before: str | None
    validator_after: str
    rows_before: dict[str, int]
    rows_after: dict[str, int]
    errors_before: int
    errors_after: int
    warnings_before: int
    warnings_after: int
    unreadable_before: bool
    unreadable_after: bool
    items: list[ItemChange] = field(default_factory=list)
    report: FileReport | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        """Whether anything a view shows would change (not only the version stamp)."""
        return bool(
            self.items
            or self.rows_before != self.rows_after
            or (self.errors_before, self.warnings_before)
            != (self.errors_after, self.warnings_after)
            or self.unreadable_before != self.unreadable_after
        )

    @property
    def stale(self) -> bool:
        """Whether ``apply`` would write it: it differs, or its rows carry an older version."""
        return self.changed or self.validator_before != self.validator_after

    @property
    def becomes_unreadable(self) -> bool:
        return self.unreadable_after and not self.unreadable_before

    def counts(self) -> dict[str, Any]:
        """The before/after figures, as the audit event keeps them."""
        return {
            "validator": [self.validator_before, self.validator_after],
            "rows": {k: [self.rows_before.get(k, 0), self.rows_after.get(k, 0)] for k in KINDS},
            "errors": [self.errors_before, self.errors_after],
            "warnings": [self.warnings_before, self.warnings_after],
            "unreadable": [self.unreadable_before, self.unreadable_after],
            "items_changed": len(self.items),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "submission_id": self.submission.id,
            "division": self.submission.division,
            "slot": self.submission.slot,
            "filename": self.submission.filename,
            "state": self.submission.state,
            "changed": self.changed,
            **self.counts(),
            "items": [c.to_json() for c in self.items],
        }


def plan(
    store: Store, *, year: int | None = None, settings: Settings | None = None
) -> list[FileCheck]:
    """Every stored file of ``year`` (all years: None) checked again; nothing is written."""
    from ita_model.validate import validate_file

    settings = settings or with_overrides(get_settings(), store.overrides())
    from ita_model.agency_column import AgencyMatcher
    from ita_model.multi_agency import agency_share

    subs = store.submissions(year=year)
    version = validator_version()
    agencies = AgencyMatcher(lambda: store.agency_registry())  # read for an agency column only
    out = []
    for stored in store.stored(subs):
        sub = stored.submission
        report = validate_file(
            store.data(sub),
            sub.filename,
            year=sub.year,
            division=sub.division,
            settings=settings,
            agencies=agencies,
        )
        report = agency_share(report, sub.kinds, getattr(store, "agency", None))
        unreadable = bool(report.unreadable)
        out.append(
            FileCheck(
                submission=sub,
                validator_before=stored.validator,
                validator_after=version,
                rows_before={k: len(stored.frame(k)) for k in KINDS if len(stored.frame(k))},
                rows_after={k: len(report.frame(k)) for k in KINDS if len(report.frame(k))},
                errors_before=sub.errors,
                errors_after=report.issues.errors + int(unreadable),
                warnings_before=sub.warnings,
                warnings_after=report.issues.warnings,
                unreadable_before=sub.unreadable,
                unreadable_after=unreadable,
                items=item_changes(stored.frame("oit"), report.frame("oit")),
                report=report,
            )
        )
    return out


def apply(store: Store, checks: Sequence[FileCheck], *, user: str | Actor) -> list[Event]:
    """Write the new rows of every stale file, one ``rechecked`` audit event each (admin only)."""
    actor = store._acting(user, Role.ADMIN, "ตรวจไฟล์ที่เก็บไว้ใหม่", "re-check stored files")
    done = [c for c in checks if c.stale and c.report is not None]
    events = [
        store.rewrite_rows(c.submission, c.report, actor=actor, detail=c.counts()) for c in done
    ]
    for year in sorted({c.submission.year for c in done}):  # its roll-up figures, made again
        figures.after_decision(store, year, [store.agency])
    return events


def item_changes(before: pd.DataFrame, after: pd.DataFrame) -> list[ItemChange]:
    """The OIT items whose status, link or date differ (the later row of an item counts)."""
    old, new = _by_item(before), _by_item(after)
    out = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (k[0] or "", k[1])):
        a, b = old.get(key), new.get(key)
        if a is None or b is None:
            out.append(ItemChange(*key, "row", a and a["status"], b and b["status"]))
            continue
        out.extend(ItemChange(*key, f, a[f], b[f]) for f in _COMPARED if a[f] != b[f])
    return out


def _by_item(frame: pd.DataFrame) -> dict[tuple[str | None, str], dict[str, Any]]:
    out: dict[tuple[str | None, str], dict[str, Any]] = {}
    for r in frame.to_dict("records"):
        key = (present(r.get("division")), str(r["item"]))
        out[key] = {f: present(r.get(f)) for f in _COMPARED}
    return out


# --------------------------------------------------------------------------- words


def describe(checks: Sequence[FileCheck], *, applied: bool) -> list[str]:
    """The listing, per division, in Thai and English (``ui_text.yaml``, section ``recheck``)."""
    lines: list[str] = []
    shown = [c for c in checks if c.changed]
    by_division: dict[str, list[FileCheck]] = {}
    for c in shown:
        by_division.setdefault(c.submission.division or c.submission.slot or "-", []).append(c)
    for division in sorted(by_division):
        lines.append(both("recheck.division", division=division))
        for c in by_division[division]:
            s = c.submission
            lines.append("  " + both("recheck.file", filename=s.filename, id=s.id, state=s.state))
            if c.becomes_unreadable:
                lines.append("    " + both("recheck.unreadable"))
            for kind in KINDS:
                a, b = c.rows_before.get(kind, 0), c.rows_after.get(kind, 0)
                if a != b:
                    lines.append("    " + both("recheck.rows", kind=kind, before=a, after=b))
            if (c.errors_before, c.warnings_before) != (c.errors_after, c.warnings_after):
                lines.append(
                    "    "
                    + both(
                        "recheck.issues",
                        errors_before=c.errors_before,
                        errors_after=c.errors_after,
                        warnings_before=c.warnings_before,
                        warnings_after=c.warnings_after,
                    )
                )
            for ch in c.items:
                before = "-" if ch.before is None else ch.before
                after = "-" if ch.after is None else ch.after
                lines.append(
                    "    " + both(f"recheck.{ch.field}", item=ch.item, before=before, after=after)
                )
    stamped = sum(1 for c in checks if c.stale and not c.changed)
    if stamped:
        lines.append(both("recheck.restamp", n=stamped, version=validator_version()))
    if not shown and not stamped:
        lines.append(both("recheck.nothing", n=len(checks), version=validator_version()))
    elif applied:
        lines.append(both("recheck.applied", n=sum(1 for c in checks if c.stale)))
    else:
        lines.append(both("recheck.dry_run"))
    return lines
