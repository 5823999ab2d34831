"""Synthetic roll-ups for the roll-up page's tests: agencies in provinces with seeded random
scores, shaped as ``ita_model.rollup.Rollup`` (issue 14's contract). Tests only, never the
product: the page is driven with these where a real store of hundreds of agencies would take
minutes to fill.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from ita_model.agencies import AgencyRecord
from ita_model.ratings import rating_for, rules_for_year
from ita_model.rollup import Rollup
from ita_model.scope import Scope

PROVINCES = (
    "พะเยา",
    "เชียงราย",
    "เชียงใหม่",
    "ลำปาง",
    "แพร่",
    "น่าน",
    "ลำพูน",
    "แม่ฮ่องสอน",
    "อุตรดิตถ์",
    "พิษณุโลก",
)
TYPES = ("local_government", "ministry_department", "hospital")
PARENTS = ("กรมส่งเสริมการปกครองท้องถิ่น", "สำนักงานปลัดกระทรวงสาธารณสุข")
INDICATORS = {
    1: "การปฏิบัติหน้าที่",
    2: "การใช้งบประมาณ",
    3: "การใช้อำนาจ",
    4: "การใช้ทรัพย์สินของราชการ",
    5: "การแก้ไขปัญหาการทุจริต",
    6: "คุณภาพการดำเนินงาน",
    7: "ประสิทธิภาพการสื่อสาร",
    8: "การปรับปรุงการทำงาน",
    9: "การเปิดเผยข้อมูล",
    10: "การป้องกันการทุจริต",
}
ITEMS = [f"o{n:02d}" for n in range(1, 44)]
YEAR = 2566


class Synthetic:
    """``n`` agencies over the provinces; ``rollup_of(scope)`` gives their roll-up. The first
    ``no_data`` agencies have sent nothing (no estimate)."""

    def __init__(self, n: int = 300, *, seed: int = 14, no_data: int = 5) -> None:
        rng = np.random.default_rng(seed)
        self.records = [
            AgencyRecord(
                code=f"A{i:04d}",
                name=f"หน่วยงานทดสอบที่ {i} จังหวัด{PROVINCES[i % len(PROVINCES)]}",
                type=TYPES[i % len(TYPES)],
                province=PROVINCES[i % len(PROVINCES)],
                parent=PARENTS[1] if TYPES[i % len(TYPES)] == "hospital" else PARENTS[0],
            )
            for i in range(1, n + 1)
        ]
        self.has = rng.random((n, len(ITEMS))) < rng.uniform(0.45, 1.0, size=(n, 1))
        self.has[:no_data] = False
        self.iit = rng.uniform(70, 99, n)
        self.eit = rng.uniform(70, 99, n)
        self.no_data = no_data

    def agency_rows(self, idx: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
        rules = rules_for_year(YEAR).ratings
        rows, scores = [], []
        for i in idx:
            rec, done = self.records[i], int(self.has[i].sum())
            nodata = i < self.no_data
            oit = np.nan if nodata else 100 * done / len(ITEMS)
            iit, eit = (np.nan, np.nan) if nodata else (self.iit[i], self.eit[i])
            total = np.nan if nodata else 0.3 * iit + 0.3 * eit + 0.4 * oit
            rating = "" if nodata else rating_for(rules, total, {}).name_th
            rows.append(
                {
                    "agency": rec.code,
                    "name": rec.name,
                    "province": rec.province,
                    "type": rec.type,
                    "parent": rec.parent,
                    "oit_done": done,
                    "oit_total": len(ITEMS),
                    "oit": oit,
                    "iit": iit,
                    "eit": eit,
                    "total": total,
                    "rating": rating,
                    "passed": bool(not nodata and total >= 85),
                }
            )
            for number, name in INDICATORS.items():
                base = iit if number <= 5 else eit if number <= 8 else oit
                score = np.nan if nodata else float(np.clip(base + (number % 3 - 1) * 4, 0, 100))
                scores.append(
                    {"agency": rec.code, "indicator": number, "name": name, "score": score}
                )
        return pd.DataFrame(rows), pd.DataFrame(scores)

    def rollup_of(self, scope: Scope | None = None, as_of: datetime | None = None) -> Rollup:
        scope = scope or Scope.all()
        idx = [i for i, r in enumerate(self.records) if scope.covers(r)]
        agencies, indicators = self.agency_rows(idx)
        lacking = (~self.has[idx]).sum(axis=0) if idx else np.zeros(len(ITEMS), dtype=int)
        missing = pd.DataFrame(
            {
                "item": ITEMS,
                "name": [f"ข้อมูลที่ต้องเปิดเผยข้อ {item[1:]}" for item in ITEMS],
                "agencies_missing": lacking.astype(int),
                "share": lacking / max(len(idx), 1),
            }
        ).sort_values(["agencies_missing", "item"], ascending=[False, True], kind="stable")
        days = [date(2565, 10, 31), date(2565, 12, 31), date(2566, 2, 28), date(2566, 3, 31)]
        days = [date(d.year - 543, d.month, d.day) for d in days]
        passing = int(agencies["passed"].sum()) if len(agencies) else 0
        share = float(self.has[idx].mean()) if idx else 0.0
        progress = pd.DataFrame(
            {
                "day": days,
                "agencies_passing": [passing * k // 4 for k in range(1, 5)],
                "mean_oit_done_share": [share * k / 4 for k in range(1, 5)],
            }
        )
        return Rollup(
            year=YEAR,
            as_of=as_of,
            agencies=agencies.reset_index(drop=True),
            indicators=indicators,
            missing=missing.reset_index(drop=True),
            progress=progress,
        )

    def register(self, store: Any) -> None:
        """The agencies into a real store's registry (a drill-down opens one of them)."""
        from ita_model.auth import Actor

        store.register_agencies(self.records, user=Actor.single_user())

    def compute(self, store: Any, *, year: int, scope: Scope, as_of: Any) -> Rollup:
        """In place of ``app_pages._rollup.compute``."""
        return self.rollup_of(scope, as_of)


def fill_store(store: Any, n: int = 12, *, year: int = 2565) -> list[AgencyRecord]:
    """A real store of ``n`` agencies in three provinces: a system admin (``boss``), a supervisor
    of the first province (``watcher``), an editor per agency, and agency ``i`` sending the
    sample's scores and its first ``1 + i % 14`` OIT workbooks (so that their progress
    differs), each checked once and stored per agency."""
    from ita_model.auth import Actor, Role
    from ita_model.fiscal import THAILAND
    from ita_model.sample import sample_files, sample_organisation
    from ita_model.validate import validate_file

    records = [
        AgencyRecord(
            code=f"R{i:03d}",
            name=f"อบต.ทดสอบ {i}",
            type=TYPES[i % 2],
            province=PROVINCES[i % 3],
            parent=PARENTS[0],
        )
        for i in range(1, n + 1)
    ]
    store.register_agencies(records, user=Actor.single_user())
    boss = Actor.single_user()
    store.accounts.add("boss", Role.ADMIN, "boss-password", user=boss, rounds=4, scope="all")
    # a supervisor of one province (พะเยา): reads its agencies, writes none
    store.accounts.add(
        "watcher", Role.SUPERVISOR, "watcher-password", user="boss", rounds=4,
        scope=f"province:{PROVINCES[0]}",
    )  # fmt: skip
    org = sample_organisation()
    files = sample_files()
    oit = [p for p in files if p.name.startswith("oit_")]
    scores = next(p for p in files if p.name == "scores.xlsx")
    checked = {
        p: validate_file(p.read_bytes(), p.name, year=year, organisation=org)
        for p in [scores, *oit]
    }
    for i, record in enumerate(records, start=1):
        editor = f"editor{i}"
        store.accounts.add(editor, Role.EDITOR, None, user="boss", rounds=4, agency=record.code)
        bound = store.for_agency(record.code, user="boss")
        # a minute apart: a submission's id is its moment and its bytes
        at = datetime(2022, 3, 1, 9, tzinfo=THAILAND) + pd.Timedelta(minutes=i)
        for path in [scores, *oit[: 1 + i % len(oit)]]:
            report = checked[path]
            bound.submit(
                path.read_bytes(), path.name, user=editor, year=year,
                division=report.division, report=report, accept=True, at=at,
            )  # fmt: skip
    return records
