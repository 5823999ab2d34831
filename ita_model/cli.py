"""Command line: ``python -m ita_model validate|framework|summary|template``.

Exit codes of ``validate``: 0 no file has an error, 1 some file has errors, 2 some file could
not be read at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ita_model.errors import ItaError, Severity
from ita_model.settings import get_settings

if TYPE_CHECKING:
    from ita_model.validate import FileReport

SHOW_PER_CODE = 20  # in the text table; --json always lists every problem


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except ItaError as exc:
        print(f"ผิดพลาด / error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    year = get_settings().year
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

    s = sub.add_parser("summary", help="readiness of the loaded data (default: the sample data)")
    s.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    s.add_argument("--year", type=int, default=year)
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=_summary)

    t = sub.add_parser("template", help="write a division's blank workbook")
    t.add_argument("--division", required=True, help="a division's name or id, or 'all'")
    t.add_argument("--year", type=int, default=year)
    t.add_argument("--out", required=True, type=Path)
    t.set_defaults(run=_template)
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


def _summary(args: argparse.Namespace) -> int:
    from ita_model.readiness import compute_readiness, load_dataset

    dataset = load_dataset(args.paths or None, year=args.year)
    ready = compute_readiness(dataset)
    if args.json:
        print(json.dumps(ready.to_json(), ensure_ascii=False, indent=1, default=str))
        return 0
    print(f"ปีงบประมาณ {ready.year}: OIT ดำเนินการแล้ว {ready.done}/{ready.total} ข้อ")
    print("\nตัวชี้วัดย่อย / sub-indicators")
    for r in ready.by_subindicator.itertuples():
        print(f"  {r.subindicator:<5} {r.name_th:<40} {r.done:>3}/{r.total:<3} {r.pct_done:6.2f}%")
    print("\nตัวชี้วัด / indicators")
    for r in ready.by_indicator.itertuples():
        print(f"  {r.indicator:<5} {r.name_th:<40} {r.done:>3}/{r.total:<3} {r.pct_done:6.2f}%")
    print("\nส่วนราชการ / divisions")
    for r in ready.by_division.itertuples():
        print(f"  {r.name_th:<45} {r.done:>3}/{r.total:<3} {r.pct_done:6.2f}%")
    print("\nรายการ / items")
    for r in ready.items.itertuples():
        print(f"  {r.item} {r.status:<15} {r.name_th}")
    return 0


def _template(args: argparse.Namespace) -> int:
    from ita_model.template import write_template

    path = write_template(args.division, args.out, year=args.year)
    print(f"เขียนแล้ว / written: {path}")
    return 0
