"""The fiscal years a scope can be rolled up in (the roll-up page's year picker).

A year is offered when it has a framework the roll-up can assess every agency on
(``framework.available_years``: the shipped files, and the frameworks in force where the roll-up
runs), whether or not anything was sent for it yet, and always the deployment's own year. Files
sent for a year with no framework are not rolled up (no framework is ever made up for them):
those years are named so the page can say why they are not offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ita_model.framework import available_years
from ita_model.store.base import StoreBase
from ita_model.store.years import submission_years


@dataclass(frozen=True)
class RollupYears:
    offered: tuple[int, ...]  # newest first
    without_framework: tuple[int, ...]  # files were sent for these years, which have none


def rollup_years(
    store: StoreBase,
    codes: Sequence[str] | None,
    default: int,
    framed: Sequence[int] | None = None,
) -> RollupYears:
    """The years offered for the agencies of ``codes`` (None: every agency); ``default``: the
    deployment's year, always offered; ``framed``: the years that have a framework (default:
    ``available_years()``)."""
    framed_years = set(available_years() if framed is None else framed)
    offered = {default} | framed_years  # every year sent for that has a framework is among them
    lacking = submission_years(store, codes) - offered
    return RollupYears(tuple(sorted(offered, reverse=True)), tuple(sorted(lacking, reverse=True)))
