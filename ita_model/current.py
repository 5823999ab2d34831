"""What counts, now or as of a date: the store's current submissions and the rows kept with them.

The one way every view gets its data (the dashboard's pages, ``summary``, ``score``, ``report``,
the hand-outs, the link check), so they give the same figures by construction. Nothing is read
or checked again: the rows are those kept when each file arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ita_model.fiscal import end_of_day
from ita_model.readiness import Dataset
from ita_model.sample import is_sample
from ita_model.store import Store, Submission


@dataclass
class Current:
    """The submissions that count (in the order they became current) and their rows."""

    year: int
    submissions: list[Submission]
    dataset: Dataset

    @property
    def sample_only(self) -> bool:
        """Something counts, and all of it is the bundled sample."""
        return bool(self.submissions) and all(is_sample(s) for s in self.submissions)

    @property
    def includes_sample(self) -> bool:
        return any(is_sample(s) for s in self.submissions)


def current_data(store: Store, year: int, *, as_of: date | datetime | None = None) -> Current:
    """What counts now, or at the end of ``as_of`` (a date: the end of that day in Thailand)."""
    when = None if as_of is None else end_of_day(as_of)
    subs = store.current(year, as_of=when)
    return Current(year, subs, Dataset(year, store.stored(subs)))
