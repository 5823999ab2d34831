"""``python -m ita_model rollup``: many agencies at once, from the store (``rollup.py``).

``--json`` prints the issue's shape; without it, a short Thai table. ``--xlsx FILE`` writes the
roll-up hand-out too. An empty store or a scope with no agency prints a sentence, exit 0.
``--user`` (else ``ITA_USER``) rolls up only what that account may read, as the roll-up page
does (``Store.for_reader``); an unknown account is refused (``account_unknown``, exit 2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ita_model.cli_views import STORE_HELP, _date_arg
from ita_model.i18n import t
from ita_model.scope import Part, Scope

if TYPE_CHECKING:
    from ita_model.rollup import Rollup


def add_commands(sub: argparse._SubParsersAction, year: int) -> None:
    r = sub.add_parser(
        "rollup",
        help="many agencies at once: each one's OIT done, estimated score and rating",
        description="Exit 0: shown (an empty scope says so); 2: the store or the scope is wrong.",
    )
    r.add_argument("--store", metavar="DIR_OR_URL", help=STORE_HELP)
    r.add_argument(
        "--scope",
        default="all",
        help="all, province:NAME, parent:NAME or agencies:CODE,CODE (several joined by ;)",
    )
    r.add_argument("--year", type=int, help=f"fiscal year (BE); default: the store's, else {year}")
    r.add_argument(
        "--as-of",
        dest="as_of",
        type=_date_arg,
        help="what counted at the end of a day (2565-03-27, 27/03/2565, 27 มี.ค. 2565)",
    )
    r.add_argument(
        "--user",
        help="roll up only what this account may read (a supervisor: its scope; an agency's own "
        "people: their agency); default: ITA_USER, else every agency of the store",
    )
    r.add_argument("--json", action="store_true")
    r.add_argument("--xlsx", type=Path, metavar="FILE", help="write the roll-up workbook too")
    r.set_defaults(run=_rollup)


def _rollup(args: argparse.Namespace) -> int:
    from ita_model.in_force import resolve
    from ita_model.rollup import rollup, rollup_json
    from ita_model.settings import get_settings, with_overrides
    from ita_model.store import open_store

    scope = Scope.parse(args.scope)  # a CodedError('bad_scope') is worded by main()
    base = get_settings()
    store = open_store(args.store or None, settings=base)
    settings = with_overrides(base, store.overrides())
    year = args.year or resolve(store, settings).settings(settings).year
    user = args.user or os.environ.get("ITA_USER")
    reader = store.for_reader(user) if user else store  # NotAllowed for an unknown account
    if reader is None:  # a supervisor whose scope covers no registered agency: said as empty
        scope = store.accounts.actor(user).scope or Scope((Part("agencies", ()),))
    r = rollup(reader or store, year=year, scope=scope, as_of=args.as_of, settings=settings)
    if args.xlsx is not None:
        from ita_model.handouts.rollup_workbook import rollup_xlsx

        try:
            args.xlsx.parent.mkdir(parents=True, exist_ok=True)
            args.xlsx.write_bytes(rollup_xlsx(r))
        except OSError as exc:
            print(f"{args.xlsx}: เขียนไม่ได้ / cannot write ({exc.strerror})", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(rollup_json(r), ensure_ascii=False, indent=1))
        return 0
    _print(r)
    return 0


def _num(value: float) -> str:
    return "—" if value != value else f"{value:.2f}"


def _links(checked: float, with_problems: float) -> tuple[str, str]:
    """An agency's latest link check as two short cells; "—" for never checked."""
    if checked != checked:
        return "—", "—"
    return f"{int(checked):,}", f"{int(with_problems):,}"


def _print(r: Rollup) -> None:
    from ita_model.rollup_links import with_links

    if r.empty:
        print(f"{r.message('th')} / {r.message('en')}")
        return
    summary = with_links(r.agencies, r.links)
    print(r.heading("th"))
    if r.as_of is not None:
        from ita_model.thai import format_date

        print(t("rollup.as_of", "th", day=format_date(r.as_of.date())))
    totals = summary["total"].dropna()
    if len(totals):
        print(t("rollup.mean_total", "th", value=f"{totals.mean():.2f}"))
    head = ["agency", "name", "oit_done", "oit", "total", "rating", "passed"]
    words = [t(f"rollup.col_{h}", "th") for h in head]
    words += [
        f"{t(k, 'th')} / {t(k, 'en')}" for k in ("rollup.col_links", "rollup.col_links_problems")
    ]
    print("  ".join(words))
    yes, no = t("rollup.passes", "th"), t("rollup.fails", "th")
    for row in summary.itertuples(index=False):
        links, bad = _links(row.links_checked, row.links_with_problems)
        print(
            f"{row.agency:<12} {row.name[:40]:<40} {row.oit_done:>3}/{row.oit_total:<3} "
            f"{_num(row.oit):>7} {_num(row.total):>7} {row.rating or '—':<12} "
            f"{yes if row.passed else no:<8} {links:>5} {bad:>5}"
        )
