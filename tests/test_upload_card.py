"""The legal unit's upload card (AppTest): a typo's suggestion in Thai only (codes and English on
demand), the annotated workbook beside the errors, an "accept the valid rows" that says which
done items it would undo and asks first, one error count for a file that cannot be read."""

from __future__ import annotations

import pytest

from ita_model.framework import load_framework
from ita_model.i18n import t
from ita_model.organisation import load_organisation
from ita_model.readiness import compute_readiness, load_dataset
from ita_model.sample import is_sample
from ita_model.store import open_store
from tests.conftest import SAMPLE
from tests.test_app import XLSX, filled_workbook, open_app, texts

DIVISION = "finance"


def finance_done() -> list[str]:
    """The items ฝ่าย finance has done in the sample, in framework order."""
    r = compute_readiness(load_dataset([SAMPLE]), load_framework(2565), load_organisation())
    return [
        rec.item
        for rec in r.items.itertuples(index=False)
        if rec.owner_status.get(DIVISION) == "done"
    ]


def issues_table(at: object) -> object:
    found = [df for df in at.dataframe if "message" in df.value.columns]
    assert found, "no problems table"
    return found[0]


@pytest.mark.usefixtures("data_dir")
def test_valid_rows_only_counts_and_warns_about_the_done_items_it_would_undo() -> None:
    done = finance_done()
    assert len(done) >= 3
    broken = done[:2]  # two done items whose new rows carry a typo in the status

    def fill(row: int, item: str) -> tuple[str, str | None]:
        if item in broken:
            return "ดำเนนการแล้ว", "https://www.pao-phayao.go.th/ita/x"
        if item in done:
            return "ดำเนินการแล้ว", "https://www.pao-phayao.go.th/ita/x"
        return "อยู่ระหว่างดำเนินการ", None

    at = open_app("app_pages/data_in.py")
    at.file_uploader(key="uploads").set_value([("finance.xlsx", filled_workbook(DIVISION, fill),
                                                XLSX)])  # fmt: skip
    at.run()
    assert not at.exception, [e.value for e in at.exception]

    # the problems: the nearest word suggested, the Thai message only until asked
    table = issues_table(at)
    typo = table.value[table.value["code"] == "unknown_status"]
    assert len(typo) == 2
    assert all("หมายถึง 'ดำเนินการแล้ว' หรือไม่?" in m for m in typo["message"])
    assert list(table.proto.column_order) == ["severity_label", "sheet", "row", "column",
                                              "message"]  # fmt: skip
    codes = [w for w in at.toggle if w.label == t("report.show_codes")]
    assert codes
    codes[0].set_value(True).run()
    assert list(issues_table(at).proto.column_order)[-2:] == ["code", "other"]

    # our template's guide sheet is neither a problem nor listed beside the data sheets
    assert "sheet_not_recognised" not in set(table.value["code"])
    assert "คำแนะนำ" not in texts(at)

    # the annotated workbook, right here
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("history.download_annotated") in labels

    # the count that moves, and the warning before the button
    caption = texts(at)
    n = len(done)
    assert t("data_in.division_done_moves", before=n, after=n - 2) in caption
    warnings = " ".join(w.value for w in at.warning)
    assert t("data_in.undoes_done", n=2, items="").split(":")[0] in warnings
    assert all(item in warnings for item in broken)
    accept = next(b for b in at.button if b.label == t("data_in.accept"))
    assert accept.disabled
    at.checkbox(key=next(c.key for c in at.checkbox if c.key.startswith("force_"))).check().run()
    accept = next(b for b in at.button if b.label == t("data_in.accept"))
    assert accept.disabled  # the undone items still to be acknowledged
    at.checkbox(key=next(c.key for c in at.checkbox if c.key.startswith("undo_ok_"))).check()
    at.run()
    accept = next(b for b in at.button if b.label == t("data_in.accept"))
    assert not accept.disabled
    accept.click().run()
    assert not at.exception
    assert t("data_in.accepted_now") in [s.value for s in at.success]


@pytest.mark.usefixtures("data_dir")
def test_a_renamed_pdf_counts_one_error_on_the_card_and_in_the_store() -> None:
    at = open_app("app_pages/data_in.py")
    pdf = b"%PDF-1.4\n" + b"0" * 2000
    at.file_uploader(key="uploads").set_value([("legal.xlsx", pdf, XLSX)])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("report.summary", errors=1, warnings=0) in texts(at)
    subs = [s for s in open_store().submissions() if not is_sample(s)]
    assert [s.errors for s in subs] == [1]
