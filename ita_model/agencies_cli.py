"""``python -m ita_model agencies import|list``, and ``submit`` of a multi-agency OIT sheet.

``agencies import FILE`` reads a sheet of agencies (``agency_sheet.py``): a file with any error
imports nothing (exit 1; 2 when it cannot be read at all) and says so; a good file goes to
``store.register_agencies`` in one transaction, and the command prints how many agencies were
added, updated and unchanged. ``agencies list`` prints the registry.

``submit`` hands a file with an agency column here (``submit_multi``), which prints what
``multi_agency_submit.submit_multi_agency`` did (the Data-in page draws the same result).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ita_model.i18n import both

if TYPE_CHECKING:
    from ita_model.store import Store
    from ita_model.validate import FileReport


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("agencies", help="the registry of agencies of a store of many agencies")
    actions = p.add_subparsers(required=True, metavar="ACTION")
    imp = actions.add_parser(
        "import",
        help="add or update agencies from a sheet (รหัสหน่วยงาน | ชื่อหน่วยงาน | ประเภท | จังหวัด | สังกัด)",
        description="Exit 0: imported; 1: the sheet has errors and nothing was imported; "
        "2: the file could not be read. Only a system administrator may import.",
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--store", metavar="DIR_OR_URL", help="default: ITA_STORE, else data/store")
    imp.add_argument("--user", help="who is acting (default: ITA_USER, else the login name)")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(run=_import)
    ls = actions.add_parser("list", help="every registered agency, by code")
    ls.add_argument("--store", metavar="DIR_OR_URL", help="default: ITA_STORE, else data/store")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(run=_list)


def _store(args: argparse.Namespace) -> Store:
    from ita_model.store import open_store

    return open_store(args.store or None)


def _user(args: argparse.Namespace) -> str:
    import getpass
    import os

    return args.user or os.environ.get("ITA_USER") or getpass.getuser()


def _import(args: argparse.Namespace) -> int:
    from ita_model.agency_sheet import read_agencies
    from ita_model.cli import _print_report
    from ita_model.settings import get_settings, with_overrides

    store = _store(args)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(both("agencies.cannot_read", path=args.file, why=exc.strerror), file=sys.stderr)
        return 2
    settings = with_overrides(get_settings(), store.overrides())
    sheet = read_agencies(data, args.file.name, settings=settings)
    report = sheet.report
    counts = None
    if sheet.ok:
        counts = store.register_agencies(sheet.records, user=_user(args))
    if args.json:
        out = {"files": [report.to_json()], "imported": counts}
        print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    else:
        _print_report(report)
        if counts is not None:
            print(both("agencies.imported", **counts))
    if counts is None:
        print(both("agencies.nothing_imported", path=args.file.name), file=sys.stderr)
        return 2 if report.unreadable else 1
    return 0


def _list(args: argparse.Namespace) -> int:
    records = _store(args).agency_registry()
    if args.json:
        rows = [r.model_dump(mode="json") for r in records]
        print(json.dumps({"agencies": rows}, ensure_ascii=False, indent=1))
        return 0
    from ita_model.agency import agency_types

    kinds = agency_types()
    for r in records:
        kind = kinds[r.type].name_th if r.type in kinds else "-"
        print(f"{r.code:<12} {r.name}  {kind}  {r.province or '-'}  {r.parent or '-'}")
    print(both("agencies.count", n=len(records)))
    return 0


# --------------------------------------------------------------------------- submit


def submit_multi(
    store: Store,
    path: Path,
    data: bytes,
    report: FileReport,
    *,
    user: str,
    year: int,
    quiet: bool,
) -> tuple[int, list[dict[str, Any]]]:
    """Send a multi-agency file (``multi_agency_submit``) and say what became of it. Returns the
    exit code and the submissions' summaries."""
    from ita_model.multi_agency_submit import checked, submit_multi_agency

    done = submit_multi_agency(store, data, path.name, checked(report), user=user, year=year)
    if not quiet and done.whole is not None:
        print(both("agencies.file_refused", path=path.name, errors=report.issues.errors))
        from ita_model.cli import _print_report

        _print_report(report)
        print(f"  python -m ita_model annotate {done.whole.id}")
    elif not quiet:
        print(
            both(
                "agencies.file_accepted",
                path=path.name,
                agencies=len(done.kept),
                new=done.new,
                again=done.again,
                rows=done.file.rows,
            )
        )
    return done.exit_code, done.summaries()
