"""Command line: ``python -m ita_model validate|framework|template``, the store's
``submit|accept|history|rollback|withdraw|annotate|audit|users``, the years'
``new-year|framework-import|framework-export``; the views of the data (``summary|score|report``)
are in ``cli_views.py``, the sample's ``sample load|remove`` in ``sample.py``.

Exit codes of ``validate``: 0 no file has an error, 1 some file has errors, 2 some file could
not be read at all. Every command: 141 (128 + SIGPIPE, what a shell shows for a program stopped
by a closed pipe) when whoever read its output stopped reading (``… | head``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ita_model.errors import ItaError, Severity
from ita_model.i18n import both
from ita_model.settings import get_settings

if TYPE_CHECKING:
    from ita_model.validate import FileReport

SHOW_PER_CODE = 20  # in the text table; --json always lists every problem
PIPE_CLOSED = 128 + signal.SIGPIPE  # 141: not 1 ("errors found"), the output was cut off


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.run(args))
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's teardown
        return code
    except ItaError as exc:
        print(f"ผิดพลาด / error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return _pipe_closed()


def _pipe_closed() -> int:
    """The reader of our output went away (``validate … | head``): stop quietly.

    The pattern of Python's ``signal`` documentation ("Note on SIGPIPE"): point standard output
    at ``/dev/null`` so that the final flush at exit cannot raise again; no traceback.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return PIPE_CLOSED


def _year_in_force() -> int:
    """The year of the agency set up in the store (its frameworks and divisions then in force
    for every command, as on the pages: ``in_force.py``), else the ``year`` setting. A store
    folder nobody wrote to is not opened (no database library loaded for a plain validate)."""
    from ita_model.settings import store_target

    settings = get_settings()
    target = store_target(settings)
    if "://" not in str(target) and not (Path(target) / "store.sqlite3").exists():
        return settings.year
    from ita_model.in_force import in_force
    from ita_model.store import open_store

    try:
        return in_force(open_store(settings=settings), settings)[1].year
    except ItaError:  # an unreadable store: the commands that need it say so themselves
        return settings.year


def _parser() -> argparse.ArgumentParser:
    year = _year_in_force()
    p = argparse.ArgumentParser(prog="python -m ita_model", description=__doc__)
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    v = sub.add_parser("validate", help="check workbooks against the contract")
    v.add_argument("files", nargs="+", type=Path, metavar="FILE")
    v.add_argument("--json", action="store_true", help="print one JSON object")
    v.add_argument("--records", action="store_true", help="with --json: include the records")
    v.add_argument("--year", type=int, default=year, help="fiscal year (BE), default %(default)s")
    v.add_argument("--division", help="the uploader's division, when the file does not say")
    v.set_defaults(run=_validate)

    f = sub.add_parser("framework", help="print a fiscal year's ITA framework")
    f.add_argument("year", nargs="?", type=int, default=year)
    f.add_argument("--json", action="store_true")
    f.add_argument("--lang", choices=["th", "en"], default="th")
    f.set_defaults(run=_framework)

    t = sub.add_parser("template", help="write a division's blank workbook")
    t.add_argument("--division", required=True, help="a division's name or id, or 'all'")
    t.add_argument("--year", type=int, default=year)
    t.add_argument("--out", required=True, type=Path)
    t.set_defaults(run=_template)
    _add_store_commands(sub, year)
    _add_year_commands(sub, year)
    from ita_model.cli_views import add_commands as add_view_commands
    from ita_model.sample import add_commands as add_sample_commands

    add_view_commands(sub, year)
    add_sample_commands(sub)
    from ita_model.agencies_cli import add_commands as add_agencies_commands

    add_agencies_commands(sub)
    from ita_model.links.cli import add_commands as add_links_commands

    add_links_commands(sub)
    from ita_model.cli_rollup import add_commands as add_rollup_commands

    add_rollup_commands(sub, year)
    return p


def _validate(args: argparse.Namespace) -> int:
    from ita_model.validate import validate_file

    reports = [validate_file(f, year=args.year, division=args.division) for f in args.files]
    if args.json:
        out = {"files": [r.to_json(records=args.records) for r in reports]}
        print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    else:
        for r in reports:
            _print_report(r)
    if any(r.unreadable for r in reports):
        return 2
    return 1 if any(not r.ok for r in reports) else 0


def _print_report(report: FileReport) -> None:
    issues = report.issues
    if report.unreadable:
        mark = "✗ อ่านไม่ได้ / unreadable"
    elif issues.errors:
        mark = f"✗ ผิดพลาด {issues.errors:,} / errors"
    else:
        mark = "✓ ผ่าน / ok"
    print(f"{report.path}: {mark}, คำเตือน {issues.warnings:,} / warnings")
    for s in report.sheets:
        kind = s.kind or "-"
        print(f"  แผ่นงาน/sheet {s.name!r}: {kind}, {s.valid_rows:,}/{s.rows:,} แถวใช้ได้/valid rows")
    shown, left = issues.sample(SHOW_PER_CODE)
    sev = {Severity.ERROR: "ERROR", Severity.WARNING: "WARN ", Severity.NOTICE: "NOTE "}
    for i in shown:
        where = " ".join(
            x
            for x in (
                f"[{i.sheet}]" if i.sheet else "",
                f"แถว/row {i.row}" if i.row else "",
                f"คอลัมน์/column {i.column!r}" if i.column else "",
            )
            if x
        )
        print(f"  {sev[i.severity]} {where} {i.code}: {i.message} — {i.message_en}")
    for code, n in left.items():
        print(f"  … และอีก {n:,} รายการ / and {n:,} more: {code}")


def _framework(args: argparse.Namespace) -> int:
    from ita_model.framework import load_framework

    fw = load_framework(args.year)
    if args.json:
        print(json.dumps(fw.model_dump(mode="json"), ensure_ascii=False, indent=1))
    else:
        print(fw.outline(args.lang))
    return 0


def _template(args: argparse.Namespace) -> int:
    from ita_model.template import write_template

    path = write_template(args.division, args.out, year=args.year)
    print(f"เขียนแล้ว / written: {path}")
    return 0


# --------------------------------------------------------------------------- the store


def _add_store_commands(sub: argparse._SubParsersAction, year: int) -> None:
    store = argparse.ArgumentParser(add_help=False)
    store.add_argument(
        "--store",
        metavar="DIR_OR_URL",
        help="a store folder or a postgresql:// URL (default: ITA_STORE, else data/store)",
    )
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--user", help="who is acting (default: ITA_USER, else the login name)")
    agency = argparse.ArgumentParser(add_help=False)
    agency.add_argument(
        "--agency",
        metavar="CODE",
        help="the agency whose rows are read and written (default: the deployment's own); "
        "the user (--user, ITA_USER) must be allowed to see it",
    )

    s = sub.add_parser(
        "submit",
        parents=[store, who, agency],
        help="keep workbooks in the store; a file without errors counts at once",
        description="Exit 0: accepted or already stored; 1: some file had errors (stored, "
        "rejected, what counts is unchanged); 2: some file could not be read.",
    )
    s.add_argument("files", nargs="+", type=Path, metavar="FILE")
    s.add_argument("--division", help="the sender's division, when the file does not say")
    s.add_argument("--year", type=int, help="default: the store's setting (the Settings page)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=_submit)

    decisions = {  # name: help, what is printed after
        "accept": ("make a submission count (a rejected one: its valid rows)", "รับแล้ว / accepted"),
        "rollback": (
            "make an earlier submission of a division current",
            "ย้อนกลับแล้ว / rolled back",
        ),
        "withdraw": (
            "stop the current submission of a division counting, with none in its place",
            "ถอนออกแล้ว / withdrawn",
        ),
    }
    for name, (help_text, done) in decisions.items():
        d = sub.add_parser(name, parents=[store, who, agency], help=help_text)
        d.add_argument("submission_id", metavar="SUBMISSION_ID")
        d.set_defaults(run=_decide, decision=name, done=done)

    r = sub.add_parser(
        "recheck",
        parents=[store, who, agency],
        help="check stored files again with the current validator; --apply writes the result",
        description="Lists per division what would change; nothing is written without --apply "
        "(an administrator's). Exit 0: nothing to change, or written; 1: changes listed, not "
        "written; 2: some file would become unreadable, or the store cannot be read.",
    )
    r.add_argument("--year", type=int, help="only this fiscal year (default: every year)")
    r.add_argument("--apply", action="store_true", help="write the new rows, one audit event each")
    r.add_argument("--json", action="store_true")
    r.set_defaults(run=_recheck)

    h = sub.add_parser(
        "history", parents=[store, who, agency], help="every submission and its state"
    )
    h.add_argument("--division", help="only this division (a name or id)")
    h.add_argument("--year", type=int, help="only this fiscal year")
    h.add_argument("--json", action="store_true")
    h.set_defaults(run=_history)

    n = sub.add_parser(
        "annotate",
        parents=[store, who, agency],
        help="the submitted workbook with every problem marked",
    )
    n.add_argument("submission_id", metavar="SUBMISSION_ID")
    n.add_argument("--out", required=True, type=Path)
    n.set_defaults(run=_annotate)

    log = sub.add_parser(
        "audit", parents=[store, who, agency], help="the audit log (who, when, what)"
    )
    log.add_argument("--csv", action="store_true", help="CSV for Excel (UTF-8 with BOM)")
    log.add_argument("--json", action="store_true")
    log.set_defaults(run=_audit)

    from ita_model.cli_users import add_commands as add_users_commands

    add_users_commands(sub, store, who)


def _open(args: argparse.Namespace):  # -> Store
    """The store of ``--store``, bound to ``--agency`` when given (after the store checked that
    the user may see that agency: ``agency_not_allowed``, ``agency_unknown``), whose organisation
    and frameworks are then in force (``in_force.py``): the checker reads that agency's, and one
    with no set-up of its own reports as a whole."""
    from ita_model.store import open_store

    opened = open_store(getattr(args, "store", None) or None)
    code = getattr(args, "agency", None)
    if not code:
        return opened
    from ita_model.in_force import in_force

    bound = opened.for_agency(code, user=_cli_user(args))
    in_force(bound, get_settings())
    return bound


def _cli_user(args: argparse.Namespace) -> str:
    import getpass
    import os

    return getattr(args, "user", None) or os.environ.get("ITA_USER") or getpass.getuser()


def _division_id(name: str | None) -> str | None:
    if not name:
        return None
    from ita_model.errors import UnknownDivision
    from ita_model.organisation import load_organisation

    div = load_organisation(get_settings().organisation).match_division(name)
    if div is None:
        raise UnknownDivision(both("cli.unknown_division", name=name))
    return div.id


def _submit(args: argparse.Namespace) -> int:
    from ita_model.agencies_cli import submit_multi
    from ita_model.agency_column import AgencyMatcher
    from ita_model.multi_agency import is_multi_agency
    from ita_model.settings import with_overrides
    from ita_model.validate import validate_file

    store = _open(args)
    agencies = AgencyMatcher(lambda: store.agency_registry())  # read for an agency column only
    settings = with_overrides(get_settings(), store.overrides())  # as the dashboard checks
    year = args.year or settings.year
    user = _cli_user(args)
    division = _division_id(args.division)
    worst = 0
    out = []
    for path in args.files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            print(f"{path}: อ่านไฟล์ไม่ได้ / cannot read ({exc.strerror})", file=sys.stderr)
            worst = 2
            continue
        report = validate_file(
            data, path.name, year=year, division=division, settings=settings, agencies=agencies
        )
        if is_multi_agency(report):  # one sheet for many agencies: agencies_cli.py
            code, subs = submit_multi(
                store, path, data, report, user=user, year=year, quiet=args.json
            )
            worst = max(worst, code)
            out.extend(subs)
            continue
        sub, new = store.submit(
            data,
            path.name,
            user=user,
            year=year,
            division=report.division or division,
            report=report,
            accept=True,
        )
        code = 2 if sub.unreadable else (1 if sub.state == "rejected" and new else 0)
        worst = max(worst, code)
        out.append({**sub.summary(), "new": new, "errors": sub.errors, "warnings": sub.warnings})
        if not args.json:
            label = {
                "accepted": "✓ รับแล้ว / accepted",
                "rejected": "✗ มีข้อผิดพลาด เก็บไว้แต่ไม่นำไปใช้ / rejected (stored, not used)",
                "pending": "… รอการรับ / pending",
                "superseded": "– ถูกแทนที่แล้ว / superseded",
            }[sub.state]
            again = "" if new else " (มีอยู่แล้ว / already stored)"
            print(f"{path}: {label}{again} · {sub.id} · {sub.division or '-'}")
            if sub.errors:
                print(f"  ผิดพลาด {sub.errors:,} / errors — python -m ita_model annotate {sub.id}")
    if args.json:
        print(json.dumps({"submissions": out}, ensure_ascii=False, indent=1))
    from ita_model.links.runs import after_accept

    for division in dict.fromkeys(s["division"] for s in out if s["state"] == "accepted"):
        run = after_accept(store, division, settings=settings, year=year, user=user)
        if run is not None:  # on stderr: stdout stays the submissions' JSON
            bad = len(run.with_problems)
            print(
                f"ลิงก์ของ {division}: มีปัญหา {bad}/{len(run.results)} / links with problems "
                "— python -m ita_model links check --division " + division,
                file=sys.stderr,
            )
    return worst


def _decide(args: argparse.Namespace) -> int:
    """``accept``, ``rollback`` or ``withdraw`` a submission."""
    decide = getattr(_open(args), args.decision)
    sub = decide(args.submission_id, user=_cli_user(args))
    print(f"{args.done}: {sub.division or sub.slot or '-'} · {sub.id} · {sub.filename}")
    return 0


def _recheck(args: argparse.Namespace) -> int:
    """List what the current validator would change in stored files; write it with --apply."""
    from ita_model.store import recheck

    store = _open(args)
    checks = recheck.plan(store, year=args.year)
    if args.apply:
        recheck.apply(store, checks, user=_cli_user(args))
    if args.json:
        out = {
            "validator": recheck.validator_version(),
            "applied": bool(args.apply),
            "files": [c.to_json() for c in checks if c.stale],
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print("\n".join(recheck.describe(checks, applied=args.apply)))
    if any(c.becomes_unreadable for c in checks):
        return 2
    return 1 if not args.apply and any(c.stale for c in checks) else 0


def _history(args: argparse.Namespace) -> int:
    store = _open(args)
    division = _division_id(args.division)
    subs = store.submissions(year=args.year, division=division)
    if args.json:
        out = {"submissions": [s.summary() for s in subs]}
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    for s in subs:
        when = s.submitted_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{s.id}  {when}  {s.state:<10} {s.division or '-':<12} {s.user:<12} {s.filename}")
    if not subs:
        print("ยังไม่มีไฟล์ในคลัง / the store is empty")
    return 0


def _annotate(args: argparse.Namespace) -> int:
    from ita_model.annotate import annotate

    store = _open(args)
    sub = store.get(args.submission_id)
    report = store.report(sub)
    data = annotate(store.data(sub), sub.filename, report["issues"])
    try:
        args.out.write_bytes(data)
    except OSError as exc:
        print(f"{args.out}: เขียนไม่ได้ / cannot write ({exc.strerror})", file=sys.stderr)
        return 2
    print(f"เขียนแล้ว / written: {args.out} ({len(report['issues']):,} ปัญหา / problems)")
    return 0


def _audit(args: argparse.Namespace) -> int:
    store = _open(args)
    if args.csv:
        sys.stdout.buffer.write(store.audit_csv())
        return 0
    events = store.events()
    if args.json:
        rows = [e.model_dump(mode="json") for e in events]
        print(json.dumps({"events": rows}, ensure_ascii=False, indent=1))
        return 0
    for e in events:
        what = e.submission_id or json.dumps(e.detail, ensure_ascii=False)
        when = e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        print(f"{e.seq:>5} {when} {e.user:<14} {e.action:<16} {what}")
    return 0


# --------------------------------------------------------------------------- score and years


def _add_year_commands(sub: argparse._SubParsersAction, year: int) -> None:
    """``new-year``, ``framework-import``, ``framework-export``."""
    ny = sub.add_parser("new-year", help="next year's division workbooks, pre-filled")
    ny.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="last year's workbooks; none: what counts for that year in the store",
    )
    ny.add_argument("--store", metavar="DIR_OR_URL", help="default: ITA_STORE, else data/store")
    ny.add_argument("--from", dest="from_year", type=int, required=True)
    ny.add_argument("--to", dest="to_year", type=int, required=True)
    ny.add_argument("--out", required=True, type=Path, help="folder for the workbooks")
    ny.set_defaults(run=_new_year)

    fi = sub.add_parser("framework-import", help="a year's framework from a workbook, as YAML")
    fi.add_argument("file", type=Path, metavar="FILE")
    fi.add_argument("--year", type=int, required=True)
    fi.add_argument("--out", type=Path, help="default: ita_model/frameworks/<year>.yaml")
    fi.add_argument("--base", type=int, help="the year the tools and indicator names come from")
    fi.add_argument(
        "--agency-type",
        help="the kind of agency the list is for (agency_types.yaml), default: the base year's",
    )
    fi.add_argument("--provisional", action="store_true", help="mark the framework provisional")
    fi.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    fi.add_argument("--json", action="store_true", help="print the report as JSON")
    fi.set_defaults(run=_framework_import)

    fe = sub.add_parser("framework-export", help="a year's framework as a workbook to edit")
    fe.add_argument("year", type=int)
    fe.add_argument("--out", required=True, type=Path)
    fe.set_defaults(run=_framework_export)


def _new_year(args: argparse.Namespace) -> int:
    from ita_model.new_year import build_new_year

    store = None if args.paths else _open(args)
    written = build_new_year(args.from_year, args.to_year, args.out, args.paths, store=store)
    for w in written:
        print(f"{w.path}: {w.rows} ข้อ/items, เติมจากปี {args.from_year} / pre-filled {w.prefilled}")
    print(f"เขียนแล้ว {len(written)} ไฟล์ / written {len(written)} files")
    return 0


def _framework_import(args: argparse.Namespace) -> int:
    """Exit 0 with the YAML written, 1 when the workbook has errors, 2 when it is unreadable."""
    from ita_model.framework import FRAMEWORKS_DIR, load_framework
    from ita_model.framework_import import framework_yaml, import_framework

    base = load_framework(args.base) if args.base else None
    result = import_framework(
        args.file,
        args.year,
        base=base,
        provisional=args.provisional,
        agency_type=args.agency_type,
    )
    report = result.report
    if args.json:
        print(json.dumps({"files": [report.to_json()]}, ensure_ascii=False, indent=1, default=str))
    else:
        _print_report(report)
    if report.unreadable:
        return 2
    if result.framework is None:
        return 1
    out = args.out or FRAMEWORKS_DIR / f"{args.year}.yaml"
    if out.exists() and not args.force:
        print(both("cli.file_exists", out=out), file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(framework_yaml(result.framework), encoding="utf-8")
    print(f"เขียนแล้ว / written: {out} (ฐานจากปี / base year {result.base_year})", file=sys.stderr)
    return 0


def _framework_export(args: argparse.Namespace) -> int:
    from ita_model.framework import load_framework
    from ita_model.framework_import import framework_workbook_bytes

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(framework_workbook_bytes(load_framework(args.year)))
    print(f"เขียนแล้ว / written: {args.out}")
    return 0
