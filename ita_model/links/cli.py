"""``python -m ita_model links check``: the store's current links (kept as evidence), or the links
of workbooks given on the command line (nothing kept).

``--scope`` (all, province:NAME, parent:NAME, agencies:CODE,CODE) checks every agency of the
scope in one run, each agency's results kept as its own evidence (``links/scoped.py``).

Exit 0: no link has an error or a warning; 1: some link has; 2: some file could not be read,
the run was refused, or some agency of the scope could not be checked.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ita_model.i18n import t
from ita_model.settings import get_settings

if TYPE_CHECKING:
    from ita_model.links.check import LinkResult


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``links check`` on the main parser (``ita_model/cli.py``)."""
    links = sub.add_parser("links", help="check the OIT links as an assessor would open them")
    actions = links.add_subparsers(required=True, metavar="ACTION")
    c = actions.add_parser(
        "check",
        help="check every current link (kept in the store), or the links of workbooks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("files", nargs="*", type=Path, metavar="FILE", help="workbooks (no store)")
    c.add_argument("--store", metavar="DIR_OR_URL", help="a store folder or postgresql:// URL")
    c.add_argument("--item", help="only this item (o05, ๐๕, 5)")
    c.add_argument("--division", help="only this division (a name or id)")
    c.add_argument("--year", type=int, help="fiscal year (BE); default: the store's setting")
    c.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="may be opened although it resolves to a private address (repeatable)",
    )
    c.add_argument(
        "--if-due",
        action="store_true",
        help="only when the schedule set in Settings wants a run (for an hourly cron job)",
    )
    c.add_argument(
        "--user",
        help="who runs the check: an editor or admin of the agency once accounts exist "
        "(default: ITA_USER, else the login name)",
    )
    c.add_argument("--agency", metavar="CODE", help="that agency's links and evidence")
    c.add_argument(
        "--scope",
        help="every agency of a scope, each one's evidence its own: all, province:NAME, "
        "parent:NAME or agencies:CODE,CODE (several joined by ;)",
    )
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.set_defaults(run=_check)


def _check(args: argparse.Namespace) -> int:
    from ita_model.framework import item_code, parse_item_code

    number = parse_item_code(args.item) if args.item else None
    item = item_code(number) if number is not None else None
    if args.item and item is None:
        print(f"อ่านรหัสข้อ '{args.item}' ไม่ได้ / cannot read item '{args.item}'", file=sys.stderr)
        return 2
    if args.scope is not None:
        return _check_scope(args, item)
    if args.files:
        return _check_files(args, item)
    return _check_store(args, item)


SCOPE_CONFLICTS = {  # an option --scope refuses: why, Thai and English
    "--agency": ("เลือกอย่างใดอย่างหนึ่ง", "give one or the other"),
    "--division": (
        "ส่วนราชการเป็นของหน่วยงานเดียว",
        "divisions belong to one agency",
    ),
    "FILE": (
        "ลิงก์ในไฟล์ไม่ได้เป็นของหน่วยงานใดในคลัง",
        "a workbook's links belong to no agency of the store",
    ),
}


def _check_scope(args: argparse.Namespace, item: str | None) -> int:
    from ita_model.errors import CodedError
    from ita_model.links.scoped import check_scope
    from ita_model.scope import Scope
    from ita_model.store import open_store

    given = {"--agency": args.agency, "--division": args.division, "FILE": args.files}
    for option, value in given.items():
        if value:
            why_th, why_en = SCOPE_CONFLICTS[option]
            raise CodedError("link_scope_conflict", option=option, why_th=why_th, why_en=why_en)
    scope = Scope.parse(args.scope)  # a CodedError('bad_scope') is worded by main()
    user = args.user or os.environ.get("ITA_USER") or getpass.getuser()
    done = check_scope(
        open_store(args.store or None),
        scope,
        user=user,
        settings=get_settings(),
        year=args.year,
        item=item,
        if_due=args.if_due,
        allow_hosts=args.allow_host,
    )
    for entry in done.failed:
        th, en = entry.failed or ("", "")
        print(f"ผิดพลาด / error: {th} — {en}", file=sys.stderr)
    if args.json:
        print(json.dumps(done.to_json(), ensure_ascii=False, indent=1))
        return done.exit_code
    for entry in done.agencies:
        if entry.run is not None:
            said = _said("links_scope.agency", entry.run.results)
            print(f"{entry.record.code} {entry.record.name}: {said}")
    kept = [r for e in done.agencies if e.run is not None for r in e.run.results]
    ran = sum(e.run is not None for e in done.agencies)
    more = {"agencies": ran, "skipped": len(done.skipped_not_due), "failed": len(done.failed)}
    print(_said("links_scope.total", kept, **more))
    return done.exit_code


def _said(key: str, results: Sequence[LinkResult], **more: int) -> str:
    """Thai / English, as ``_print``'s last line."""
    counts = {"n": len(results), "bad": sum(not r.ok for r in results), **more}
    return f"{t(key, 'th', **counts)} / {t(key, 'en', **counts)}"


def _check_files(args: argparse.Namespace, item: str | None) -> int:
    from ita_model.links.check import check
    from ita_model.links.runs import policy_of, targets_of
    from ita_model.validate import validate_file

    settings = get_settings()
    year = args.year or settings.year
    division = _division_id(args.division)
    unreadable = False
    targets = []
    for path in args.files:
        report = validate_file(path, year=year)
        if report.unreadable:
            unreadable = True
            for issue in report.issues:
                print(f"{path}: {issue.message} — {issue.message_en}", file=sys.stderr)
            continue
        oit = report.frame("oit")
        targets.extend(targets_of(oit, item=item, division=division))
    results, _ = check(targets, year, policy_of(settings, args.allow_host))
    _print(results, args.json)
    if unreadable:
        return 2
    return 1 if any(not r.ok for r in results) else 0


def _check_store(args: argparse.Namespace, item: str | None) -> int:
    from ita_model.current import current_data
    from ita_model.links.evidence import Evidence
    from ita_model.links.runs import check_and_keep, due, policy_of, targets_of
    from ita_model.settings import with_overrides
    from ita_model.store import open_store

    user = args.user or os.environ.get("ITA_USER") or getpass.getuser()
    store = open_store(args.store or None)
    if args.agency:
        store = store.for_agency(args.agency, user=user)
    settings = with_overrides(get_settings(), store.overrides())
    year = args.year or settings.year
    evidence = Evidence(store)
    if args.if_due and not due(settings, evidence.last_run(year, "schedule")):
        if not args.json:
            print(f"ยังไม่ถึงเวลาตรวจตามกำหนด ({settings.link_schedule}) / not due")
        else:
            print(json.dumps({"links": [], "due": False}))
        return 0
    dataset = current_data(store, year).dataset
    everything = targets_of(dataset.oit_current())
    targets = targets_of(dataset.oit_current(), item=item, division=_division_id(args.division))
    run = check_and_keep(
        evidence,
        targets,
        year=year,
        policy=policy_of(settings, args.allow_host),
        trigger="schedule" if args.if_due else "cli",
        user=user,
        all_targets=everything,
    )
    _print(run.results, args.json)
    return 1 if run.with_problems else 0


def _division_id(name: str | None) -> str | None:
    if not name:
        return None
    from ita_model.cli import _division_id as lookup

    return lookup(name)


def _print(results: Sequence[LinkResult], as_json: bool) -> None:
    if as_json:
        out = {"links": [r.to_json() for r in results]}
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    for r in results:
        mark = "✓" if r.ok else "✗"
        status = r.status if r.status is not None else "-"
        print(f"{mark} {r.item} {r.division or '-'} {r.url} → {status} {r.final_url or ''}")
        for p in r.problems:
            print(f"    {p.severity.value.upper():7} {p.code}: {p.message} — {p.message_en}")
    bad = sum(not r.ok for r in results)
    n = len(results)
    print(f"ตรวจ {n:,} ลิงก์ มีปัญหา {bad:,} / {n:,} links, {bad:,} with problems")
