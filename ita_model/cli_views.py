"""The command line's views of the data: ``summary``, ``score`` and ``report``.

With files given (``summary FILE…``) they are checked and shown, nothing kept. Without, the view
is what the dashboard shows: the submissions that count in the store (``--store``, else the
configured one: ``ITA_STORE``, else ``data/store``), from the rows kept when each arrived
(``current.py``), so the dashboard and the command line give the same figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ita_model.i18n import both
from ita_model.settings import Settings, get_settings

if TYPE_CHECKING:
    from ita_model.current import Current
    from ita_model.store import Store

STORE_HELP = (
    "a store folder or a postgresql:// URL; without FILEs the default is the configured store "
    "(ITA_STORE, else data/store)"
)
FILES_HELP = (
    "workbooks or folders to check and show (nothing kept); none: what counts in the store "
    "(--store, else the configured one: ITA_STORE, else data/store)"
)


def add_commands(sub: argparse._SubParsersAction, year: int) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("paths", nargs="*", type=Path, metavar="FILE", help=FILES_HELP)
    common.add_argument("--store", metavar="DIR_OR_URL", help=STORE_HELP)
    common.add_argument(
        "--agency",
        metavar="CODE",
        help="the agency whose figures are shown (default: the deployment's own); the user "
        "(--user, ITA_USER) must be allowed to see it",
    )
    common.add_argument("--user", help="who is asking (default: ITA_USER, else the login name)")
    common.add_argument(
        "--year", type=int, help=f"fiscal year (BE); default: the store's, else {year}"
    )
    common.set_defaults(default_year=year)

    s = sub.add_parser(
        "summary",
        parents=[common],
        help="readiness: the files given, else what counts in the store (as on the dashboard)",
    )
    s.add_argument("--as-of", dest="as_of", type=_date_arg, help="what counted at the end of a day")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=_summary)

    sc = sub.add_parser(
        "score",
        parents=[common],
        help="the estimated ITA score and grade: the files given, else what counts in the store",
    )
    sc.add_argument("--iit", type=_score_arg, help="IIT score 0–100 (default: scores sheet)")
    sc.add_argument("--eit", type=_score_arg, help="EIT score 0–100 (default: scores sheet)")
    sc.add_argument("--json", action="store_true")
    sc.set_defaults(run=_score)

    rp = sub.add_parser(
        "report",
        parents=[common],
        help="a hand-out: PDF report, PowerPoint deck, Excel summary or the charts as PNG",
        description="Default data: what the dashboard shows (what counts in the store). "
        "Exit 0: written; 2: the data or Chromium failed.",
    )
    rp.add_argument("--format", required=True, choices=["pdf", "pptx", "xlsx", "png"])
    rp.add_argument("--out", required=True, type=Path, help="the file; for png a folder, or a .zip")
    rp.add_argument(
        "--as-of",
        dest="as_of",
        type=_date_arg,
        help="the date counted from (2565-03-27, 27/03/2565, 27 มี.ค. 2565), and the data as it "
        "counted at its end; default: today, or the sample's report date when only it counts",
    )
    rp.add_argument("--lang", choices=["th", "en"], default="th")
    rp.set_defaults(run=_report)


def _date_arg(text: str) -> date:
    from ita_model.thai import DateError, parse_date

    try:
        return parse_date(text)
    except DateError:
        raise argparse.ArgumentTypeError(both("cli.bad_date", text=repr(text))) from None


def _score_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(both("cli.bad_score", text=repr(text)))
    return value


def from_store(
    target: str | None,
    year: int | None,
    *,
    as_of: date | None = None,
    agency: str | None = None,
    user: str | None = None,
) -> tuple[Store, Settings, Current]:
    """The store (a fresh one gets the sample, as on the dashboard), bound to ``agency`` when
    given (``user`` must be allowed to see it), the settings it runs with (that agency's Settings
    page and set-up) and what counts in it."""
    from ita_model.current import current_data
    from ita_model.in_force import in_force
    from ita_model.sample import ensure_sample
    from ita_model.settings import with_overrides
    from ita_model.store import open_store

    base = get_settings()
    store = open_store(target or None, settings=base)
    if agency:
        store = store.for_agency(agency, user=user or _login_name())
    ensure_sample(store, base)
    _, settings = in_force(store, with_overrides(base, store.overrides()))
    year = year or settings.year
    return store, settings, current_data(store, year, as_of=as_of)


def _login_name() -> str:
    import getpass
    import os

    return os.environ.get("ITA_USER") or getpass.getuser()


def _both_given(args: argparse.Namespace) -> bool:
    if args.paths and args.store:
        print(both("cli.files_or_store"), file=sys.stderr)
        return True
    return False


def _dataset(args: argparse.Namespace):  # -> Dataset
    from ita_model.readiness import load_dataset

    if args.paths:
        return load_dataset(args.paths, year=args.year or args.default_year)
    return from_store(
        args.store,
        args.year,
        as_of=getattr(args, "as_of", None),
        agency=args.agency,
        user=args.user,
    )[2].dataset


def _summary(args: argparse.Namespace) -> int:
    from ita_model.readiness import compute_readiness

    if _both_given(args):
        return 2
    ready = compute_readiness(_dataset(args))
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


def _score(args: argparse.Namespace) -> int:
    from ita_model.readiness import compute_readiness
    from ita_model.scoring import estimate, next_step

    if _both_given(args):
        return 2
    dataset = _dataset(args)
    est = estimate(compute_readiness(dataset), dataset.latest("scores"), iit=args.iit, eit=args.eit)
    out = est.to_json()
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    fw = est.framework
    print(f"คะแนน ITA ประมาณการ ปีงบประมาณ {est.year} / estimated ITA score, FY {est.year}")
    for ind in fw.oit_indicators():
        for s in ind.subindicators:
            got = est.subindicators[s.code]
            counts = f"({got.done}/{got.applicable})"
            print(f"  {s.code:<5} {s.name_th:<40} {_num(got.score):>7}  {counts}")
        print(f"  {ind.number:<5} {ind.name_th:<40} {_num(out['oit'][str(ind.number)]):>7}")
    print(f"  OIT   {'รวม / total':<40} {_num(out['oit']['total']):>7}")
    print(f"  IIT   {'':<40} {_num(out['iit']):>7}")
    print(f"  EIT   {'':<40} {_num(out['eit']):>7}")
    verdict = "—" if est.passed is None else ("ผ่าน / pass" if est.passed else "ไม่ผ่าน / below")
    print(
        f"รวม / total {_num(out['total'])}  ระดับ / rating {est.rating_in()}  "
        f"{verdict} (เกณฑ์ / pass mark {fw.pass_mark:g})"
    )
    step = next_step(est)
    if step is not None and step.shortfalls:
        print(f"{step.text('th')} / {step.text('en')}")
    print("สมมติฐาน / assumptions:")
    for line in est.assumptions("th"):
        print(f"  - {line}")
    return 0


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _report(args: argparse.Namespace) -> int:
    from ita_model.handouts import export, load_handout, store_handout

    if _both_given(args):
        return 2
    started = time.perf_counter()
    if args.paths:
        year = args.year or args.default_year
        handout = load_handout(args.paths, year=year, as_of=args.as_of, lang=args.lang)
    else:
        store, _settings, counting = from_store(
            args.store, args.year, as_of=args.as_of, agency=args.agency, user=args.user
        )
        handout = store_handout(store, counting, as_of=args.as_of, lang=args.lang)
    out: Path = args.out
    try:
        if args.format == "png" and out.suffix.lower() != ".zip":
            from ita_model.handouts.images import chart_pngs

            out.mkdir(parents=True, exist_ok=True)
            pngs = chart_pngs(handout)
            for name, data in pngs:
                (out / name).write_bytes(data)
            what = f"{len(pngs)} PNG"
        else:
            data = export(handout, args.format)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            what = f"{len(data) / 1024:,.0f} KB"
    except OSError as exc:
        print(f"{out}: เขียนไม่ได้ / cannot write ({exc.strerror})", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    print(f"เขียนแล้ว / written: {out} ({what}, {seconds:.1f} s)")
    return 0
